// What one delivery of each kind consumes, measured through the real handlers in this process: dynalite (in a
// child process) for DynamoDB, fauxqs for SQS and S3, the Graph sandbox for Meta. Each kind runs as Lambda would run it (webhook,
// then the queue consumer for the job it enqueued) and is tallied on its own: DynamoDB units (bench/aws-recorder.ts),
// SQS and S3 requests, Lambda invocations with wall and CPU time, bytes of log output per function (what the
// logger and Powertools Metrics write, with a Lambda context so every line carries what it carries in AWS),
// Graph calls, and the API requests that started it.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';
import { functions, tables, type FunctionName, type QueueName, type TableName } from '../lib/resources.js';
import { ensureTables } from '../lib/local/tables.js';
import { startLocalQueues } from '../lib/local/fauxqs-server.js';
import { localSqsClient, toSqsRecord } from '../lib/local/queue-poller.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox } from '../lib/local/graph-sandbox.js';
import { mediaDelivery, metaJson, statusDelivery, textDelivery, type Customer } from '../lib/local/meta-payloads.js';
import { apiEvent, deliveryEvent } from '../test/support/api-events.js';
import { emptyTally, itemBytes, recordAws } from './aws-recorder.js';
import type { Kind, KindUsage, Measurement } from '../lib/cost/usage.js';

const APP_SECRET = 'cost-app-secret';
const ACCESS_TOKEN = 'cost-access-token';
const PREFIX = 'cost';
const MINUTE = 60_000;

type Http = (event: APIGatewayProxyEventV2, context?: Context) => Promise<{ statusCode?: number; body?: string }>;
type Queue = (event: SQSEvent, context?: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

/** A Lambda context shaped as in AWS (CDK-generated names), so log lines carry what they carry there. */
function lambdaContext(fn: FunctionName, n: number): Context {
  const name = `WhatsAppBusiness-${fn[0]!.toUpperCase()}${fn.slice(1)}Function7F3A2B1C-Xk4Jm9Qp2Rt8`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: String(functions[fn].memoryMb),
    awsRequestId: `6f2b${String(n).padStart(4, '0')}-7c1d-4e8a-9b3f-2d5e8a1c4b7e`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/12/06/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => functions[fn].timeoutSeconds * 1000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function measureDeliveries(options: { ongoingSamples?: number; conversationLength?: number } = {}): Promise<Measurement> {
  const ongoingSamples = options.ongoingSamples ?? 40;
  const conversationLength = options.conversationLength ?? 5;
  // DynamoDB in a process of its own, so this process's CPU time is the handlers' (and their SDK clients').
  const dynalite = await dynaliteProcess();
  const tableNames = Object.fromEntries(Object.keys(tables).map((t) => [t, `${PREFIX}-${t}`])) as Record<TableName, string>;
  const direct = new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTables(direct, tableNames);
  const queues = await startLocalQueues({ prefix: PREFIX });
  const sandbox = await startGraphSandbox({ appSecret: APP_SECRET, accessToken: ACCESS_TOKEN });

  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_ACCESS_KEY_ID: 'cost',
    AWS_SECRET_ACCESS_KEY: 'cost',
    AWS_REGION: 'us-east-1',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'cost-verify-token',
    WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: DEFAULT_PHONE_NUMBER_ID,
    GRAPH_BASE_URL: sandbox.url,
    S3_FORCE_PATH_STYLE: 'true',
    OCR_ENGINE: 'tesseract',
    ...queues.env,
    ...Object.fromEntries(Object.entries(tables).map(([t, spec]) => [spec.envVar, tableNames[t as TableName]])),
  });
  delete process.env.POWERTOOLS_DEV;

  // Handlers after the environment: they read it at module load.
  const webhook = (await import('../lambdas/handlers/webhook.js')).handler as Http;
  const sendApi = (await import('../lambdas/handlers/send-api.js')).handler as Http;
  const sender = (await import('../lambdas/handlers/sender.js')).handler as Queue;
  const cardWorker = (await import('../lib/local/card-worker.js')).handler as Queue;
  const { dynamo } = await import('../lambdas/adapters/dynamo/dynamo-client.js');
  const { sqsClient } = await import('../lambdas/adapters/queues/outbound-queue.js');
  const { s3Client } = await import('../lambdas/adapters/cards/media-store.js');

  let current: KindUsage | undefined;
  let currentFn: FunctionName | undefined;
  const spare = emptyTally();
  let recording = true;
  recordAws({ dynamo, sqs: sqsClient(), s3: s3Client() }, direct, () => current ?? spare, () => recording);

  // Every byte the handlers write, by function; Lambda's runtime ships stdout and stderr to CloudWatch Logs.
  const captured: string[] = [];
  const series = new Set<string>();
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const capture = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    captured.push(text);
    for (const line of text.split('\n').filter((l) => l.trim())) {
      const emf = line.includes('"_aws"') && line.includes('CloudWatchMetrics');
      if (emf) for (const s of emfSeries(line)) series.add(s);
      if (!current || !currentFn) continue;
      const log = (current.logs[currentFn] ??= { lines: 0, bytes: 0, emfLines: 0, infoLines: 0, infoBytes: 0 });
      const bytes = Buffer.byteLength(line, 'utf8');
      log.lines += 1;
      log.bytes += bytes;
      if (emf) log.emfLines += 1;
      else if (/^\{"level":"(INFO|DEBUG)"/.test(line)) {
        log.infoLines += 1;
        log.infoBytes += bytes;
      }
    }
    return true;
  }) as typeof process.stdout.write;

  let invocation = 0;
  async function invoke<T>(fn: FunctionName, call: (context: Context) => Promise<T>): Promise<T> {
    const m = current!;
    currentFn = fn;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      return await call(lambdaContext(fn, ++invocation));
    } finally {
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const inv = (m.lambda[fn] ??= { count: 0, wallMs: [], cpuMs: [] });
      inv.count += 1;
      inv.wallMs.push(wall);
      inv.cpuMs.push((cpu.user + cpu.system) / 1000);
      currentFn = undefined;
    }
  }

  async function post(fn: 'webhook' | 'sendApi', event: APIGatewayProxyEventV2): Promise<{ statusCode?: number; body?: string }> {
    const bytes = Buffer.byteLength(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    if (fn === 'webhook') {
      current!.webhookRequests += 1;
      current!.webhookRequestBytes += bytes;
    } else {
      current!.apiRequests += 1;
      current!.apiRequestBytes += bytes;
    }
    const handler = fn === 'webhook' ? webhook : sendApi;
    const result = await invoke(fn, (ctx) => handler(event, ctx));
    if (result.statusCode !== 200 && result.statusCode !== 201) throw new Error(`${fn} answered ${result.statusCode}: ${result.body}`);
    return result;
  }

  const sqs = localSqsClient(queues.endpoint);
  /** Runs every job waiting on the queue through its consumer, as the event source mapping would, one batch each. */
  async function drain(queue: QueueName): Promise<void> {
    const consumer = queue === 'outbound' ? { fn: 'sender' as const, handler: sender } : { fn: 'cardWorker' as const, handler: cardWorker };
    for (;;) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queues[queue].url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }));
      const messages: Message[] = out.Messages ?? [];
      if (!messages.length) return;
      current!.queueJobs[queue] = (current!.queueJobs[queue] ?? 0) + messages.length;
      const result = await invoke(consumer.fn, (ctx) => consumer.handler({ Records: messages.map((m) => toSqsRecord(m, queues.queues[queue].arn)) }, ctx));
      if (result.batchItemFailures.length) throw new Error(`${consumer.fn} failed ${result.batchItemFailures.length} job(s)`);
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queues.queues[queue].url, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  }

  const kinds = {} as Record<Kind, KindUsage>;
  async function measure(kind: Kind, samples: number, run: (i: number) => Promise<void>): Promise<void> {
    const m: KindUsage = { kind, samples, ...noRequests(), lambda: {}, logs: {}, ...emptyTally(), graphCalls: 0, queueJobs: {} };
    const graphBefore = sandbox.requests.length;
    current = m;
    try {
      for (let i = 0; i < samples; i++) await run(i);
    } finally {
      current = undefined;
    }
    m.graphCalls = sandbox.requests.length - graphBefore;
    kinds[kind] = m;
  }

  const business = { phoneNumberId: DEFAULT_PHONE_NUMBER_ID, displayPhoneNumber: '15550000000' };
  // 2026 deliveries carry the BSUID beside the phone.
  const customer = (n: number): Customer => ({ waId: `99655512${String(n).padStart(4, '0')}`, userId: `KG.1349120865530274${String(n).padStart(4, '0')}`, name: `Customer ${n}` });
  const text = (c: Customer, body: string, at: Date) => deliveryEvent(metaJson(textDelivery({ ...business, ...c, text: body, timestamp: at }).delivery), APP_SECRET);

  process.stdout.write = capture;
  process.stderr.write = capture;
  let textMessageId = '';
  let wamid = '';
  try {
    const start = Date.now() - 6 * 60 * MINUTE;
    const regular = customer(1);
    // Warm every handler and client once, outside the tallies (Lambda's cold start is its own line).
    current = scratch();
    await post('webhook', text(customer(99), '/help', new Date(start)));
    await drain('outbound');
    current = undefined;

    await measure('textNew', 1, async () => {
      const delivery = textDelivery({ ...business, ...regular, text: 'Hello, do you deliver to Bishkek?', timestamp: new Date(start) });
      textMessageId = delivery.messageId;
      await post('webhook', deliveryEvent(metaJson(delivery.delivery), APP_SECRET));
    });
    // Conversations of conversationLength texts a minute apart, interleaved: each customer opened one (outside
    // the tallies), and the rest are measured, so the warm container's recent-profile reads hit as they would.
    const conversations = async (first: number, words: string) => {
      const talkers = Array.from({ length: Math.ceil(ongoingSamples / Math.max(1, conversationLength - 1)) }, (_, i) => customer(first + i));
      current = scratch();
      for (const c of talkers) await post('webhook', text(c, 'Hello', new Date(start)));
      current = undefined;
      await measure('textOngoing', ongoingSamples, (i) => {
        const round = Math.floor(i / talkers.length) + 1;
        return post('webhook', text(talkers[i % talkers.length]!, `${words} ${round}`, new Date(start + round * MINUTE))).then(() => undefined);
      });
    };
    await conversations(100, 'And what does it cost for boxes:');
    // The same again with the recorder off, for their times alone: its image reads run in this process.
    const counted = kinds.textOngoing;
    recording = false;
    await conversations(200, 'And for pallets:');
    recording = true;
    kinds.textOngoing = { ...counted, lambda: kinds.textOngoing.lambda };
    await measure('textReopen', 1, () => post('webhook', text(regular, 'Hi again, is my order ready?', new Date(start + 4 * 60 * MINUTE))).then(() => undefined));
    await measure('command', 1, async () => {
      await post('webhook', text(regular, '/start', new Date(start + 4 * 60 * MINUTE + MINUTE)));
      await drain('outbound');
    });
    await measure('adminSend', 1, async () => {
      const body = JSON.stringify({ to: `+${regular.waId}`, text: 'Your order is ready for pickup.' });
      const result = await post('sendApi', apiEvent('POST /messages', { path: '/messages', headers: { 'content-type': 'application/json' }, body }));
      wamid = (JSON.parse(result.body ?? '{}') as { id: string }).id;
    });
    await measure('status', 3, (i) =>
      post('webhook', deliveryEvent(metaJson(statusDelivery({ ...business, messageId: wamid, status: ['sent', 'delivered', 'read'][i]!, recipient: regular, timestamp: new Date(Date.now() + i * 1000) })), APP_SECRET)).then(() => undefined));
    const photo = readFileSync(new URL('../test/fixtures/cards/en-bizcard-qr.png', import.meta.url));
    await measure('cardQr', 1, async () => {
      const media = sandbox.media.register('1234567890123456', new Uint8Array(photo), 'image/png');
      const delivery = mediaDelivery({ ...business, ...regular, kind: 'image', mediaId: media.id, mimeType: 'image/png', sha256Hex: createHash('sha256').update(photo).digest('hex'), timestamp: new Date() });
      await post('webhook', deliveryEvent(metaJson(delivery.delivery), APP_SECRET));
      await drain('card');
      await drain('outbound');
    });
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  }

  const get = async (table: TableName, pk: string, sk: string) =>
    (await direct.send(new GetItemCommand({ TableName: tableNames[table], Key: { pk: { S: pk }, sk: { S: sk } } }))).Item;
  const message = await get('messages', `msg#${textMessageId}`, 'message');
  const profile = message?.contactId?.S ? await get('contacts', `contact#${message.contactId.S}`, 'profile') : undefined;
  const all = Buffer.from(captured.join(''), 'utf8');

  sqs.destroy();
  direct.destroy();
  await sandbox.close();
  await queues.close();
  await dynalite.close();
  return {
    settings: {
      contactRefreshMinutes: Number(process.env.CONTACT_REFRESH_MINUTES ?? 0),
      logLambdaContext: process.env.LOG_LAMBDA_CONTEXT === 'full' ? 'full' : 'compact',
    },
    kinds,
    metricSeries: [...series].sort(),
    itemBytes: { textMessage: message ? itemBytes(message) : 0, contactProfile: profile ? itemBytes(profile) : 0 },
    logCompression: all.byteLength ? gzipSync(all, { level: 6 }).byteLength / all.byteLength : 1,
  };
}

const noRequests = () => ({ apiRequests: 0, apiRequestBytes: 0, webhookRequests: 0, webhookRequestBytes: 0 });
/** A tally nobody reads: for deliveries that set the stage outside the measured ones. */
const scratch = (): KindUsage => ({ kind: 'textNew', samples: 0, ...noRequests(), lambda: {}, logs: {}, ...emptyTally(), graphCalls: 0, queueJobs: {} });

/** dynalite (in memory) in a child process. */
async function dynaliteProcess(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const module = pathToFileURL(fileURLToPath(new URL('../lib/local/dynalite-server.ts', import.meta.url))).href;
  const script = `import { startDynalite } from ${JSON.stringify(module)}; const d = await startDynalite(); process.stdout.write(d.endpoint + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  const endpoint = await new Promise<string>((ok, fail) => {
    child.stdout.once('data', (d) => ok(String(d).trim()));
    child.once('exit', (code) => fail(new Error(`dynalite exited with ${code}`)));
  });
  return {
    endpoint,
    close: () => new Promise<void>((ok) => {
      child.once('exit', () => ok());
      child.kill();
    }),
  };
}

/** `name{dim=value,...}` for each metric of an EMF document. */
function emfSeries(line: string): string[] {
  try {
    const doc = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
    return doc._aws.CloudWatchMetrics.flatMap((d) =>
      d.Metrics.flatMap((metric) => d.Dimensions.map((dims) => `${d.Namespace}/${metric.Name}{${dims.map((k) => `${k}=${String(doc[k])}`).join(',')}}`)));
  } catch {
    return [];
  }
}
