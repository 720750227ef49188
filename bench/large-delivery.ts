// One delivery of 1,000 text messages from 1,000 new senders (Meta's largest batch, every contact created)
// through the webhook's ingest: the write concurrency of lambdas/domain/inbound/ingest.ts against the old bound
// of 8, in the same run, against two stores:
// - dynalite as npm start runs it (its CPU is the limit there: on a busy machine it dominates both numbers);
// - a DynamoDB stand-in that answers every call after a fixed 10 ms round trip, as DynamoDB in AWS does (a few
//   milliseconds plus the network) without using CPU: there the time is round trips / concurrency.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createContactStore } from '../lambdas/adapters/dynamo/contact-store.js';
import { createDeliveryArchive } from '../lambdas/adapters/dynamo/delivery-archive.js';
import { MARSHALL_OPTIONS } from '../lambdas/adapters/dynamo/dynamo-client.js';
import { createMessageStore } from '../lambdas/adapters/dynamo/message-store.js';
import { ingestDelivery, INGEST_CONCURRENCY } from '../lambdas/domain/inbound/ingest.js';
import { parseMetaDelivery } from '../lambdas/domain/inbound/meta-webhook.js';
import { startDynalite } from '../lib/local/dynalite-server.js';
import { textDelivery } from '../lib/local/meta-payloads.js';
import { ensureTables } from '../lib/local/tables.js';
import { tables, type TableName } from '../lib/resources.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Row } from './table.js';

const MESSAGES = 1000;
const OLD_BOUND = 8;
const ROUND_TRIP_MS = 10;

export async function benchLargeDelivery(): Promise<Row[]> {
  const dynalite = await startDynalite();
  const names = Object.fromEntries(Object.keys(tables).map((t) => [t, `large-${t}`])) as Record<TableName, string>;
  const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
  const admin = new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials });
  await ensureTables(admin, names);
  admin.destroy();
  let run = 0;

  async function time(endpoint: string, concurrency: number): Promise<{ ms: number; calls: number }> {
    run += 1;
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, requestHandler: { requestTimeout: 60_000 } });
    const db = DynamoDBDocumentClient.from(client, { marshallOptions: MARSHALL_OPTIONS });
    const parts = Array.from({ length: MESSAGES }, (_, i) =>
      textDelivery({ phoneNumberId: '100000000000001', waId: `99${String(run).padStart(3, '0')}${String(i).padStart(6, '0')}`, text: `hello ${i}` }).delivery,
    );
    const delivery = parseMetaDelivery({ object: 'whatsapp_business_account', entry: parts.flatMap((p) => p.entry) });
    let calls = 0;
    db.middlewareStack.add((next) => (args) => ((calls += 1), next(args)), { step: 'initialize' });
    const deps = { contacts: createContactStore(db, names.contacts), messages: createMessageStore(db, names.messages), archive: createDeliveryArchive(db, names.messages), concurrency };
    const t = performance.now();
    const summary = await ingestDelivery(delivery, deps);
    const ms = performance.now() - t;
    if (summary.messages.stored !== MESSAGES) throw new Error(`stored ${summary.messages.stored} of ${MESSAGES}`);
    client.destroy();
    return { ms, calls };
  }

  const slow = await startRoundTripStore(ROUND_TRIP_MS);
  const rows: Row[] = [];
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  // Interleaved, so a busy machine weighs on both sides alike.
  const localOld = await time(dynalite.endpoint, OLD_BOUND);
  const localNew = await time(dynalite.endpoint, INGEST_CONCURRENCY);
  const slowOld = await time(slow.endpoint, OLD_BOUND);
  const slowNew = await time(slow.endpoint, INGEST_CONCURRENCY);
  rows.push(
    { metric: `${MESSAGES} messages from ${MESSAGES} senders, dynalite as is, concurrency ${INGEST_CONCURRENCY}`, value: s(localNew.ms), baseline: `${s(localOld.ms)} at ${OLD_BOUND}`, target: '< 10 s webhook timeout', pass: localNew.ms < 10_000 },
    { metric: `same, every DynamoDB call a ${ROUND_TRIP_MS} ms round trip (AWS-like), concurrency ${INGEST_CONCURRENCY}`, value: s(slowNew.ms), baseline: `${s(slowOld.ms)} at ${OLD_BOUND}`, target: '< 5 s (half the timeout)', pass: slowNew.ms < 5_000 },
    { metric: 'DynamoDB calls for the delivery', value: String(localNew.calls) },
  );
  await slow.close();
  await dynalite.close();
  return rows;
}

/** Answers each DynamoDB call after `ms` with an empty success: nothing found, every write accepted. */
async function startRoundTripStore(ms: number): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop();
        const body = operation === 'Query' || operation === 'Scan' ? { Items: [], Count: 0, ScannedCount: 0 } : operation === 'BatchWriteItem' ? { UnprocessedItems: {} } : {};
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
      }, ms),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
