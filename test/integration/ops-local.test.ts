// Operating it through the local runner (startLocal: dynalite, fauxqs, Graph sandbox, sender poller): the new
// admin routes behind the bearer token, GET /status from real queue attributes and the inbound heartbeat, and
// the CLI commands users, status, events and test against it.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureConsole } from '../support/console-capture.js';
import type { SystemStatus } from '../../lambdas/domain/operations/system-status.js';
import * as eventsCli from '../../lib/cli/events.js';
import * as statusCli from '../../lib/cli/status.js';
import * as testCli from '../../lib/cli/test.js';
import * as usersCli from '../../lib/cli/users.js';
import { graphService } from '../../lib/local/graph-service.js';
import { signedRequest, textDelivery } from '../../lib/local/meta-payloads.js';
import { queueServices } from '../../lib/local/queue-poller.js';
import { startLocal, type LocalStack } from '../../lib/local/runner.js';
import { queues } from '../../lib/resources.js';

const secrets = {
  WHATSAPP_APP_SECRET: 'ops-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'ops-verify-token',
  ADMIN_TOKEN: 'ops-admin-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
};
const graph = graphService({}, { statusDelayMs: 20 });
let stack: LocalStack;
const { out, err } = captureConsole();

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // The card queue has no poller here, so what is put on it stays there to be counted.
  stack = await startLocal({ port: 0, dataDir: null, env: secrets, services: [graph, ...queueServices({ only: ['outbound'] })] });
}, 60_000);
afterAll(() => stack?.close());

const cliEnv = () => ({ ...process.env, ADMIN_TOKEN: secrets.ADMIN_TOKEN });
const api = () => ['--api', stack.url];

async function get(path: string, auth = true): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.url}${path}`, { headers: auth ? { authorization: `Bearer ${secrets.ADMIN_TOKEN}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function customerSays(text: string, waId: string, timestamp?: Date): Promise<void> {
  const built = textDelivery({ phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID, text, waId, ...(timestamp ? { timestamp } : {}) });
  const req = signedRequest(built.delivery, secrets.WHATSAPP_APP_SECRET);
  const res = await fetch(`${stack.url}/webhooks/whatsapp`, { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) });
  expect(res.status).toBe(200);
}

describe('admin routes need the bearer token locally', () => {
  it.each(['/status', '/users', '/users/79991234567', '/events'])('GET %s without it is 401', async (path) => {
    const res = await get(path, false);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/Bearer/);
  });
});

describe('GET /status', () => {
  it('counts queue depths and dead letters from SQS, says the token is valid and when the last message came in', async () => {
    const first = await get('/status');
    expect(first.status).toBe(200);
    const before = first.body as unknown as SystemStatus;
    expect(before.token).toMatchObject({ valid: true, daysLeft: expect.any(Number) });
    expect(Object.keys(before.queues).sort()).toEqual(['card', 'outbound']);
    expect(before.queues['card']).toEqual({ depth: 0, inFlight: 0, deadLetters: 0 });

    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    await customerSays('hello', '996555123400', at);
    const sqs = new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS!, useQueueUrlAsEndpoint: false });
    await sqs.send(new SendMessageCommand({ QueueUrl: process.env[queues.card.envVar]!, MessageBody: '{"kind":"card"}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: process.env[queues.card.dlqEnvVar]!, MessageBody: '{"kind":"card"}' }));
    sqs.destroy();

    const after = (await get('/status')).body as unknown as SystemStatus;
    expect(after.queues['card']).toEqual({ depth: 1, inFlight: 0, deadLetters: 1 });
    expect(after.lastInboundAt).toBe(at.toISOString());
    expect(after.ok).toBe(false);

    expect(await statusCli.run([...api()], cliEnv())).toBe(1);
    expect(out.join('\n')).toMatch(/^status: NEEDS ATTENTION$/m);
    expect(out.join('\n')).toMatch(/^card\s+1\s+0\s+-\s+1$/m);
    out.length = 0;
    expect(await statusCli.run(['--json', ...api()], cliEnv())).toBe(1);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ ok: false, lastInboundAt: at.toISOString() });
  });
});

describe('wa users', () => {
  it('add, list, remove through the API; a refusal names the field and exits 1', async () => {
    expect(await usersCli.run(['add', '+7 999 123-45-67', '--user-id', 'crm-1', '--role', 'admin', '--name', 'Anna', ...api()], cliEnv())).toBe(0);
    expect(out.pop()).toBe('added 79991234567 -> crm-1 (admin)');
    expect(await usersCli.run(['list', ...api()], cliEnv())).toBe(0);
    expect(out.join('\n')).toMatch(/^79991234567\s+crm-1\s+admin\s+Anna$/m);
    out.length = 0;
    expect(await usersCli.run(['list', '--json', ...api()], cliEnv())).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({ items: [{ id: '79991234567', userId: 'crm-1', role: 'admin', name: 'Anna' }] });
    expect(await usersCli.run(['add', '79991234567', '--user-id', 'crm-1', '--role', 'boss', ...api()], cliEnv())).toBe(1);
    expect(err.join('\n')).toMatch(/answered 400: role must be one of admin, staff, customer.*\(field role\)/);
    expect(await usersCli.run(['remove', '79991234567', ...api()], cliEnv())).toBe(0);
    expect(await usersCli.run(['remove', '79991234567', ...api()], cliEnv())).toBe(1);
    expect(await usersCli.run(['add', '79991234567', ...api()], cliEnv())).toBe(2);
    expect(await usersCli.run(['frobnicate', ...api()], cliEnv())).toBe(2);
  });
});

describe('wa events', () => {
  it('lists stored events with a one-line summary, filtered by field', async () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: '5467539754836534', time: 1_795_000_000, changes: [{ field: 'message_template_status_update', value: { event: 'REJECTED', message_template_id: 9, message_template_name: 'promo', message_template_language: 'ru', reason: 'INVALID_FORMAT' } }] }],
    };
    const req = signedRequest(body, secrets.WHATSAPP_APP_SECRET);
    expect((await fetch(`${stack.url}/webhooks/whatsapp`, { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) })).status).toBe(200);
    expect(await eventsCli.run(['--field', 'message_template_status_update', ...api()], cliEnv())).toBe(0);
    expect(out.join('\n')).toMatch(/^\d{4}-\S+Z {2}message_template_status_update {2}event=REJECTED message_template_name=promo message_template_language=ru reason=INVALID_FORMAT$/m);
    expect(await eventsCli.run(['--limit', '0', ...api()], cliEnv())).toBe(2);
  });
});

describe('wa test --to', () => {
  it('inside the 24-hour window: token, number, a text, delivered; exit 0', async () => {
    await customerSays('hi', '996555123401');
    expect(await testCli.run(['--to', '996555123401', '--timeout', '20', ...api()], cliEnv())).toBe(0);
    expect(out.map((l) => l.split(/\s{2,}/).slice(0, 2).join(' '))).toEqual(['ok token', 'ok number', 'ok send', 'ok delivered']);
    expect(out[2]).toMatch(/text accepted as wamid\./);
    expect(graph.sandbox!.sent.at(-1)?.type).toBe('text');
  });

  it('outside the window it sends hello_world; --json prints one document', async () => {
    expect(await testCli.run(['--to', '+996 555 123 402', '--json', ...api()], cliEnv())).toBe(0);
    expect(out).toHaveLength(1);
    const result = JSON.parse(out[0]!) as { ok: boolean; steps: { step: string; ok: boolean; detail: string }[] };
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.step)).toEqual(['token', 'number', 'send', 'delivered']);
    expect(result.steps[2]?.detail).toMatch(/^template hello_world \(the 24-hour window is closed\) accepted as wamid\./);
    expect(graph.sandbox!.sent.at(-1)?.body['template']).toEqual({ name: 'hello_world', language: { code: 'en_US' } });
  });

  it('a message Meta fails is a failed step with its code: exit 1', async () => {
    graph.sandbox!.setStatusFlow(['sent', { failed: 131026 }], { times: 1 });
    expect(await testCli.run(['--to', '996555123403', '--timeout', '20', ...api()], cliEnv())).toBe(1);
    expect(out.at(-1)).toMatch(/^FAIL {2}delivered {2}wamid\.\S+ failed: 131026/);
  });

  it('a missing --to is a usage error (2)', async () => {
    expect(await testCli.run([...api()], cliEnv())).toBe(2);
  });
});
