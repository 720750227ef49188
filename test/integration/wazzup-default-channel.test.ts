// A Wazzup24 send when no channel is configured: the admin send handler and the shared sender on dynalite, the
// real Wazzup client against the Wazzup sandbox. One active channel is used (listed once, then kept); several
// active ones, or none, are a 400 listing them; a failed listing is a 502 and is not kept.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createIdempotencyStore } from '../../lambdas/adapters/dynamo/idempotency-store.js';
import { createMessageStore } from '../../lambdas/adapters/dynamo/message-store.js';
import { wazzupChannel } from '../../lambdas/adapters/wazzup/wazzup-channel.js';
import { createWazzupClient } from '../../lambdas/adapters/wazzup/wazzup-client.js';
import { createDefaultWazzupChannel } from '../../lambdas/domain/outbound/default-wazzup-channel.js';
import { createSender } from '../../lambdas/domain/outbound/sender.js';
import { wazzupUser } from '../../lambdas/domain/inbound/wazzup-webhook.js';
import { DEFAULT_WAZZUP_CHANNEL_ID, startWazzupSandbox, type WazzupSandbox } from '../../lib/local/wazzup-sandbox.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { apiEvent } from '../support/api-events.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';

const CHAT = '79011112233';
const SECOND = '0b5f8a3e-2f1c-4d7e-9a6b-3c2d1e0f9a8b';
let db: TestDynamo;
let box: WazzupSandbox;
let contacts: ReturnType<typeof createContactStore>;
let createSendApiHandler: typeof import('../../lambdas/handlers/send-api.js').createSendApiHandler;

beforeAll(async () => {
  db = await startTestDynamo();
  box = await startWazzupSandbox({ apiKey: 'k-test', statusDelayMs: 1, echoSends: false });
  ({ createSendApiHandler } = await import('../../lambdas/handlers/send-api.js'));
  contacts = createContactStore(db.doc, db.tableNames.contacts);
});
afterAll(async () => {
  await box?.close();
  await db?.close();
});
beforeEach(async () => {
  await db.reset();
  box.reset();
  box.channels.splice(0, box.channels.length, { channelId: DEFAULT_WAZZUP_CHANNEL_ID, transport: 'whatsapp', plainId: CHAT, state: 'active' });
  await contacts.upsert({ channel: 'wazzup24', user: wazzupUser('whatsapp', CHAT), seenAt: new Date().toISOString(), inboundAt: new Date(Date.now() - 60_000).toISOString() });
});

/** A send handler as the stack builds it: the default channel is looked up unless `configured` names one. */
function handler(configured?: string): HttpHandler {
  const client = createWazzupClient({ baseUrl: box.url, getApiKey: async () => 'k-test' });
  const sender = createSender({
    channels: { wazzup24: wazzupChannel(client) },
    contacts,
    messages: createMessageStore(db.doc, db.tableNames.messages),
    idempotency: createIdempotencyStore(db.doc, db.tableNames.messages),
  });
  return createSendApiHandler({
    sender,
    contacts,
    defaults: configured ? { wazzupChannelId: configured } : {},
    defaultWazzupChannel: createDefaultWazzupChannel(() => client.listChannels()),
  });
}

async function post(send: HttpHandler, body: Record<string, unknown>) {
  const res = await send(apiEvent('POST /messages', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }));
  return { status: res.statusCode ?? 0, body: JSON.parse(res.body ?? '{}') as Record<string, unknown> };
}

const listings = () => box.requests.filter((r) => r.path === '/v3/channels').length;
const sendBody = { channel: 'wazzup24', to: `+${CHAT}`, text: 'hello' };

describe('POST /messages through Wazzup24 with no channel configured', () => {
  it("sends from the account's only active channel, listing the channels once for every later send", async () => {
    const send = handler();
    box.channels.push({ channelId: SECOND, transport: 'telegram', plainId: 'shop_bot', state: 'qr' });
    expect((await post(send, sendBody)).status).toBe(201);
    expect((await post(send, { ...sendBody, text: 'again' })).status).toBe(201);
    expect(box.sent.map((s) => [s.channelId, s.text])).toEqual([[DEFAULT_WAZZUP_CHANNEL_ID, 'hello'], [DEFAULT_WAZZUP_CHANNEL_ID, 'again']]);
    expect(listings()).toBe(1);
  });

  it('with several active channels answers 400 listing them, sends nothing, and looks again next time', async () => {
    const send = handler();
    box.channels.push({ channelId: SECOND, transport: 'wapi', plainId: '79022223344', state: 'active' });
    const res = await post(send, sendBody);
    expect(res.status).toBe(400);
    expect(res.body['field']).toBe('phoneNumberId');
    expect(res.body['error']).toContain(`${DEFAULT_WAZZUP_CHANNEL_ID} (whatsapp ${CHAT}, active)`);
    expect(res.body['error']).toContain(`${SECOND} (wapi 79022223344, active)`);
    expect(box.sent).toEqual([]);
    expect(await db.scan('messages')).toEqual([]);
    // Naming one works; once only one is active again, it is picked.
    expect((await post(send, { ...sendBody, phoneNumberId: SECOND })).status).toBe(201);
    box.channels[0]!.state = 'phoneUnavailable';
    expect((await post(send, { ...sendBody, text: 'from the second' })).status).toBe(201);
    expect(box.sent.map((s) => s.channelId)).toEqual([SECOND, SECOND]);
    expect(listings()).toBe(2);
  });

  it('with no active channel answers 400 with each channel and its state', async () => {
    box.channels[0]!.state = 'qr';
    const res = await post(handler(), sendBody);
    expect(res).toMatchObject({ status: 400, body: { field: 'phoneNumberId' } });
    expect(res.body['error']).toContain(`no Wazzup24 channel is active`);
    expect(res.body['error']).toContain(`${DEFAULT_WAZZUP_CHANNEL_ID} (whatsapp ${CHAT}, qr)`);
    expect(box.sent).toEqual([]);
  });

  it('answers 502 when the channel list cannot be read, and asks again on the next send', async () => {
    const send = handler();
    box.failNext(503, { match: 'channels' });
    const res = await post(send, sendBody);
    expect(res).toMatchObject({ status: 502, body: { field: 'phoneNumberId' } });
    expect(res.body['error']).toMatch(/channel list could not be read/);
    expect((await post(send, sendBody)).status).toBe(201);
    expect(listings()).toBe(2);
  });

  it('a configured channel is used without listing', async () => {
    const send = handler(DEFAULT_WAZZUP_CHANNEL_ID);
    expect((await post(send, sendBody)).status).toBe(201);
    expect(listings()).toBe(0);
  });
});
