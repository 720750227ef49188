// Calls webhooks through the real webhook handler on dynalite: each call is a stored event with `field: "calls"`
// and its reading beside the raw entry, once however often Meta redelivers it; a customer's call opens the
// 24-hour window (their contact's lastInboundAt) as a message does, a business-initiated call does not.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventKey } from '../../lambdas/adapters/dynamo/delivery-archive.js';
import { parseMetaDelivery } from '../../lambdas/domain/inbound/meta-webhook.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { deliveryEvent, getContactEvent } from '../support/api-events.js';
import { TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { loadMetaCorpus } from '../support/meta-corpus.js';
import { startWebhookAndAdmin } from '../support/webhook-admin.js';

let db: TestDynamo;
let webhook: HttpHandler;
let admin: HttpHandler;
const corpus = new Map(loadMetaCorpus().map((c) => [c.name, c]));

beforeAll(async () => {
  ({ db, webhook, admin } = await startWebhookAndAdmin());
});
afterAll(() => db?.close());
beforeEach(() => db.reset());

async function deliver(name: string) {
  const file = corpus.get(name)!;
  const res = await webhook(deliveryEvent(file.raw, TEST_APP_SECRET));
  expect(res.statusCode, res.body).toBe(200);
  return { summary: JSON.parse(res.body ?? '{}') as { events: { stored: number; duplicate: number } }, parsed: parseMetaDelivery(file.json) };
}

describe('calls webhooks, stored', () => {
  it('a terminate is one readable calls event, stored once across redeliveries', async () => {
    const first = await deliver('pywa__call_terminate_call_terminate');
    const again = await deliver('pywa__call_terminate_call_terminate');
    expect(first.summary.events).toEqual({ stored: 1, duplicate: 0 });
    expect(again.summary.events).toEqual({ stored: 0, duplicate: 1 });
    const [event] = first.parsed.events;
    const item = (await db.doc.send(new GetCommand({ TableName: db.tableNames.messages, Key: eventKey(event!.dedupeKey) }))).Item;
    expect(item).toMatchObject({
      field: 'calls',
      channel: 'meta',
      phoneNumberId: '37489742',
      timestamp: '2022-12-21T17:47:04.000Z',
      call: { event: 'terminate', callId: 'wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh', status: 'COMPLETED', durationSeconds: 120, user: { waId: '16315553601' } },
    });
    expect(JSON.parse(String(item?.['raw']))).toMatchObject({ calls: [{ event: 'terminate' }] });
  });

  it("a customer's call opens the 24-hour window on their contact", async () => {
    await deliver('pywa__call_connect_user_initiated');
    const res = await admin(getContactEvent('US.13491208655302741918'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ waId: '972987654321', userId: 'US.13491208655302741918', name: 'Test Name', lastInboundAt: '2025-07-15T12:38:27.000Z' });
  });

  it('a business-initiated call touches no contact', async () => {
    await deliver('pywa__call_connect_business_initiated');
    expect(await db.scan('contacts')).toEqual([]);
  });
});
