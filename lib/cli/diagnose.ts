// `wa diagnose`: every configuration check as a table of ok | warn | fail with a hint each.
//   (no flag)      in this process, from the environment: WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID,
//                  WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, META_APP_ID, GRAPH_BASE_URL (the sandbox)
//   --local        GET /diagnose on the local runner (Bearer $ADMIN_TOKEN)
//   --api <url>    GET /diagnose on that API (SigV4; Bearer for a 127.0.0.1 URL)
//   --aws          GET /diagnose on the deployed stack's ApiUrl (SigV4)
// Exit code 0 when nothing fails, 1 when a check fails, 2 on a usage or transport error.
import { diagnose, formatReport, type DiagnoseReport } from '../../lambdas/domain/diagnose/diagnose.js';
import { expiryWarnDaysFromEnv, gatherDiagnoseFacts, sourcesFromEnv, tokenHomeFromEnv } from '../../lambdas/adapters/meta/diagnose-facts.js';
import { DEFAULT_APP_ID } from '../local/graph-sandbox.js';
import { localSettings } from '../local/defaults.js';
import { adminRequest, isLoopback } from './admin-request.js';
import { parseCommand, TARGET_OPTIONS } from './args.js';

const USAGE = `usage: wa diagnose [--json] [--local | --api <url> | --aws [--stack <name>]]
  (no flag)    run the checks here, from WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET,
               WHATSAPP_VERIFY_TOKEN, META_APP_ID and GRAPH_BASE_URL
  --local      ask the local runner (http://127.0.0.1:3000, Bearer $ADMIN_TOKEN)
  --api <url>  ask that API's GET /diagnose (SigV4-signed; Bearer $ADMIN_TOKEN for 127.0.0.1)
  --aws        ask the deployed stack (ApiUrl output of --stack, default WhatsAppBusiness)
  --json       print the report as JSON
exit code: 0 all ok or warn, 1 a check failed, 2 usage or connection error`;

const options = {
  json: { type: 'boolean' },
  ...TARGET_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: false, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  let report: DiagnoseReport;
  try {
    if (v.local || v.api || v.aws) {
      const res = await adminRequest('GET', '/diagnose', {
        env,
        ...(v.api ? { api: v.api } : {}),
        ...(v.local ? { local: true } : {}),
        ...(v.stack ? { stackName: v.stack } : {}),
      });
      if (res.status !== 200 || !isReport(res.body)) {
        console.error(`GET /diagnose answered ${res.status}: ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
        return 2;
      }
      report = res.body;
    } else {
      const direct = withLocalDefaults(env);
      const facts = await gatherDiagnoseFacts(sourcesFromEnv(direct));
      report = diagnose(facts, { now: new Date(), expiryWarnDays: expiryWarnDaysFromEnv(direct), tokenHome: tokenHomeFromEnv(direct) });
    }
  } catch (error) {
    console.error(`diagnose: ${(error as Error).message}`);
    return 2;
  }
  console.log(v.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? 0 : 1;
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
