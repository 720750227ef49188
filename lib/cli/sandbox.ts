// `wa sandbox fail <code> [--times n] [--http-status s]`, `wa sandbox stall <ms> [--times n]` and `wa sandbox sent`:
// steer and inspect the Graph sandbox of a running `npm start` (local-only routes, admin bearer token).
import { SANDBOX_FAIL_PATH, SANDBOX_SENT_PATH, SANDBOX_STALL_PATH } from '../local/graph-service.js';
import { adminRequest, AdminRequestError } from './admin-request.js';
import { LOCAL_API_OPTION, parseCommand, usageError, UsageError, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';

const USAGE = `usage:
  wa sandbox fail <Meta error code> [--times <n>] [--http-status <status>]   next message sends fail (e.g. 130429, 131000, 131026)
  wa sandbox stall <milliseconds> [--times <n>]                              next message sends hang that long (a Graph timeout is 10 s)
  wa sandbox sent [--json]                                                  what the sandbox accepted`;

const options = {
  times: { type: 'string', value: '<n>', description: 'fail, stall: how many sends (default 1)' },
  'http-status': { type: 'string', value: '<status>', description: 'fail: the HTTP status of the error answer' },
  json: { type: 'boolean', description: 'sent: print the list as one JSON document' },
  ...LOCAL_API_OPTION,
} as const satisfies Flags;

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, allowPositionals: true, strict: true, options }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const [action, code] = parsed.positionals;
  const v = parsed.values;
  const target = v.api ? { api: v.api, env } : { local: true, env };
  try {
    if (action === 'fail' && code && /^\d+$/.test(code)) {
      if (v.times !== undefined && !/^\d+$/.test(v.times)) throw new UsageError(`--times must be a positive integer, got "${v.times}"`);
      if (v['http-status'] !== undefined && !/^\d{3}$/.test(v['http-status'])) throw new UsageError(`--http-status must be an HTTP status, got "${v['http-status']}"`);
      const body = {
        code: Number(code),
        ...(v.times !== undefined ? { times: Number(v.times) } : {}),
        ...(v['http-status'] !== undefined ? { httpStatus: Number(v['http-status']) } : {}),
      };
      return report(await adminRequest('POST', SANDBOX_FAIL_PATH, { ...target, body }), (b) => {
        const failing = (b as { failing: { code: number; times: number } }).failing;
        return `the next ${failing.times} message send(s) fail with Meta error ${failing.code}`;
      });
    }
    if (action === 'stall' && code && /^\d+$/.test(code)) {
      if (v.times !== undefined && !/^\d+$/.test(v.times)) throw new UsageError(`--times must be a positive integer, got "${v.times}"`);
      const body = { ms: Number(code), ...(v.times !== undefined ? { times: Number(v.times) } : {}) };
      return report(await adminRequest('POST', SANDBOX_STALL_PATH, { ...target, body }), (b) => {
        const stalling = (b as { stalling: { ms: number; times: number } }).stalling;
        return `the next ${stalling.times} message send(s) hang for ${stalling.ms} ms`;
      });
    }
    if (action === 'sent') {
      return report(await adminRequest('GET', SANDBOX_SENT_PATH, target), (b) => {
        const sent = (b as { sent: { wamid: string; type: string; waId?: string; userId?: string; at: string }[] }).sent;
        return sent.map((s) => `${s.at}  ${s.wamid}  ${s.type}  to ${s.waId ?? s.userId ?? '?'}`).join('\n') || '(nothing sent yet)';
      }, v.json);
    }
    throw new UsageError(action ? `unknown or incomplete sandbox command "${parsed.positionals.join(' ')}"` : 'a sandbox command is required');
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, USAGE);
    if (error instanceof AdminRequestError) {
      console.error(error.message);
      return EXIT.usage;
    }
    throw error;
  }
}

function report(res: { status: number; body: unknown }, describe: (body: unknown) => string, json = false): number {
  if (res.status !== 200) {
    console.error(`the local runner answered ${res.status}: ${(res.body as { error?: string })?.error ?? JSON.stringify(res.body)}`);
    return res.status === 401 ? EXIT.usage : EXIT.failed;
  }
  console.log(json ? JSON.stringify(res.body, null, 2) : describe(res.body));
  return EXIT.done;
}
