// POST /messages through the real handler, dynalite stores and the Graph sandbox: the exact Graph body for every
// message kind, the 24-hour window both ways, Graph errors as 502 with the mapped error, validation as 400
// naming the field, and the Idempotency-Key header.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { apiEvent, getContactEvent, getMessageEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';

const TOKEN = 'send-api-test-token';
let db: TestDynamo;
let sandbox: GraphSandbox;
let send: HttpHandler;
let admin: HttpHandler;
let contacts: ReturnType<typeof createContactStore>;

beforeAll(async () => {
  db = await startTestDynamo();
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: TOKEN });
  process.env.WHATSAPP_ACCESS_TOKEN = TOKEN;
  process.env.GRAPH_BASE_URL = sandbox.url;
  process.env.PHONE_NUMBER_ID = DEFAULT_PHONE_NUMBER_ID;
  send = (await import('../../lambdas/handlers/send-api.js')).handler;
  admin = (await import('../../lambdas/handlers/admin-api.js')).handler;
  contacts = createContactStore(db.doc, db.tableNames.contacts);
}, 30_000);
afterAll(async () => {
  await sandbox?.close();
  await db?.close();
});
beforeEach(async () => {
  sandbox.reset();
  await db.reset();
});

const WA_ID = '996555123456';

async function customerWroteHoursAgo(hours: number, waId = WA_ID): Promise<string> {
  const id = await contacts.upsert({
    channel: 'meta',
    user: { waId, name: 'Айгуль' },
    seenAt: new Date().toISOString(),
    inboundAt: new Date(Date.now() - hours * 3600_000).toISOString(),
  });
  return id!;
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await send(
    apiEvent('POST /messages', { path: '/messages', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
  );
  return { status: res.statusCode, headers: res.headers ?? {}, body: JSON.parse(res.body ?? '{}') as Record<string, unknown> };
}

const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: `+${WA_ID}` };

describe('POST /messages: every message kind', () => {
  const buttons = {
    type: 'button',
    body: { text: 'Pick one' },
    action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] },
  };
  const list = {
    type: 'list',
    body: { text: 'Choose a slot' },
    action: { button: 'Slots', sections: [{ title: 'Monday', rows: [{ id: 'mon-9', title: '9:00', description: 'morning' }] }] },
  };
  const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Aigul' }] }];

  it.each([
    ['text', { text: 'Hello!' }, { type: 'text', text: { body: 'Hello!' } }],
    ['text with preview', { text: 'see https://example.com', previewUrl: true }, { type: 'text', text: { body: 'see https://example.com', preview_url: true } }],
    ['template', { template: { name: 'hello_world', language: 'en_US' } }, { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }],
    ['template with components', { template: { name: 'order_ready', language: 'ru', components } }, { type: 'template', template: { name: 'order_ready', language: { code: 'ru' }, components } }],
    ['image by link', { image: { link: 'https://example.com/card.png', caption: 'Your card' } }, { type: 'image', image: { link: 'https://example.com/card.png', caption: 'Your card' } }],
    ['document by id', { document: { id: '1234567890', caption: 'Invoice', filename: 'invoice.pdf' } }, { type: 'document', document: { id: '1234567890', caption: 'Invoice', filename: 'invoice.pdf' } }],
    ['audio', { audio: { link: 'https://example.com/a.ogg' } }, { type: 'audio', audio: { link: 'https://example.com/a.ogg' } }],
    ['video', { video: { id: '987654321', caption: 'Demo' } }, { type: 'video', video: { id: '987654321', caption: 'Demo' } }],
    ['interactive buttons', { interactive: buttons }, { type: 'interactive', interactive: buttons }],
    ['interactive list', { interactive: list }, { type: 'interactive', interactive: list }],
  ])('%s: 201 with the wamid, Graph got exactly the expected body, stored as outbound', async (_kind, content, graphBody) => {
    const contactId = await customerWroteHoursAgo(1);
    const res = await post({ to: `+996 555 12-34-56`, ...content });
    expect(res.status).toBe(201);
    expect(sandbox.sent).toHaveLength(1);
    const sent = sandbox.sent[0]!;
    expect(res.body).toEqual({ id: sent.wamid, status: 'accepted' });
    expect(sent.body).toEqual({ ...base, ...graphBody });
    expect(sent.phoneNumberId).toBe(DEFAULT_PHONE_NUMBER_ID);
    const stored = JSON.parse((await admin(getMessageEvent(sent.wamid))).body ?? '{}');
    expect(stored).toMatchObject({ id: sent.wamid, direction: 'out', type: graphBody.type, contactId, status: 'accepted' });
  });

  it('sends to a BSUID as `recipient`', async () => {
    await contacts.upsert({ channel: 'meta', user: { userId: 'US.13491208655302741918' }, seenAt: new Date().toISOString(), inboundAt: new Date().toISOString() });
    const res = await post({ to: 'US.13491208655302741918', text: 'hi' });
    expect(res.status).toBe(201);
    expect(sandbox.sent[0]!.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', recipient: 'US.13491208655302741918', type: 'text', text: { body: 'hi' } });
  });
});

describe('POST /messages: the 24-hour window', () => {
  it('answers 409 with the hint for free-form text to a contact silent for 25 hours, and sends nothing', async () => {
    await customerWroteHoursAgo(25);
    const res = await post({ to: `+${WA_ID}`, text: 'are you there?' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'window_closed' });
    expect(res.body['hint']).toMatch(/template/);
    expect(res.body['hint']).toContain(`npx wa send --to +${WA_ID} --template NAME`);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('sends a template to the same contact', async () => {
    await customerWroteHoursAgo(25);
    const res = await post({ to: `+${WA_ID}`, template: { name: 'hello_world', language: 'en_US' } });
    expect(res.status).toBe(201);
    expect(sandbox.sent).toHaveLength(1);
  });

  it('sends free-form text inside the window (23 hours)', async () => {
    await customerWroteHoursAgo(23);
    expect((await post({ to: `+${WA_ID}`, text: 'still here' })).status).toBe(201);
  });

  it('treats a recipient who never wrote as outside the window, and creates the contact', async () => {
    const res = await post({ to: '+7 916 123-45-67', text: 'cold message' });
    expect(res.status).toBe(409);
    expect(res.body['hint']).toMatch(/never written/);
    const contact = await admin(getContactEvent('79161234567'));
    expect(contact.statusCode).toBe(200);
    expect(JSON.parse(contact.body ?? '{}')).toMatchObject({ id: '79161234567', phones: ['+79161234567'] });
    expect(JSON.parse(contact.body ?? '{}').lastInboundAt).toBeUndefined();
    expect((await post({ to: '+79161234567', template: { name: 'hello_world', language: 'ru' } })).status).toBe(201);
  });
});

describe('POST /messages: errors', () => {
  it.each([
    [{ text: 'no recipient' }, 'to'],
    [{ to: 'not a number', text: 'x' }, 'to'],
    [{ to: `+${WA_ID}` }, ''],
    [{ to: `+${WA_ID}`, text: '' }, 'text'],
    [{ to: `+${WA_ID}`, template: { name: 'x' } }, 'template.language'],
    [{ to: `+${WA_ID}`, image: { caption: 'no link' } }, 'image.link'],
    [{ to: `+${WA_ID}`, text: 'x', colour: 'red' }, 'colour'],
    [{ to: `+${WA_ID}`, text: 'x', channel: 'telegram' }, 'channel'],
    // Wazzup24 needs a channel to send from: none is configured here (WAZZUP_CHANNEL_ID), and a Meta id is not one.
    [{ to: `+${WA_ID}`, text: 'x', channel: 'wazzup24' }, 'phoneNumberId'],
    [{ to: `+${WA_ID}`, text: 'x', channel: 'wazzup24', phoneNumberId: '106540352242922' }, 'phoneNumberId'],
  ])('400 naming the field for %j', async (body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body['field']).toBe(field);
    expect(String(res.body['error'])).toContain(field);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('400 for a body that is not JSON', async () => {
    const res = await send(apiEvent('POST /messages', { path: '/messages', body: '{nope' }));
    expect(res.statusCode).toBe(400);
  });

  it('502 carrying the mapped Graph error (permanent 131026)', async () => {
    await customerWroteHoursAgo(1);
    sandbox.failNext(131026);
    const res = await post({ to: `+${WA_ID}`, text: 'hello' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 131026, retryable: false });
    expect(res.body['hint']).toMatch(/not on WhatsApp/);
    expect(typeof res.body['error']).toBe('string');
  });

  it('502 with retryable true for a throughput limit (130429), and no send', async () => {
    await customerWroteHoursAgo(1);
    sandbox.failNext(130429);
    const res = await post({ to: `+${WA_ID}`, text: 'hello' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 130429, retryable: true });
    expect(sandbox.sent).toHaveLength(0);
  });
});

describe('POST /messages: Idempotency-Key', () => {
  it('returns the first answer to a repeated request without sending twice', async () => {
    await customerWroteHoursAgo(1);
    const body = { to: `+${WA_ID}`, text: 'exactly once' };
    const first = await post(body, { 'Idempotency-Key': 'order-42-confirmation' });
    const second = await post(body, { 'idempotency-key': 'order-42-confirmation' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(sandbox.sent).toHaveLength(1);
    // A different key is a different request.
    expect((await post(body, { 'Idempotency-Key': 'order-43' })).body['id']).not.toBe(first.body['id']);
    expect(sandbox.sent).toHaveLength(2);
  });

  it('lets a request that failed with a retryable error be retried with the same key', async () => {
    await customerWroteHoursAgo(1);
    sandbox.failNext(131000);
    const body = { to: `+${WA_ID}`, text: 'retry me' };
    expect((await post(body, { 'Idempotency-Key': 'k-retry' })).status).toBe(502);
    const again = await post(body, { 'Idempotency-Key': 'k-retry' });
    expect(again.status).toBe(201);
    expect(sandbox.sent).toHaveLength(1);
  });

  it('refuses a key reused for a different body with 422', async () => {
    await customerWroteHoursAgo(1);
    expect((await post({ to: `+${WA_ID}`, text: 'one' }, { 'Idempotency-Key': 'k-same' })).status).toBe(201);
    const other = await post({ to: `+${WA_ID}`, text: 'two' }, { 'Idempotency-Key': 'k-same' });
    expect(other.status).toBe(422);
    expect(sandbox.sent).toHaveLength(1);
  });

  it('400 for a key with spaces', async () => {
    expect((await post({ to: `+${WA_ID}`, text: 'x' }, { 'Idempotency-Key': 'has space' })).status).toBe(400);
  });
});
