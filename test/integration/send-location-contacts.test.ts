// POST /messages for locations, contact cards and the card bot's `{ to, message }`: the real handler, dynalite
// stores and the Graph sandbox. Each is sent with Meta's body and stored like every outbound message; bad input
// is a 400 naming the field, with nothing sent to Graph and nothing stored.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { apiEvent, getMessageEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';

const TOKEN = 'location-contacts-token';
const WA_ID = '996555123456';
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

/** The customer wrote an hour ago: the 24-hour window is open. */
async function customerWrote(): Promise<string> {
  return (await contacts.upsert({ channel: 'meta', user: { waId: WA_ID }, seenAt: new Date().toISOString(), inboundAt: new Date(Date.now() - 3600_000).toISOString() }))!;
}

async function post(body: unknown) {
  const res = await send(apiEvent('POST /messages', { path: '/messages', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  return { status: res.statusCode, body: JSON.parse(res.body ?? '{}') as Record<string, unknown> };
}

const stored = async (id: string) => JSON.parse((await admin(getMessageEvent(id))).body ?? '{}') as Record<string, unknown>;
const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: `+${WA_ID}` };

const card = {
  name: { formatted_name: 'Jane Roe', first_name: 'Jane', last_name: 'Roe' },
  phones: [{ phone: '+1 (650) 555-1234', type: 'WORK', wa_id: '16505551234' }],
  emails: [{ email: 'jane@example.com', type: 'work' }],
  org: { company: 'Acme', title: 'CTO' },
  urls: [{ url: 'https://acme.example' }],
  addresses: [{ street: '1 Hacker Way', city: 'Menlo Park', country_code: 'US', type: 'WORK' }],
  birthday: '1990-02-28',
};

describe('POST /messages: a location', () => {
  it('is sent with Meta body, numeric coordinates, and stored with a readable text', async () => {
    const contactId = await customerWrote();
    const res = await post({ to: `+${WA_ID}`, location: { latitude: '42.8746', longitude: 74.5698, name: 'Office', address: 'Chuy 1, Bishkek' } });
    expect(res.status).toBe(201);
    expect(sandbox.sent).toHaveLength(1);
    expect(sandbox.sent[0]!.body).toEqual({ ...base, type: 'location', location: { latitude: 42.8746, longitude: 74.5698, name: 'Office', address: 'Chuy 1, Bishkek' } });
    expect(await stored(String(res.body['id']))).toMatchObject({
      direction: 'out',
      type: 'location',
      contactId,
      status: 'accepted',
      text: 'Office, Chuy 1, Bishkek (42.8746, 74.5698)',
    });
  });

  it('is refused outside the 24-hour window like any free-form message', async () => {
    const res = await post({ to: '+14155550100', location: { latitude: 1, longitude: 2 } });
    expect(res).toMatchObject({ status: 409, body: { code: 'window_closed' } });
    expect(String(res.body['hint'])).toMatch(/free-form location/);
    expect(sandbox.requests).toHaveLength(0);
  });
});

describe('POST /messages: contact cards', () => {
  it('are sent as Meta contact objects and stored under their names', async () => {
    await customerWrote();
    const second = { name: { formatted_name: 'Support' }, emails: [{ email: 'help@acme.example' }] };
    const res = await post({ to: `+${WA_ID}`, contacts: [card, second] });
    expect(res.status).toBe(201);
    expect(sandbox.sent[0]!.body).toEqual({ ...base, type: 'contacts', contacts: [card, second] });
    expect(await stored(String(res.body['id']))).toMatchObject({ type: 'contacts', text: 'Jane Roe, Support', status: 'accepted' });
  });
});

describe("POST /messages: the card bot's { to, message }", () => {
  it('is a text message', async () => {
    await customerWrote();
    const res = await post({ to: `+${WA_ID}`, message: 'Ваша визитка сохранена' });
    expect(res.status).toBe(201);
    expect(sandbox.sent[0]!.body).toEqual({ ...base, type: 'text', text: { body: 'Ваша визитка сохранена' } });
    expect(await stored(String(res.body['id']))).toMatchObject({ type: 'text', text: 'Ваша визитка сохранена' });
  });
});

describe('POST /messages: bad input on the new fields is a 400 naming the field; nothing sent, nothing stored', () => {
  const to = `+${WA_ID}`;
  const noPhone = { name: { formatted_name: 'Nobody' }, org: { company: 'Acme' } };
  it.each([
    [{ to, location: { latitude: 91, longitude: 0 } }, 'location.latitude'],
    [{ to, location: { latitude: 0, longitude: -180.5 } }, 'location.longitude'],
    [{ to, location: { latitude: 'north', longitude: 0 } }, 'location.latitude'],
    [{ to, location: { longitude: 0 } }, 'location.latitude'],
    [{ to, location: { latitude: 1, longitude: 2, colour: 'red' } }, 'location.colour'],
    [{ to, location: { latitude: 1, longitude: 2, name: '' } }, 'location.name'],
    [{ to, location: 'Bishkek' }, 'location'],
    [{ to, contacts: [] }, 'contacts'],
    [{ to, contacts: { name: { formatted_name: 'x' } } }, 'contacts'],
    [{ to, contacts: [noPhone] }, 'contacts.0.phones'],
    [{ to, contacts: [{ phones: [{ phone: '+1 650 555 1234' }] }] }, 'contacts.0.name'],
    [{ to, contacts: [{ name: { first_name: 'Jane' }, phones: [{ phone: '+1 650 555 1234' }] }] }, 'contacts.0.name.formatted_name'],
    [{ to, contacts: [card, { ...card, emails: [{ email: 'not an address' }] }] }, 'contacts.1.emails.0.email'],
    [{ to, contacts: [{ ...card, phones: [{ phone: 'call me' }] }] }, 'contacts.0.phones.0.phone'],
    [{ to, contacts: [{ ...card, phones: [{ phone: '+1 650', type: 'FAX' }] }] }, 'contacts.0.phones.0.type'],
    [{ to, contacts: [{ ...card, birthday: '1990-02-30' }] }, 'contacts.0.birthday'],
    [{ to, contacts: [{ ...card, nickname: 'J' }] }, 'contacts.0.nickname'],
    [{ to, contacts: Array.from({ length: 6 }, () => card) }, 'contacts'],
    [{ to, location: { latitude: 1, longitude: 2 }, contacts: [card] }, 'contacts'],
    [{ to, message: 42 }, 'message'],
    [{ to, message: '' }, 'message'],
    [{ to, message: 'x'.repeat(4097) }, 'message'],
    [{ to, message: 'hi', text: 'hello' }, 'message'],
    // Wazzup24 carries text and files by link only.
    [{ to, channel: 'wazzup24', phoneNumberId: '3f0c9a52-63b5-4c8c-9b8e-0e8f2a1d5c11', location: { latitude: 1, longitude: 2 } }, 'location'],
    [{ to, channel: 'wazzup24', phoneNumberId: '3f0c9a52-63b5-4c8c-9b8e-0e8f2a1d5c11', contacts: [card] }, 'contacts'],
  ])('%j -> %s', async (body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body['field']).toBe(field);
    expect(String(res.body['error'])).toContain(field);
    expect(sandbox.requests).toHaveLength(0);
    expect(await db.scan('messages')).toEqual([]);
    expect(await db.scan('contacts')).toEqual([]);
  });
});
