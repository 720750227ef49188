// `wa diagnose`: every configuration check as a table of ok | warn | fail | skip with a hint each.
//   (no flag)      in this process, from the environment (WHATSAPP_ACCESS_TOKEN, ... GRAPH_BASE_URL); with none
//                  of them set and `npm start` running, GET /diagnose on it
//   --local        GET /diagnose on the local runner (Bearer $ADMIN_TOKEN)
//   --api <url>    GET /diagnose on that API (SigV4; Bearer for a 127.0.0.1 URL)
//   --aws          GET /diagnose on the deployed stack's ApiUrl (SigV4)
import { diagnose, formatReport, type DiagnoseReport } from '../../lambdas/domain/diagnose/diagnose.js';
import { expiryWarnDaysFromEnv, gatherDiagnoseFacts, sourcesFromEnv, tokenHomeFromEnv } from '../../lambdas/adapters/meta/diagnose-facts.js';
import { DEFAULT_APP_ID } from '../local/graph-sandbox-accounts.js';
import { localSettings } from '../local/defaults.js';
import { adminRequest, isLoopback, type AdminOptions } from './admin-request.js';
import { parseCommand, TARGET_OPTIONS, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';
import { localAddress, localRunnerAnswers } from './local-runner.js';

const USAGE = `usage: wa diagnose [--json] [--local | --api <url> | --aws [--stack <name>]]
With no target flag the checks run here, from WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID,
WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, META_APP_ID and GRAPH_BASE_URL; when none of those is set, the API
at $WA_API, or npm start if it answers (127.0.0.1:$PORT), is asked instead (GET /diagnose). A check whose prerequisite failed is skipped, naming why.
Exit code 1 when a check fails.`;

const options = {
  json: { type: 'boolean', description: 'print the report as one JSON document' },
  ...TARGET_OPTIONS,
} as const satisfies Flags;

const GRAPH_VARIABLES = ['WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'META_APP_ID', 'GRAPH_BASE_URL'];

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: false, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  let report: DiagnoseReport;
  try {
    const remote = await remoteTarget(v, env);
    if (remote) {
      const res = await adminRequest('GET', '/diagnose', remote);
      if (res.status !== 200 || !isReport(res.body)) {
        console.error(`GET /diagnose answered ${res.status}: ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
        return res.status === 401 || res.status === 403 ? EXIT.usage : EXIT.failed;
      }
      report = res.body;
    } else {
      const direct = withLocalDefaults(env);
      const facts = await gatherDiagnoseFacts(sourcesFromEnv(direct));
      report = diagnose(facts, { now: new Date(), expiryWarnDays: expiryWarnDaysFromEnv(direct), tokenHome: tokenHomeFromEnv(direct) });
    }
  } catch (error) {
    console.error(`diagnose: ${(error as Error).message}`);
    return EXIT.usage;
  }
  console.log(v.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? EXIT.done : EXIT.failed;
}

/** The API to ask, or undefined to run the checks in this process. */
async function remoteTarget(v: { local?: boolean; api?: string; aws?: boolean; stack?: string }, env: NodeJS.ProcessEnv): Promise<AdminOptions | undefined> {
  const common: AdminOptions = { env, ...(v.stack ? { stackName: v.stack } : {}) };
  if (v.api) return { ...common, api: v.api };
  if (v.local) return { ...common, local: true };
  if (v.aws) return common;
  if (GRAPH_VARIABLES.some((k) => env[k]?.trim())) return undefined;
  const fromEnv = env['WA_API']?.trim();
  if (fromEnv) return { ...common, api: fromEnv };
  return (await localRunnerAnswers(localAddress(env))) ? { ...common, local: true } : undefined;
}

/** Against a Graph sandbox on this machine, what `npm start` uses fills in whatever the caller left unset. */
function withLocalDefaults(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const graph = env['GRAPH_BASE_URL'];
  if (!graph || !isLoopback(graph)) return env;
  return { ...localSettings(env), META_APP_ID: DEFAULT_APP_ID, ...env };
}

function isReport(body: unknown): body is DiagnoseReport {
  return typeof body === 'object' && body !== null && Array.isArray((body as DiagnoseReport).checks) && typeof (body as DiagnoseReport).ok === 'boolean';
}
