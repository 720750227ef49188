// What a status history may cost, through the webhook handler on dynalite: echoed callback data is kept as a
// hash and a prefix, the history is capped, 200 statuses for one message land in one delivery on the first
// attempt, a status the store cannot take is parked (event + metric) without holding back the delivery's
// messages and jobs, and a message that arrives after its status fills the status's placeholder.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createDeliveryArchive } from '../../lambdas/adapters/dynamo/delivery-archive.js';
import { createMessageStore, messageKey } from '../../lambdas/adapters/dynamo/message-store.js';
import { STATUS_HISTORY_LAST } from '../../lambdas/domain/inbound/status-order.js';
import type { MetricSink } from '../../lambdas/domain/shared/metric-catalog.js';
import type { MessageView } from '../../lambdas/domain/shared/model.js';
import type { WorkJob } from '../../lambdas/domain/shared/ports.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { metaJson, statusDelivery, textDelivery, type MetaDelivery } from '../../lib/local/meta-payloads.js';
import { deliveryEvent, getMessageEvent, listMessagesEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';

let db: TestDynamo;
let admin: HttpHandler;
let webhook: HttpHandler;
let jobs: WorkJob[];
let emitted: { name: string; value: number }[];

beforeAll(async () => {
  db = await startTestDynamo();
  admin = (await import('../../lambdas/handlers/admin-api.js')).handler;
  const { createWebhookHandler } = await import('../../lambdas/handlers/webhook.js');
  const metrics: MetricSink = { emit: (name: string, value: number, ..._dimensions: unknown[]) => void emitted.push({ name, value }) };
  webhook = createWebhookHandler({
    secrets: { get: async () => TEST_APP_SECRET },
    store: {
      contacts: createContactStore(db.doc, db.tableNames.contacts),
      messages: createMessageStore(db.doc, db.tableNames.messages),
      archive: createDeliveryArchive(db.doc, db.tableNames.messages),
      work: { enqueue: async (j) => void jobs.push(...j) },
    },
    metrics,
  });
});
afterAll(() => db?.close());
beforeEach(async () => {
  await db.reset();
  jobs = [];
  emitted = [];
});

const business = { phoneNumberId: '1122334455667', wabaId: '5467539754836534' };
const recipient = { waId: '996555123456', userId: 'KG.1234567890', name: 'Aigul' };
const wamid = 'wamid.HBgMOTk2NTU1MTIzNDU2FQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=';
const t0 = Date.parse('2026-05-01T10:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000);

type StatusSpec = { status: string; seconds: number; callback?: string; id?: string };

/** One delivery holding these statuses (and optionally more changes), each with its callback data. */
function statusesDelivery(specs: StatusSpec[], extra: MetaDelivery[] = []): Buffer {
  const statuses = specs.map((s) => {
    const one = statusDelivery({ ...business, messageId: s.id ?? wamid, status: s.status, recipient, timestamp: at(s.seconds) });
    const value = one.entry[0]!.changes[0]!.value as { statuses: Record<string, unknown>[]; contacts?: unknown };
    if (s.callback !== undefined) value.statuses[0]!['biz_opaque_callback_data'] = s.callback;
    return value.statuses[0]!;
  });
  const base = statusDelivery({ ...business, messageId: wamid, status: 'sent', recipient, timestamp: at(0) });
  (base.entry[0]!.changes[0]!.value as { statuses: unknown[] }).statuses = statuses;
  return metaJson({ object: 'whatsapp_business_account', entry: [...base.entry, ...extra.flatMap((d) => d.entry)] });
}

async function post(raw: Buffer) {
  const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
  return { status: res.statusCode, body: JSON.parse(res.body ?? '{}') as Record<string, unknown> };
}

async function view(id = wamid): Promise<MessageView> {
  const res = await admin(getMessageEvent(id));
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body ?? '');
}

async function itemBytes(id = wamid): Promise<number> {
  const item = (await db.scan('messages')).find((i) => i['pk'] === messageKey(id).pk);
  return Buffer.byteLength(JSON.stringify(item ?? null));
}

const bigCallback = (n: number) => `cb${n}-`.padEnd(31 * 1024, String.fromCharCode(97 + (n % 26)));

describe('a status history has a bound', () => {
  it('twelve deliveries with 31 KB of callback data each are all stored, and the message stays small', async () => {
    for (let n = 0; n < 12; n++) {
      const res = await post(statusesDelivery([{ status: n % 2 ? 'delivered' : 'sent', seconds: n, callback: bigCallback(n) }]));
      expect(res.status, `delivery ${n}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    expect((await view()).statuses).toHaveLength(12);
    expect(await itemBytes()).toBeLessThan(64 * 1024);
    // A thirteenth, with a /start from the customer in the same delivery, still gets through and is answered.
    const start = textDelivery({ ...business, ...recipient, text: '/start', timestamp: at(100) });
    const res = await post(statusesDelivery([{ status: 'read', seconds: 50, callback: bigCallback(50) }], [start.delivery]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(jobs).toEqual([expect.objectContaining({ kind: 'command', command: 'start', messageId: start.messageId })]);
    expect((await view()).status).toBe('read');
  });

  it('keeps a hash, a prefix and the size of the callback data, not the data', async () => {
    const callback = bigCallback(3);
    await post(statusesDelivery([{ status: 'sent', seconds: 0, callback }]));
    const item = (await db.scan('messages')).find((i) => i['pk'] === messageKey(wamid).pk)!;
    const raw = JSON.parse(String((item['statuses'] as { raw: string }[])[0]!.raw)) as Record<string, unknown>;
    const { createHash } = await import('node:crypto');
    expect(raw['biz_opaque_callback_data']).toEqual({
      sha256: createHash('sha256').update(callback).digest('hex'),
      prefix: callback.slice(0, 64),
      bytes: Buffer.byteLength(callback),
    });
  });

  it('caps the history: the first of each status and the last ones stay, the current status is unchanged', async () => {
    const specs: StatusSpec[] = [
      { status: 'sent', seconds: 0 },
      { status: 'delivered', seconds: 1 },
      { status: 'read', seconds: 2 },
      // Meta may send many more (repeated `read`s, names it adds later): only the newest are kept.
      ...Array.from({ length: 60 }, (_, i) => ({ status: i % 3 ? 'read' : 'future_state', seconds: 10 + i, callback: bigCallback(i) })),
    ];
    for (let i = 0; i < specs.length; i += 7) expect((await post(statusesDelivery(specs.slice(i, i + 7)))).status).toBe(200);
    const v = await view();
    expect(v.status).toBe('read');
    const kept = v.statuses!.map((s) => `${s.status}@${s.timestamp}`);
    expect(kept.slice(0, 3)).toEqual(['sent', 'delivered', 'read'].map((s, i) => `${s}@${at(i).toISOString()}`));
    expect(kept.slice(3)).toEqual(specs.slice(-STATUS_HISTORY_LAST).map((s) => `${s.status}@${at(s.seconds).toISOString()}`));
    expect(await itemBytes()).toBeLessThan(64 * 1024);
  });
});

describe('a status the store cannot take is parked, not a hostage-taker', () => {
  it('the delivery answers 200, its message and job go through, the status is kept as an event and counted', async () => {
    // A message item that cannot take another byte (written by an older version, or by hand).
    const stuck = 'wamid.STUCK';
    await db.doc.send(
      new PutCommand({
        TableName: db.tableNames.messages,
        Item: { ...messageKey(stuck), id: stuck, direction: 'out', type: 'text', timestamp: at(0).toISOString(), statuses: [], version: 1, raw: 'x'.repeat(409_300) },
      }),
    );
    const start = textDelivery({ ...business, ...recipient, text: '/start', timestamp: at(100) });
    const res = await post(statusesDelivery([{ id: stuck, status: 'delivered', seconds: 5 }, { status: 'sent', seconds: 6 }], [start.delivery]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body['statuses']).toEqual({ stored: 1, duplicate: 0, parked: 1 });
    expect(jobs).toEqual([expect.objectContaining({ kind: 'command', messageId: start.messageId })]);
    expect((await view(start.messageId)).text).toBe('/start');
    expect((await view()).status).toBe('sent');
    expect(emitted).toContainEqual({ name: 'UnstoredStatuses', value: 1 });
    const parked = (await db.scan('messages')).filter((i) => i['field'] === 'statuses.unstored');
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ phoneNumberId: business.phoneNumberId, timestamp: at(5).toISOString() });
    expect(JSON.parse(String(parked[0]!['raw']))).toMatchObject({ messageId: stuck, status: { id: stuck, status: 'delivered' }, reason: expect.stringMatching(/size/i) });
    // A redelivery parks it once.
    expect((await post(statusesDelivery([{ id: stuck, status: 'delivered', seconds: 5 }]))).status).toBe(200);
    expect((await db.scan('messages')).filter((i) => i['field'] === 'statuses.unstored')).toHaveLength(1);
  });
});

describe('many statuses for one message in one delivery', () => {
  it('200 statuses for one wamid are applied on the first attempt', async () => {
    const specs = Array.from({ length: 200 }, (_, i) => ({ status: ['sent', 'delivered', 'read'][i % 3]!, seconds: i }));
    const res = await post(statusesDelivery(specs));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body['statuses']).toEqual({ stored: 200, duplicate: 0 });
    expect((await view()).status).toBe('read');
    // Redelivered: every one recognised.
    expect((await post(statusesDelivery(specs))).body['statuses']).toEqual({ stored: 0, duplicate: 200 });
  });
});

describe('a message that arrives after its status', () => {
  it('fills the placeholder the status created: type, text, contact, conversation', async () => {
    const msg = textDelivery({ ...business, ...recipient, text: 'hello there', timestamp: at(0) });
    // A status naming this id first (Meta does not order deliveries).
    expect((await post(statusesDelivery([{ id: msg.messageId, status: 'read', seconds: 3 }]))).status).toBe(200);
    const res = await post(metaJson(msg.delivery));
    expect(res.status).toBe(200);
    expect(res.body['messages']).toEqual({ stored: 1, duplicate: 0 });
    const v = await view(msg.messageId);
    expect(v).toMatchObject({ id: msg.messageId, direction: 'in', type: 'text', text: 'hello there', contactId: 'KG.1234567890', timestamp: at(0).toISOString(), status: 'read' });
    const list = await admin(listMessagesEvent('KG.1234567890'));
    const items = (JSON.parse(list.body ?? '{}') as { items: { id: string; type: string }[] }).items;
    expect(items.filter((i) => i.id === msg.messageId)).toEqual([expect.objectContaining({ type: 'text' })]);
    // And a redelivery of the message is a duplicate again.
    expect((await post(metaJson(msg.delivery))).body['messages']).toEqual({ stored: 0, duplicate: 1 });
  });
});
