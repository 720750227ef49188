// Wazzup24 sends end to end on real parts: the Wazzup webhook handler (over HTTP, so the sandbox's echo and
// status webhooks reach it), the sender Lambda's handler fed SQS records, dynalite stores and the Wazzup sandbox.
// Covers a /start from a Telegram chat (no phone: addressed by chatType + chatId), an unconfigured API key
// (a mapped, non-retried failure) and a retried send whose answer was lost (one record whatever the order of
// the echo and the repeat).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createDeliveryArchive } from '../../lambdas/adapters/dynamo/delivery-archive.js';
import { createIdempotencyStore } from '../../lambdas/adapters/dynamo/idempotency-store.js';
import { createMessageStore } from '../../lambdas/adapters/dynamo/message-store.js';
import { createJobQueue } from '../../lambdas/adapters/queues/outbound-queue.js';
import { createSecretReader, SecretUnavailable } from '../../lambdas/adapters/secrets/secrets.js';
import { wazzupChannel, wazzupClientFromEnv } from '../../lambdas/adapters/wazzup/wazzup-channel.js';
import { createWazzupClient, type WazzupClient } from '../../lambdas/adapters/wazzup/wazzup-client.js';
import { encodeJob, type JobDeps } from '../../lambdas/domain/outbound/outbound-job.js';
import type { CommandJob } from '../../lambdas/domain/shared/ports.js';
import { parseOutboundMessage } from '../../lambdas/domain/outbound/outbound-message.js';
import type { WorkJob } from '../../lambdas/domain/shared/ports.js';
import { createSender, type Sender } from '../../lambdas/domain/outbound/sender.js';
import { wazzupCrmRecordId } from '../../lambdas/domain/inbound/wazzup-echo-match.js';
import { wazzupUser } from '../../lambdas/domain/inbound/wazzup-webhook.js';
import { startLocalQueues, type LocalQueues } from '../../lib/local/fauxqs-server.js';
import { localSqsClient, toSqsRecord } from '../../lib/local/queue-poller.js';
import { wazzupDelivery, wazzupMessage } from '../../lib/local/wazzup-payloads.js';
import { DEFAULT_WAZZUP_CHANNEL_ID, startWazzupSandbox, type WazzupSandbox } from '../../lib/local/wazzup-sandbox.js';
import { apiEvent } from '../support/api-events.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'wz-jobs-path-secret-0123456789';
const KEY = 'k-jobs';
const TG_CHANNEL = '6a0e9c2d-1b3f-4e5a-8c7d-2f1e0d9c8b7a';
const TG_CHAT = '123456789';
const WA_CHAT = '79011112233';

let db: TestDynamo;
let local: LocalQueues;
let box: WazzupSandbox;
let server: Server;
let contacts: ReturnType<typeof createContactStore>;
let messages: ReturnType<typeof createMessageStore>;
let jobs: WorkJob[];
let webhook: (event: ReturnType<typeof apiEvent>) => Promise<{ statusCode?: number; body?: string }>;
let createSenderHandler: typeof import('../../lambdas/handlers/sender.js')['createSenderHandler'];

beforeAll(async () => {
  db = await startTestDynamo();
  local = await startLocalQueues({ prefix: 'wazzup-jobs' });
  Object.assign(process.env, local.env);
  contacts = createContactStore(db.doc, db.tableNames.contacts);
  messages = createMessageStore(db.doc, db.tableNames.messages);
  const { createWazzupWebhookHandler } = await import('../../lambdas/handlers/wazzup-webhook.js');
  webhook = createWazzupWebhookHandler({
    secrets: {
      async get(name) {
        if (name === 'wazzupWebhookSecret') return SECRET;
        throw new SecretUnavailable(`${name} is not set`);
      },
    },
    store: {
      contacts,
      messages,
      archive: createDeliveryArchive(db.doc, db.tableNames.messages),
      work: { enqueue: async (j) => void jobs.push(...j) },
    },
  });
  ({ createSenderHandler } = await import('../../lambdas/handlers/sender.js'));
  // Wazzup posts echoes and statuses to this address, as it would to API Gateway.
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const secret = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.split('/').at(-1) ?? '');
      webhook(
        apiEvent('POST /webhooks/wazzup24/{secret}', {
          body: Buffer.concat(chunks).toString('utf8'),
          headers: { 'content-type': 'application/json' },
          pathParameters: { secret },
        }),
      ).then(
        (out) => res.writeHead(out.statusCode ?? 200, { 'content-type': 'application/json' }).end(out.body ?? ''),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  box = await startWazzupSandbox({
    apiKey: KEY,
    // Long enough that a retry right after a lost answer is recorded before the echo arrives.
    statusDelayMs: 300,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/wazzup24/${SECRET}`,
    channels: [
      { channelId: DEFAULT_WAZZUP_CHANNEL_ID, transport: 'whatsapp', plainId: WA_CHAT, state: 'active' },
      { channelId: TG_CHANNEL, transport: 'telegram', plainId: 'card_bot', state: 'active' },
    ],
  });
}, 30_000);

afterAll(async () => {
  await box?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await local?.close();
  await db?.close();
});

beforeEach(async () => {
  await box.settled();
  await db.reset();
  box.reset();
  jobs = [];
});

function senderFor(client: Pick<WazzupClient, 'sendMessage'>): Sender {
  return createSender({
    channels: { wazzup24: wazzupChannel(client) },
    contacts,
    messages,
    idempotency: createIdempotencyStore(db.doc, db.tableNames.messages),
  });
}

const sandboxClient = () => createWazzupClient({ baseUrl: box.url, getApiKey: async () => KEY });

/** The sender Lambda's handler with this sender, reading jobs as SQS records of the local outbound queue. */
function senderHandler(sender: Sender): (jobs: WorkJob[]) => Promise<SQSBatchResponse> {
  const q = local.queues.outbound;
  const deps: JobDeps = {
    sender,
    contacts,
    bot: { contacts, messages, cards: { facts: async () => ({ cardContacts: 0 }) } },
  };
  const handler = createSenderHandler({ jobs: deps, queue: createJobQueue(q.url, localSqsClient(local.endpoint)) });
  return async (list) => {
    const records = list
      .filter((j): j is CommandJob => j.kind === 'command')
      .map((j, i) => toSqsRecord({ MessageId: `m${i}`, ReceiptHandle: `r${i}`, Body: encodeJob(j), Attributes: { ApproximateReceiveCount: '1' } }, q.arn));
    return handler({ Records: records });
  };
}

async function deliver(body: Record<string, unknown>): Promise<void> {
  const res = await webhook(apiEvent('POST /webhooks/wazzup24/{secret}', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, pathParameters: { secret: SECRET } }));
  expect(res.statusCode).toBe(200);
}

describe('a /start from a Telegram chat', () => {
  it('is answered in the same Telegram chat (chatType + chatId), and its echo and statuses land on the one record', async () => {
    const inbound = wazzupMessage({ channelId: TG_CHANNEL, chatType: 'telegram', chatId: TG_CHAT, text: '/start', contact: { name: 'Tg User', username: 'tguser' } });
    await deliver(wazzupDelivery({ messages: [inbound] }));
    const contactId = `wazzup24-telegram.${TG_CHAT}`;
    expect(jobs).toEqual([expect.objectContaining({ kind: 'command', command: 'start', contactId, phoneNumberId: TG_CHANNEL })]);

    const result = await senderHandler(senderFor(sandboxClient()))(jobs);
    expect(result.batchItemFailures).toEqual([]);
    expect(box.sent).toHaveLength(1);
    const sent = box.sent[0]!;
    expect(sent).toMatchObject({ channelId: TG_CHANNEL, chatType: 'telegram', chatId: TG_CHAT, crmMessageId: `job:cmd:${inbound['messageId']}` });
    expect(sent.body).not.toHaveProperty('phone');

    const record = await messages.get(sent.messageId);
    expect(record).toMatchObject({ channel: 'wazzup24', direction: 'out', contactId, phoneNumberId: TG_CHANNEL, text: sent.text });
    expect(record?.text).toMatch(/\/help/);
    // The echo (same messageId) is a duplicate of our record; the statuses move it on to read.
    await box.settled();
    await waitFor(async () => (await messages.get(sent.messageId))?.status === 'read', 'the read status');
    const page = await messages.listByContact(contactId, { limit: 10 });
    expect(page.items.map((m) => `${m.direction}:${m.id}`).sort()).toEqual([`in:${inbound['messageId']}`, `out:${sent.messageId}`].sort());
  });


  it('is what POST /messages with the contactId sends to, from the channel named in the body', async () => {
    await deliver(wazzupDelivery({ messages: [wazzupMessage({ channelId: TG_CHANNEL, chatType: 'telegram', chatId: TG_CHAT, text: 'hi' })] }));
    const { createSendApiHandler } = await import('../../lambdas/handlers/send-api.js');
    const send = createSendApiHandler({ sender: senderFor(sandboxClient()), contacts, defaults: { wazzupChannelId: DEFAULT_WAZZUP_CHANNEL_ID } });
    const body = { contactId: `wazzup24-telegram.${TG_CHAT}`, phoneNumberId: TG_CHANNEL, text: 'an operator reply' };
    const res = await send(apiEvent('POST /messages', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }));
    expect(res.statusCode).toBe(201);
    expect(box.sent.map((s) => [s.channelId, s.chatType, s.chatId, s.text])).toEqual([[TG_CHANNEL, 'telegram', TG_CHAT, 'an operator reply']]);
  });
});

describe('an unconfigured Wazzup API key', () => {
  it.each([
    ['unset', {}],
    ['empty', { WAZZUP_API_KEY: '  ' }],
  ] as const)('(%s) fails a queued reply once, recorded as failed with the fix, never retried', async (_, keyEnv) => {
    await deliver(wazzupDelivery({ messages: [wazzupMessage({ channelId: DEFAULT_WAZZUP_CHANNEL_ID, chatId: WA_CHAT, text: '/start' })] }));
    const env = { WAZZUP_BASE_URL: box.url, ...keyEnv };
    const client = wazzupClientFromEnv(createSecretReader({ env }), env);
    const result = await senderHandler(senderFor(client))(jobs);
    // Done (not a batch failure): SQS will not hand it out again, so it is not retried six times.
    expect(result.batchItemFailures).toEqual([]);
    expect(box.requests).toHaveLength(0);
    const job = jobs[0] as CommandJob;
    const failed = await messages.get(`unsent.job:cmd:${job.messageId}`);
    expect(failed).toMatchObject({ direction: 'out', status: 'failed', contactId: `wazzup24-whatsapp.${WA_CHAT}` });
    expect(failed?.statuses[0]?.errors).toEqual([{ code: 'API_KEY_MISSING', message: expect.stringMatching(/not configured/) }]);
  });
});

describe('a retried send after a lost answer (repeatedCrmMessageId)', () => {
  const contactId = `wazzup24-whatsapp.${WA_CHAT}`;

  async function lostThenRetried(text: string, key: string, opts: { echoFirst: boolean }) {
    await contacts.upsert({ channel: 'wazzup24', user: wazzupUser('whatsapp', WA_CHAT), seenAt: new Date().toISOString(), inboundAt: new Date().toISOString() });
    const parsed = parseOutboundMessage({ to: `+${WA_CHAT}`, text });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const sender = senderFor(sandboxClient());
    const request = { message: parsed.message, phoneNumberId: DEFAULT_WAZZUP_CHANNEL_ID, contactId, channel: 'wazzup24' as const, idempotencyKey: key };
    box.failNext(500, { match: 'message', afterProcessing: true });
    expect((await sender.send(request)).outcome).toMatchObject({ ok: false, kind: 'graph', error: { retryable: true } });
    const wazzupId = box.sent[0]!.messageId;
    if (opts.echoFirst) await waitFor(async () => (await messages.get(wazzupId)) !== undefined, 'the echo');
    const retried = await sender.send(request);
    expect(retried.outcome).toEqual({ ok: true, wamid: wazzupCrmRecordId(key), contactId });
    if (!opts.echoFirst) expect(await messages.get(wazzupId)).toBeUndefined();
    await box.settled();
    return { wazzupId, crmId: wazzupCrmRecordId(key) };
  }

  async function expectOneRecord(ids: { wazzupId: string; crmId: string }, text: string) {
    expect(box.sent).toHaveLength(1);
    await waitFor(async () => (await messages.get(ids.wazzupId))?.status === 'read', 'the read status');
    const byWazzup = await messages.get(ids.wazzupId);
    const byCrm = await messages.get(ids.crmId);
    expect(byCrm).toEqual(byWazzup);
    expect(byWazzup).toMatchObject({ direction: 'out', type: 'text', text, contactId, status: 'read' });
    expect(byWazzup?.statuses.map((s) => s.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    const out = (await messages.listByContact(contactId, { limit: 20 })).items.filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
  }

  it('merges the echo arriving after the repeat\'s record into it', async () => {
    const ids = await lostThenRetried('once, echo later', 'lost-1', { echoFirst: false });
    await expectOneRecord(ids, 'once, echo later');
    expect((await messages.get(ids.wazzupId))?.id).toBe(ids.crmId);
  });

  it('merges the repeat\'s record into an echo stored before it', async () => {
    const ids = await lostThenRetried('once, echo first', 'lost-2', { echoFirst: true });
    await expectOneRecord(ids, 'once, echo first');
    expect((await messages.get(ids.crmId))?.id).toBe(ids.wazzupId);
  });

  it('leaves an echo of different text alone (it is another message)', async () => {
    const ids = await lostThenRetried('first text', 'lost-3', { echoFirst: false });
    const other = wazzupMessage({ channelId: DEFAULT_WAZZUP_CHANNEL_ID, chatId: WA_CHAT, isEcho: true, text: 'typed by an operator' });
    await deliver(wazzupDelivery({ messages: [other] }));
    await waitFor(async () => (await messages.get(ids.wazzupId))?.status === 'read', 'the read status');
    expect(await messages.get(ids.crmId)).toEqual(await messages.get(ids.wazzupId));
    expect(await messages.get(String(other['messageId']))).toMatchObject({ direction: 'out', text: 'typed by an operator' });
    const out = (await messages.listByContact(contactId, { limit: 20 })).items.filter((m) => m.direction === 'out');
    expect(out.map((m) => m.id).sort()).toEqual([ids.crmId, String(other['messageId'])].sort());
  });
});
