// The Wazzup sandbox behaves like the v3 API the facts describe, and what it POSTs is what the parser reads:
// every webhook here goes over real HTTP to a receiver and is parsed with parseWazzupDelivery.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWazzupDelivery, wazzupChannelState } from '../../lambdas/domain/inbound/wazzup-webhook.js';
import type { ParsedDelivery } from '../../lambdas/domain/shared/model.js';
import { DEFAULT_WAZZUP_CHANNEL_ID, startWazzupSandbox, type WazzupSandbox } from '../../lib/local/wazzup-sandbox.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

async function startReceiver() {
  const got: Received[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'POST') got.push({ path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined });
      if (req.url === '/moved') {
        res.writeHead(302, { Location: '/file' });
        return res.end();
      }
      if (req.method === 'GET' && req.url === '/file') {
        res.writeHead(200, { 'Content-Type': 'image/png' });
        return res.end(Buffer.from([137, 80, 78, 71]));
      }
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    got,
    setStatus: (s: number) => (status = s),
    parsed: (): ParsedDelivery[] =>
      got.map((g) => parseWazzupDelivery(g.body)).filter((p): p is Extract<typeof p, { kind: 'delivery' }> => p.kind === 'delivery'),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const CRM_KEY = 'crm-key-for-webhooks-123';
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let sandbox: WazzupSandbox;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(async () => {
  receiver.got.length = 0;
  receiver.setStatus(200);
  sandbox = await startWazzupSandbox({ crmKey: CRM_KEY, statusDelayMs: 5, webhookRetries: 1 });
});
afterEach(() => sandbox.close());

async function api(method: string, path: string, body?: unknown, key = sandbox.apiKey) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const register = () =>
  api('PATCH', '/v3/webhooks', { webhooksUri: `${receiver.url}/webhooks/wazzup24/s3cret`, subscriptions: { messagesAndStatuses: true, channelsUpdates: true } });
const textBody = (over: Record<string, unknown> = {}) => ({ channelId: DEFAULT_WAZZUP_CHANNEL_ID, chatType: 'whatsapp', chatId: '79011112233', text: 'hi', crmMessageId: 'm-1', ...over });

describe('auth and webhook registration', () => {
  it('refuses a missing or wrong API key with 401 and sends nothing', async () => {
    expect((await api('GET', '/v3/channels', undefined, 'wrong')).status).toBe(401);
    expect((await api('POST', '/v3/message', textBody(), 'wrong')).status).toBe(401);
    expect(sandbox.sent).toEqual([]);
  });

  it('PATCH posts { test: true } (with the crmKey bearer) and stores the address only after a 200', async () => {
    const res = await register();
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(receiver.got).toHaveLength(1);
    expect(receiver.got[0]!.body).toEqual({ test: true });
    expect(receiver.got[0]!.path).toBe('/webhooks/wazzup24/s3cret');
    expect(receiver.got[0]!.headers['authorization']).toBe(`Bearer ${CRM_KEY}`);
    expect(parseWazzupDelivery(receiver.got[0]!.body)).toEqual({ kind: 'test' });
    const current = await api('GET', '/v3/webhooks');
    expect(current.body).toEqual({
      webhooksUri: `${receiver.url}/webhooks/wazzup24/s3cret`,
      subscriptions: { messagesAndStatuses: true, contactsAndDealsCreation: false, channelsUpdates: true, templateStatus: false },
    });
  });

  it('a probe that is not answered 200 fails the PATCH with testPostNotPassed; a bad URI with uriNotValid', async () => {
    receiver.setStatus(401);
    const res = await register();
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'testPostNotPassed' });
    expect(sandbox.webhook().webhooksUri).toBeUndefined();
    expect((await api('PATCH', '/v3/webhooks', { webhooksUri: `https://example.com/${'x'.repeat(200)}` })).body).toMatchObject({ error: 'uriNotValid' });
    expect((await api('PATCH', '/v3/webhooks', { webhooksUri: 'not a url' })).body).toMatchObject({ error: 'uriNotValid' });
  });
});

describe('sending', () => {
  it('accepts a send, then POSTs the echo and sent, delivered, read to the webhook', async () => {
    await register();
    receiver.got.length = 0;
    const res = await api('POST', '/v3/message', textBody());
    expect(res.status).toBe(201);
    const messageId = res.body!['messageId'] as string;
    expect(res.body).toEqual({ messageId: expect.stringMatching(/^[0-9a-f-]{36}$/), chatId: '79011112233' });
    expect(sandbox.sent).toMatchObject([{ messageId, crmMessageId: 'm-1', text: 'hi', chatId: '79011112233' }]);
    await sandbox.settled();
    const parsed = receiver.parsed();
    const echo = parsed.flatMap((p) => p.messages);
    expect(echo).toHaveLength(1);
    expect(echo[0]).toMatchObject({ id: messageId, echo: true, direction: 'out', text: 'hi', phoneNumberId: DEFAULT_WAZZUP_CHANNEL_ID });
    expect(parsed.flatMap((p) => p.statuses).map((s) => [s.messageId, s.status])).toEqual([
      [messageId, 'sent'],
      [messageId, 'delivered'],
      [messageId, 'read'],
    ]);
  });

  it('the same crmMessageId within the window is refused with repeatedCrmMessageId; after the window it is new', async () => {
    let clock = Date.parse('2025-03-14T09:00:00Z');
    await sandbox.close();
    sandbox = await startWazzupSandbox({ now: () => new Date(clock), echoSends: false, crmMessageIdWindowMs: 60_000 });
    sandbox.setStatusFlow([]);
    expect((await api('POST', '/v3/message', textBody())).status).toBe(201);
    const again = await api('POST', '/v3/message', textBody());
    expect(again).toEqual({ status: 400, body: { error: 'repeatedCrmMessageId', description: 'You have already sent message with the same crmMessageId' } });
    expect(sandbox.sent).toHaveLength(1);
    clock += 61_000;
    expect((await api('POST', '/v3/message', textBody())).status).toBe(201);
    expect(sandbox.sent).toHaveLength(2);
  });

  it('validates like Wazzup: channel, transport, chat id, text xor contentUri, length', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ channelId: '00000000-0000-4000-8000-000000000000' }, 'CHANNEL_NOT_FOUND'],
      [{ chatType: 'telegram' }, 'WRONG_TRANSPORT'],
      [{ chatType: 'pigeon' }, 'INVALID_MESSAGE_DATA'],
      [{ chatId: '+7 901' }, 'INVALID_MESSAGE_DATA'],
      [{ contentUri: 'https://example.com/a.png' }, 'INVALID_MESSAGE_DATA'],
      [{ text: undefined }, 'INVALID_MESSAGE_DATA'],
      [{ text: 'x'.repeat(10_001) }, 'TOO_LONG_TEXT'],
    ];
    for (const [over, code] of cases) {
      const res = await api('POST', '/v3/message', textBody({ ...over, crmMessageId: `v-${code}-${Math.random()}` }));
      expect([res.status, res.body?.['error']], JSON.stringify(over)).toEqual([400, code]);
    }
    expect(sandbox.sent).toEqual([]);
  });

  it('downloads contentUri at once and refuses a redirect', async () => {
    sandbox.setStatusFlow([]);
    const ok = await api('POST', '/v3/message', textBody({ text: undefined, contentUri: `${receiver.url}/file`, crmMessageId: 'f-1' }));
    expect(ok.status).toBe(201);
    expect(sandbox.sent[0]!.content).toEqual({ bytes: 4, contentType: 'image/png' });
    const moved = await api('POST', '/v3/message', textBody({ text: undefined, contentUri: `${receiver.url}/moved`, crmMessageId: 'f-2' }));
    expect(moved.body).toMatchObject({ error: 'MESSAGE_DOWNLOAD_CONTENT_ERROR' });
    expect(sandbox.sent).toHaveLength(1);
  });

  it('an error status flow posts status error with the code, read by the parser as failed', async () => {
    await register();
    receiver.got.length = 0;
    sandbox.setStatusFlow(['sent', { error: 'BAD_CONTACT' }], { times: 1 });
    const res = await api('POST', '/v3/message', textBody());
    await sandbox.settled();
    const statuses = receiver.parsed().flatMap((p) => p.statuses);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'failed']);
    expect(statuses[1]).toMatchObject({ messageId: res.body!['messageId'], errors: [{ code: 'BAD_CONTACT', message: 'Contact does not have a WhatsApp account' }] });
  });

  it('injected failures: a code, a bare status, and a lost answer after the send went out', async () => {
    sandbox.setStatusFlow([]);
    sandbox.failNext('24_HOURS_EXCEEDED', { match: 'message' });
    expect(await api('GET', '/v3/channels')).toMatchObject({ status: 200 });
    expect(await api('POST', '/v3/message', textBody({ crmMessageId: 'a' }))).toMatchObject({ status: 400, body: { error: '24_HOURS_EXCEEDED' } });
    sandbox.failNext(503);
    expect(await api('POST', '/v3/message', textBody({ crmMessageId: 'b' }))).toEqual({ status: 503, body: undefined });
    expect(sandbox.sent).toEqual([]);
    sandbox.failNext(500, { afterProcessing: true });
    expect((await api('POST', '/v3/message', textBody({ crmMessageId: 'c' }))).status).toBe(500);
    expect(sandbox.sent.map((s) => s.crmMessageId)).toEqual(['c']);
    sandbox.failNext('TOO_MANY_REQUESTS', { times: 2 });
    expect((await api('GET', '/v3/channels')).status).toBe(429);
    expect((await api('GET', '/v3/channels')).status).toBe(429);
    expect((await api('GET', '/v3/channels')).status).toBe(200);
  });

  it('enforces the request rate limit with 429', async () => {
    await sandbox.close();
    sandbox = await startWazzupSandbox({ rateLimit: { requests: 3, windowMs: 60_000 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api('GET', '/v3/channels')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('channels', () => {
  it('lists channels; a state change is POSTed as channelsUpdates and blocks sending', async () => {
    expect((await api('GET', '/v3/channels')).body).toEqual([
      { channelId: DEFAULT_WAZZUP_CHANNEL_ID, transport: 'whatsapp', plainId: '79011112233', state: 'active' },
    ]);
    await register();
    receiver.got.length = 0;
    await sandbox.setChannelState('qr');
    const events = receiver.parsed().flatMap((p) => p.events);
    expect(events.map(wazzupChannelState)).toEqual([{ channelId: DEFAULT_WAZZUP_CHANNEL_ID, state: 'qr' }]);
    expect((await api('POST', '/v3/message', textBody())).body).toMatchObject({ error: 'MESSAGE_CHANNEL_UNAVAILABLE' });
    await sandbox.setChannelState('notEnoughMoney');
    expect((await api('POST', '/v3/message', textBody())).body).toMatchObject({ error: 'CHANNEL_NO_MONEY' });
    await sandbox.setChannelState('active');
    expect((await api('POST', '/v3/message', textBody())).status).toBe(201);
  });
});

describe('inbound deliveries', () => {
  it('deliverInbound needs a registered webhook', async () => {
    await expect(sandbox.deliverInbound({ chatId: '79011112233', text: 'hi' })).rejects.toThrow(/no webhook registered/);
  });

  it('posts a text and an image whose contentUri the sandbox serves', async () => {
    await register();
    receiver.got.length = 0;
    const text = await sandbox.deliverInbound({ chatId: '79011112233', name: 'Ivan', text: '/start' });
    expect(text.deliveries.map((d) => d.status)).toEqual([200]);
    const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
    const image = await sandbox.deliverInbound({ chatId: '79011112233', file: { bytes: png, mimeType: 'image/png' } });
    const messages = receiver.parsed().flatMap((p) => p.messages);
    expect(messages.map((m) => [m.id, m.type, m.from.userId, m.echo])).toEqual([
      [text.messageId, 'text', 'whatsapp.79011112233', undefined],
      [image.messageId, 'image', 'whatsapp.79011112233', undefined],
    ]);
    expect(messages[0]!.from.name).toBe('Ivan');
    expect(receiver.got[0]!.headers['authorization']).toBe(`Bearer ${CRM_KEY}`);
    const media = await fetch(messages[1]!.media!.url!);
    expect(media.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(png);
  });

  it('retries a delivery the receiver did not answer 200, and deliverRaw posts any body', async () => {
    await register();
    receiver.got.length = 0;
    receiver.setStatus(500);
    const d = await sandbox.deliverInbound({ chatId: '79011112233', text: 'again' });
    expect(d.deliveries.map((x) => [x.attempt, x.status])).toEqual([
      [1, 500],
      [2, 500],
    ]);
    receiver.setStatus(200);
    const raw = await sandbox.deliverRaw(d.body);
    expect(raw[0]!.status).toBe(200);
    expect(receiver.got.map((g) => g.body)).toEqual([d.body, d.body, d.body]);
  });
});
