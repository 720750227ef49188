// Admin read routes and contact identity through the real handlers against dynalite.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContactView, MessageView } from '../../lambdas/domain/shared/model.js';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { metaJson, textDelivery, type TextOptions } from '../../lib/local/meta-payloads.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { deliveryEvent, getContactEvent, getMessageEvent, listMessagesEvent } from '../support/api-events.js';
import { TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { startWebhookAndAdmin } from '../support/webhook-admin.js';

let db: TestDynamo;
let webhook: HttpHandler;
let admin: HttpHandler;

beforeAll(async () => {
  ({ db, webhook, admin } = await startWebhookAndAdmin());
});
afterAll(() => db?.close());
beforeEach(() => db.reset());

const business = { phoneNumberId: '1122334455667', wabaId: '5467539754836534' };
const at = (minutes: number) => new Date(Date.UTC(2026, 4, 1, 10, minutes));

async function send(o: Omit<TextOptions, 'phoneNumberId'>): Promise<string> {
  const { delivery, messageId } = textDelivery({ ...business, ...o });
  const res = await webhook(deliveryEvent(metaJson(delivery), TEST_APP_SECRET));
  expect(res.statusCode, res.body).toBe(200);
  return messageId;
}

async function call<T>(event: Parameters<HttpHandler>[0]): Promise<{ status: number; body: T }> {
  const res = await admin(event);
  expect(res.headers?.['content-type']).toBe('application/json');
  return { status: res.statusCode ?? 0, body: JSON.parse(res.body ?? 'null') as T };
}

describe('GET /messages/{id} and /contacts/{id}', () => {
  it('404 with a JSON error for ids never seen', async () => {
    expect(await call(getMessageEvent('wamid.nope'))).toEqual({ status: 404, body: { error: 'message wamid.nope not found' } });
    expect(await call(getContactEvent('000'))).toEqual({ status: 404, body: { error: 'contact 000 not found' } });
    expect(await call(listMessagesEvent('000'))).toEqual({ status: 404, body: { error: 'contact 000 not found' } });
  });

  it('shows a message and its contact in the documented shapes', async () => {
    const id = await send({ waId: '996555123456', name: 'Aigul', text: 'hello', timestamp: at(0) });
    const message = await call<MessageView>(getMessageEvent(id));
    expect(message).toEqual({
      status: 200,
      body: { id, direction: 'in', type: 'text', contactId: '996555123456', timestamp: at(0).toISOString(), text: 'hello', phoneNumberId: business.phoneNumberId },
    });
    const contact = await call<ContactView>(getContactEvent('996555123456'));
    expect(contact.status).toBe(200);
    expect(contact.body).toEqual({
      id: '996555123456',
      waId: '996555123456',
      name: 'Aigul',
      phones: ['+996555123456'],
      emails: [],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastInboundAt: at(0).toISOString(),
    });
  });

  it('accepts percent-encoded ids (wamids carry "=" and may carry "/" or "+")', async () => {
    const id = await send({ waId: '996555123456', text: 'x', id: 'wamid.HBgL+ab/cd==' });
    const event = getMessageEvent(id);
    event.pathParameters = { id: encodeURIComponent(id) };
    expect((await call<MessageView>(event)).body.id).toBe(id);
  });
});

describe('contact identity', () => {
  it('a contact first seen by phone keeps its id and gains the BSUID; both find it', async () => {
    await send({ waId: '996555123456', name: 'Aigul', text: 'first', timestamp: at(0) });
    const later = await send({ waId: '996555123456', userId: 'KG.987654321', name: 'Aigul B', username: 'aigul', text: 'second', timestamp: at(5) });
    expect((await call<MessageView>(getMessageEvent(later))).body.contactId).toBe('996555123456');
    const contact = (await call<ContactView>(getContactEvent('996555123456'))).body;
    expect(contact).toMatchObject({ userId: 'KG.987654321', waId: '996555123456', name: 'Aigul B', username: 'aigul' });
    expect((await call(getContactEvent('KG.987654321'))).status).toBe(404);

    // A BSUID-only delivery (phone withheld) reaches the same contact through the alias.
    const third = await send({ userId: 'KG.987654321', text: 'third', timestamp: at(9) });
    expect((await call<MessageView>(getMessageEvent(third))).body.contactId).toBe('996555123456');
    expect((await db.scan('contacts')).filter((i) => i.sk === 'profile')).toHaveLength(1);
  });

  it('a BSUID-only user is keyed by the BSUID, without a phone', async () => {
    await send({ userId: 'US.13491208655302741918', username: 'carol', text: 'hi' });
    const contact = (await call<ContactView>(getContactEvent('US.13491208655302741918'))).body;
    expect(contact).toMatchObject({ id: 'US.13491208655302741918', userId: 'US.13491208655302741918', username: 'carol', phones: [] });
    expect(contact.waId).toBeUndefined();
  });

  it('lastInboundAt and the profile name move only forward when deliveries arrive out of order', async () => {
    await send({ waId: '996555123456', name: 'New Name', text: 'newer', timestamp: at(30) });
    await send({ waId: '996555123456', name: 'Old Name', text: 'older', timestamp: at(10) });
    const contact = (await call<ContactView>(getContactEvent('996555123456'))).body;
    expect(contact.lastInboundAt).toBe(at(30).toISOString());
    expect(contact.name).toBe('New Name');
  });

  it('concurrent first deliveries from one new user converge on one contact', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => send({ waId: '996555123456', userId: 'KG.555', text: `m${i}`, timestamp: at(i) })),
    );
    const profiles = (await db.scan('contacts')).filter((i) => i.sk === 'profile');
    expect(profiles.map((p) => p.id)).toEqual(['KG.555']);
    expect(profiles[0]?.lastInboundAt).toBe(at(7).toISOString());
  });

  it('findByPhone finds the contact by E.164 (for card dedupe)', async () => {
    await send({ waId: '996555123456', userId: 'KG.1', text: 'x' });
    const store = createContactStore(db.doc, db.tableNames.contacts);
    expect((await store.findByPhone('+996555123456')).map((c) => c.id)).toEqual(['KG.1']);
    expect(await store.findByPhone('+10000000000')).toEqual([]);
    expect(await store.findByEmail('Nobody@Example.com')).toEqual([]);
  });
});

describe('GET /contacts/{id}/messages', () => {
  it('pages newest first without gaps or repeats', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push(await send({ waId: '996555123456', text: `m${i}`, timestamp: at(i) }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call<{ items: MessageView[]; nextCursor?: string }>(
        listMessagesEvent('996555123456', { limit: '10', ...(cursor ? { cursor } : {}) }),
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((m) => m.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);
  });

  it('defaults to 20 items', async () => {
    for (let i = 0; i < 21; i++) await send({ waId: '996555123456', text: `m${i}`, timestamp: at(i) });
    const page = await call<{ items: MessageView[]; nextCursor?: string }>(listMessagesEvent('996555123456'));
    expect(page.body.items).toHaveLength(20);
    expect(page.body.nextCursor).toBeDefined();
  });

  it.each(['0', '101', 'ten', '1.5', '-3', ''])('400 naming the limit for limit=%j', async (limit) => {
    await send({ waId: '996555123456', text: 'x' });
    const res = await call<{ error: string }>(listMessagesEvent('996555123456', { limit }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^limit must be an integer from 1 to 100/);
  });

  it('400 naming the cursor for a forged or foreign cursor', async () => {
    await send({ waId: '996555123456', text: 'a', timestamp: at(0) });
    await send({ waId: '996555123456', text: 'b', timestamp: at(1) });
    await send({ waId: '77011234567', text: 'c', timestamp: at(2) });
    const first = await call<{ nextCursor?: string }>(listMessagesEvent('996555123456', { limit: '1' }));
    expect(first.body.nextCursor).toBeDefined();
    for (const [contact, cursor] of [
      ['996555123456', 'not-a-cursor'],
      ['996555123456', Buffer.from('{"pk":1}').toString('base64url')],
      ['77011234567', first.body.nextCursor!],
    ] as const) {
      const res = await call<{ error: string }>(listMessagesEvent(contact, { cursor }));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/^cursor: /);
    }
  });
});
