// Graph failing the way it does under load: rate limits (4, 80007 and 130429 at HTTP 429), 5xx (with a Graph
// error body and with a proxy's HTML page) and a hung request the client times out. The sender Lambda, fed by
// fauxqs through the local poller, hides each failed job for the retry policy's delay (ChangeMessageVisibility),
// SQS hands it out again, and the next attempt succeeds: exactly one message reaches the Graph sandbox and the
// outbound record ends `accepted` with its wamid.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { GraphClient } from '../../lambdas/adapters/meta/graph-client.js';
import { graphErrorOf } from '../../lambdas/domain/outbound/sender.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createJobQueue } from '../../lambdas/adapters/queues/outbound-queue.js';
import { mapGraphError, transportError } from '../../lambdas/domain/outbound/graph-errors.js';
import type { ReplyJob } from '../../lambdas/domain/outbound/outbound-job.js';
import { decideRetry, type RetryPolicyOptions } from '../../lambdas/domain/outbound/retry-policy.js';
import { startLocalQueues, type LocalQueues } from '../../lib/local/fauxqs-server.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import { errorBody, errorSpecFor } from '../../lib/local/graph-sandbox-errors.js';
import { sandboxControlRoutes, SANDBOX_STALL_PATH } from '../../lib/local/graph-service.js';
import { metaConfigFromEnv } from '../../lambdas/adapters/meta/meta-config.js';
import { localSqsClient, startQueuePoller, type QueuePoller } from '../../lib/local/queue-poller.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { waitFor } from '../support/wait-for.js';
import { recordMetrics, type EmittedMetric } from './fault-stack.js';

const TOKEN = 'faults-graph-token';
// Short enough to keep the test quick, long enough that a loaded machine does not time out a healthy send.
const GRAPH_TIMEOUT_MS = 1500;
// Jitter pinned to one half and one-second bases: each retry waits a real (whole-second) visibility timeout.
const RETRY: RetryPolicyOptions = { random: () => 0.5, backoffBaseSeconds: 1, throughputBaseSeconds: 1 };

let db: TestDynamo;
let local: LocalQueues;
let sandbox: GraphSandbox;
let poller: QueuePoller;
let enqueue: (job: ReplyJob) => Promise<void>;
let contacts: ReturnType<typeof createContactStore>;
/** Every visibility change the sender asked for: receipt handle -> seconds. */
const hidden: number[] = [];
let emitted: EmittedMetric[] = [];

beforeAll(async () => {
  db = await startTestDynamo();
  local = await startLocalQueues({ prefix: 'faults-graph' });
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: TOKEN, statusDelayMs: 60_000 });
  Object.assign(process.env, local.env, { WHATSAPP_ACCESS_TOKEN: TOKEN, GRAPH_BASE_URL: sandbox.url, GRAPH_TIMEOUT_MS: String(GRAPH_TIMEOUT_MS) });
  emitted = await recordMetrics();
  const mod = await import('../../lambdas/handlers/sender.js');
  const deps = mod.defaultSenderDeps();
  const client = localSqsClient(local.endpoint);
  const q = local.queues.outbound;
  const handler = mod.createSenderHandler({
    ...deps,
    jobs: { ...deps.jobs, retry: RETRY },
    queue: {
      // The real ChangeMessageVisibility on fauxqs, with the delay noted for the assertions.
      async changeVisibility(receiptHandle, seconds) {
        hidden.push(seconds);
        await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: q.url, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
      },
    },
  });
  poller = startQueuePoller({ client, queueUrl: q.url, queueArn: q.arn, handler, batchSize: 10, waitSeconds: 1 });
  const jobs = createJobQueue(q.url, client);
  enqueue = (job) => jobs.send([JSON.stringify(job)]);
  contacts = createContactStore(db.doc, db.tableNames.contacts);
}, 30_000);

afterAll(async () => {
  await poller?.stop();
  await sandbox?.close();
  await local?.close();
  await db?.close();
  vi.restoreAllMocks();
});

let n = 0;
async function customer(): Promise<{ id: string; waId: string }> {
  n += 1;
  const waId = `99655588${String(1000 + n)}`;
  const now = new Date().toISOString();
  const id = await contacts.upsert({ channel: 'meta', user: { userId: `KG.graph${n}`, waId }, seenAt: now, inboundAt: now });
  return { id: id!, waId };
}

const toOf = (body: unknown) => (body as { to?: string } | undefined)?.to;
const sendsTo = (waId: string) => sandbox.sent.filter((s) => s.waId === waId);
const callsTo = (waId: string) => sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages') && toOf(r.body) === `+${waId}`);

interface Fault {
  name: string;
  /** Injects the fault for sends to `to`; returns the error the sender maps it to. */
  inject(to: string): ReturnType<typeof mapGraphError>;
  times: number;
}

const graphFault = (code: number, times: number, httpStatus?: number): Fault => ({
  name: `Graph ${code} at HTTP ${httpStatus ?? errorSpecFor(code).httpStatus}, ${times}x`,
  times,
  inject(to) {
    sandbox.failNext(code, { times, match: ({ body }) => toOf(body) === to, ...(httpStatus ? { httpStatus } : {}) });
    return mapGraphError(errorBody(errorSpecFor(code)), httpStatus ?? errorSpecFor(code).httpStatus);
  },
});

const FAULTS: Fault[] = [
  graphFault(4, 2),
  graphFault(80007, 1),
  graphFault(130429, 2),
  graphFault(131000, 1, 500),
  graphFault(2, 1, 503),
  {
    name: 'a proxy 502 page without a Graph body',
    times: 1,
    inject(to) {
      sandbox.failNext(1, { times: 1, httpStatus: 502, text: '<html><body>502 Bad Gateway</body></html>', match: ({ body }) => toOf(body) === to });
      return mapGraphError('<html><body>502 Bad Gateway</body></html>', 502);
    },
  },
  {
    name: `a hung request (the client gives up after ${GRAPH_TIMEOUT_MS} ms)`,
    times: 1,
    inject(to) {
      sandbox.stallNext({ ms: 5_000, times: 1, match: ({ body }) => toOf(body) === to });
      return transportError('timed out');
    },
  },
];

describe('Graph rate limits, 5xx and timeouts: retried through the queue, then sent once', () => {
  it('maps each fault to a retryable class', () => {
    for (const f of FAULTS) expect(f.inject('+0').retryable, f.name).toBe(true);
    sandbox.reset();
  });

  it('every fault at once, each for its own customer', async () => {
    emitted.length = 0;
    const cases = await Promise.all(
      FAULTS.map(async (fault) => {
        const c = await customer();
        const error = fault.inject(`+${c.waId}`);
        const job: ReplyJob = { kind: 'reply', contactId: c.id, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, idempotencyKey: `faults:${c.id}`, message: { kind: 'text', text: `after ${fault.name}` } };
        await enqueue(job);
        return { fault, error, ...c };
      }),
    );
    for (const c of cases) await waitFor(() => sendsTo(c.waId).length === 1, `the send after ${c.fault.name}`, 20_000);

    for (const c of cases) {
      const calls = callsTo(c.waId);
      // The failed attempts, then the one that succeeded (a hung request is recorded with status 0: never handled).
      expect(calls.map((r) => r.status), c.fault.name).toEqual([...Array<number>(c.fault.times).fill(c.error.retryClass === 'backoff' && c.error.code === -1 ? 0 : c.error.httpStatus!), 200]);
      const [sent] = sendsTo(c.waId);
      // The record is written just after Graph answers: wait for it rather than race it.
      const stored = await waitFor(async () => (await db.scan('messages')).find((m) => m['id'] === sent!.wamid), `the record after ${c.fault.name}`);
      expect(stored, c.fault.name).toMatchObject({ direction: 'out', status: 'accepted', contactId: c.id, text: `after ${c.fault.name}` });
      // No failed record was left behind by the failed attempts.
      expect((await db.scan('messages')).find((m) => m['id'] === `unsent.job:faults:${c.id}`), c.fault.name).toBeUndefined();
    }
    // Each failed attempt hid its job for the policy's delay (whole seconds, at least one here), never a guess.
    const expected = cases.flatMap((c) =>
      Array.from({ length: c.fault.times }, (_, i) => {
        const d = decideRetry({ attempt: i + 1, retryClass: c.error.retryClass }, RETRY);
        return d.action === 'retry' ? d.delaySeconds : -1;
      }),
    );
    expect([...hidden].sort()).toEqual(expected.sort());
    expect(hidden.every((s) => s >= 1)).toBe(true);
    expect(emitted.filter((e) => e.name === 'GraphRetries')).toHaveLength(expected.length);
    expect(emitted.filter((e) => e.name === 'Outbound' && (e.dims as { result: string }).result === 'sent')).toHaveLength(cases.length);
    // Nothing sent twice, even after the hung request's connection was dropped.
    await new Promise((r) => setTimeout(r, 300));
    expect(sandbox.sent).toHaveLength(cases.length);
  }, 30_000);
});

describe('steering a hang and bounding the wait', () => {
  it('GRAPH_TIMEOUT_MS sets the Graph client\'s per-call timeout; a nonsense value fails the cold start with its name', () => {
    expect(metaConfigFromEnv({ GRAPH_TIMEOUT_MS: '2500' }).graph.timeoutMs).toBe(2500);
    expect(metaConfigFromEnv({}).graph.timeoutMs).toBeUndefined();
    for (const bad of ['0', '10', 'soon', '1.5', '600000']) expect(() => metaConfigFromEnv({ GRAPH_TIMEOUT_MS: bad }), bad).toThrow(/GRAPH_TIMEOUT_MS/);
  });

  it(`POST ${SANDBOX_STALL_PATH} validates its body and holds the next send; a client that waits gets the answer`, async () => {
    sandbox.reset();
    const route = sandboxControlRoutes(() => sandbox)[`POST ${SANDBOX_STALL_PATH}`]!;
    const call = (body: string) => route({ body: Buffer.from(body), contentType: 'application/json', query: new URLSearchParams() });
    expect(await call('nope')).toMatchObject({ statusCode: 400 });
    expect(await call('{"ms":0}')).toMatchObject({ statusCode: 400, body: { error: expect.stringMatching(/ms must be/) } });
    expect(await call('{"ms":300,"times":0}')).toMatchObject({ statusCode: 400, body: { error: expect.stringMatching(/times/) } });
    expect(await call('{"ms":300}')).toMatchObject({ statusCode: 200, body: { stalling: { ms: 300, times: 1, match: 'messages' } } });
    const started = Date.now();
    const res = await fetch(`${sandbox.url}/v26.0/${DEFAULT_PHONE_NUMBER_ID}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '+996555880999', type: 'text', text: { body: 'slow' } }),
    });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sandbox.sent.map((s) => s.waId)).toEqual(['996555880999']);
  });
});

describe('an answer that breaks off', () => {
  it('a 200 whose body never finishes is a retryable transport error, not a permanent "unexpected response"', async () => {
    // Headers sent, then silence: what a connection dying behind a proxy looks like to fetch.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"messaging_product":"whatsapp",');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const graph = new GraphClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, getToken: async () => TOKEN, timeoutMs: 300, metrics: { emit: () => undefined } });
      const error = await graph.sendMessage(DEFAULT_PHONE_NUMBER_ID, { kind: 'text', to: '+996555880998', text: 'hi' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(graphErrorOf(error)).toMatchObject({ code: -1, retryable: true, retryClass: 'backoff' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
