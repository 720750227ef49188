// `wa test --to <number>`: the token guide's test script as one command, through the admin API (local runner
// or deployed stack): the token and the phone number (GET /diagnose), a send (a text, or the hello_world
// template when the 24-hour window is closed), then the message followed to `delivered`. A line per step;
// --json prints one document. Exit 0 when every step passed, 1 when one failed.
import type { DiagnoseReport } from '../../lambdas/domain/diagnose/diagnose.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../local/defaults.js';
import { adminRequest, type AdminOptions } from './admin-request.js';
import { bodyOf, refusal } from './api-answer.js';
import { adminTarget, parseCommand, TARGET_OPTIONS, usageError, type Flags } from './args.js';

export const description = 'end-to-end check: token, number, a send to --to, followed to delivered';

const USAGE = `usage: wa test --to <phone or BSUID> [--text <text>] [--timeout <seconds>] [--json] [target]
Checks the access token and the phone number (GET /diagnose), sends --text (default "wa test <time>") or, when
the customer has not written in the last 24 hours, the hello_world template, and follows the message until
Meta reports it delivered (default timeout 60 s).
target (default: the local runner if one answers at http://${DEFAULT_HOST}:${DEFAULT_PORT}, else the deployed stack):
  --local | --api <url> | --aws [--stack <name>]
exit code: 0 every step passed, 1 a step failed, 2 usage or connection error`;

const options = {
  to: { type: 'string', value: '<number>', description: 'the phone number or BSUID to send the test message to' },
  text: { type: 'string', value: '<text>', description: 'the text to send (default "wa test <time>")' },
  timeout: { type: 'string', value: '<seconds>', description: 'how long to wait for delivered (default 60)' },
  json: { type: 'boolean', description: 'print one JSON document' },
  ...TARGET_OPTIONS,
} as const satisfies Flags;

export interface TestStep {
  step: 'token' | 'number' | 'send' | 'delivered';
  ok: boolean;
  detail: string;
}

const DELIVERED = new Set(['delivered', 'read', 'played']);

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: false, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  let timeoutSeconds = 60;
  if (!v.to) return usageError('--to <phone or BSUID> is required', USAGE);
  if (v.timeout !== undefined) {
    if (!/^\d+$/.test(v.timeout) || Number(v.timeout) < 1) return usageError('--timeout must be a whole number of seconds', USAGE);
    timeoutSeconds = Number(v.timeout);
  }
  const steps: TestStep[] = [];
  const record = (step: TestStep) => {
    steps.push(step);
    if (!v.json) console.log(`${step.ok ? 'ok  ' : 'FAIL'}  ${step.step.padEnd(9)}  ${step.detail}`);
    return step.ok;
  };
  try {
    const to = await adminTarget(v, env);
    if (await checkAccount(to, record)) {
      const id = await send(to, v.to!, v.text ?? `wa test ${new Date().toISOString()}`, record);
      if (id) await follow(to, id, timeoutSeconds, record);
    }
  } catch (error) {
    console.error(`test: ${(error as Error).message}`);
    return 2;
  }
  const ok = steps.length === 4 && steps.every((s) => s.ok);
  if (v.json) console.log(JSON.stringify({ ok, steps }));
  return ok ? 0 : 1;
}

type RecordStep = (step: TestStep) => boolean;

async function checkAccount(to: AdminOptions, record: RecordStep): Promise<boolean> {
  const res = await adminRequest('GET', '/diagnose', to);
  const report = res.body as DiagnoseReport | undefined;
  if (res.status !== 200 || !Array.isArray(report?.checks)) return record({ step: 'token', ok: false, detail: refusal('GET /diagnose', res) });
  const find = (id: string) => report.checks.find((c) => c.id === id);
  const token = find('token-valid');
  if (!record({ step: 'token', ok: token?.status === 'ok', detail: token ? `${token.detail}${token.hint ? ` -> ${token.hint}` : ''}` : 'no token check in the report' })) return false;
  const failing = ['phone-configured', 'phone-not-waba', 'phone-exists', 'phone-status'].map(find).find((c) => c && c.status === 'fail');
  const phone = find('phone-exists');
  return record(failing
    ? { step: 'number', ok: false, detail: `${failing.title}: ${failing.detail}${failing.hint ? ` -> ${failing.hint}` : ''}` }
    : { step: 'number', ok: true, detail: `${phone?.detail ?? 'configured'} (${find('phone-status')?.detail ?? 'status not reported'})` });
}

/** The wamid, or undefined when the send was refused. */
async function send(to: AdminOptions, recipient: string, text: string, record: RecordStep): Promise<string | undefined> {
  let res = await adminRequest('POST', '/messages', { ...to, body: { to: recipient, text } });
  let what = 'text';
  // 409: the customer has not written within 24 hours, so only a template may open the conversation.
  if (res.status === 409) {
    res = await adminRequest('POST', '/messages', { ...to, body: { to: recipient, template: { name: 'hello_world', language: 'en_US' } } });
    what = 'template hello_world (the 24-hour window is closed)';
  }
  const id = bodyOf(res)['id'];
  if (res.status !== 201 || typeof id !== 'string') {
    record({ step: 'send', ok: false, detail: refusal('POST /messages', res) });
    return undefined;
  }
  record({ step: 'send', ok: true, detail: `${what} accepted as ${id}` });
  return id;
}

async function follow(to: AdminOptions, id: string, timeoutSeconds: number, record: RecordStep): Promise<boolean> {
  const end = Date.now() + timeoutSeconds * 1000;
  let status = 'accepted';
  while (Date.now() < end) {
    const res = await adminRequest('GET', `/messages/${encodeURIComponent(id)}`, to);
    const message = bodyOf(res);
    status = typeof message['status'] === 'string' ? message['status'] : status;
    if (DELIVERED.has(status)) return record({ step: 'delivered', ok: true, detail: `${id} ${status}` });
    if (status === 'failed') {
      const error = (message['errors'] as { code?: unknown; title?: unknown }[] | undefined)?.[0] ??
        (message['statuses'] as { errors?: { code?: unknown; title?: unknown }[] }[] | undefined)?.at(-1)?.errors?.[0];
      return record({ step: 'delivered', ok: false, detail: `${id} failed${error ? `: ${String(error.code)} ${String(error.title ?? '')}`.trimEnd() : ''}` });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return record({ step: 'delivered', ok: false, detail: `${id} still ${status} after ${timeoutSeconds} s: are status webhooks reaching the API? (wa diagnose checks the subscription)` });
}
