// The outbound queue end to end on real parts: fauxqs (queue, DLQ, redrive), the local poller calling the sender
// Lambda's handler with SQS events, dynalite stores and the Graph sandbox answering (and failing on demand).
// Retry delays use the policy with jitter pinned to 0, so a retry is visible again at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createJobQueue } from '../../lambdas/adapters/queues/outbound-queue.js';
import { DEFAULT_MAX_ATTEMPTS } from '../../lambdas/domain/outbound/retry-policy.js';
import type { ReplyJob } from '../../lambdas/domain/outbound/outbound-job.js';
import { startLocalQueues, type LocalQueues } from '../../lib/local/fauxqs-server.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import { localSqsClient, startQueuePoller, type QueuePoller } from '../../lib/local/queue-poller.js';
import { queues } from '../../lib/resources.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { getMessageEvent } from '../support/api-events.js';
import { waitFor } from '../support/wait-for.js';

const TOKEN = 'sender-test-token';

async function getMessage(id: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await admin(getMessageEvent(id));
  return { status: res.statusCode ?? 0, body: JSON.parse(res.body ?? '{}') as Record<string, unknown> };
}
let db: TestDynamo;
let local: LocalQueues;
let sandbox: GraphSandbox;
let poller: QueuePoller;
let enqueue: (job: unknown) => Promise<void>;
let contacts: ReturnType<typeof createContactStore>;
let admin: Awaited<typeof import('../../lambdas/handlers/admin-api.js')>['handler'];
let n = 0;

beforeAll(async () => {
  db = await startTestDynamo();
  local = await startLocalQueues({ prefix: 'sender-test' });
  Object.assign(process.env, local.env);
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: TOKEN, statusDelayMs: 10 });
  process.env.WHATSAPP_ACCESS_TOKEN = TOKEN;
  process.env.GRAPH_BASE_URL = sandbox.url;
  const mod = await import('../../lambdas/handlers/sender.js');
  const deps = mod.defaultSenderDeps();
  const handler = mod.createSenderHandler({ ...deps, jobs: { ...deps.jobs, retry: { random: () => 0 } } });
  const client = localSqsClient(local.endpoint);
  const q = local.queues.outbound;
  poller = startQueuePoller({ client, queueUrl: q.url, queueArn: q.arn, handler, batchSize: 10, waitSeconds: 1 });
  const jobs = createJobQueue(q.url, client);
  enqueue = (job) => jobs.send([typeof job === 'string' ? job : JSON.stringify(job)]);
  contacts = createContactStore(db.doc, db.tableNames.contacts);
  admin = (await import('../../lambdas/handlers/admin-api.js')).handler;
}, 30_000);

afterAll(async () => {
  await poller?.stop();
  await sandbox?.close();
  await local?.close();
  await db?.close();
});

/** A customer who last wrote `hoursAgo` hours ago; returns the contact id (their BSUID). */
async function customer(hoursAgo = 1): Promise<{ id: string; waId: string }> {
  n += 1;
  const waId = `99655500${String(1000 + n)}`;
  const id = await contacts.upsert({
    channel: 'meta',
    user: { userId: `KG.sender${n}`, waId },
    seenAt: new Date().toISOString(),
    inboundAt: new Date(Date.now() - hoursAgo * 3600_000).toISOString(),
  });
  return { id: id!, waId };
}

function reply(contactId: string, text: string, key = `test:${contactId}:${text}`): ReplyJob {
  return { kind: 'reply', contactId, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, idempotencyKey: key, message: { kind: 'text', text } };
}

const sendsTo = (waId: string) => sandbox.sent.filter((s) => s.waId === waId);
const messageCalls = (waId: string) =>
  sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages') && (r.body as { to?: string })?.to === `+${waId}`);
const dlqDepth = () => {
  const q = local.server.inspectQueue(local.queues.outbound.dlqName)!;
  return q.messages.ready.length + q.messages.delayed.length;
};

describe('outbound queue -> sender Lambda', () => {
  it('keeps the redrive count equal to the retry policy', () => {
    expect(queues.outbound.maxReceiveCount).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(JSON.parse(local.server.inspectQueue(local.queues.outbound.name)!.attributes['RedrivePolicy']!)).toMatchObject({
      maxReceiveCount: DEFAULT_MAX_ATTEMPTS,
    });
  });

  it('sends a reply job and stores it as an accepted outbound message with its wamid', async () => {
    const c = await customer();
    await enqueue({ ...reply(c.id, 'Hello from the queue'), replyTo: 'wamid.INBOUND1' });
    await waitFor(() => sendsTo(c.waId).length === 1, 'one send');
    const sent = sendsTo(c.waId)[0]!;
    expect(sent.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: `+${c.waId}`,
      type: 'text',
      text: { body: 'Hello from the queue' },
      context: { message_id: 'wamid.INBOUND1' },
    });
    expect(sent.phoneNumberId).toBe(DEFAULT_PHONE_NUMBER_ID);
    const stored = await waitFor(async () => {
      const m = await getMessage(sent.wamid);
      return m.status === 200 ? m.body : undefined;
    }, 'the stored message');
    expect(stored).toMatchObject({
      id: sent.wamid,
      direction: 'out',
      type: 'text',
      text: 'Hello from the queue',
      contactId: c.id,
      status: 'accepted',
      statuses: [{ status: 'accepted' }],
      context: { messageId: 'wamid.INBOUND1' },
    });
  });

  it.each([
    [130429, 1],
    [131000, 2],
  ])('retries Graph error %i (%i times injected) until it succeeds', async (code, times) => {
    const c = await customer();
    sandbox.failNext(code, { times, match: (r) => r.method === 'POST' && r.path.endsWith('/messages') });
    await enqueue(reply(c.id, `after ${code}`));
    await waitFor(() => sendsTo(c.waId).length === 1, 'one send', 20_000);
    // The failures plus the success, and exactly one message out.
    expect(messageCalls(c.waId).map((r) => r.status)).toEqual([...Array(times).fill(expect.any(Number)), 200]);
    expect(messageCalls(c.waId).slice(0, times).every((r) => r.status >= 400)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(sendsTo(c.waId)).toHaveLength(1);
  }, 30_000);

  it('retries a lasting 131000 until the redrive policy parks the job in the DLQ, and records the failure', async () => {
    const c = await customer();
    const before = dlqDepth();
    sandbox.failNext(131000, { times: 100, match: (r) => r.method === 'POST' && r.path.endsWith('/messages') });
    const job = reply(c.id, 'doomed', `test:doomed:${c.id}`);
    await enqueue(job);
    await waitFor(() => dlqDepth() === before + 1, 'the job in the DLQ', 30_000);
    sandbox.reset();
    expect(sendsTo(c.waId)).toHaveLength(0);
    const failed = await getMessage(`unsent.job:${job.idempotencyKey}`);
    expect(failed.body).toMatchObject({ direction: 'out', status: 'failed', contactId: c.id, text: 'doomed' });
    expect((failed.body as { statuses: { errors: { code: number }[] }[] }).statuses[0]!.errors[0]!.code).toBe(131000);
    const parked = local.server.inspectQueue(local.queues.outbound.dlqName)!.messages.ready.map((m) => JSON.parse(m.body));
    expect(parked).toContainEqual(job);
  }, 40_000);

  it('records a permanent 131026 as failed without retrying it', async () => {
    const c = await customer();
    const before = dlqDepth();
    sandbox.failNext(131026, { match: (r) => r.method === 'POST' && r.path.endsWith('/messages') });
    const job = reply(c.id, 'undeliverable');
    await enqueue(job);
    const failed = await waitFor(async () => {
      const m = await getMessage(`unsent.job:${job.idempotencyKey}`);
      return m.status === 200 ? m.body : undefined;
    }, 'the stored message');
    expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 131026 }] });
    await new Promise((r) => setTimeout(r, 1500));
    expect(messageCalls(c.waId)).toHaveLength(1);
    expect(dlqDepth()).toBe(before);
  }, 20_000);

  it('sends once when the same job is delivered twice (idempotency key)', async () => {
    const c = await customer();
    const job = reply(c.id, 'only once', `test:once:${c.id}`);
    await enqueue(job);
    await waitFor(() => sendsTo(c.waId).length === 1, 'one send');
    await enqueue(job);
    await new Promise((r) => setTimeout(r, 2500));
    expect(sendsTo(c.waId)).toHaveLength(1);
  }, 20_000);

  it('does not send free-form text to a contact silent for 25 hours: recorded as failed (window closed)', async () => {
    const c = await customer(25);
    const job = reply(c.id, 'too late');
    await enqueue(job);
    const failed = await waitFor(async () => {
      const m = await getMessage(`unsent.job:${job.idempotencyKey}`);
      return m.status === 200 ? m.body : undefined;
    }, 'the stored message');
    expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 'window_closed' }] });
    expect(messageCalls(c.waId)).toHaveLength(0);
  });

  it('parks an unusable job in the DLQ instead of dropping it', async () => {
    const before = dlqDepth();
    await enqueue('{"kind":"reply","contactId":"nobody"}');
    await waitFor(() => dlqDepth() === before + 1, 'the job in the DLQ', 30_000);
  }, 40_000);
});
