// `npm start` and `npx wa send` as separate processes, over HTTP only: the local runner with the Graph sandbox
// (no WHATSAPP_ACCESS_TOKEN), a customer simulated through signed webhooks, the CLI sending, and the sandbox's
// status webhooks moving the message to delivered and read.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRequest, textDelivery } from '../../lib/local/meta-payloads.js';
import { LocalProcess } from '../support/local-process.js';

const run = promisify(execFile);
const secrets = {
  WHATSAPP_APP_SECRET: 'send-e2e-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'send-e2e-verify-token',
  ADMIN_TOKEN: 'send-e2e-admin-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242923',
};
let local: LocalProcess;
const url = (path: string) => local.url(path);
const quietEnv = { ...secrets, POWERTOOLS_LOG_LEVEL: 'WARN', NODE_NO_WARNINGS: '1' };
const noRealToken = ['WHATSAPP_ACCESS_TOKEN', 'GRAPH_BASE_URL'];

/** The user's environment without a real token: local mode must pick the sandbox. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...quietEnv };
  for (const name of noRealToken) delete env[name];
  return env;
}

beforeAll(async () => {
  local = await LocalProcess.open({ name: 'wa-send-e2e-', env: { ...quietEnv, GRAPH_SANDBOX_STATUS_DELAY_MS: '100' }, without: noRealToken, adminToken: secrets.ADMIN_TOKEN });
  await local.start();
}, 90_000);

afterAll(async () => {
  await local?.close();
});

async function wa(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return waCommand('send', ...args);
}

async function waCommand(command: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'bin/wa.ts', command, '--api', url(''), ...args], { env: childEnv() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function customerWrites(waId: string, text: string, when = new Date()): Promise<string> {
  const built = textDelivery({ phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID, waId, name: 'Customer', text, timestamp: when });
  const req = signedRequest(built.delivery, secrets.WHATSAPP_APP_SECRET);
  const res = await fetch(url('/webhooks/whatsapp'), { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) });
  expect(res.status).toBe(200);
  return built.messageId;
}

async function adminGet(path: string): Promise<Record<string, unknown>> {
  return (await (await local.adminFetch(path)).json()) as Record<string, unknown>;
}

describe('wa send against npm start with the Graph sandbox', () => {
  it('says in the banner that the sandbox and the queues run', () => {
    expect(local.output).toMatch(/graph\s+http:\/\/127\.0\.0\.1:\d+ \(Graph sandbox/);
    expect(local.output).toMatch(/consumer\s+sender polls outbound/);
  });

  it('returns a wamid whose status moves to delivered, then read, in order', async () => {
    await customerWrites('996555000111', 'hello');
    const sent = await wa('--to', '+996 555 000 111', '--text', 'Thanks for writing!', '--json');
    expect(sent.code).toBe(0);
    const { id, status } = JSON.parse(sent.stdout) as { id: string; status: string };
    expect(id).toMatch(/^wamid\./);
    expect(status).toBe('accepted');
    const read = await local.waitFor(async () => {
      const m = await adminGet(`/messages/${encodeURIComponent(id)}`);
      return m['status'] === 'read' ? m : undefined;
    }, 'the message read', 15_000);
    expect((read['statuses'] as { status: string }[]).map((s) => s.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    expect(read).toMatchObject({ direction: 'out', type: 'text', text: 'Thanks for writing!', contactId: '996555000111' });
  }, 60_000);

  it('--wait follows the status until read', async () => {
    await customerWrites('996555000112', 'hi');
    const sent = await wa('--to', '+996555000112', '--text', 'watch this', '--wait');
    expect(sent.code).toBe(0);
    const lines = sent.stdout.trim().split('\n').map((l) => l.split(' ')[1]);
    expect(lines).toEqual(['accepted', 'sent', 'delivered', 'read']);
  }, 60_000);

  it('refuses free-form text to a customer silent for 25 hours with the hint, and sends the template', async () => {
    await customerWrites('996555000113', 'old message', new Date(Date.now() - 25 * 3600_000));
    const text = await wa('--to', '+996555000113', '--text', 'anyone?');
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/409/);
    expect(text.stderr).toMatch(/hint: .*template/);
    const template = await wa('--to', '+996555000113', '--template', 'hello_world', '--lang', 'ru', '--param', 'Aigul');
    expect(template.code).toBe(0);
    expect(template.stdout).toMatch(/^wamid\.\S+ accepted$/m);
  }, 60_000);

  it('sends once for the same --idempotency-key', async () => {
    await customerWrites('996555000114', 'hi');
    const first = await wa('--to', '+996555000114', '--text', 'once', '--idempotency-key', 'e2e-once', '--json');
    const second = await wa('--to', '+996555000114', '--text', 'once', '--idempotency-key', 'e2e-once', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
    const list = await adminGet('/contacts/996555000114/messages');
    expect((list['items'] as { direction: string }[]).filter((m) => m.direction === 'out')).toHaveLength(1);
  }, 60_000);

  it('the bot answers /start and /помощь in the customer’s language', async () => {
    await customerWrites('14155550199', '/start');
    await customerWrites('79160000199', '/помощь');
    const replyOf = (contact: string) =>
      local.waitFor(async () => {
        const list = await adminGet(`/contacts/${contact}/messages`);
        return (list['items'] as { direction: string; text?: string }[]).find((m) => m.direction === 'out');
      }, `the reply to ${contact}`, 15_000);
    expect((await replyOf('14155550199')).text).toMatch(/^Hello, Customer!/);
    expect((await replyOf('79160000199')).text).toMatch(/^Что я умею:/);
  }, 60_000);

  it('wa sandbox fail and stall steer the next sends; wa sandbox sent lists what was accepted', async () => {
    const to = '996555000777';
    await customerWrites(to, 'hi');
    expect((await waCommand('sandbox', 'fail', '131000', '--times', '1')).stdout).toMatch(/next 1 message send\(s\) fail with Meta error 131000/);
    const failed = await wa('--to', `+${to}`, '--text', 'first');
    expect(failed.code).toBe(1);
    expect(failed.stderr + failed.stdout).toMatch(/131000/);
    expect((await waCommand('sandbox', 'stall', '300')).stdout).toMatch(/next 1 message send\(s\) hang for 300 ms/);
    const sent = await wa('--to', `+${to}`, '--text', 'second', '--json');
    expect(sent.code).toBe(0);
    const { id } = JSON.parse(sent.stdout) as { id: string };
    const listed = await waCommand('sandbox', 'sent', '--json');
    expect((JSON.parse(listed.stdout) as { sent: Array<{ wamid: string }> }).sent.map((s) => s.wamid)).toContain(id);
    expect((await waCommand('sandbox', 'stall', 'soon')).code).toBe(2);
  }, 60_000);
});
