// `wa accounts`: every WhatsApp Business Account the token can see (debug_token's granular scopes) with each
// phone number's id, display number, verified name, status and quality, so the right phone number id can be
// found without the Meta dashboard. Reads WHATSAPP_ACCESS_TOKEN, META_APP_ID + WHATSAPP_APP_SECRET (optional:
// debug_token with the app token) and GRAPH_BASE_URL; with none set, the Graph sandbox of a running npm start.
import { assessToken, describeHealth } from '../../lambdas/domain/token/token-health.js';
import { discoverAccounts, failureOf } from '../../lambdas/adapters/meta/diagnose-facts.js';
import { metaConfigFromEnv } from '../../lambdas/adapters/meta/meta-config.js';
import { graphFor } from '../../lambdas/adapters/meta/token-authority.js';
import { localTokenAuthority } from './token.js';
import { parseCommand, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';
import { graphFailureExit } from './failures.js';
import { withGraphSandbox } from './local-runner.js';

const USAGE = `usage: wa accounts [--json]
Lists the WhatsApp Business Accounts and phone numbers WHATSAPP_ACCESS_TOKEN can see (GRAPH_BASE_URL, default
graph.facebook.com; with neither set, the Graph sandbox of a running npm start).
The configured WHATSAPP_PHONE_NUMBER_ID is marked with *.`;

const options = { json: { type: 'boolean', description: 'print { wabas } as one JSON document' } } as const satisfies Flags;

export async function run(args: string[], given: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: false, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const { env, missing } = await withGraphSandbox(given);
  const token = env['WHATSAPP_ACCESS_TOKEN']?.trim();
  if (!token) {
    console.error(`WHATSAPP_ACCESS_TOKEN is not set: export the token whose accounts you want to list${missing ? ` (${missing})` : ''}`);
    return EXIT.usage;
  }
  const config = metaConfigFromEnv(env);
  try {
    const health = assessToken(await localTokenAuthority(env).inspect(token), new Date());
    if (!health.valid) {
      console.error(`cannot list accounts: the ${describeHealth(health)}`);
      return EXIT.failed;
    }
    const wabas = await discoverAccounts(graphFor(token, config.graph), health.wabaIds);
    if (v.json) {
      console.log(JSON.stringify({ wabas }, null, 2));
      return EXIT.done;
    }
    if (!wabas.length) {
      console.log('debug_token lists no WhatsApp Business Account for this token: assign one to the system user (Business Settings > System users > Assign assets).');
      return EXIT.failed;
    }
    for (const waba of wabas) {
      console.log(`WABA ${waba.id}${waba.name ? `  ${waba.name}` : ''}`);
      if (waba.listError) {
        console.log(`  cannot list phone numbers: ${waba.listError.message}${waba.listError.hint ? ` (${waba.listError.hint})` : ''}`);
        continue;
      }
      if (!waba.phoneNumbers.length) {
        console.log('  no phone numbers');
        continue;
      }
      const rows = [['', 'PHONE NUMBER ID', 'NUMBER', 'VERIFIED NAME', 'STATUS', 'QUALITY']].concat(
        waba.phoneNumbers.map((p) => [
          p.id === config.phoneNumberId ? '*' : '',
          p.id,
          p.displayPhoneNumber ?? '',
          p.verifiedName ?? '',
          p.status ?? '',
          p.qualityRating ?? '',
        ]),
      );
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`);
    }
    if (config.phoneNumberId && !wabas.some((w) => w.phoneNumbers.some((p) => p.id === config.phoneNumberId))) {
      const isWaba = wabas.some((w) => w.id === config.phoneNumberId);
      console.log(
        `\nWHATSAPP_PHONE_NUMBER_ID=${config.phoneNumberId} is ${isWaba ? 'a WABA id, not a phone number id' : 'not among these numbers'}: use a PHONE NUMBER ID from above.`,
      );
    }
    return EXIT.done;
  } catch (error) {
    const f = failureOf(error);
    console.error(`accounts: ${f.message}${f.hint ? `\n  ${f.hint}` : ''}`);
    return graphFailureExit(f);
  }
}
