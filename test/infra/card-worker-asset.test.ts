// The card worker exactly as `cdk synth` packages it, run in a plain Node process: the synthesized asset (esbuild's
// index.mjs, tesseract.js' worker script, tesseract.js-core's .wasm, the kir and eng traineddata, sharp) and its
// zxing layer are copied out of cdk.out into a temporary folder, away from the project's node_modules, and the
// asset's own `handler` processes a card job for a rendered Russian card (from the photo in S3 on). The environment is the function's own from
// the template (/var/task and /opt mapped to the copies); what the template fills in at deploy time (table names,
// queue URLs, the bucket) points at dynalite, fauxqs and the Graph sandbox. Textract is a recording stub that must
// get no request: in `auto`, a Cyrillic read never goes to Textract.
//
// sharp: the asset carries the linux-arm64 build Lambda runs; this machine is x64, so the copy also gets the x64
// build of the same version from the project's node_modules (sharp loads the build of the platform it runs on).
// Everything else is the deployed bytes; the alternative, bundling for the host through a parameter, would test an
// asset that is never deployed.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createMessageStore } from '../../lambdas/adapters/dynamo/message-store.js';
import { cardContactId } from '../../lambdas/domain/cards/card-contact.js';
import { sharpVersion } from '../../lib/card-worker-files.js';
import { TASK_ROOT } from '../../lib/constructs/card-pipeline.js';
import { startLocalQueues, type LocalQueues } from '../../lib/local/fauxqs-server.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import { newWamid } from '../../lib/local/meta-payloads.js';
import { localSqsClient, toSqsRecord } from '../../lib/local/queue-poller.js';
import { PROJECT_ROOT } from '../../lib/stack.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createMediaStore, mediaKeyFor } from '../../lambdas/adapters/cards/media-store.js';
import { createCardProgressStore } from '../../lambdas/adapters/dynamo/card-progress-store.js';

const run = promisify(execFile);
const TOKEN = 'asset-test-token';
const CARD = join(PROJECT_ROOT, 'test/fixtures/cards/ru-romashka.png');
const EXPECTED = JSON.parse(readFileSync(CARD.replace('.png', '.expected.json'), 'utf8')) as {
  name: string;
  phones: { number: string }[];
  emails: string[];
};

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

let work: string;
let db: TestDynamo;
let local: LocalQueues;
let sandbox: GraphSandbox;
let textract: Server;
const textractRequests: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'card-worker-asset-'));
  db = await startTestDynamo({ setEnv: false });
  local = await startLocalQueues({ prefix: 'asset-test' });
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: TOKEN, statusDelayMs: 60_000 });
  textract = createServer((req, res) => {
    textractRequests.push(`${req.method} ${req.url} ${String(req.headers['x-amz-target'])}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => textract.listen(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => textract?.close(resolve));
  await sandbox?.close();
  await local?.close();
  await db?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `cdk synth` as a user runs it (bin/app.ts through cdk.json, every asset bundled), into a folder of the test's. */
async function synth(): Promise<{ outDir: string; resources: Record<string, CfnResource> }> {
  const outDir = join(work, 'cdk.out');
  await run(join(PROJECT_ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices', '-o', outDir], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const template = JSON.parse(readFileSync(join(outDir, 'WhatsAppBusiness.template.json'), 'utf8')) as { Resources: Record<string, CfnResource> };
  return { outDir, resources: template.Resources };
}

function assetOf(resource: CfnResource | undefined, outDir: string): string {
  const path = resource?.Metadata?.['aws:asset:path'];
  if (typeof path !== 'string') throw new Error('resource without aws:asset:path metadata');
  return join(outDir, path);
}

describe('the synthesized card-worker asset', () => {
  it('reads a Cyrillic card photo in a plain Node process, Textract absent', async () => {
    const { outDir, resources } = await synth();
    const [workerId, worker] = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('cardWorkerFunction'))!;
    expect(workerId).toBeDefined();

    // The function's asset as /var/task, its layers merged as /opt.
    const task = join(work, 'task');
    const opt = join(work, 'opt');
    cpSync(assetOf(worker, outDir), task, { recursive: true });
    const layers = (worker.Properties['Layers'] as { Ref: string }[]).map((l) => resources[l.Ref]);
    expect(layers.length).toBeGreaterThan(0);
    for (const layer of layers) cpSync(assetOf(layer, outDir), opt, { recursive: true });

    // Shipped, not fetched: sharp for Lambda (same version as the project's), the tesseract files.
    const assetSharp = JSON.parse(readFileSync(join(task, 'node_modules/sharp/package.json'), 'utf8')) as { version: string };
    expect(assetSharp.version).toBe(sharpVersion());
    const binary = readFileSync(join(task, `node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64-${assetSharp.version}.node`));
    // ELF, e_machine 183: AArch64, what Lambda's arm64 runs.
    expect([binary.subarray(1, 4).toString(), binary.readUInt16LE(18)]).toEqual(['ELF', 183]);
    for (const pkg of ['sharp-linux-x64', 'sharp-libvips-linux-x64']) {
      cpSync(join(PROJECT_ROOT, 'node_modules/@img', pkg), join(task, 'node_modules/@img', pkg), { recursive: true });
    }

    // The template's environment, with the deploy-time references filled by the local services.
    const templateEnv = (worker.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    const deployTime: Record<string, string> = {
      CONTACTS_TABLE: db.tableNames.contacts,
      MESSAGES_TABLE: db.tableNames.messages,
      CARD_QUEUE_URL: local.queues.card.url,
      OUTBOUND_QUEUE_URL: local.queues.outbound.url,
      MEDIA_BUCKET: local.mediaBucket,
    };
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(templateEnv)) {
      if (typeof value === 'string') {
        env[name] = value.replace(TASK_ROOT, task).replace(/^\/opt\//, `${opt}/`);
        if (value.startsWith('/')) expect(existsSync(env[name]!), `${name}=${value} is in the asset`).toBe(true);
      } else if (name === 'ACCESS_TOKEN_ARN') {
        // No Secrets Manager here: the secret reader takes the local variable when there is no ARN.
        env.WHATSAPP_ACCESS_TOKEN = TOKEN;
      } else {
        expect(deployTime[name], `a local value for ${name}`).toBeDefined();
        env[name] = deployTime[name]!;
      }
    }
    expect(env.OCR_ENGINE).toBe('auto');

    // The card message as the webhook stores it, and its job as the card queue delivers it.
    const messageId = newWamid();
    const waId = '996555000111';
    const contacts = createContactStore(db.doc, db.tableNames.contacts);
    const now = new Date().toISOString();
    const customer = await contacts.upsert({ channel: 'meta', user: { waId }, seenAt: now, inboundAt: now });
    const media = sandbox.media.register('5566001', new Uint8Array(readFileSync(CARD)), 'image/png');
    await createMessageStore(db.doc, db.tableNames.messages).putInbound(
      { kind: 'message', channel: 'meta', id: messageId, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, from: { waId }, timestamp: now, type: 'image', media: { id: media.id, mimeType: 'image/png' }, raw: {} },
      customer,
      now,
    );
    // The deployed code downloads media only from public https addresses (its SSRF guard has no switch in AWS), so
    // the photo is already in the bucket and the job resumes from there, as a retry after the download does.
    const s3 = new S3Client({ endpoint: local.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'asset-test', secretAccessKey: 'asset-test' } });
    const mediaKey = mediaKeyFor(messageId);
    await createMediaStore({ bucket: local.mediaBucket, client: s3 }).put(mediaKey, new Uint8Array(readFileSync(CARD)), 'image/png');
    const progress = createCardProgressStore(db.doc, db.tableNames.messages);
    await progress.record(messageId, { stage: 'received', status: 'processing', at: now });
    await progress.record(messageId, { stage: 'media_stored', status: 'processing', mediaKey, mimeType: 'image/png', at: now });
    const job = { kind: 'card', messageId, contactId: customer, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, type: 'image', media: { id: media.id, mimeType: 'image/png' } };
    const event: SQSEvent = {
      Records: [toSqsRecord({ MessageId: 'asset-1', ReceiptHandle: 'r1', Body: JSON.stringify(job), Attributes: { ApproximateReceiveCount: '1' } }, local.queues.card.arn)],
    };
    writeFileSync(join(work, 'event.json'), JSON.stringify(event));
    writeFileSync(
      join(work, 'invoke.mjs'),
      [
        "import { readFileSync } from 'node:fs';",
        "const { handler } = await import('./task/index.mjs');",
        "const result = await handler(JSON.parse(readFileSync('./event.json', 'utf8')));",
        'process.stdout.write(JSON.stringify(result));',
        // tesseract's worker thread would keep a warm container's process alive; this one is done.
        'process.exit(0);',
      ].join('\n'),
    );

    const { stdout } = await run(process.execPath, ['invoke.mjs'], {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...env,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'asset-test',
        AWS_SECRET_ACCESS_KEY: 'asset-test',
        AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
        AWS_ENDPOINT_URL_SQS: local.endpoint,
        AWS_ENDPOINT_URL_S3: local.endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ENDPOINT_URL_TEXTRACT: `http://127.0.0.1:${(textract.address() as AddressInfo).port}`,
        GRAPH_BASE_URL: sandbox.url,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] });

    const created = await contacts.get(cardContactId(messageId));
    expect(created).toMatchObject({ name: EXPECTED.name, emails: EXPECTED.emails });
    expect(created!.phones).toEqual(EXPECTED.phones.map((p) => p.number));
    expect(textractRequests).toEqual([]);

    // The reply job the sender will send quotes what was read.
    const sqs = localSqsClient(local.endpoint);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: local.queues.outbound.url, MaxNumberOfMessages: 10 }));
    expect(Messages.map((m) => m.Body ?? '').join('\n')).toContain(EXPECTED.name);
  }, 300_000);
});
