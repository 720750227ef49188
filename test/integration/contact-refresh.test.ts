// contactRefreshMinutes: the webhook skips a contact profile write that would change nothing but a lastInboundAt
// less than the refresh interval old, and the 24-hour window stays exact because the sender asks the messages
// when the stored time says closed. Real webhook handler, dynalite stores, the Graph sandbox.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createMessageStore } from '../../lambdas/adapters/dynamo/message-store.js';
import { createDeliveryArchive } from '../../lambdas/adapters/dynamo/delivery-archive.js';
import { createIdempotencyStore } from '../../lambdas/adapters/dynamo/idempotency-store.js';
import { MARSHALL_OPTIONS } from '../../lambdas/adapters/dynamo/dynamo-client.js';
import { graphClientFromEnv } from '../../lambdas/adapters/meta/meta-config.js';
import { createSender, graphChannel } from '../../lambdas/domain/outbound/sender.js';
import { parseOutboundMessage } from '../../lambdas/domain/outbound/outbound-message.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import { metaJson, statusDelivery, textDelivery } from '../../lib/local/meta-payloads.js';
import { deliveryEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';

const TOKEN = 'contact-refresh-token';
const REFRESH_MS = 60 * 60_000;
const T0 = Date.UTC(2026, 4, 1, 10, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const WA_ID = '996555123456';

let db: TestDynamo;
let sandbox: GraphSandbox;
let doc: DynamoDBDocumentClient;
/** Contact-table writes the stores sent, by operation. */
let contactWrites: string[] = [];
/** Every contact-table call, by command name. */
let contactCalls: string[] = [];
/** When set, the next call it matches fails once as DynamoDB's InternalServerError. */
let failNext: ((command: string, input: { TableName?: string; Item?: { id?: unknown } }) => boolean) | undefined;
/** Imported once the environment is set: the handler module builds its default deps at load. */
let createWebhookHandler: typeof import('../../lambdas/handlers/webhook.js').createWebhookHandler;

beforeAll(async () => {
  db = await startTestDynamo();
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: TOKEN });
  process.env.WHATSAPP_ACCESS_TOKEN = TOKEN;
  process.env.GRAPH_BASE_URL = sandbox.url;
  ({ createWebhookHandler } = await import('../../lambdas/handlers/webhook.js'));
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    { marshallOptions: MARSHALL_OPTIONS },
  );
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const write = /^(Put|Update|Delete|BatchWrite)(Item)?Command$/.exec(context.commandName ?? '');
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {})[0];
      if (table === db.tableNames.contacts && write) contactWrites.push(write[1]!);
      if (table === db.tableNames.contacts) contactCalls.push(context.commandName ?? '');
      if (failNext?.(context.commandName ?? '', input as { TableName?: string; Item?: { id?: unknown } })) {
        failNext = undefined;
        throw Object.assign(new Error('injected'), { name: 'InternalServerError', $fault: 'server' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'countContactWrites' },
  );
}, 30_000);
afterAll(async () => {
  doc?.destroy();
  await sandbox?.close();
  await db?.close();
});
beforeEach(async () => {
  sandbox.reset();
  await db.reset();
  contactWrites = [];
  contactCalls = [];
  failNext = undefined;
});

const contacts = () => createContactStore(doc, db.tableNames.contacts, { refreshMs: REFRESH_MS });
const messages = () => createMessageStore(doc, db.tableNames.messages);

/** A webhook with its own stores, as a new container has; pass one to reuse a warm container's. */
function webhook(contactStore = contacts()) {
  return createWebhookHandler({
    secrets: { get: async () => TEST_APP_SECRET },
    store: { contacts: contactStore, messages: messages(), archive: createDeliveryArchive(doc, db.tableNames.messages) },
  });
}

async function text(minutes: number, customer: { name?: string; userId?: string; id?: string } = {}, handler = webhook()): Promise<void> {
  const { delivery } = textDelivery({ phoneNumberId: DEFAULT_PHONE_NUMBER_ID, waId: WA_ID, name: 'Aigul', ...customer, text: `at ${minutes}`, timestamp: at(minutes) });
  const result = await handler(deliveryEvent(metaJson(delivery), TEST_APP_SECRET));
  expect(result.statusCode).toBe(200);
}

const profile = async () => contacts().get(WA_ID);

describe('contact writes with contactRefreshMinutes', () => {
  it('a customer writing again within the interval costs no contact write; the next one after it refreshes lastInboundAt', async () => {
    await text(0);
    expect((await profile())?.lastInboundAt).toBe(at(0).toISOString());
    contactWrites = [];

    await text(5);
    await text(59);
    expect(contactWrites).toEqual([]);
    expect((await profile())?.lastInboundAt).toBe(at(0).toISOString());

    await text(61);
    expect(contactWrites).toEqual(['Update']);
    expect((await profile())?.lastInboundAt).toBe(at(61).toISOString());
  });

  it('within the interval the known contact costs one consistent read of its profile: no alias is looked up', async () => {
    await text(0, { userId: 'KG.555' });
    contactCalls = [];
    await text(5, { userId: 'KG.555' });
    expect(contactCalls).toEqual(['GetItemCommand']);
  });

  it('a warm container that read the profile a moment ago skips the read too; a changed name reads and writes', async () => {
    const warm = webhook();
    await text(0, { userId: 'KG.555' }, warm);
    await text(1, { userId: 'KG.555' }, warm);
    contactCalls = [];
    await text(2, { userId: 'KG.555' }, warm);
    await text(3, { userId: 'KG.555' }, warm);
    expect(contactCalls).toEqual([]);
    await text(4, { userId: 'KG.555', name: 'Aigul K' }, warm);
    expect(contactCalls).toContain('UpdateItemCommand');
    expect(await contacts().get('KG.555')).toMatchObject({ name: 'Aigul K', lastInboundAt: at(4).toISOString() });
  });

  it('a known BSUID with a new number is looked up and gets the new number\'s aliases on the same contact', async () => {
    await text(0, { userId: 'KG.555' });
    contactCalls = [];
    const { delivery } = textDelivery({ phoneNumberId: DEFAULT_PHONE_NUMBER_ID, waId: '996700999888', userId: 'KG.555', name: 'Aigul', text: 'new phone', timestamp: at(5) });
    expect((await webhook()(deliveryEvent(metaJson(delivery), TEST_APP_SECRET))).statusCode).toBe(200);
    expect(contactCalls.filter((c) => c === 'QueryCommand')).toHaveLength(2);
    expect(contactCalls).toContain('BatchWriteItemCommand');
    expect(await contacts().findByPhone('+996700999888')).toEqual([expect.objectContaining({ id: 'KG.555', waId: '996700999888' })]);
  });

  it('a new profile name or a new BSUID is written at once, with the newest lastInboundAt', async () => {
    await text(0);
    contactWrites = [];
    await text(2, { name: 'Aigul B' });
    expect(await profile()).toMatchObject({ name: 'Aigul B', lastInboundAt: at(2).toISOString() });
    await text(3, { name: 'Aigul B', userId: 'KG.987654321' });
    expect(await profile()).toMatchObject({ userId: 'KG.987654321', lastInboundAt: at(3).toISOString() });
    expect(contactWrites.filter((w) => w === 'Update')).toHaveLength(2);
  });

  it('a late older message and a status for a known contact write nothing', async () => {
    await text(10);
    contactWrites = [];
    await text(0);
    const status = statusDelivery({ phoneNumberId: DEFAULT_PHONE_NUMBER_ID, messageId: 'wamid.sent-by-us', status: 'delivered', recipient: { waId: WA_ID, name: 'Aigul' }, timestamp: at(11) });
    expect((await webhook()(deliveryEvent(metaJson(status), TEST_APP_SECRET))).statusCode).toBe(200);
    expect(contactWrites).toEqual([]);
    expect((await profile())?.lastInboundAt).toBe(at(10).toISOString());
  });

  it('every message is still stored once, whatever the contact write did', async () => {
    await text(0);
    await text(1, { id: 'wamid.redelivered' });
    await text(1, { id: 'wamid.redelivered' });
    const stored = (await db.scan('messages')).filter((i) => i.direction === 'in');
    expect(stored.map((m) => m.timestamp).sort()).toEqual([at(0).toISOString(), at(1).toISOString()]);
  });
});

describe('a delivery that fails half way, with contactRefreshMinutes', () => {
  it('answers 500; the redelivery stores each message once and lastInboundAt lags the newest by less than the interval', async () => {
    const delivery = (id: string, minutes: number) => textDelivery({ phoneNumberId: DEFAULT_PHONE_NUMBER_ID, waId: WA_ID, name: 'Aigul', id, text: id, timestamp: at(minutes) }).delivery;
    const both = metaJson({ object: 'whatsapp_business_account', entry: [...delivery('wamid.first', 0).entry, ...delivery('wamid.second', 30).entry] });
    failNext = (command, input) => command === 'PutItemCommand' && input.TableName === db.tableNames.messages && JSON.stringify(input.Item?.id ?? '').includes('wamid.second');
    expect((await webhook()(deliveryEvent(both, TEST_APP_SECRET))).statusCode).toBe(500);
    expect((await webhook()(deliveryEvent(both, TEST_APP_SECRET))).statusCode).toBe(200);
    const stored = (await db.scan('messages')).filter((i) => i.direction === 'in').map((m) => m.id).sort();
    expect(stored).toEqual(['wamid.first', 'wamid.second']);
    const last = Date.parse((await profile())!.lastInboundAt!);
    expect(last).toBeLessThanOrEqual(at(30).getTime());
    expect(last).toBeGreaterThan(at(30).getTime() - REFRESH_MS);
  });
});

describe('the 24-hour window when lastInboundAt lags', () => {
  async function sendAt(now: Date) {
    const sender = createSender({
      channels: { meta: graphChannel(graphClientFromEnv()) },
      contacts: contacts(),
      messages: messages(),
      idempotency: createIdempotencyStore(doc, db.tableNames.messages),
      now: () => now,
    });
    const parsed = parseOutboundMessage({ to: `+${WA_ID}`, text: 'Your order is ready' });
    if (!parsed.ok) throw new Error(parsed.error.message);
    return sender.send({ message: parsed.message, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, contactId: WA_ID });
  }

  it('is open until 24 h after the newest message, which the stored profile does not show yet', async () => {
    await text(0);
    await text(50);
    expect((await profile())?.lastInboundAt).toBe(at(0).toISOString());

    const inside = await sendAt(at(24 * 60 + 49));
    expect(inside.outcome).toMatchObject({ ok: true });
    expect(sandbox.sent).toHaveLength(1);

    const after = await sendAt(at(24 * 60 + 50));
    expect(after.outcome).toMatchObject({ ok: false, kind: 'window_closed' });
    expect(sandbox.sent).toHaveLength(1);
  });

  it('stays closed when no inbound message is newer than the stored time', async () => {
    await text(0);
    expect((await sendAt(at(24 * 60))).outcome).toMatchObject({ ok: false, kind: 'window_closed' });
    expect(sandbox.sent).toHaveLength(0);
  });
});
