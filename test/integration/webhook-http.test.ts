// The webhook handler's HTTP contract against dynalite: handshake, signature checks before anything is
// stored, quarantine of signed garbage, base64 bodies and multi-megabyte deliveries.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signMetaBody } from '../../lambdas/domain/inbound/signature.js';
import { QUARANTINE_PART_BYTES, quarantinePk } from '../../lambdas/adapters/dynamo/delivery-archive.js';
import { metaJson, textDelivery, type MetaDelivery } from '../../lib/local/meta-payloads.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { apiEvent, deliveryEvent, functionUrlEvent, getMessageEvent } from '../support/api-events.js';
import { countItems, startTestDynamo, TEST_APP_SECRET, TEST_VERIFY_TOKEN, type TestDynamo } from '../support/dynalite.js';
import { loadMetaCorpus } from '../support/meta-corpus.js';

let db: TestDynamo;
let webhook: HttpHandler;
let admin: HttpHandler;
let webhookModule: typeof import('../../lambdas/handlers/webhook.js');

beforeAll(async () => {
  db = await startTestDynamo();
  webhookModule = await import('../../lambdas/handlers/webhook.js');
  webhook = webhookModule.handler;
  admin = (await import('../../lambdas/handlers/admin-api.js')).handler;
});
afterAll(() => db?.close());
beforeEach(() => db.reset());

const business = { phoneNumberId: '1122334455667', displayPhoneNumber: '15550001111', wabaId: '5467539754836534' };
const text = loadMetaCorpus().find((c) => c.name === 'pywa__message_text')!;
const errorOf = (res: { body?: string }) => (JSON.parse(res.body ?? '{}') as { error?: string }).error ?? '';

describe('GET /health', () => {
  it('answers ok', async () => {
    const res = await webhook(apiEvent('GET /health'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ status: 'ok' });
  });
});

describe('through the webhook function URL (metaWebhookIngress=functionUrl): route from method and path', () => {
  it('answers the handshake, stores a signed delivery, and serves /health', async () => {
    const challenge = await webhook(functionUrlEvent(apiEvent('GET /webhooks/whatsapp', { query: { 'hub.mode': 'subscribe', 'hub.verify_token': TEST_VERIFY_TOKEN, 'hub.challenge': '77' } })));
    expect([challenge.statusCode, challenge.body]).toEqual([200, '77']);
    const { delivery, messageId } = textDelivery({ ...business, waId: '996555123456', name: 'Aida', text: 'via the URL' });
    const stored = await webhook(functionUrlEvent(deliveryEvent(metaJson(delivery), TEST_APP_SECRET)));
    expect(stored.statusCode).toBe(200);
    expect((await admin(getMessageEvent(messageId))).statusCode).toBe(200);
    expect((await webhook(functionUrlEvent(apiEvent('GET /health')))).statusCode).toBe(200);
  });

  it('a signed delivery to another path of the URL is a 404 naming it, and nothing is stored', async () => {
    const { delivery } = textDelivery({ ...business, waId: '996555123457', name: 'Bek', text: 'wrong path' });
    const res = await webhook(functionUrlEvent(deliveryEvent(metaJson(delivery), TEST_APP_SECRET), '/webhooks/whatsap'));
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toBe('no route POST /webhooks/whatsap');
    expect(await countItems(db)).toBe(0);
  });

  it('an unsigned POST through the URL is refused before anything is stored', async () => {
    const { delivery } = textDelivery({ ...business, waId: '996555123458', name: 'Cholpon', text: 'unsigned' });
    const res = await webhook(functionUrlEvent(deliveryEvent(metaJson(delivery), TEST_APP_SECRET, { signature: null })));
    expect(res.statusCode).toBe(401);
    expect(await countItems(db)).toBe(0);
  });
});

describe('GET /webhooks/whatsapp handshake', () => {
  const handshake = (query: Record<string, string>) => webhook(apiEvent('GET /webhooks/whatsapp', { query }));

  it('echoes the challenge as plain text when mode and token match', async () => {
    const res = await handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': TEST_VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('1158201444');
    expect(res.headers?.['content-type']).toMatch(/^text\/plain/);
  });

  it.each([
    ['a wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' }, 403, /verify_token does not match/],
    ['a token that is a prefix', { 'hub.mode': 'subscribe', 'hub.verify_token': TEST_VERIFY_TOKEN.slice(0, -1), 'hub.challenge': '1' }, 403, /does not match/],
    ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }, 403, /verify_token is missing/],
    ['another mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': TEST_VERIFY_TOKEN, 'hub.challenge': '1' }, 403, /hub.mode/],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': TEST_VERIFY_TOKEN }, 400, /hub.challenge/],
  ])('refuses %s', async (_what, query, status, why) => {
    const res = await handshake(query);
    expect(res.statusCode).toBe(status);
    expect(errorOf(res)).toMatch(why);
    expect(res.body).not.toContain(TEST_VERIFY_TOKEN);
  });
});

describe('POST /webhooks/whatsapp signature', () => {
  it.each([
    ['no header', null, /missing X-Hub-Signature-256/],
    ['an empty header', '', /missing X-Hub-Signature-256/],
    ['a sha1 header', `sha1=${'a'.repeat(40)}`, /sha256=/],
    ['garbage', 'sha256=not-hex', /sha256=/],
    ['a short digest', `sha256=${'ab'.repeat(16)}`, /sha256=/],
    ['another secret', signMetaBody(text.raw, 'someone-elses-secret'), /does not match/],
    ['a signature of other bytes', signMetaBody(Buffer.from(JSON.stringify(text.json)), TEST_APP_SECRET), /does not match/],
  ])('401 for %s, nothing stored', async (_what, signature, why) => {
    const res = await webhook(deliveryEvent(text.raw, TEST_APP_SECRET, { signature }));
    expect(res.statusCode).toBe(401);
    expect(errorOf(res)).toMatch(why);
    expect(await countItems(db)).toBe(0);
  });

  it('401 for a tampered body (one byte changed after signing), nothing stored', async () => {
    const signature = signMetaBody(text.raw, TEST_APP_SECRET);
    const tampered = Buffer.from(text.raw.toString('utf8').replace('Body Text', 'Body Test'));
    expect(tampered.equals(text.raw)).toBe(false);
    const res = await webhook(deliveryEvent(tampered, TEST_APP_SECRET, { signature }));
    expect(res.statusCode).toBe(401);
    expect(await countItems(db)).toBe(0);
  });

  it('verifies the exact bytes: Meta\'s \\u-escaped body verifies, its re-serialisation would not', async () => {
    const { delivery, messageId } = textDelivery({ ...business, waId: '996555123456', text: 'Привет 👋 café/€', name: 'Айгуль' });
    const raw = metaJson(delivery);
    expect(raw.toString()).toContain('\\u041f');
    const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(res.statusCode).toBe(200);
    const view = JSON.parse((await admin(getMessageEvent(messageId))).body ?? '');
    expect(view.text).toBe('Привет 👋 café/€');
  });

  it('decodes base64 bodies before verifying', async () => {
    const res = await webhook(deliveryEvent(text.raw, TEST_APP_SECRET, { base64: true }));
    expect(res.statusCode).toBe(200);
    expect((await admin(getMessageEvent('wamid.xyzxyz'))).statusCode).toBe(200);
  });

  it('a base64 body signed over its base64 text (not the bytes) is refused', async () => {
    const signature = signMetaBody(text.raw.toString('base64'), TEST_APP_SECRET);
    const res = await webhook(deliveryEvent(text.raw, TEST_APP_SECRET, { base64: true, signature }));
    expect(res.statusCode).toBe(401);
  });

  it('answers 500 (so Meta retries) while the app secret is empty, and stores nothing', async () => {
    const real = webhookModule.defaultWebhookDeps();
    const unconfigured = webhookModule.createWebhookHandler({ ...real, secrets: { get: async () => '' } });
    const res = await unconfigured(deliveryEvent(text.raw, ''));
    expect(res.statusCode).toBe(500);
    expect(errorOf(res)).toMatch(/app secret is not configured/);
    expect(await countItems(db)).toBe(0);
  });
});

describe('quarantine', () => {
  async function quarantined(raw: Buffer) {
    const sha = createHash('sha256').update(raw).digest('hex');
    const items = (await db.scan('messages')).filter((i) => i.pk === quarantinePk(sha));
    items.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    return { sha, items, body: Buffer.concat(items.map((i) => Buffer.from(i.body as Uint8Array))) };
  }

  it.each([
    ['non-JSON', Buffer.from('<html>not json</html>'), /not JSON/],
    ['truncated JSON', text.raw.subarray(0, 200), /not JSON/],
    ['JSON that is not a delivery', Buffer.from('[1,2,3]'), /not a JSON object/],
    ['an object without entry[]', Buffer.from('{"object":"whatsapp_business_account","entry":{}}'), /entry/],
  ])('signed %s is stored raw and answered 200', async (_what, raw, why) => {
    const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(res.statusCode).toBe(200);
    const q = await quarantined(raw);
    expect(JSON.parse(res.body ?? '')).toEqual({ quarantined: q.sha });
    expect(q.items).toHaveLength(1);
    expect(q.body.equals(raw)).toBe(true);
    expect(q.items[0]).toMatchObject({ parts: 1, bytes: raw.length });
    expect(String(q.items[0]?.reason)).toMatch(why);
    // Expires after 30 days.
    const expiresAt = Number(q.items[0]?.expiresAt);
    expect(expiresAt - Date.now() / 1000).toBeGreaterThan(29 * 86400);
    expect(expiresAt - Date.now() / 1000).toBeLessThan(31 * 86400);
  });

  it('keeps a 3 MB unparseable body whole, in parts', async () => {
    const raw = Buffer.alloc(3 * 1024 * 1024, 'x');
    raw.write('{"entry": "', 0);
    const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(res.statusCode).toBe(200);
    const q = await quarantined(raw);
    expect(q.items).toHaveLength(Math.ceil(raw.length / QUARANTINE_PART_BYTES));
    expect(q.body.equals(raw)).toBe(true);
  });
});

describe('large deliveries', () => {
  it('stores every message of a 3 MB batch', async () => {
    const delivery: MetaDelivery = { object: 'whatsapp_business_account', entry: [] };
    const ids: string[] = [];
    let size = 0;
    for (let i = 0; size < 3 * 1024 * 1024; i++) {
      const { delivery: one, messageId } = textDelivery({ ...business, waId: `99655500${String(i % 50).padStart(4, '0')}`, text: `${i} `.padEnd(4000, 'lorem ipsum ') });
      delivery.entry.push(...one.entry);
      ids.push(messageId);
      size += 4300;
    }
    const raw = metaJson(delivery);
    expect(raw.length).toBeGreaterThan(3 * 1024 * 1024);
    const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body ?? '').messages).toEqual({ stored: ids.length, duplicate: 0 });
    const stored = (await db.scan('messages')).filter((i) => i.sk === 'message');
    expect(new Set(stored.map((i) => i.id))).toEqual(new Set(ids));
  });

  it('stores a message whose raw JSON exceeds an item, flagged as truncated', async () => {
    const { delivery, messageId } = textDelivery({ ...business, waId: '996555123456', text: 'big' });
    const message = (delivery.entry[0]!.changes[0]!.value.messages as Record<string, unknown>[])[0]!;
    message.future_field = 'z'.repeat(600 * 1024);
    const res = await webhook(deliveryEvent(metaJson(delivery), TEST_APP_SECRET));
    expect(res.statusCode, res.body).toBe(200);
    const item = (await db.scan('messages')).find((i) => i.id === messageId);
    expect(item).toMatchObject({ text: 'big', rawTruncated: true });
  });
});

describe('routing', () => {
  it('404s a route it does not serve', async () => {
    const res = await webhook(apiEvent('DELETE /webhooks/whatsapp'));
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toMatch(/no route/);
  });
});
