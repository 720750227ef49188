// Request size limits through the real handlers on dynalite: each POST route refuses a body over its limit with
// 413 and the sizes, before the signature, the secrets or JSON.parse, measured on the decoded bytes (a base64
// body counts what it decodes to); a body at the limit is read as usual; the webhooks log a warning with the
// sizes and nothing of the body or the credentials.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lambdas/adapters/runtime/logger.js';
import { signMetaBody } from '../../lambdas/domain/inbound/signature.js';
import { MAX_BODY_BYTES } from '../../lambdas/handlers/http.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { apiEvent, deliveryEvent } from '../support/api-events.js';
import { countItems, startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';

const WAZZUP_SECRET = 'wz-limit-secret-0123456789';
let db: TestDynamo;
let sandbox: GraphSandbox;
let webhook: HttpHandler;
let wazzup: HttpHandler;
let send: HttpHandler;

beforeAll(async () => {
  db = await startTestDynamo();
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: 'limit-token' });
  process.env.WHATSAPP_ACCESS_TOKEN = 'limit-token';
  process.env.GRAPH_BASE_URL = sandbox.url;
  process.env.PHONE_NUMBER_ID = DEFAULT_PHONE_NUMBER_ID;
  process.env.WAZZUP_WEBHOOK_SECRET = WAZZUP_SECRET;
  webhook = (await import('../../lambdas/handlers/webhook.js')).handler;
  wazzup = (await import('../../lambdas/handlers/wazzup-webhook.js')).handler;
  send = (await import('../../lambdas/handlers/send-api.js')).handler;
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
  await db?.close();
});
beforeEach(async () => {
  await db.reset();
  sandbox.reset();
  vi.restoreAllMocks();
});

const errorOf = (res: { body?: string }) => JSON.parse(res.body ?? '{}') as Record<string, unknown>;
const tooLargeError = (bytes: number, limit: number) => ({ error: `the body is ${bytes} bytes; this endpoint accepts at most ${limit} bytes` });
/** A JSON object of exactly `bytes` bytes: `{"pad":"xxx…"}`. */
const jsonOf = (bytes: number) => Buffer.from(`{"pad":"${'x'.repeat(bytes - 10)}"}`);

it('the limits are the documented ones', () => {
  expect(MAX_BODY_BYTES).toEqual({ metaWebhook: 4 * 1024 * 1024, wazzupWebhook: 1024 * 1024, sendApi: 64 * 1024 });
});

describe('POST /webhooks/whatsapp (4 MiB)', () => {
  const limit = MAX_BODY_BYTES.metaWebhook;

  it.each([
    ['correctly signed', true],
    ['unsigned', false],
  ])('413 for one byte over the limit, %s, nothing stored, a warning with the sizes only', async (_what, signed) => {
    const warn = vi.spyOn(logger, 'warn');
    const raw = jsonOf(limit + 1);
    const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET, signed ? {} : { signature: null }));
    expect(res.statusCode).toBe(413);
    expect(errorOf(res)).toEqual(tooLargeError(limit + 1, limit));
    expect(await countItems(db)).toBe(0);
    expect(warn).toHaveBeenCalledWith('refused an oversized delivery', { bytes: limit + 1, limit });
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).not.toContain('xxxx');
    expect(logged).not.toContain(signMetaBody(raw, TEST_APP_SECRET));
  });

  it('counts the decoded bytes of a base64 body: its base64 text may be longer than the limit', async () => {
    const raw = jsonOf(limit - 100);
    const event = deliveryEvent(raw, TEST_APP_SECRET, { base64: true });
    expect(event.body!.length).toBeGreaterThan(limit);
    const res = await webhook(event);
    // Signed and within the limit: read, and (no `entry`) quarantined whole.
    expect(res.statusCode, res.body).toBe(200);
    expect(errorOf(res)).toHaveProperty('quarantined');
    const over = await webhook(deliveryEvent(jsonOf(limit + 3), TEST_APP_SECRET, { base64: true }));
    expect(over.statusCode).toBe(413);
    expect(errorOf(over)).toEqual(tooLargeError(limit + 3, limit));
  });

  it('reads a body of exactly the limit (signature checked as usual)', async () => {
    const raw = jsonOf(limit);
    expect((await webhook(deliveryEvent(raw, TEST_APP_SECRET, { signature: signMetaBody(raw, 'wrong') }))).statusCode).toBe(401);
    expect((await webhook(deliveryEvent(raw, TEST_APP_SECRET))).statusCode).toBe(200);
  });
});

describe('POST /webhooks/wazzup24/{secret} (1 MiB)', () => {
  const limit = MAX_BODY_BYTES.wazzupWebhook;
  const post = (raw: Buffer, secret: string) => wazzup(apiEvent('POST /webhooks/wazzup24/{secret}', { body: raw, pathParameters: { secret }, headers: { 'content-type': 'application/json' } }));

  it.each([
    ['the right secret', WAZZUP_SECRET],
    ['a wrong secret', 'wrong'],
  ])('413 for one byte over the limit with %s, nothing stored, a warning with the sizes only', async (_what, secret) => {
    const warn = vi.spyOn(logger, 'warn');
    const res = await post(jsonOf(limit + 1), secret);
    expect(res.statusCode).toBe(413);
    expect(errorOf(res)).toEqual(tooLargeError(limit + 1, limit));
    expect(await countItems(db)).toBe(0);
    expect(warn).toHaveBeenCalledWith('refused an oversized Wazzup24 delivery', { bytes: limit + 1, limit });
    expect(JSON.stringify(warn.mock.calls)).not.toContain(WAZZUP_SECRET);
  });

  it('reads a body of exactly the limit: 401 with a wrong secret, stored with the right one', async () => {
    expect((await post(jsonOf(limit), 'wrong')).statusCode).toBe(401);
    const res = await post(jsonOf(limit), WAZZUP_SECRET);
    expect(res.statusCode, res.body).toBe(200);
    expect(await countItems(db)).toBeGreaterThan(0);
  });
});

describe('POST /messages (64 KiB)', () => {
  const limit = MAX_BODY_BYTES.sendApi;
  const post = (raw: Buffer, base64 = false) => send(apiEvent('POST /messages', { path: '/messages', body: raw, base64, headers: { 'content-type': 'application/json' } }));

  it('413 for one byte over the limit, multi-byte characters counted as bytes, and no call to Graph', async () => {
    const res = await post(jsonOf(limit + 1));
    expect(res.statusCode).toBe(413);
    expect(errorOf(res)).toEqual(tooLargeError(limit + 1, limit));
    // 32,769 two-byte characters are 65,538 bytes.
    const wide = Buffer.from(`"${'é'.repeat(limit / 2)}"`);
    expect(wide.length).toBe(limit + 2);
    expect(errorOf(await post(wide))).toEqual(tooLargeError(limit + 2, limit));
    expect(sandbox.requests).toHaveLength(0);
  });

  it('reads a body of exactly the limit (here: a 400 naming the unknown field)', async () => {
    const res = await post(jsonOf(limit), true);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ field: 'pad' });
  });

  it('a text message near the limit is sent', async () => {
    const body = { to: '+996555123456', template: { name: 'hello_world', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'y'.repeat(limit - 300) }] }] } };
    const raw = Buffer.from(JSON.stringify(body));
    expect(raw.length).toBeLessThanOrEqual(limit);
    const res = await post(raw);
    expect(res.statusCode, res.body).toBe(201);
  });
});
