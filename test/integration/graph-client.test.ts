// The Graph client against the Graph sandbox: the exact bodies Meta receives for every message kind, media
// download with URL expiry and a size cap, token refresh on 190, and Meta's errors mapped (never leaking tokens).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient, GraphError, MediaTooLargeError } from '../../lambdas/adapters/meta/graph-client.js';
import { UnsafeUrl } from '../../lambdas/adapters/runtime/public-fetch.js';
import { HTTP_ERROR_CODE, TRANSPORT_ERROR_CODE } from '../../lambdas/domain/outbound/graph-errors.js';
import type { OutboundMessage } from '../../lambdas/domain/outbound/outbound-message.js';
import {
  DEFAULT_APP_ID,
  DEFAULT_PHONE_NUMBER_ID,
  DEFAULT_WABA_ID,
  startGraphSandbox,
  type GraphSandbox,
} from '../../lib/local/graph-sandbox.js';

const TOKEN = 'EAAG-client-test-token';
const APP_SECRET = 'client-test-app-secret';
const PHONE = DEFAULT_PHONE_NUMBER_ID;

let sandbox: GraphSandbox;
let client: GraphClient;

beforeAll(async () => {
  sandbox = await startGraphSandbox({ appSecret: APP_SECRET, accessToken: TOKEN });
  // The sandbox serves media from its own (loopback) origin: exempt here as the local runner exempts it.
  client = new GraphClient({ baseUrl: sandbox.url, version: 'v26.0', getToken: async () => TOKEN, mediaAllowOrigins: [sandbox.url] });
});
afterAll(async () => sandbox.close());
afterEach(() => sandbox.reset());

function lastSentBody(): Record<string, unknown> {
  const last = sandbox.sent.at(-1);
  if (!last) throw new Error('nothing was sent');
  return last.body;
}

describe('sendMessage: the body Meta receives for every kind', () => {
  const to = '+13437772910';
  const cases: [string, OutboundMessage, Record<string, unknown>][] = [
    [
      'text (OpenAPI "Send Text Message")',
      { kind: 'text', to, text: 'hola', previewUrl: false },
      { type: 'text', text: { body: 'hola', preview_url: false } },
    ],
    [
      'text reply in context (cassette send_message_accept_message_id_to_reply_a_message.yml)',
      { kind: 'text', to, text: 'gracias', replyTo: 'wamid.HBgLMTM0Mzc3NzI5MTAVAgARGBI3OEVCRjczQ0JGNzYzMTdBRDIA' },
      { type: 'text', text: { body: 'gracias' }, context: { message_id: 'wamid.HBgLMTM0Mzc3NzI5MTAVAgARGBI3OEVCRjczQ0JGNzYzMTdBRDIA' } },
    ],
    [
      'template with components (cassette send_template_with_success_response_by_passing_components_json.yml)',
      {
        kind: 'template',
        to,
        template: { name: 'sample_shipping_confirmation', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: '2 hours' }] }] },
      },
      {
        type: 'template',
        template: { name: 'sample_shipping_confirmation', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '2 hours' }] }] },
      },
    ],
    [
      'image by link with caption (cassette send_image_message_with_a_link.yml)',
      { kind: 'image', to, media: { link: 'https://ignaciochiazzo.com/static/profile-pic.avif', caption: 'Ignacio Chiazzo Profile' } },
      { type: 'image', image: { link: 'https://ignaciochiazzo.com/static/profile-pic.avif', caption: 'Ignacio Chiazzo Profile' } },
    ],
    [
      'image by id (cassette send_image_message_with_an_image_id.yml)',
      { kind: 'image', to, media: { id: '1761991787669262', caption: 'Ignacio Chiazzo Profile' } },
      { type: 'image', image: { id: '1761991787669262', caption: 'Ignacio Chiazzo Profile' } },
    ],
    [
      'document by id with filename (cassette send_document_message_with_file_name.yml)',
      { kind: 'document', to, media: { id: '1753306975419607', caption: 'Ignacio Chiazzo Profile', filename: 'custom_name' } },
      { type: 'document', document: { id: '1753306975419607', caption: 'Ignacio Chiazzo Profile', filename: 'custom_name' } },
    ],
    ['audio by id (cassette send_audio_message_with_success_response.yml)', { kind: 'audio', to, media: { id: '914268667232441' } }, { type: 'audio', audio: { id: '914268667232441' } }],
    [
      'video by link (cassette send_video_message_with_a_link.yml)',
      { kind: 'video', to, media: { link: 'https://example.com/v.mp4', caption: 'Juan Roman' } },
      { type: 'video', video: { link: 'https://example.com/v.mp4', caption: 'Juan Roman' } },
    ],
    ['sticker by id (cassette send_sticker_message_with_success_response.yml)', { kind: 'sticker', to, media: { id: '503335829198997' } }, { type: 'sticker', sticker: { id: '503335829198997' } }],
    [
      'reply buttons (cassette send_interactive_reply_buttons_…_json.yml)',
      {
        kind: 'interactive',
        to,
        interactive: {
          type: 'button',
          header: { type: 'text', text: 'I am the header!' },
          body: { text: 'I am the body!' },
          footer: { text: 'I am the footer!' },
          action: { buttons: [{ type: 'reply', reply: { title: 'This is button 1!', id: 'button_1' } }, { type: 'reply', reply: { title: 'This is button 2!', id: 'button_2' } }] },
        },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'text', text: 'I am the header!' },
          body: { text: 'I am the body!' },
          footer: { text: 'I am the footer!' },
          action: { buttons: [{ type: 'reply', reply: { title: 'This is button 1!', id: 'button_1' } }, { type: 'reply', reply: { title: 'This is button 2!', id: 'button_2' } }] },
        },
      },
    ],
    [
      'list (cassette send_interactive_list_messages_…_json.yml)',
      {
        kind: 'interactive',
        to,
        interactive: {
          type: 'list',
          header: { type: 'text', text: 'I am the header!' },
          body: { text: 'I am the body!' },
          footer: { text: 'I am the footer!' },
          action: {
            button: 'I am the button CTA',
            sections: [
              { title: 'I am section 1', rows: [{ id: 'section_1_row_1', title: 'I am row 1', description: 'I am the optional section 1 row 1 description' }] },
              { title: 'I am section 2', rows: [{ id: 'section_2_row_1', title: 'I am row 1' }] },
            ],
          },
        },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          header: { type: 'text', text: 'I am the header!' },
          body: { text: 'I am the body!' },
          footer: { text: 'I am the footer!' },
          action: {
            button: 'I am the button CTA',
            sections: [
              { title: 'I am section 1', rows: [{ id: 'section_1_row_1', title: 'I am row 1', description: 'I am the optional section 1 row 1 description' }] },
              { title: 'I am section 2', rows: [{ id: 'section_2_row_1', title: 'I am row 1' }] },
            ],
          },
        },
      },
    ],
    [
      'reaction (cassette send_reaction_with_success_response.yml)',
      { kind: 'reaction', to, reaction: { messageId: 'wamid.HBgLMTM0Mzc3NzI5MTAVAgARGBI2REVCOTdDQkIyMTcyQUQ1MkUA', emoji: '\u{1F550}' } },
      { type: 'reaction', reaction: { message_id: 'wamid.HBgLMTM0Mzc3NzI5MTAVAgARGBI2REVCOTdDQkIyMTcyQUQ1MkUA', emoji: '\u{1F550}' } },
    ],
  ];

  it.each(cases)('%s', async (_name, message, expected) => {
    const result = await client.sendMessage(PHONE, message);
    expect(lastSentBody()).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...expected });
    expect(result.messageId).toBe(sandbox.sent.at(-1)!.wamid);
    expect(result.messageId).toMatch(/^wamid\./);
    expect(result.contacts).toEqual([{ input: to, waId: '13437772910' }]);
    const request = sandbox.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: `/${PHONE}/messages`, version: 'v26.0', token: TOKEN });
    if (message.kind === 'template') expect(result.messageStatus).toBe('accepted');
  });

  it('a BSUID recipient goes in `recipient`, and the response carries user_id', async () => {
    const result = await client.sendMessage(PHONE, { kind: 'text', to: 'US.13491208655302741918', text: 'hi' });
    expect(lastSentBody()).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: 'US.13491208655302741918',
      type: 'text',
      text: { body: 'hi' },
    });
    expect(result.contacts).toEqual([{ input: 'US.13491208655302741918', userId: 'US.13491208655302741918' }]);
  });

  it('refuses an invalid message before calling Graph, naming the field', async () => {
    const bad = { kind: 'template', to: '+13437772910', template: { name: 'Hello World', language: 'en_US' } } as OutboundMessage;
    await expect(client.sendMessage(PHONE, bad)).rejects.toMatchObject({ name: 'OutboundValidationError', field: 'template.name' });
    expect(sandbox.requests).toHaveLength(0);
  });
});

describe('markRead', () => {
  it('sends the read receipt with a typing indicator (cassette send_typing_indicator_with_success_response.yml)', async () => {
    const r = await client.markRead(PHONE, 'wamid.HBgMNTU0MTk2MTI3MzAwFQIAEhgWM0VCMEQ3OTQ5OTNBODkwMzg1QTZDRgA=', { typingIndicator: true });
    expect(r).toEqual({ success: true });
    expect(sandbox.requests.at(-1)!.body).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.HBgMNTU0MTk2MTI3MzAwFQIAEhgWM0VCMEQ3OTQ5OTNBODkwMzg1QTZDRgA=',
      typing_indicator: { type: 'text' },
    });
    expect(sandbox.sent).toHaveLength(0);
  });

  it('maps Meta\'s refusal to mark an outgoing message read', async () => {
    const { messageId } = await client.sendMessage(PHONE, { kind: 'text', to: '+13437772910', text: 'x' });
    const err = await client.markRead(PHONE, messageId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).error).toMatchObject({ code: 100, retryable: false, details: expect.stringContaining('is outgoing') });
  });
});

describe('media', () => {
  const bytes = new Uint8Array(Array.from({ length: 50_000 }, (_, i) => (i * 31) % 256));

  it('getMedia and fetchMediaBytes return the bytes, mime type and a matching sha256', async () => {
    const registered = sandbox.media.register('1761991787669262', bytes, 'image/png');
    const info = await client.getMedia('1761991787669262');
    expect(info).toMatchObject({ id: '1761991787669262', mimeType: 'image/png', fileSize: 50_000, sha256: registered.sha256 });
    expect(info.url.startsWith(`${sandbox.url}/whatsapp_business/attachments/`)).toBe(true);
    const fetched = await client.fetchMediaBytes('1761991787669262', { maxBytes: 1_000_000 });
    expect(Buffer.from(fetched.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(fetched).toMatchObject({ contentType: 'image/png', mimeType: 'image/png', sha256: registered.sha256, sha256Matches: true, fileSize: 50_000 });
  });

  it('refuses a media URL that is not a public https address, without requesting it and without a retry', async () => {
    sandbox.media.register('m-local', bytes, 'image/png');
    const strict = new GraphClient({ baseUrl: sandbox.url, getToken: async () => TOKEN });
    const before = sandbox.requests.length;
    const err = await strict.fetchMediaBytes('m-local', { maxBytes: 1_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeUrl);
    expect((err as Error).message).toMatch(/only https links are fetched/);
    // The media lookup went to Graph; the download was never attempted.
    expect(sandbox.requests.slice(before).map((r) => r.path)).toEqual(['/m-local']);
  });

  it('re-fetches the URL once when the first one has expired (404)', async () => {
    sandbox.media.register('m-expiring', bytes, 'image/jpeg');
    let downloads = 0;
    const expiring = new GraphClient({
      baseUrl: sandbox.url,
      getToken: async () => TOKEN,
      mediaFetch: async (input, init) => {
        if (String(input).includes('/whatsapp_business/attachments/') && downloads++ === 0) sandbox.media.expireUrls();
        return fetch(input, init);
      },
    });
    const fetched = await expiring.fetchMediaBytes('m-expiring', { maxBytes: 1_000_000 });
    expect(fetched.bytes.byteLength).toBe(50_000);
    expect(sandbox.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`)).toEqual([
      'GET /m-expiring 200',
      'GET /whatsapp_business/attachments 404',
      'GET /m-expiring 200',
      'GET /whatsapp_business/attachments 200',
    ]);
  });

  it('gives up when the fresh URL fails too', async () => {
    sandbox.media.register('m-dead', bytes, 'image/jpeg');
    const dead = new GraphClient({
      baseUrl: sandbox.url,
      getToken: async () => TOKEN,
      mediaFetch: async (input, init) => {
        if (String(input).includes('/whatsapp_business/attachments/')) sandbox.media.expireUrls();
        return fetch(input, init);
      },
    });
    const err = await dead.fetchMediaBytes('m-dead', { maxBytes: 1_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).httpStatus).toBe(404);
  });

  it('refuses a file over the cap from its declared size, without downloading', async () => {
    sandbox.media.register('m-big', bytes, 'image/png');
    await expect(client.fetchMediaBytes('m-big', { maxBytes: 10_000 })).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(sandbox.requests.map((r) => r.path)).toEqual(['/m-big']);
  });

  it('enforces the cap while streaming when no length is declared', async () => {
    sandbox.media.register('m-stream', bytes, 'image/png');
    const info = await client.getMedia('m-stream');
    const undeclared = new GraphClient({
      baseUrl: sandbox.url,
      getToken: async () => TOKEN,
      mediaFetch: async (input, init) => {
        const res = await fetch(input, init);
        const headers = new Headers(res.headers);
        headers.delete('content-length');
        return new Response(res.body, { status: res.status, headers });
      },
    });
    const err = await undeclared.downloadMedia(info.url, { maxBytes: 20_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaTooLargeError);
    expect((err as MediaTooLargeError).maxBytes).toBe(20_000);
    const ok = await undeclared.downloadMedia(info.url, { maxBytes: 50_000 });
    expect(ok.bytes.byteLength).toBe(50_000);
  });

  it('the download needs the Bearer token', async () => {
    sandbox.media.register('m-auth', bytes, 'image/png');
    const info = await client.getMedia('m-auth');
    expect((await fetch(info.url)).status).toBe(401);
  });
});

describe('token refresh on 190', () => {
  it('re-reads the token once and retries: a rotated token never breaks a warm client', async () => {
    const stale = sandbox.addToken({ token: 'EAAG-stale', expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const fresh = sandbox.addToken({ token: 'EAAG-fresh' });
    const calls: unknown[] = [];
    const rotating = new GraphClient({
      baseUrl: sandbox.url,
      getToken: async (opts) => {
        calls.push(opts);
        return opts?.refresh ? fresh.token : stale.token;
      },
    });
    const result = await rotating.sendMessage(PHONE, { kind: 'text', to: '+13437772910', text: 'after rotation' });
    expect(result.messageId).toMatch(/^wamid\./);
    expect(calls).toEqual([undefined, { refresh: true }]);
    expect(sandbox.requests.map((r) => [r.token, r.status])).toEqual([
      ['EAAG-stale', 401],
      ['EAAG-fresh', 200],
    ]);
  });

  it('retries only once, then throws the mapped 190 without the token anywhere in it', async () => {
    const calls: unknown[] = [];
    const broken = new GraphClient({
      baseUrl: sandbox.url,
      getToken: async (opts) => {
        calls.push(opts);
        return 'EAAG-garbage-token-value';
      },
    });
    const err = (await broken.getPhoneNumber(PHONE, ['id']).catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.error).toMatchObject({ code: 190, retryClass: 'token', httpStatus: 401 });
    expect(err.error.hint).toContain('npx wa token rotate');
    expect(calls).toHaveLength(2);
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('EAAG-garbage-token-value');
  });
});

describe('Graph errors mapped', () => {
  const text: OutboundMessage = { kind: 'text', to: '+13437772910', text: 'hi' };

  it.each([
    [130429, 429, 'throughput'],
    [131056, 429, 'pair'],
    [131000, 500, 'backoff'],
    [131026, 400, 'none'],
    [368, 403, 'none'],
  ] as const)('injected %i -> HTTP %i, retryClass %s', async (code, status, retryClass) => {
    sandbox.failNext(code);
    const err = (await client.sendMessage(PHONE, text).catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.error).toMatchObject({ code, httpStatus: status, retryClass, retryable: retryClass !== 'none' });
    expect(err.error.fbtraceId).toMatch(/^A/);
    // The injection is used up: the next send succeeds.
    await expect(client.sendMessage(PHONE, text)).resolves.toMatchObject({ messageId: expect.stringMatching(/^wamid\./) });
  });

  it('a WABA id used as the phone number id -> 100/33 with the `wa accounts` hint', async () => {
    const err = (await client.sendMessage(DEFAULT_WABA_ID, text).catch((e: unknown) => e)) as GraphError;
    expect(err.error).toMatchObject({ code: 100, subcode: 33, type: 'GraphMethodException', retryable: false });
    expect(err.error.message).toContain(`Object with ID '${DEFAULT_WABA_ID}' does not exist`);
    expect(err.error.hint).toContain('npx wa accounts');
  });

  it('a recipient outside the test number\'s allowed list -> 131030 with the test-numbers hint', async () => {
    sandbox.accounts.wabas[0]!.phoneNumbers[0]!.allowedRecipients = ['+15550001111'];
    try {
      const err = (await client.sendMessage(PHONE, text).catch((e: unknown) => e)) as GraphError;
      expect(err.error).toMatchObject({ code: 131030, subcode: 2655007, retryable: false });
      expect(err.error.hint).toMatch(/allowed list/);
      await expect(client.sendMessage(PHONE, { ...text, to: '+15550001111' })).resolves.toBeDefined();
    } finally {
      delete sandbox.accounts.wabas[0]!.phoneNumbers[0]!.allowedRecipients;
    }
  });

  it('HTTP 502 with an HTML body and a timeout are retryable; a refused connection is a transport error', async () => {
    const servers: Server[] = [];
    const listen = async (handler: Parameters<typeof createServer>[1]) => {
      const s = createServer(handler);
      servers.push(s);
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    };
    try {
      const htmlUrl = await listen((_req, res) => {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html>502 Bad Gateway</html>');
      });
      const html = (await new GraphClient({ baseUrl: htmlUrl, getToken: async () => TOKEN }).getMedia('1').catch((e: unknown) => e)) as GraphError;
      expect(html.error).toMatchObject({ code: HTTP_ERROR_CODE, httpStatus: 502, retryable: true });

      const silentUrl = await listen(() => undefined);
      const slow = (await new GraphClient({ baseUrl: silentUrl, getToken: async () => TOKEN, timeoutMs: 150 }).getMedia('1').catch((e: unknown) => e)) as GraphError;
      expect(slow.error).toMatchObject({ code: TRANSPORT_ERROR_CODE, retryable: true, message: expect.stringContaining('timed out') });
    } finally {
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
    }
    const closed = (await new GraphClient({ baseUrl: 'http://127.0.0.1:1', getToken: async () => TOKEN }).getMedia('1').catch((e: unknown) => e)) as GraphError;
    expect(closed.error).toMatchObject({ code: TRANSPORT_ERROR_CODE, retryable: true });
  });
});

describe('accounts and tokens', () => {
  it('getPhoneNumber with fields, listPhoneNumbers, getSubscribedApps', async () => {
    expect(await client.getPhoneNumber(PHONE, ['status', 'throughput', 'verified_name'])).toEqual({
      status: 'CONNECTED',
      throughput: { level: 'STANDARD' },
      verified_name: 'Test Number',
      id: PHONE,
    });
    expect(sandbox.requests.at(-1)!.query).toEqual({ fields: 'status,throughput,verified_name' });
    const numbers = await client.listPhoneNumbers(DEFAULT_WABA_ID);
    expect(numbers).toEqual([
      { verified_name: 'Test Number', code_verification_status: 'NOT_VERIFIED', display_phone_number: '+1 555-093-4873', quality_rating: 'GREEN', id: PHONE },
    ]);
    expect(await client.getSubscribedApps(DEFAULT_WABA_ID)).toEqual([
      { whatsapp_business_api_data: { link: 'https://www.example.com/', name: 'Sandbox App', id: DEFAULT_APP_ID } },
    ]);
  });

  it('debugToken with the app token reports scopes, granular targets and expiry', async () => {
    const info = await client.debugToken(TOKEN, `${DEFAULT_APP_ID}|${APP_SECRET}`);
    expect(info).toMatchObject({
      isValid: true,
      appId: DEFAULT_APP_ID,
      type: 'SYSTEM_USER',
      scopes: expect.arrayContaining(['whatsapp_business_messaging', 'whatsapp_business_management']),
      granularScopes: expect.arrayContaining([{ scope: 'whatsapp_business_management', targetIds: [DEFAULT_WABA_ID] }]),
    });
    expect(info.expiresAt).toBeGreaterThan(Date.now() / 1000 + 59 * 86400);
    expect(sandbox.requests.at(-1)!.token).toBe(`${DEFAULT_APP_ID}|${APP_SECRET}`);

    const expired = sandbox.addToken({ token: 'EAAG-old', expiresAt: 1_700_000_000 });
    const bad = await client.debugToken(expired.token, `${DEFAULT_APP_ID}|${APP_SECRET}`);
    expect(bad).toMatchObject({ isValid: false, expiresAt: 1_700_000_000, error: { code: 190, subcode: 463 } });
  });

  it('exchangeToken returns a 60-day token that works; a wrong secret fails without leaking it', async () => {
    const exchanged = await client.exchangeToken({ appId: DEFAULT_APP_ID, appSecret: APP_SECRET, token: TOKEN });
    expect(exchanged).toMatchObject({ tokenType: 'bearer', expiresIn: 60 * 86400 });
    expect(sandbox.requests.at(-1)!.query).toMatchObject({ grant_type: 'fb_exchange_token', set_token_expires_in_60_days: 'true', client_id: DEFAULT_APP_ID });
    const withNew = new GraphClient({ baseUrl: sandbox.url, getToken: async () => exchanged.accessToken });
    await expect(withNew.sendMessage(PHONE, { kind: 'text', to: '+13437772910', text: 'new token' })).resolves.toBeDefined();

    const err = (await client.exchangeToken({ appId: DEFAULT_APP_ID, appSecret: 'wrong-secret-value', token: TOKEN }).catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.error.code).toBe(1);
    const visible = `${err.message} ${err.request.url} ${JSON.stringify(err.error)}`;
    expect(visible).not.toContain('wrong-secret-value');
    expect(visible).not.toContain(TOKEN);
    expect(err.request.url).toContain('client_secret=REDACTED');
    expect(err.request.url).toContain('fb_exchange_token=REDACTED');
  });

  it('the input token is scrubbed from a failed debug_token URL', async () => {
    sandbox.failNext(4);
    const err = (await client.debugToken('EAAG-secret-input', 'app|token').catch((e: unknown) => e)) as GraphError;
    expect(err.error.retryClass).toBe('backoff');
    expect(err.request.url).toContain('input_token=REDACTED');
    expect(err.message).not.toContain('EAAG-secret-input');
  });
});
