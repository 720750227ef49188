// Users (PUT/GET/DELETE /users/{id}, GET /users), the mapped user on GET /messages/{id} and the contact view,
// and GET /events with the alert metrics of template, quality and account events: the real handlers on dynalite.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageView } from '../../lambdas/domain/shared/model.js';
import type { MetricName } from '../../lambdas/domain/shared/metric-catalog.js';
import { ingestDelivery } from '../../lambdas/domain/inbound/ingest.js';
import { parseMetaDelivery } from '../../lambdas/domain/inbound/meta-webhook.js';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createDeliveryArchive } from '../../lambdas/adapters/dynamo/delivery-archive.js';
import { createMessageStore } from '../../lambdas/adapters/dynamo/message-store.js';
import { metaJson, textDelivery } from '../../lib/local/meta-payloads.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { apiEvent, deliveryEvent, getContactEvent, getMessageEvent, listMessagesEvent } from '../support/api-events.js';
import { TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { startWebhookAndAdmin } from '../support/webhook-admin.js';

let db: TestDynamo;
let webhook: HttpHandler;
let admin: HttpHandler;
let users: HttpHandler;

beforeAll(async () => {
  ({ db, webhook, admin } = await startWebhookAndAdmin());
  users = (await import('../../lambdas/handlers/users-api.js')).handler;
});
afterAll(() => db?.close());
beforeEach(() => db.reset());

async function call<T = Record<string, unknown>>(handler: HttpHandler, event: Parameters<HttpHandler>[0]): Promise<{ status: number; body: T }> {
  const res = await handler(event);
  return { status: res.statusCode ?? 0, body: (res.body ? JSON.parse(res.body) : undefined) as T };
}

const putUser = (id: string, body: unknown) =>
  apiEvent('PUT /users/{id}', { path: `/users/${encodeURIComponent(id)}`, pathParameters: { id }, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const userEvent = (method: 'GET' | 'DELETE', id: string) => apiEvent(`${method} /users/{id}`, { path: `/users/${encodeURIComponent(id)}`, pathParameters: { id } });
const listUsers = (query?: Record<string, string>) => apiEvent('GET /users', { path: '/users', ...(query ? { query } : {}) });
const listEvents = (query?: Record<string, string>) => apiEvent('GET /events', { path: '/events', ...(query ? { query } : {}) });

describe('users', () => {
  it('PUT creates (201) then replaces (200), any written phone form lands on the same E.164 digits', async () => {
    const created = await call(users, putUser('+7 (999) 123-45-67', { userId: 'u-42', role: 'admin', name: 'Anna' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: '79991234567', userId: 'u-42', role: 'admin', name: 'Anna' });
    const replaced = await call(users, putUser('79991234567', { userId: 'u-42', role: 'staff' }));
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: '79991234567', role: 'staff', createdAt: created.body.createdAt });
    expect(replaced.body).not.toHaveProperty('name');
    expect((await call(users, userEvent('GET', '007 999 123 45 67'))).body).toMatchObject({ id: '79991234567', role: 'staff' });
  });

  it('takes a BSUID as it is, lists by id with a cursor, deletes (204, then 404)', async () => {
    await call(users, putUser('US.13491208655302741918', { userId: 'b-1', role: 'customer' }));
    await call(users, putUser('996555123456', { userId: 'p-1', role: 'staff' }));
    await call(users, putUser('4915112345678', { userId: 'p-2', role: 'admin' }));
    const first = await call<{ items: { id: string }[]; nextCursor?: string }>(users, listUsers({ limit: '2' }));
    expect(first.body.items.map((u) => u.id)).toEqual(['4915112345678', '996555123456']);
    const second = await call<{ items: { id: string }[]; nextCursor?: string }>(users, listUsers({ limit: '2', cursor: first.body.nextCursor! }));
    expect(second.body.items.map((u) => u.id)).toEqual(['US.13491208655302741918']);
    expect((await users(userEvent('DELETE', 'US.13491208655302741918'))).statusCode).toBe(204);
    expect((await call(users, userEvent('DELETE', 'US.13491208655302741918'))).status).toBe(404);
    expect((await call(users, userEvent('GET', 'US.13491208655302741918'))).status).toBe(404);
  });

  it('answers 400 naming the field: unknown role, malformed number, missing userId, unknown key, bad limit and cursor', async () => {
    expect(await call(users, putUser('79991234567', { userId: 'x', role: 'boss' }))).toMatchObject({ status: 400, body: { field: 'role', error: expect.stringMatching(/admin, staff, customer/) } });
    expect(await call(users, putUser('12ab', { userId: 'x', role: 'admin' }))).toMatchObject({ status: 400, body: { field: 'id' } });
    expect(await call(users, putUser('123', { userId: 'x', role: 'admin' }))).toMatchObject({ status: 400, body: { field: 'id' } });
    expect(await call(users, putUser('79991234567', { role: 'admin' }))).toMatchObject({ status: 400, body: { field: 'userId' } });
    expect(await call(users, putUser('79991234567', { userId: 'x', role: 'admin', email: 'a@b.c' }))).toMatchObject({ status: 400, body: { field: 'email' } });
    expect(await call(users, putUser('79991234567', { userId: 'x', role: 'admin', name: 5 }))).toMatchObject({ status: 400, body: { field: 'name' } });
    expect(await call(users, apiEvent('PUT /users/{id}', { pathParameters: { id: '79991234567' }, body: '{nope' }))).toMatchObject({ status: 400, body: { field: 'body' } });
    expect(await call(users, listUsers({ limit: '0' }))).toMatchObject({ status: 400, body: { field: 'limit' } });
    expect(await call(users, listUsers({ cursor: 'garbage' }))).toMatchObject({ status: 400, body: { field: 'cursor' } });
    expect(await db.scan('contacts')).toEqual([]);
  });

  it('users never show up among the contacts', async () => {
    await call(users, putUser('79991234567', { userId: 'u', role: 'admin' }));
    const contacts = (await import('../../lambdas/handlers/contacts-api.js')).handler;
    expect(await call(contacts, apiEvent('GET /contacts', { path: '/contacts' }))).toEqual({ status: 200, body: { items: [] } });
  });
});

describe('the mapped user on messages and contacts', () => {
  it('a message from a mapped number carries user { userId, role, name } in GET /messages/{id}, the contact and its messages', async () => {
    await call(users, putUser('+996 555 123 456', { userId: 'crm-7', role: 'staff', name: 'Aigul' }));
    const { delivery, messageId } = textDelivery({ phoneNumberId: '1122334455667', waId: '996555123456', text: 'hi' });
    expect((await webhook(deliveryEvent(metaJson(delivery), TEST_APP_SECRET))).statusCode).toBe(200);
    const user = { userId: 'crm-7', role: 'staff', name: 'Aigul' };
    expect((await call<MessageView>(admin, getMessageEvent(messageId))).body.user).toEqual(user);
    expect((await call(admin, getContactEvent('996555123456'))).body.user).toEqual(user);
    expect((await call<{ items: MessageView[] }>(admin, listMessagesEvent('996555123456'))).body.items[0]?.user).toEqual(user);

    // The BSUID mapping is the more specific one and wins over the phone's.
    const bsuid = await textDelivery({ phoneNumberId: '1122334455667', waId: '996555123456', userId: 'KG.555', text: 'again' });
    expect((await webhook(deliveryEvent(metaJson(bsuid.delivery), TEST_APP_SECRET))).statusCode).toBe(200);
    await call(users, putUser('KG.555', { userId: 'crm-8', role: 'admin' }));
    expect((await call<MessageView>(admin, getMessageEvent(bsuid.messageId))).body.user).toEqual({ userId: 'crm-8', role: 'admin' });
  });

  it('an unmapped sender has no user, and a removed mapping disappears', async () => {
    const { delivery, messageId } = textDelivery({ phoneNumberId: '1122334455667', waId: '996555000111', text: 'hi' });
    await webhook(deliveryEvent(metaJson(delivery), TEST_APP_SECRET));
    expect((await call<MessageView>(admin, getMessageEvent(messageId))).body).not.toHaveProperty('user');
    await call(users, putUser('996555000111', { userId: 'x', role: 'customer' }));
    expect((await call<MessageView>(admin, getMessageEvent(messageId))).body.user).toEqual({ userId: 'x', role: 'customer' });
    await users(userEvent('DELETE', '996555000111'));
    expect((await call<MessageView>(admin, getMessageEvent(messageId))).body).not.toHaveProperty('user');
  });
});

function change(field: string, value: unknown, time = 1_795_000_000) {
  return { object: 'whatsapp_business_account', entry: [{ id: '5467539754836534', time, changes: [{ field, value }] }] };
}

describe('GET /events', () => {
  const paused = { event: 'PAUSED', message_template_id: 1, message_template_name: 'promo', message_template_language: 'en_US', reason: null };

  it('lists stored non-message events newest first with field, receivedAt and value; filters by field; pages', async () => {
    const bodies = [
      change('message_template_status_update', { ...paused, event: 'APPROVED' }, 1),
      change('phone_number_quality_update', { display_phone_number: '15550000000', event: 'FLAGGED', current_limit: 'TIER_10K' }, 2),
      change('calls', { calls: [{ id: 'wacid.1', event: 'connect' }] }, 3),
      change('message_template_status_update', paused, 4),
    ];
    for (const body of bodies) {
      expect((await webhook(deliveryEvent(metaJson(body), TEST_APP_SECRET))).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 5)); // distinct receivedAt
    }
    const all = await call<{ items: { field: string; receivedAt: string; value: unknown }[] }>(admin, listEvents());
    expect(all.status).toBe(200);
    expect(all.body.items.map((e) => e.field)).toEqual(['message_template_status_update', 'calls', 'phone_number_quality_update', 'message_template_status_update']);
    expect(all.body.items[0]).toMatchObject({ field: 'message_template_status_update', value: paused, channel: 'meta', accountId: '5467539754836534', receivedAt: expect.stringMatching(/^\d{4}-/) });

    const templates = await call<{ items: { value: { event: string } }[]; nextCursor?: string }>(admin, listEvents({ field: 'message_template_status_update', limit: '1' }));
    expect(templates.body.items.map((e) => e.value.event)).toEqual(['PAUSED']);
    const next = await call<{ items: { value: { event: string } }[]; nextCursor?: string }>(
      admin,
      listEvents({ field: 'message_template_status_update', limit: '1', cursor: templates.body.nextCursor! }),
    );
    expect(next.body.items.map((e) => e.value.event)).toEqual(['APPROVED']);
    const rest = next.body.nextCursor ? await call<{ items: unknown[] }>(admin, listEvents({ field: 'message_template_status_update', cursor: next.body.nextCursor })) : { body: { items: [] } };
    expect(rest.body.items).toEqual([]);

    // The events' partition is not a contact.
    expect((await call(admin, listMessagesEvent('#events'))).status).toBe(404);
  });

  it('400 naming the field for a bad limit or cursor', async () => {
    expect(await call(admin, listEvents({ limit: '500' }))).toMatchObject({ status: 400, body: { field: 'limit' } });
    expect(await call(admin, listEvents({ cursor: 'x' }))).toMatchObject({ status: 400, body: { field: 'cursor' } });
    expect(await call(admin, listEvents({ field: '' }))).toMatchObject({ status: 400, body: { field: 'field' } });
  });

  it('PAUSED/DISABLED/REJECTED templates, FLAGGED/RED numbers and account restrictions emit their alert metric once', async () => {
    const emitted: { name: MetricName; value: number; dims: unknown[] }[] = [];
    const metrics = { emit: (name: MetricName, value: number, ...dims: unknown[]) => void emitted.push({ name, value, dims }) };
    const deps = {
      contacts: createContactStore(db.doc, db.tableNames.contacts),
      messages: createMessageStore(db.doc, db.tableNames.messages),
      archive: createDeliveryArchive(db.doc, db.tableNames.messages),
      metrics,
    };
    const delivery = {
      object: 'whatsapp_business_account',
      entry: [{
        id: '5467539754836534',
        time: 1_795_000_000,
        changes: [
          { field: 'message_template_status_update', value: { ...paused, event: 'DISABLED' } },
          { field: 'message_template_status_update', value: { ...paused, event: 'APPROVED' } },
          { field: 'phone_number_quality_update', value: { display_phone_number: '15550000000', event: 'FLAGGED' } },
          { field: 'account_update', value: { event: 'ACCOUNT_RESTRICTION', restriction_info: [] } },
          { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
        ],
      }],
    };
    const parsed = parseMetaDelivery(delivery);
    await ingestDelivery(parsed, deps);
    const alerts = emitted.filter((e) => /Alerts$/.test(e.name));
    expect(alerts).toEqual([
      { name: 'TemplateAlerts', value: 1, dims: [{ state: 'DISABLED' }] },
      { name: 'NumberQualityAlerts', value: 1, dims: [{ state: 'FLAGGED' }] },
      { name: 'AccountAlerts', value: 1, dims: [{ state: 'ACCOUNT_RESTRICTION' }] },
    ]);
    emitted.length = 0;
    await ingestDelivery(parseMetaDelivery(delivery), deps);
    expect(emitted.filter((e) => /Alerts$/.test(e.name))).toEqual([]);
  });
});
