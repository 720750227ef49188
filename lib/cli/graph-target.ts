// The Graph side of the commands that talk to Meta directly (`wa templates`, `wa subscribe`): the token from
// WHATSAPP_ACCESS_TOKEN (GRAPH_BASE_URL for the sandbox, where `npm start`'s defaults fill what is unset), and
// the WABA: --waba, else the one that owns WHATSAPP_PHONE_NUMBER_ID, else the only one the token can see.
import { discoverAccounts, failureOf } from '../../lambdas/adapters/meta/diagnose-facts.js';
import type { GraphClient } from '../../lambdas/adapters/meta/graph-client.js';
import { metaConfigFromEnv } from '../../lambdas/adapters/meta/meta-config.js';
import { graphFor } from '../../lambdas/adapters/meta/token-authority.js';
import { assessToken, describeHealth } from '../../lambdas/domain/token/token-health.js';
import { DEFAULT_APP_ID } from '../local/graph-sandbox.js';
import { localSettings } from '../local/defaults.js';
import { isLoopback } from './admin-request.js';
import { parseCommand, usageError, UsageError, type Flags } from './args.js';
import { localTokenAuthority } from './token.js';

/** A problem with the token or the account the person has to fix (exit 1), as opposed to a usage error (2). */
export class GraphTargetError extends Error {}

/** Against a Graph sandbox on this machine, what `npm start` uses fills in whatever the caller left unset. */
export function withLocalDefaults(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const graph = env['GRAPH_BASE_URL'];
  if (!graph || !isLoopback(graph)) return env;
  return { ...localSettings(env), META_APP_ID: DEFAULT_APP_ID, ...env };
}

/** One line for a failed Graph call or target: Meta's message with the hint graph-errors.ts gives for its code. */
export function graphFailure(error: unknown): string {
  if (error instanceof GraphTargetError) return error.message;
  const f = failureOf(error);
  return `${f.message}${f.hint ? ` (${f.hint})` : ''}`;
}

export async function graphTarget(rawEnv: NodeJS.ProcessEnv, waba?: string): Promise<{ graph: GraphClient; wabaId: string; env: NodeJS.ProcessEnv }> {
  const env = withLocalDefaults(rawEnv);
  const token = env['WHATSAPP_ACCESS_TOKEN']?.trim();
  if (!token) throw new UsageError('WHATSAPP_ACCESS_TOKEN is not set: export the access token (GRAPH_BASE_URL too for the local sandbox)');
  const config = metaConfigFromEnv(env);
  const graph = graphFor(token, config.graph);
  if (waba) {
    if (!/^\d+$/.test(waba)) throw new UsageError(`--waba must be a WhatsApp Business Account id (digits), got "${waba}"`);
    return { graph, wabaId: waba, env };
  }
  const health = assessToken(await localTokenAuthority(env).inspect(token), new Date());
  if (!health.valid) throw new GraphTargetError(`the ${describeHealth(health)}`);
  const accounts = await discoverAccounts(graph, health.wabaIds);
  const owner = config.phoneNumberId ? accounts.find((w) => w.phoneNumbers.some((p) => p.id === config.phoneNumberId)) : undefined;
  if (owner) return { graph, wabaId: owner.id, env };
  if (accounts.length === 1) return { graph, wabaId: accounts[0]!.id, env };
  if (!accounts.length) throw new GraphTargetError('the token can see no WhatsApp Business Account: assign one to the system user (Business Settings > System users > Assign assets)');
  throw new UsageError(`the token can see ${accounts.length} WABAs (${accounts.map((w) => w.id).join(', ')}): choose one with --waba <id>`);
}

/** The flags of the commands that act on one WhatsApp Business Account (wa templates, wa subscribe). */
export const WABA_OPTIONS = {
  waba: { type: 'string', value: '<id>', description: 'the WhatsApp Business Account (default: the one that owns the phone number)' },
  json: { type: 'boolean', description: 'print one JSON document' },
} as const satisfies Flags;

/**
 * A command on one WABA (wa templates, wa subscribe): its flags parsed, the Graph client and WABA found, `act`
 * run; a usage problem is exit 2 with the usage, a Graph or target failure exit 1 (as `{ error }` with --json).
 */
export async function runOnWaba(
  name: string,
  usage: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  act: (target: { graph: GraphClient; wabaId: string; json: boolean }) => Promise<number>,
): Promise<number> {
  const parsed = parseCommand({ args, options: WABA_OPTIONS, allowPositionals: false, strict: true }, usage);
  if (typeof parsed === 'number') return parsed;
  const json = parsed.values.json === true;
  try {
    const { graph, wabaId } = await graphTarget(env, parsed.values.waba);
    return await act({ graph, wabaId, json });
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, usage);
    const message = graphFailure(error);
    if (json) console.log(JSON.stringify({ error: message }));
    else console.error(`${name}: ${message}`);
    return 1;
  }
}
