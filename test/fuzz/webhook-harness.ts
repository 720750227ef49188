// What the webhook fuzz properties share: the real stores on a private dynalite (the production marshalling,
// default SDK timeouts), an admin handler to read back through, recording work and metric sinks, and the checks
// every answer must pass.
import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { MARSHALL_OPTIONS } from '../../lambdas/adapters/dynamo/dynamo-client.js';
import { createDeliveryArchive, eventKey, quarantinePk } from '../../lambdas/adapters/dynamo/delivery-archive.js';
import type { IngestStores } from '../../lambdas/adapters/dynamo/ingest-stores.js';
import { createMessageStore } from '../../lambdas/adapters/dynamo/message-store.js';
import type { MetricSink } from '../../lambdas/domain/shared/metric-catalog.js';
import type { ParsedDelivery } from '../../lambdas/domain/shared/model.js';
import type { WorkJob } from '../../lambdas/domain/shared/ports.js';
import type { HttpEvent, HttpResult } from '../../lambdas/handlers/http.js';
import { apiEvent } from '../support/api-events.js';
import { countItems, startTestDynamo, type TestDynamo } from '../support/dynalite.js';

export interface Harness {
  db: TestDynamo;
  store: IngestStores;
  messages: ReturnType<typeof createMessageStore>;
  admin: (event: HttpEvent) => Promise<HttpResult>;
  jobs: WorkJob[];
  metrics: { name: string; value: number }[];
  sink: MetricSink;
  /** Items in every table (cheap while they are empty). */
  count(): Promise<number>;
  close(): Promise<void>;
}

import { createEventLog } from '../../lambdas/adapters/dynamo/event-log.js';
import { createUserStore } from '../../lambdas/adapters/dynamo/user-store.js';

export async function startHarness(): Promise<Harness> {
  const db = await startTestDynamo();
  const doc = DynamoDBDocumentClient.from(db.client, { marshallOptions: MARSHALL_OPTIONS });
  const messages = createMessageStore(doc, db.tableNames.messages);
  const contacts = createContactStore(doc, db.tableNames.contacts);
  const jobs: WorkJob[] = [];
  const metrics: { name: string; value: number }[] = [];
  const { createAdminHandler } = await import('../../lambdas/handlers/admin-api.js');
  return {
    db,
    messages,
    store: { contacts, messages, archive: createDeliveryArchive(doc, db.tableNames.messages), work: { enqueue: async (j) => void jobs.push(...j) } },
    admin: createAdminHandler({
      contacts,
      messages,
      users: createUserStore(doc, db.tableNames.contacts),
      events: createEventLog(doc, db.tableNames.messages),
    }),
    jobs,
    metrics,
    sink: { emit: (name: string, value: number, ..._dimensions: unknown[]) => void metrics.push({ name, value }) },
    count: () => countItems(db),
    close: () => db.close(),
  };
}

/** Every 4xx and 5xx body is `{ "error": "<non-empty text>" }` and nothing else; no answer is a 5xx. */
export function expectSound(res: HttpResult, extraKeys: string[] = []): void {
  const status = res.statusCode ?? 0;
  expect(status, res.body).toBeGreaterThanOrEqual(200);
  expect(status, `a 5xx with no storage failure: ${String(res.body).slice(0, 300)}`).toBeLessThan(500);
  if (status >= 400) {
    const body = JSON.parse(res.body ?? 'null') as Record<string, unknown>;
    expect(typeof body['error']).toBe('string');
    expect(String(body['error']).trim()).not.toBe('');
    expect(Object.keys(body).filter((k) => k !== 'error' && !extraKeys.includes(k))).toEqual([]);
  }
}

/** Reads a message back the way an admin would: GET /messages/{id}, percent-encoded like API Gateway passes it. */
export async function retrievable(h: Harness, id: string): Promise<boolean> {
  // An id with a lone surrogate has no URL form: read the store behind the route instead.
  if (/\p{Cs}/u.test(id)) return (await h.messages.get(id)) !== undefined;
  const res = await h.admin(apiEvent('GET /messages/{id}', { path: `/messages/${encodeURIComponent(id)}`, pathParameters: { id: encodeURIComponent(id) } }));
  expectSound(res);
  if (res.statusCode === 404) return false;
  expect(res.statusCode, res.body).toBe(200);
  return true;
}

export async function hasItem(h: Harness, key: { pk: string; sk: string }): Promise<boolean> {
  const out = await h.db.doc.send(new GetCommand({ TableName: h.db.tableNames.messages, Key: key, ConsistentRead: true }));
  return out.Item !== undefined;
}

export const sha256 = (raw: Buffer) => createHash('sha256').update(raw).digest('hex');

/** The delivery answered 200: everything the domain parser found is stored, or the raw body is quarantined. */
export async function expectStored(h: Harness, raw: Buffer, res: HttpResult, parsed: ParsedDelivery | 'quarantined'): Promise<void> {
  const body = JSON.parse(res.body ?? 'null') as Record<string, unknown>;
  if (parsed === 'quarantined') {
    expect(body).toEqual({ quarantined: sha256(raw) });
    expect(await hasItem(h, { pk: quarantinePk(sha256(raw)), sk: 'part#00000' }), 'quarantined body stored').toBe(true);
    return;
  }
  const summary = body as { messages: { stored: number; duplicate: number }; statuses: { stored: number; duplicate: number }; events: { stored: number; duplicate: number } };
  expect(summary.messages.stored + summary.messages.duplicate).toBe(parsed.messages.length);
  expect(summary.statuses.stored + summary.statuses.duplicate).toBe(parsed.statuses.length);
  expect(summary.events.stored + summary.events.duplicate).toBe(parsed.events.length);
  for (const m of parsed.messages) expect(await retrievable(h, m.id), `message ${JSON.stringify(m.id).slice(0, 80)}`).toBe(true);
  for (const s of parsed.statuses) expect(await retrievable(h, s.messageId), `status of ${JSON.stringify(s.messageId).slice(0, 80)}`).toBe(true);
  for (const e of parsed.events) expect(await hasItem(h, eventKey(e.dedupeKey)), `event ${e.field}`).toBe(true);
}
