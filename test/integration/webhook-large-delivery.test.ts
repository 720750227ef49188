// A large delivery (many messages from as many senders) through the webhook handler on dynalite: everything is
// stored once, and the writes run with bounded concurrency: the store sees up to INGEST_CONCURRENCY calls at
// once, never many more (npm run bench measures the time of 1,000 messages against the old bound of 8).
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_CONCURRENCY } from '../../lambdas/domain/inbound/ingest.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { metaJson, textDelivery } from '../../lib/local/meta-payloads.js';
import { deliveryEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';

let db: TestDynamo;
let webhook: HttpHandler;
let inFlight = 0;
let peak = 0;

beforeAll(async () => {
  db = await startTestDynamo();
  webhook = (await import('../../lambdas/handlers/webhook.js')).handler;
  const { dynamo } = await import('../../lambdas/adapters/dynamo/dynamo-client.js');
  (dynamo.middlewareStack as unknown as MiddlewareStack<object, object>).add(
    (next) => async (args) => {
      peak = Math.max(peak, ++inFlight);
      try {
        return await next(args);
      } finally {
        inFlight--;
      }
    },
    { step: 'initialize', name: 'countInFlight' },
  );
});
afterAll(() => db?.close());

describe('a delivery of many messages from many senders', () => {
  it('stores every message and contact, with the writes running INGEST_CONCURRENCY at a time', async () => {
    const n = 240;
    const parts = Array.from({ length: n }, (_, i) =>
      textDelivery({ phoneNumberId: '100000000000001', waId: `9965551${String(i).padStart(5, '0')}`, name: `Customer ${i}`, text: `hello ${i}` }),
    );
    const body = metaJson({ object: 'whatsapp_business_account', entry: parts.flatMap((p) => p.delivery.entry) });
    const res = await webhook(deliveryEvent(body, TEST_APP_SECRET));
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body ?? '{}').messages).toEqual({ stored: n, duplicate: 0 });
    const stored = new Set((await db.scan('messages')).map((m) => m['id']));
    for (const p of parts) expect(stored.has(p.messageId)).toBe(true);
    expect(INGEST_CONCURRENCY).toBeGreaterThanOrEqual(32);
    // Each message's chain is one call at a time (the contact's alias lookup, its writes, the message put).
    expect(peak).toBeGreaterThan(INGEST_CONCURRENCY / 2);
    expect(peak).toBeLessThanOrEqual(INGEST_CONCURRENCY);
  }, 120_000);
});
