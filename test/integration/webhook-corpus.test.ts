// Every recorded Meta delivery, signed and posted three times through the real webhook handler against
// dynalite: 200 each time, stored once, and every message and status readable through the admin handler.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactIdFor, e164FromWaId } from '../../lambdas/domain/shared/contact-identity.js';
import { parseMetaDelivery } from '../../lambdas/domain/inbound/meta-webhook.js';
import type { ContactView, InboundMessage, MessageView, StatusUpdate } from '../../lambdas/domain/shared/model.js';
import { eventKey } from '../../lambdas/adapters/dynamo/delivery-archive.js';
import { loadMetaCorpus } from '../support/meta-corpus.js';
import { deliveryEvent, getContactEvent, getMessageEvent, listMessagesEvent } from '../support/api-events.js';
import { TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { startWebhookAndAdmin } from '../support/webhook-admin.js';
import type { HttpHandler } from '../../lib/local/handlers.js';

let db: TestDynamo;
let webhook: HttpHandler;
let admin: HttpHandler;

beforeAll(async () => {
  ({ db, webhook, admin } = await startWebhookAndAdmin());
});
afterAll(() => db?.close());

const corpus = loadMetaCorpus();

async function read<T>(event: Parameters<HttpHandler>[0]): Promise<{ status: number; body: T }> {
  const res = await admin(event);
  return { status: res.statusCode ?? 0, body: JSON.parse(res.body ?? 'null') as T };
}

function firstById<T>(items: T[], id: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => !seen.has(id(t)) && !!seen.add(id(t)));
}

describe('the Meta corpus through the webhook handler', () => {
  it('has the real payloads it claims to', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s', async (_name, file) => {
    await db.reset();
    const parsed = parseMetaDelivery(file.json);
    const messages = firstById<InboundMessage>(parsed.messages, (m) => m.id);
    const statusIds = new Set(parsed.statuses.map((s) => s.messageId));

    const summaries = [];
    for (let i = 0; i < 3; i++) {
      const res = await webhook(deliveryEvent(file.raw, TEST_APP_SECRET));
      expect(res.statusCode, res.body).toBe(200);
      summaries.push(JSON.parse(res.body ?? '{}'));
    }
    // First post stores each distinct item; the two redeliveries store nothing new.
    expect(summaries[0].messages.stored).toBe(messages.length);
    expect(summaries[0].events.stored).toBe(new Set(parsed.events.map((e) => e.dedupeKey)).size);
    for (const again of summaries.slice(1)) {
      expect(again.messages.stored).toBe(0);
      expect(again.statuses.stored).toBe(0);
      expect(again.events.stored).toBe(0);
      expect(again.messages.duplicate).toBe(parsed.messages.length);
      expect(again.statuses.duplicate).toBe(parsed.statuses.length);
    }

    for (const m of messages) {
      const { status, body } = await read<MessageView>(getMessageEvent(m.id));
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: m.id, direction: 'in', type: m.type, timestamp: m.timestamp, phoneNumberId: m.phoneNumberId });
      if (m.text !== undefined) expect(body.text).toBe(m.text);
      else expect(body.text).toBeUndefined();
      if (m.media) expect(body.media).toEqual(m.media);
      if (m.errors) expect(body.errors).toEqual(m.errors);
      if (m.context) expect(body.context).toEqual(m.context);

      // The contact behind it: found by the id the message points to, carrying the sender's identifiers.
      expect(body.contactId).toBe(contactIdFor('meta', m.from));
      const contact = await read<ContactView>(getContactEvent(body.contactId));
      expect(contact.status).toBe(200);
      if (m.from.userId) expect(contact.body.userId).toBe(m.from.userId);
      if (m.from.waId) {
        expect(contact.body.waId).toBe(m.from.waId);
        const phone = e164FromWaId(m.from.waId);
        if (phone) expect(contact.body.phones).toContain(phone);
      }
      if (m.from.name) expect(contact.body.name).toBeDefined();
      expect(contact.body.lastInboundAt! >= m.timestamp).toBe(true);
    }

    for (const id of statusIds) {
      const updates = parsed.statuses.filter((s: StatusUpdate) => s.messageId === id);
      const { status, body } = await read<MessageView>(getMessageEvent(id));
      expect(status).toBe(200);
      const history = body.statuses ?? [];
      const distinct = new Set(updates.map((u) => `${u.status}@${u.timestamp}`));
      expect(history).toHaveLength(distinct.size);
      for (const u of updates) {
        const entry = history.find((h) => h.status === u.status && h.timestamp === u.timestamp);
        expect(entry).toBeDefined();
        if (u.errors) expect(entry?.errors).toEqual(u.errors);
      }
      expect(body.status).toBeDefined();
      if (!messages.some((m) => m.id === id)) expect(body).toMatchObject({ direction: 'out', type: 'unknown' });
    }

    for (const e of parsed.events) {
      const out = await db.doc.send(new GetCommand({ TableName: db.tableNames.messages, Key: eventKey(e.dedupeKey) }));
      expect(out.Item).toMatchObject({ field: e.field });
      expect(JSON.parse(String(out.Item?.raw))).toEqual(JSON.parse(JSON.stringify(e.raw)));
      // A call event is stored read, not only raw.
      if (e.call) expect(out.Item?.['call']).toEqual(e.call);
    }

    // Each contact's conversation lists each of its messages exactly once.
    const byContact = new Map<string, number>();
    for (const m of messages) {
      const id = contactIdFor('meta', m.from)!;
      byContact.set(id, (byContact.get(id) ?? 0) + 1);
    }
    for (const [contactId, count] of byContact) {
      const page = await read<{ items: MessageView[] }>(listMessagesEvent(contactId, { limit: '100' }));
      expect(page.status).toBe(200);
      const inbound = page.body.items.filter((i) => i.direction === 'in');
      expect(inbound).toHaveLength(count);
    }
  });
});
