// Sends through the Wazzup24 channel: the admin send handler and the shared sender on dynalite, the real Wazzup
// client talking to the Wazzup sandbox. Error mapping (same answer shape as Graph's), the 24-hour window answer,
// idempotent sends (a retry after a lost answer is refused by Wazzup as repeatedCrmMessageId and counts as sent),
// and the echo and statuses landing on the record stored under Wazzup's messageId.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createIdempotencyStore } from '../../lambdas/adapters/dynamo/idempotency-store.js';
import { createMessageStore } from '../../lambdas/adapters/dynamo/message-store.js';
import { createSecretReader } from '../../lambdas/adapters/secrets/secrets.js';
import { wazzupChannel, wazzupClientFromEnv } from '../../lambdas/adapters/wazzup/wazzup-channel.js';
import { createWazzupClient } from '../../lambdas/adapters/wazzup/wazzup-client.js';
import { createSender } from '../../lambdas/domain/outbound/sender.js';
import { wazzupUser } from '../../lambdas/domain/inbound/wazzup-webhook.js';
import { DEFAULT_WAZZUP_CHANNEL_ID, startWazzupSandbox, type WazzupSandbox } from '../../lib/local/wazzup-sandbox.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { apiEvent } from '../support/api-events.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';

const CHAT = '79011112233';
let db: TestDynamo;
let box: WazzupSandbox;
let send: HttpHandler;
let contacts: ReturnType<typeof createContactStore>;
let messages: ReturnType<typeof createMessageStore>;

beforeAll(async () => {
  db = await startTestDynamo();
  box = await startWazzupSandbox({ apiKey: 'k-test', statusDelayMs: 1, echoSends: false });
  const { createSendApiHandler } = await import('../../lambdas/handlers/send-api.js');
  contacts = createContactStore(db.doc, db.tableNames.contacts);
  messages = createMessageStore(db.doc, db.tableNames.messages);
  const sender = createSender({
    channels: { wazzup24: wazzupChannel(createWazzupClient({ baseUrl: box.url, getApiKey: async () => 'k-test' })) },
    contacts,
    messages,
    idempotency: createIdempotencyStore(db.doc, db.tableNames.messages),
  });
  send = createSendApiHandler({ sender, contacts, defaults: { wazzupChannelId: DEFAULT_WAZZUP_CHANNEL_ID } });
});
afterAll(async () => {
  await box?.close();
  await db?.close();
});
beforeEach(async () => {
  await db.reset();
  box.reset();
  // The customer wrote a minute ago: the 24-hour window is open.
  await contacts.upsert({ channel: 'wazzup24', user: wazzupUser('whatsapp', CHAT), seenAt: new Date().toISOString(), inboundAt: new Date(Date.now() - 60_000).toISOString() });
});

async function post(body: Record<string, unknown>, key?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await send(apiEvent('POST /messages', { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) } }));
  return { status: res.statusCode ?? 0, body: JSON.parse(res.body ?? '{}') as Record<string, unknown> };
}

describe('POST /messages through Wazzup24', () => {
  it('sends to the contact\'s chat from the configured channel with crmMessageId, recorded under Wazzup\'s messageId', async () => {
    const res = await post({ channel: 'wazzup24', to: `+${CHAT}`, text: 'hello' }, 'k1');
    expect(res.status).toBe(201);
    expect(box.sent).toHaveLength(1);
    expect(box.sent[0]).toMatchObject({ channelId: DEFAULT_WAZZUP_CHANNEL_ID, chatType: 'whatsapp', chatId: CHAT, text: 'hello', crmMessageId: 'api:k1' });
    expect(res.body['id']).toBe(box.sent[0]!.messageId);
    expect(await messages.get(box.sent[0]!.messageId)).toMatchObject({ channel: 'wazzup24', direction: 'out', contactId: `wazzup24-whatsapp.${CHAT}`, status: 'accepted' });
  });

  it('picks the channel from the contact when the body names a contactId', async () => {
    const res = await post({ contactId: `wazzup24-whatsapp.${CHAT}`, text: 'by contact' });
    expect(res.status).toBe(201);
    expect(box.sent.map((s) => s.text)).toEqual(['by contact']);
  });

  it('a retry after a lost answer is not sent twice (repeatedCrmMessageId counts as sent)', async () => {
    box.failNext(500, { match: 'message', afterProcessing: true });
    const first = await post({ channel: 'wazzup24', to: `+${CHAT}`, text: 'once' }, 'retry-1');
    expect(first).toMatchObject({ status: 502, body: { code: 'HTTP_ERROR', retryable: true } });
    const second = await post({ channel: 'wazzup24', to: `+${CHAT}`, text: 'once' }, 'retry-1');
    expect(second.status).toBe(201);
    expect(box.sent).toHaveLength(1);
    expect(box.requests.filter((r) => r.path === '/v3/message').map((r) => r.response)).toEqual([undefined, { error: 'repeatedCrmMessageId', description: expect.any(String) }]);
    // A third call is answered from the stored outcome, without asking Wazzup.
    const third = await post({ channel: 'wazzup24', to: `+${CHAT}`, text: 'once' }, 'retry-1');
    expect(third.status).toBe(201);
    expect(box.requests.filter((r) => r.path === '/v3/message')).toHaveLength(2);
  });

  it.each([
    ['BAD_CONTACT', 400, false, /not on WhatsApp/],
    ['TOO_MANY_REQUESTS', 429, true, /500 requests per 5 seconds/],
    [503, 503, true, /.+/],
  ] as const)('maps %s to the Graph answer shape (retryable %s)', async (code, httpStatus, retryable, hint) => {
    box.failNext(code, { match: 'message' });
    const res = await post({ channel: 'wazzup24', to: `+${CHAT}`, text: 'x' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: typeof code === 'number' ? 'HTTP_ERROR' : code, retryable, hint: expect.stringMatching(hint) });
    expect(box.requests.at(-1)?.status).toBe(httpStatus);
    expect(box.sent).toHaveLength(0);
  });

  it('24_HOURS_EXCEEDED is the closed 24-hour window (409), as for Meta', async () => {
    box.failNext('24_HOURS_EXCEEDED', { match: 'message' });
    const res = await post({ channel: 'wazzup24', to: `+${CHAT}`, text: 'late' });
    expect(res).toMatchObject({ status: 409, body: { code: 'window_closed', hint: expect.stringMatching(/template/) } });
  });

  it('answers 502 API_KEY_MISSING with the fix when no API key is configured, without calling Wazzup', async () => {
    const env = { WAZZUP_BASE_URL: box.url };
    const sender = createSender({
      channels: { wazzup24: wazzupChannel(wazzupClientFromEnv(createSecretReader({ env }), env)) },
      contacts,
      messages,
      idempotency: createIdempotencyStore(db.doc, db.tableNames.messages),
    });
    const { createSendApiHandler } = await import('../../lambdas/handlers/send-api.js');
    const keyless = createSendApiHandler({ sender, contacts, defaults: { wazzupChannelId: DEFAULT_WAZZUP_CHANNEL_ID } });
    const res = await keyless(apiEvent('POST /messages', { body: JSON.stringify({ channel: 'wazzup24', to: `+${CHAT}`, text: 'no key' }), headers: { 'content-type': 'application/json' } }));
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ code: 'API_KEY_MISSING', retryable: false, hint: expect.stringMatching(/WazzupApiKeyName.*WAZZUP_API_KEY/) });
    expect(box.requests).toHaveLength(0);
  });

  it('refuses what Wazzup cannot send (a template) without calling it', async () => {
    const res = await post({ channel: 'wazzup24', to: `+${CHAT}`, template: { name: 'hello_world', language: 'en_US' } });
    expect(res).toMatchObject({ status: 502, body: { code: 'INVALID_MESSAGE_DATA', retryable: false } });
    expect(box.requests).toHaveLength(0);
  });
});
