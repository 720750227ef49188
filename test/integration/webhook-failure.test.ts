// DynamoDB failing in the middle of a delivery: the handler answers 500 (Meta retries), and the retry leaves
// the store exactly as one clean delivery would, whichever call failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MiddlewareStack } from '@smithy/types';
import { metaJson, statusDelivery, textDelivery, type MetaDelivery } from '../../lib/local/meta-payloads.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { deliveryEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { loadMetaCorpus } from '../support/meta-corpus.js';

let db: TestDynamo;
let webhook: HttpHandler;
let calls = 0;
let failAt = 0;

beforeAll(async () => {
  db = await startTestDynamo();
  webhook = (await import('../../lambdas/handlers/webhook.js')).handler;
  const { dynamo } = await import('../../lambdas/adapters/dynamo-client.js');
  // Counts every DynamoDB call the handler makes and fails the `failAt`-th one like a throttled service would.
  (dynamo.middlewareStack as MiddlewareStack<object, object>).add(
    (next) => async (args) => {
      calls++;
      if (calls === failAt) throw Object.assign(new Error('injected failure'), { name: 'InternalServerError', $fault: 'server' });
      return next(args);
    },
    { step: 'initialize', name: 'failNthCall' },
  );
});
afterAll(() => db?.close());

const business = { phoneNumberId: '1122334455667', displayPhoneNumber: '15550001111', wabaId: '5467539754836534' };

function compositeDelivery(): Buffer {
  const t = (s: number) => new Date(Date.UTC(2026, 4, 1, 10, 0, s));
  const parts: MetaDelivery[] = [
    textDelivery({ ...business, waId: '996555123456', userId: 'KG.111', name: 'Aigul', text: 'hello', id: 'wamid.A1', timestamp: t(1) }).delivery,
    textDelivery({ ...business, waId: '996555123456', userId: 'KG.111', name: 'Aigul', text: '/start', id: 'wamid.A2', timestamp: t(2) }).delivery,
    textDelivery({ ...business, waId: '77011234567', name: 'Bek', text: 'salam', id: 'wamid.B1', timestamp: t(3) }).delivery,
    textDelivery({ ...business, phoneNumberId: '999000111', userId: 'US.222', username: 'carol', text: 'other number', id: 'wamid.C1', timestamp: t(4) }).delivery,
    statusDelivery({ ...business, messageId: 'wamid.OUT1', status: 'sent', recipient: { waId: '996555123456', userId: 'KG.111' }, timestamp: t(5) }),
    statusDelivery({ ...business, messageId: 'wamid.OUT1', status: 'read', recipient: { waId: '996555123456', userId: 'KG.111' }, timestamp: t(8) }),
    statusDelivery({ ...business, messageId: 'wamid.OUT2', status: 'failed', recipient: { waId: '77011234567' }, timestamp: t(9), errors: [{ code: 131047, title: 'Re-engagement message' }] }),
  ];
  const template = loadMetaCorpus().find((c) => c.name === 'pywa__template_status_update_approved')!.json as MetaDelivery;
  return metaJson({ object: 'whatsapp_business_account', entry: [...parts.flatMap((p) => p.entry), ...template.entry] });
}

/** The store's content minus the times that depend on when the delivery was received. */
async function snapshot(): Promise<string[]> {
  const volatile = new Set(['receivedAt', 'createdAt', 'listSk', 'expiresAt']);
  const items = [...(await db.scan('contacts')), ...(await db.scan('messages'))];
  return items
    .map((item) => JSON.stringify(Object.fromEntries(Object.entries(item).filter(([k]) => !volatile.has(k)).sort(([a], [b]) => a.localeCompare(b))), (_k, v) => (v instanceof Set ? [...v].sort() : v)))
    .sort();
}

describe('DynamoDB failing mid-delivery', () => {
  const raw = compositeDelivery();
  let clean: string[] = [];
  let total = 0;

  it('a clean delivery, for reference', async () => {
    await db.reset();
    calls = 0;
    failAt = 0;
    const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(res.statusCode, res.body).toBe(200);
    total = calls;
    clean = await snapshot();
    expect(total).toBeGreaterThan(10);
    expect(clean.length).toBeGreaterThan(10);
  });

  it('failing any single call answers 500, and the redelivery stores everything exactly once', async () => {
    expect(total).toBeGreaterThan(0);
    for (let n = 1; n <= total; n++) {
      await db.reset();
      calls = 0;
      failAt = n;
      const failed = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
      // Concurrent status writes to one message may race and retry, so a run can make a call or two fewer
      // than the reference; then the injected failure never fired.
      if (calls >= n) {
        expect(failed.statusCode, `call ${n} of ${total} failed`).toBe(500);
        expect(JSON.parse(failed.body ?? '{}').error).toMatch(/could not be stored/);
      } else {
        expect(failed.statusCode).toBe(200);
      }
      failAt = 0;
      const retried = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
      expect(retried.statusCode, retried.body).toBe(200);
      // And a third delivery (Meta's retries go to every subscribed app) changes nothing.
      await webhook(deliveryEvent(raw, TEST_APP_SECRET));
      expect(await snapshot(), `after failing call ${n} of ${total}`).toEqual(clean);
    }
  });
});
