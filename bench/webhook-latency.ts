// Warm webhook latency per single-message delivery against dynalite, through the deployed bundle, versus the
// floor: the same DynamoDB calls that delivery made, replayed with a bare client into fresh tables.
import * as ddb from '@aws-sdk/client-dynamodb';
import { startDynalite } from '../lib/local/dynalite-server.js';
import { ensureTables } from '../lib/local/tables.js';
import { metaJson, textDelivery } from '../lib/local/meta-payloads.js';
import { tables, type TableName } from '../lib/resources.js';
import { deliveryEvent } from '../test/support/api-events.js';
import { concurrentGroups, startRecorder, type RecordedCall } from './dynamo-recorder.js';
import { percentile, type Row } from './table.js';

const deliveries = 400;
const warmup = 50;
const appSecret = 'bench-app-secret';

type Handler = (event: unknown) => Promise<{ statusCode?: number }>;

function tableNames(prefix: string): Record<TableName, string> {
  return Object.fromEntries(Object.keys(tables).map((t) => [t, `${prefix}-${t}`])) as Record<TableName, string>;
}

export async function benchWebhookLatency(bundle: string): Promise<Row[]> {
  const dynalite = await startDynalite();
  const recorder = await startRecorder(dynalite.endpoint);
  const handlerTables = tableNames('bench');
  const floorTables = tableNames('floor');
  const admin = new ddb.DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTables(admin, handlerTables);
  await ensureTables(admin, floorTables);

  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: recorder.endpoint,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    WHATSAPP_APP_SECRET: appSecret,
    WHATSAPP_VERIFY_TOKEN: 'bench-verify',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ...Object.fromEntries(Object.entries(tables).map(([t, spec]) => [spec.envVar, handlerTables[t as TableName]])),
  });
  const { handler } = (await import(bundle)) as { handler: Handler };

  const handlerMs: number[] = [];
  const perDelivery: RecordedCall[][] = [];
  // The handler's EMF and log lines are built as in Lambda; only their write to the terminal is skipped,
  // so the table stays readable (Lambda's runtime, not the function, ships stdout to CloudWatch).
  const write = process.stdout.write;
  let linesWritten = 0;
  process.stdout.write = (() => ((linesWritten += 1), true)) as typeof process.stdout.write;
  try {
  for (let i = 0; i < warmup + deliveries; i++) {
    // Twenty customers: most deliveries find their contact already there, as in production.
    const { delivery } = textDelivery({ phoneNumberId: '100000000000001', waId: `99655510${String(i % 20).padStart(4, '0')}`, text: `hello ${i}` });
    const event = deliveryEvent(metaJson(delivery), appSecret);
    const firstCall = recorder.calls.length;
    const t = performance.now();
    const result = await handler(event);
    const elapsed = performance.now() - t;
    if (result.statusCode !== 200) throw new Error(`delivery ${i} answered ${result.statusCode}`);
    if (i >= warmup) {
      handlerMs.push(elapsed);
      perDelivery.push(recorder.calls.slice(firstCall));
    }
  }
  } finally {
    process.stdout.write = write;
  }

  // The floor: a bare client (no proxy) replays each delivery's calls against fresh tables.
  const floorClient = new ddb.DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const rename = (body: string) =>
    (Object.keys(tables) as TableName[]).reduce((b, t) => b.replaceAll(`"${handlerTables[t]}"`, `"${floorTables[t]}"`), body);
  const send = async (call: RecordedCall) => {
    const Command = (ddb as unknown as Record<string, new (input: unknown) => ddb.ScanCommand>)[`${call.operation}Command`];
    if (!Command) throw new Error(`no command for ${call.operation}`);
    // Conditional failures happen to the handler too (duplicates, version races): they are part of the floor.
    await floorClient.send(new Command(JSON.parse(rename(call.body)))).catch((e: Error) => {
      if (e.name !== 'ConditionalCheckFailedException' && e.name !== 'TransactionCanceledException') throw e;
    });
  };
  // Warm the bare client's connection too.
  for (const calls of perDelivery.slice(0, 20)) for (const group of concurrentGroups(calls)) await Promise.all(group.map(send));
  await admin.send(new ddb.DeleteTableCommand({ TableName: floorTables.contacts }));
  await admin.send(new ddb.DeleteTableCommand({ TableName: floorTables.messages }));
  await ensureTables(admin, floorTables);
  const floorMs: number[] = [];
  for (const calls of perDelivery) {
    const t = performance.now();
    for (const group of concurrentGroups(calls)) await Promise.all(group.map(send));
    floorMs.push(performance.now() - t);
  }

  floorClient.destroy();
  admin.destroy();
  await recorder.close();
  await dynalite.close();

  const callsPerDelivery = perDelivery.reduce((n, c) => n + c.length, 0) / perDelivery.length;
  const p = (v: number[], q: number) => percentile(v, q).toFixed(2);
  const ratio99 = percentile(handlerMs, 99) / percentile(floorMs, 99);
  return [
    { metric: `webhook warm latency p50 (${deliveries} single-message deliveries)`, value: `${p(handlerMs, 50)} ms`, baseline: `${p(floorMs, 50)} ms raw DynamoDB calls` },
    { metric: 'webhook warm latency p99', value: `${p(handlerMs, 99)} ms`, baseline: `${p(floorMs, 99)} ms`, target: '<= 2x floor', pass: ratio99 <= 2 },
    { metric: 'p99 ratio', value: `${ratio99.toFixed(2)}x` },
    { metric: 'DynamoDB calls per delivery', value: callsPerDelivery.toFixed(1) },
    { metric: 'log and EMF lines per delivery', value: (linesWritten / (warmup + deliveries)).toFixed(1) },
  ];
}
