// The Wazzup client against the Wazzup sandbox over real HTTP: sends, idempotent resends, retries, channels,
// webhook registration, and the API key kept out of every error.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WazzupClient, WazzupError } from '../../lambdas/adapters/wazzup/wazzup-client.js';
import { WazzupOutboundError, toWazzupSendBodies } from '../../lambdas/domain/outbound/wazzup-outbound.js';
import { DEFAULT_WAZZUP_CHANNEL_ID, startWazzupSandbox, type WazzupSandbox } from '../../lib/local/wazzup-sandbox.js';

async function startServer(handler: (path: string, auth: string | undefined) => { status: number; body: string }) {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls.push(`${req.method} ${req.url}`);
      const { status, body } = handler(req.url ?? '', req.headers['authorization']);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

let sandbox: WazzupSandbox;
let receiver: Awaited<ReturnType<typeof startServer>>;
let receiverStatus = 200;
const sleeps: number[] = [];
const keyReads: ({ refresh?: boolean } | undefined)[] = [];

function client(over: Partial<ConstructorParameters<typeof WazzupClient>[0]> = {}): WazzupClient {
  return new WazzupClient({
    baseUrl: sandbox.url,
    getApiKey: async (o) => {
      keyReads.push(o);
      return sandbox.apiKey;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...over,
  });
}

const target = { channelId: DEFAULT_WAZZUP_CHANNEL_ID, chatType: 'whatsapp', chatId: '79011112233' };

beforeAll(async () => {
  receiver = await startServer(() => ({ status: receiverStatus, body: '{}' }));
});
afterAll(() => receiver.close());
beforeEach(async () => {
  sleeps.length = 0;
  keyReads.length = 0;
  receiverStatus = 200;
  sandbox = await startWazzupSandbox({ statusDelayMs: 1 });
  sandbox.setStatusFlow([]);
});
afterEach(() => sandbox.close());

describe('sendMessage', () => {
  it('POSTs /v3/message with the Bearer key and our id as crmMessageId', async () => {
    const res = await client().sendMessage({ ...target, text: 'Hello', crmMessageId: 'msg-0001' });
    expect(res).toEqual({ messageId: sandbox.sent[0]!.messageId, chatId: '79011112233', crmMessageId: 'msg-0001', alreadySent: false, httpStatus: 201 });
    const req = sandbox.requests.find((r) => r.path === '/v3/message')!;
    expect(req.apiKey).toBe(sandbox.apiKey);
    expect(req.body).toEqual({ ...target, text: 'Hello', crmMessageId: 'msg-0001' });
  });

  it('sends a file by contentUri', async () => {
    const uri = sandbox.serveMedia(new Uint8Array([1, 2, 3]), 'application/pdf', 'offer.pdf');
    const res = await client().sendMessage({ ...target, contentUri: uri, crmMessageId: 'msg-file' });
    expect(res.alreadySent).toBe(false);
    expect(sandbox.sent[0]).toMatchObject({ contentUri: uri, content: { bytes: 3, contentType: 'application/pdf' } });
  });

  it('a resend with the same crmMessageId reaches the customer once and counts as sent', async () => {
    const c = client();
    const first = await c.sendMessage({ ...target, text: 'Hello', crmMessageId: 'msg-0002' });
    const again = await c.sendMessage({ ...target, text: 'Hello', crmMessageId: 'msg-0002' });
    expect(first.alreadySent).toBe(false);
    expect(again).toEqual({ crmMessageId: 'msg-0002', alreadySent: true, httpStatus: 400 });
    expect(sandbox.sent).toHaveLength(1);
  });

  it('a lost answer (500 after the send went out) retried in-call still sends once', async () => {
    sandbox.failNext(500, { match: 'message', afterProcessing: true });
    const res = await client({ retries: 2 }).sendMessage({ ...target, text: 'Hello', crmMessageId: 'msg-0003' });
    expect(res.alreadySent).toBe(true);
    expect(sandbox.sent).toHaveLength(1);
    expect(sandbox.requests.filter((r) => r.path === '/v3/message').map((r) => r.status)).toEqual([500, 400]);
    expect(sleeps).toHaveLength(1);
  });

  it('429 then retry: waits out the 5-second window, then sends once', async () => {
    sandbox.failNext('TOO_MANY_REQUESTS', { match: 'message' });
    const res = await client({ retries: 1 }).sendMessage({ ...target, text: 'Hello', crmMessageId: 'msg-0004' });
    expect(res.alreadySent).toBe(false);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(5_000);
    expect(sleeps[0]).toBeLessThan(6_000);
    expect(sandbox.sent).toHaveLength(1);
  });

  it('without in-call retries a 429 or 5xx is a retryable WazzupError; the caller\'s retry succeeds', async () => {
    sandbox.failNext(429);
    const c = client();
    const err = await c.sendMessage({ ...target, text: 'Hi', crmMessageId: 'msg-0005' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WazzupError);
    expect((err as WazzupError).error).toMatchObject({ retryable: true, retryClass: 'throughput', httpStatus: 429 });
    sandbox.failNext(502);
    const err5 = await c.sendMessage({ ...target, text: 'Hi', crmMessageId: 'msg-0005' }).catch((e: unknown) => e);
    expect((err5 as WazzupError).error).toMatchObject({ retryable: true, retryClass: 'backoff', httpStatus: 502 });
    expect(sandbox.sent).toHaveLength(0);
    expect((await c.sendMessage({ ...target, text: 'Hi', crmMessageId: 'msg-0005' })).alreadySent).toBe(false);
    expect(sandbox.sent).toHaveLength(1);
  });

  it('Wazzup error codes come back mapped, not retried', async () => {
    sandbox.failNext('BAD_CONTACT', { match: 'message' });
    const err = (await client({ retries: 3 }).sendMessage({ ...target, text: 'Hi', crmMessageId: 'msg-0006' }).catch((e: unknown) => e)) as WazzupError;
    expect(err).toBeInstanceOf(WazzupError);
    expect(err.code).toBe('BAD_CONTACT');
    expect(err.retryable).toBe(false);
    expect(err.error.hint).toMatch(/not on WhatsApp/);
    expect(sleeps).toEqual([]);
    await sandbox.setChannelState('qr');
    const unavailable = (await client().sendMessage({ ...target, text: 'Hi', crmMessageId: 'msg-0007' }).catch((e: unknown) => e)) as WazzupError;
    expect(unavailable.error).toMatchObject({ code: 'MESSAGE_CHANNEL_UNAVAILABLE', retryClass: 'backoff' });
  });

  it('refuses bad input before any request', async () => {
    const c = client();
    await expect(c.sendMessage({ ...target, text: 'a', contentUri: 'https://x.test/a.png', crmMessageId: 'x' })).rejects.toThrow(WazzupOutboundError);
    await expect(c.sendMessage({ ...target, text: 'a', crmMessageId: ' ' })).rejects.toThrow(/crmMessageId/);
    await expect(c.sendMessage({ ...target, channelId: 'not-a-uuid', text: 'a', crmMessageId: 'x' })).rejects.toThrow(/channelId/);
    await expect(c.sendMessage({ ...target, chatId: 'ivan', text: 'a', crmMessageId: 'x' })).rejects.toThrow(/chatId/);
    expect(sandbox.requests).toEqual([]);
  });
});

describe('API key handling', () => {
  it('on 401 re-reads the key once (a rotated key works without a restart)', async () => {
    let current = 'stale-key-000';
    const c = new WazzupClient({
      baseUrl: sandbox.url,
      getApiKey: async (o) => {
        keyReads.push(o);
        if (o?.refresh) current = sandbox.apiKey;
        return current;
      },
    });
    expect((await c.listChannels()).map((ch) => ch.state)).toEqual(['active']);
    expect(keyReads).toEqual([undefined, { refresh: true }]);
  });

  it('a key that stays wrong fails with a token error that never contains the key', async () => {
    const secret = 'wrong-secret-key-4242';
    const c = new WazzupClient({ baseUrl: sandbox.url, getApiKey: async () => secret, retries: 3, sleep: async () => {} });
    const err = (await c.listChannels().catch((e: unknown) => e)) as WazzupError;
    expect(err.error).toMatchObject({ httpStatus: 401, retryClass: 'token' });
    expect(sandbox.requests.map((r) => r.status)).toEqual([401, 401]);
    expect(JSON.stringify({ m: err.message, e: err.error, s: err.stack })).not.toContain(secret);
  });

  it('scrubs the key even when a server echoes it back', async () => {
    const secret = 'echoed-secret-key-777';
    const echo = await startServer((_p, auth) => ({ status: 400, body: JSON.stringify({ error: 'INVALID_MESSAGE_DATA', description: `bad ${auth}`, data: { auth } }) }));
    try {
      const c = new WazzupClient({ baseUrl: echo.url, getApiKey: async () => secret });
      const err = (await c.getWebhooks().catch((e: unknown) => e)) as WazzupError;
      expect(err.error.message).toContain('REDACTED');
      expect(JSON.stringify({ m: err.message, e: err.error })).not.toContain(secret);
    } finally {
      await echo.close();
    }
  });

  it('a server that does not answer is a retryable transport error', async () => {
    const down = await startServer(() => ({ status: 200, body: '[]' }));
    await down.close();
    const err = (await new WazzupClient({ baseUrl: down.url, getApiKey: async () => 'k-123456' }).listChannels().catch((e: unknown) => e)) as WazzupError;
    expect(err.error).toMatchObject({ code: 'TRANSPORT_ERROR', retryable: true });
  });
});

describe('channels and webhooks', () => {
  it('lists channels with their states', async () => {
    await sandbox.close();
    sandbox = await startWazzupSandbox({
      channels: [
        { channelId: DEFAULT_WAZZUP_CHANNEL_ID, transport: 'whatsapp', plainId: '79011112233', state: 'active' },
        { channelId: '6a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', transport: 'wapi', plainId: '79099998877', state: 'notEnoughMoney' },
      ],
    });
    const list = await client().listChannels();
    expect(list.map(({ channelId, transport, plainId, state }) => ({ channelId, transport, plainId, state }))).toEqual([
      { channelId: DEFAULT_WAZZUP_CHANNEL_ID, transport: 'whatsapp', plainId: '79011112233', state: 'active' },
      { channelId: '6a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', transport: 'wapi', plainId: '79099998877', state: 'notEnoughMoney' },
    ]);
  });

  it('registers the webhook (messages, statuses, channel updates) and reads it back', async () => {
    const c = client();
    const uri = `${receiver.url}/webhooks/wazzup24?token=abc`;
    expect((await c.registerWebhook(uri)).ok).toBe(true);
    expect(receiver.calls).toContain('POST /webhooks/wazzup24?token=abc');
    const sentBody = sandbox.requests.find((r) => r.method === 'PATCH')!.body;
    expect(sentBody).toEqual({
      webhooksUri: uri,
      subscriptions: { messagesAndStatuses: true, contactsAndDealsCreation: false, channelsUpdates: true, templateStatus: false },
    });
    const current = await c.getWebhooks();
    expect(current.webhooksUri).toBe(uri);
    expect(current.subscriptions).toMatchObject({ messagesAndStatuses: true, channelsUpdates: true });
  });

  it('a webhook that does not answer the probe with 200 fails with testPostNotPassed', async () => {
    receiverStatus = 404;
    const err = (await client({ retries: 2 }).registerWebhook(`${receiver.url}/wrong`).catch((e: unknown) => e)) as WazzupError;
    expect(err.error).toMatchObject({ code: 'testPostNotPassed', retryable: false });
    expect(err.error.hint).toMatch(/200/);
    expect((await client().getWebhooks()).webhooksUri).toBeUndefined();
    await expect(client().registerWebhook(`https://example.com/${'x'.repeat(200)}`)).rejects.toThrow(/at most 200/);
  });
});

describe('toWazzupSendBodies', () => {
  it('text, media by link with its caption as a second send, and refusals', () => {
    expect(toWazzupSendBodies({ kind: 'text', to: '+79011112233', text: 'hi', replyTo: 'w-1' }, target, 'id-1', { clearUnanswered: false })).toEqual([
      { ...target, crmMessageId: 'id-1', text: 'hi', refMessageId: 'w-1', clearUnanswered: false },
    ]);
    expect(toWazzupSendBodies({ kind: 'image', to: '+79011112233', media: { link: 'https://x.test/a.png', caption: 'card' } }, target, 'id-2')).toEqual([
      { ...target, crmMessageId: 'id-2', contentUri: 'https://x.test/a.png' },
      { ...target, crmMessageId: 'id-2.caption', text: 'card' },
    ]);
    expect(() => toWazzupSendBodies({ kind: 'image', to: '+79011112233', media: { id: '123' } }, target, 'id-3')).toThrow(/public URL/);
    expect(() => toWazzupSendBodies({ kind: 'reaction', to: '+79011112233', reaction: { messageId: 'w', emoji: '👍' } }, target, 'id-4')).toThrow(/cannot be sent/);
  });
});
