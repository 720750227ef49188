// The Graph sandbox itself, over plain HTTP: Meta's validation and error bodies, the account model (WABA id vs
// phone number id, expired token, missing scope), failure injection, and signed status webhooks that a receiver
// verifies with the webhook's own signature check and parser.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseMetaDelivery } from '../../lambdas/domain/inbound/meta-webhook.js';
import { verifyMetaSignature } from '../../lambdas/domain/inbound/signature.js';
import {
  DEFAULT_APP_ID,
  DEFAULT_PHONE_NUMBER_ID,
  DEFAULT_WABA_ID,
  startGraphSandbox,
  type GraphSandbox,
} from '../../lib/local/graph-sandbox.js';

const TOKEN = 'EAAG-sandbox-test';
const APP_SECRET = 'sandbox-test-app-secret';
const PHONE = DEFAULT_PHONE_NUMBER_ID;

interface Received {
  raw: Buffer;
  signature: string | undefined;
  verified: boolean;
  json: unknown;
}

let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let receiverStatus = 200;
let sandbox: GraphSandbox;

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  // A tiny stand-in for POST /webhooks/whatsapp: verifies the raw bytes exactly as the webhook Lambda does.
  receiver = createServer(async (req, res) => {
    const raw = await readAll(req);
    const signature = req.headers['x-hub-signature-256'] as string | undefined;
    received.push({ raw, signature, verified: verifyMetaSignature(raw, signature, [APP_SECRET]), json: JSON.parse(raw.toString('utf8')) });
    res.writeHead(receiverStatus);
    res.end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/whatsapp`;
  sandbox = await startGraphSandbox({ appSecret: APP_SECRET, accessToken: TOKEN, webhookUrl: receiverUrl, statusDelayMs: 5 });
});

afterAll(async () => {
  await sandbox.close();
  receiver.closeAllConnections();
  await new Promise<void>((r) => receiver.close(() => r()));
});

afterEach(async () => {
  await sandbox.settled();
  sandbox.reset();
  received.length = 0;
  receiverStatus = 200;
});

async function graph(method: string, path: string, opts: { body?: unknown; token?: string | null; query?: Record<string, string> } = {}) {
  const url = new URL(`${sandbox.url}${path}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as Record<string, any> };
}

const textBody = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '13437772910', type: 'text', text: { body: 'hola' } };

describe('POST /{phone-number-id}/messages', () => {
  it('accepts a send with the cassette\'s response shape and records it', async () => {
    const r = await graph('POST', `/v26.0/${PHONE}/messages`, { body: textBody });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '13437772910', wa_id: '13437772910' }],
      messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/]+$/) }],
    });
    expect(sandbox.sent).toEqual([
      { wamid: r.json['messages'][0].id, phoneNumberId: PHONE, type: 'text', waId: '13437772910', body: textBody, at: expect.any(Date) },
    ]);
  });

  it.each([
    [{ ...textBody, messaging_product: undefined }, 100, '(#100) The parameter messaging_product is required.'],
    [{ ...textBody, to: undefined }, 100, '(#100) The parameter to is required.'],
    [{ ...textBody, to: 'abc' }, 100, 'Invalid parameter: recipient phone number format is incorrect'],
    [{ ...textBody, text: { body: '' } }, 100, "(#100) The parameter text['body'] is required."],
    [{ ...textBody, type: 'hologram', hologram: {} }, 131009, '(#131009) Parameter value is not valid'],
    [{ ...textBody, type: 'image', text: undefined, image: {} }, 131008, '(#131008) Required parameter is missing'],
    [{ ...textBody, type: 'template', text: undefined, template: { name: 'x' } }, 100, "(#100) The parameter template['language']['code'] is required."],
    [{ ...textBody, to: '15550934873' }, 131021, '(#131021) Recipient cannot be sender'],
  ])('rejects like Meta: %j -> %i', async (body, code, message) => {
    const r = await graph('POST', `/v26.0/${PHONE}/messages`, { body });
    expect(r.status).toBe(400);
    expect(r.json['error']).toMatchObject({ code, message, fbtrace_id: expect.any(String) });
    expect(sandbox.sent).toHaveLength(0);
  });

  it('mark as read: success, and the cassette errors for unknown and outgoing ids', async () => {
    const ok = await graph('POST', `/v26.0/${PHONE}/messages`, { body: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.INBOUND' } });
    expect(ok).toMatchObject({ status: 200, json: { success: true } });
    const unknown = await graph('POST', `/v26.0/${PHONE}/messages`, { body: { messaging_product: 'whatsapp', status: 'read', message_id: '12345' } });
    expect(unknown.json['error']).toMatchObject({
      message: '(#100) Invalid parameter',
      type: 'OAuthException',
      code: 100,
      error_data: { messaging_product: 'whatsapp', details: 'Please check the message ID you have provided.' },
    });
    const sent = await graph('POST', `/v26.0/${PHONE}/messages`, { body: textBody });
    const wamid = sent.json['messages'][0].id as string;
    const outgoing = await graph('POST', `/v26.0/${PHONE}/messages`, { body: { messaging_product: 'whatsapp', status: 'read', message_id: wamid } });
    expect(outgoing.json['error']['error_data']['details']).toBe(
      `Message supplied to mark message as read API with message ID: ${wamid} is outgoing. Please use an incoming message ID.`,
    );
  });

  it('escapes slashes in its JSON like Graph does', async () => {
    const r = await graph('POST', `/v26.0/${DEFAULT_WABA_ID}/messages`, { body: textBody });
    expect(r.text).toContain('https:\\/\\/developers.facebook.com\\/docs\\/graph-api');
  });

  it('checks templates when the WABA lists them: 132001 unknown, 132000 parameter count', async () => {
    sandbox.accounts.wabas[0]!.templates = [{ name: 'order_ready', language: 'en_US', bodyParameters: 1 }];
    try {
      const tpl = (name: string, params: number) => ({
        messaging_product: 'whatsapp',
        to: '13437772910',
        type: 'template',
        template: { name, language: { code: 'en_US' }, components: [{ type: 'body', parameters: Array.from({ length: params }, () => ({ type: 'text', text: 'x' })) }] },
      });
      expect((await graph('POST', `/v26.0/${PHONE}/messages`, { body: tpl('nope', 1) })).json['error']['code']).toBe(132001);
      expect((await graph('POST', `/v26.0/${PHONE}/messages`, { body: tpl('order_ready', 2) })).json['error']['code']).toBe(132000);
      const ok = await graph('POST', `/v26.0/${PHONE}/messages`, { body: tpl('order_ready', 1) });
      expect(ok.json['messages'][0]).toMatchObject({ message_status: 'accepted' });
    } finally {
      delete sandbox.accounts.wabas[0]!.templates;
    }
  });
});

describe('tokens and the account model', () => {
  it('no token -> 104, unknown token -> 190 (401), expired -> 190/463, revoked -> 190/460', async () => {
    expect((await graph('GET', `/v26.0/${PHONE}`, { token: null })).json['error']).toMatchObject({ code: 104 });
    const bad = await graph('GET', `/v26.0/${PHONE}`, { token: 'nonsense' });
    expect(bad.status).toBe(401);
    expect(bad.json['error']).toMatchObject({ code: 190, type: 'OAuthException' });
    sandbox.addToken({ token: 'EAAG-expired', expiresAt: 1_700_000_000 });
    const expired = await graph('GET', `/v26.0/${PHONE}`, { token: 'EAAG-expired' });
    expect(expired.status).toBe(401);
    expect(expired.json['error']).toMatchObject({ code: 190, error_subcode: 463, message: expect.stringMatching(/^Error validating access token: Session has expired on /) });
    sandbox.addToken({ token: 'EAAG-revoked', revoked: true });
    expect((await graph('GET', `/v26.0/${PHONE}`, { token: 'EAAG-revoked' })).json['error']).toMatchObject({ code: 190, error_subcode: 460 });
  });

  it('the token is also accepted as the access_token query parameter', async () => {
    const r = await graph('GET', `/v26.0/${PHONE}`, { token: null, query: { access_token: TOKEN } });
    expect(r.status).toBe(200);
  });

  it('a token missing whatsapp_business_messaging cannot send (10); missing management cannot read numbers (200)', async () => {
    sandbox.addToken({ token: 'EAAG-mgmt-only', scopes: ['whatsapp_business_management'] });
    sandbox.addToken({ token: 'EAAG-msg-only', scopes: ['whatsapp_business_messaging'] });
    const send = await graph('POST', `/v26.0/${PHONE}/messages`, { body: textBody, token: 'EAAG-mgmt-only' });
    expect(send.status).toBe(403);
    expect(send.json['error']).toMatchObject({ code: 10 });
    const read = await graph('GET', `/v26.0/${DEFAULT_WABA_ID}/phone_numbers`, { token: 'EAAG-msg-only' });
    expect(read.json['error']).toMatchObject({ code: 200 });
  });

  it('a token whose granular scopes exclude the WABA sees neither its numbers nor its id', async () => {
    sandbox.addToken({ token: 'EAAG-other-waba', wabaIds: ['999'] });
    const r = await graph('GET', `/v26.0/${PHONE}`, { token: 'EAAG-other-waba' });
    expect(r.json['error']).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
  });

  it('a WABA id where a phone number id belongs: the WABA object, or Graph\'s nonexisting-field error', async () => {
    expect((await graph('GET', `/v26.0/${DEFAULT_WABA_ID}`)).json).toEqual({ id: DEFAULT_WABA_ID, name: 'Test Business Account' });
    const fields = await graph('GET', `/v26.0/${DEFAULT_WABA_ID}`, { query: { fields: 'display_phone_number,verified_name' } });
    expect(fields.json['error']).toMatchObject({
      message: '(#100) Tried accessing nonexisting field (display_phone_number) on node type (WhatsAppBusinessAccount)',
      code: 100,
    });
    const send = await graph('POST', `/v26.0/${DEFAULT_WABA_ID}/messages`, { body: textBody });
    expect(send.json['error']).toMatchObject({ code: 100, error_subcode: 33, message: expect.stringContaining(`Object with ID '${DEFAULT_WABA_ID}' does not exist`) });
    const list = await graph('GET', `/v26.0/${PHONE}/phone_numbers`);
    expect(list.json['error']['message']).toBe('(#100) Tried accessing nonexisting field (phone_numbers) on node type (WhatsAppBusinessPhoneNumber)');
  });

  it('GET /{phone-number-id} answers default fields, requested fields, and refuses unknown fields', async () => {
    expect((await graph('GET', `/v26.0/${PHONE}`)).json).toEqual({
      id: PHONE,
      display_phone_number: '+1 555-093-4873',
      verified_name: 'Test Number',
      quality_rating: 'GREEN',
    });
    const tier = await graph('GET', `/v26.0/${PHONE}`, { query: { fields: 'whatsapp_business_manager_messaging_limit,name_status' } });
    expect(tier.json).toEqual({ whatsapp_business_manager_messaging_limit: 'TIER_250', name_status: 'AVAILABLE_WITHOUT_REVIEW', id: PHONE });
    expect((await graph('GET', `/v26.0/${PHONE}`, { query: { fields: 'colour' } })).json['error']['code']).toBe(100);
  });

  it('debug_token: an unknown input token is reported invalid, with 190', async () => {
    const r = await graph('GET', '/v26.0/debug_token', { token: `${DEFAULT_APP_ID}|${APP_SECRET}`, query: { input_token: 'garbage' } });
    expect(r.json).toEqual({ data: { error: { code: 190, message: expect.any(String) }, is_valid: false, scopes: [] } });
  });

  it('oauth/access_token checks its parameters and the app secret', async () => {
    const missing = await graph('GET', '/v26.0/oauth/access_token', { token: null, query: { grant_type: 'fb_exchange_token' } });
    expect(missing.json['error']).toMatchObject({ code: 100, message: '(#100) The parameter client_id is required.' });
    const wrong = await graph('GET', '/v26.0/oauth/access_token', {
      token: null,
      query: { grant_type: 'fb_exchange_token', client_id: DEFAULT_APP_ID, client_secret: 'nope', fb_exchange_token: TOKEN },
    });
    expect(wrong.json['error']).toMatchObject({ code: 1, message: 'Error validating client secret.' });
  });

  it('POST subscribed_apps subscribes the app', async () => {
    sandbox.accounts.wabas[0]!.subscribedApps = [];
    expect((await graph('GET', `/v26.0/${DEFAULT_WABA_ID}/subscribed_apps`)).json).toEqual({ data: [] });
    expect((await graph('POST', `/v26.0/${DEFAULT_WABA_ID}/subscribed_apps`)).json).toEqual({ success: true });
    expect((await graph('GET', `/v26.0/${DEFAULT_WABA_ID}/subscribed_apps`)).json['data']).toHaveLength(1);
  });
});

describe('media', () => {
  it('unversioned GET /{media-id} (as in cassette medias/media_with_success_response.yml) and an unknown id', async () => {
    sandbox.media.register('1761991787669262', new Uint8Array([1, 2, 3]), 'image/png');
    const r = await graph('GET', '/1761991787669262');
    expect(r.json).toEqual({
      url: expect.stringMatching(/\/whatsapp_business\/attachments\/\?mid=1761991787669262&ext=\d+/),
      mime_type: 'image/png',
      sha256: '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81',
      file_size: 3,
      id: '1761991787669262',
      messaging_product: 'whatsapp',
    });
    expect(r.text).toContain('http:\\/\\/127.0.0.1');
    expect((await graph('GET', '/123_123')).json['error']).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('media URLs expire after the configured TTL', async () => {
    let clock = new Date('2026-09-01T10:00:00Z');
    const timed = await startGraphSandbox({ appSecret: APP_SECRET, accessToken: TOKEN, mediaUrlTtlMs: 60_000, now: () => clock });
    try {
      timed.media.register('m1', new Uint8Array([9, 9]), 'image/jpeg');
      const info = (await (await fetch(`${timed.url}/v26.0/m1`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { url: string };
      expect((await fetch(info.url, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      clock = new Date(clock.getTime() + 61_000);
      expect((await fetch(info.url, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      await timed.close();
    }
  });
});

describe('failNext', () => {
  it('injects any code with Meta\'s HTTP status, for N requests, then recovers', async () => {
    sandbox.failNext(130429, { times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await graph('POST', `/v26.0/${PHONE}/messages`, { body: textBody });
      expect(r.status).toBe(429);
      expect(r.json['error']).toMatchObject({ code: 130429, message: '(#130429) Rate limit hit', error_data: { messaging_product: 'whatsapp' } });
    }
    expect((await graph('POST', `/v26.0/${PHONE}/messages`, { body: textBody })).status).toBe(200);
    expect(sandbox.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('takes a custom body and HTTP status, and a matcher', async () => {
    sandbox.failNext({ error: { message: 'custom', type: 'OAuthException', code: 131016 } }, { httpStatus: 503, match: 'messages' });
    expect((await graph('GET', `/v26.0/${PHONE}`)).status).toBe(200);
    const r = await graph('POST', `/v26.0/${PHONE}/messages`, { body: textBody });
    expect(r).toMatchObject({ status: 503, json: { error: { message: 'custom', code: 131016 } } });
  });
});

describe('status webhooks', () => {
  it('sends signed sent, delivered, read webhooks that the webhook\'s own check verifies and parser reads', async () => {
    const r = await graph('POST', `/v26.0/${PHONE}/messages`, { body: { ...textBody, biz_opaque_callback_data: 'job-1' } });
    const wamid = r.json['messages'][0].id as string;
    await sandbox.settled();
    expect(received).toHaveLength(3);
    for (const d of received) {
      expect(d.verified).toBe(true);
      expect(d.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    }
    const statuses = received.flatMap((d) => parseMetaDelivery(d.json).statuses);
    expect(statuses.map((s) => [s.messageId, s.status, s.phoneNumberId, s.accountId, s.recipient.waId])).toEqual([
      [wamid, 'sent', PHONE, DEFAULT_WABA_ID, '13437772910'],
      [wamid, 'delivered', PHONE, DEFAULT_WABA_ID, '13437772910'],
      [wamid, 'read', PHONE, DEFAULT_WABA_ID, '13437772910'],
    ]);
    const value = (received[0]!.json as any).entry[0].changes[0].value;
    expect(value).toMatchObject({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550934873', phone_number_id: PHONE },
      contacts: [{ wa_id: '13437772910' }],
      statuses: [{ id: wamid, status: 'sent', recipient_id: '13437772910', biz_opaque_callback_data: 'job-1', pricing: { pricing_model: 'PMP', category: 'service' } }],
    });
    // pricing on sent and on delivered, not on read.
    expect((received[2]!.json as any).entry[0].changes[0].value.statuses[0].pricing).toBeUndefined();
  });

  it('a failed flow with 131047 sends sent then failed with Meta\'s error, no contacts', async () => {
    sandbox.setStatusFlow(['sent', { failed: 131047 }], { times: 1 });
    await graph('POST', `/v26.0/${PHONE}/messages`, { body: textBody });
    await sandbox.settled();
    const statuses = received.flatMap((d) => parseMetaDelivery(d.json).statuses);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'failed']);
    expect(statuses[1]!.errors?.[0]).toMatchObject({ code: 131047, title: 'Re-engagement message', details: expect.stringMatching(/24 hours/) });
    expect((received[1]!.json as any).entry[0].changes[0].value.contacts).toBeUndefined();
    // Meta-style escaping (`\/`): the signature holds over the raw bytes only, not over re-serialised JSON.
    expect(received[1]!.raw.toString('utf8')).toContain('https:\\/\\/developers.facebook.com');
    expect(verifyMetaSignature(Buffer.from(JSON.stringify(received[1]!.json)), received[1]!.signature, [APP_SECRET])).toBe(false);
    // The one-off flow is used up: the next send gets the default three statuses.
    received.length = 0;
    await graph('POST', `/v26.0/${PHONE}/messages`, { body: textBody });
    await sandbox.settled();
    expect(received).toHaveLength(3);
  });

  it('a per-recipient flow and a BSUID recipient (recipient_user_id, user_id)', async () => {
    sandbox.setStatusFlow(['sent', { failed: 131026 }], { to: 'US.13491208655302741918' });
    await graph('POST', `/v26.0/${PHONE}/messages`, {
      body: { messaging_product: 'whatsapp', recipient: 'US.13491208655302741918', type: 'text', text: { body: 'hi' } },
    });
    await sandbox.settled();
    const statuses = received.flatMap((d) => parseMetaDelivery(d.json).statuses);
    expect(statuses.map((s) => [s.status, s.recipient.userId, s.recipient.waId])).toEqual([
      ['sent', 'US.13491208655302741918', undefined],
      ['failed', 'US.13491208655302741918', undefined],
    ]);
    expect(statuses[1]!.errors?.[0]?.code).toBe(131026);
  });

  it('retries a webhook the receiver refuses, and records each attempt', async () => {
    receiverStatus = 500;
    sandbox.setStatusFlow(['sent'], { times: 1 });
    await graph('POST', `/v26.0/${PHONE}/messages`, { body: textBody });
    await sandbox.settled();
    expect(sandbox.webhooks.map((w) => [w.status, w.attempt])).toEqual([
      [500, 1],
      [500, 2],
      [500, 3],
    ]);
  });
});
