// Secrets Manager unavailable when a container starts: the handler modules load anyway (secrets are read on
// first use, never at module load), a webhook delivery is answered 500 with a fixed message (no secret, no ARN,
// no stack) and nothing is stored, the failed read is not cached, and the first request after Secrets Manager
// recovers succeeds: no crash loop. The same for the sender Lambda's access token: the job is retried through
// the queue and sent once the token can be read.
// The *_ARN variables are set as the stack sets them, so every value comes from Secrets Manager (mocked with
// aws-sdk-client-mock, the one client without a local server; each GetSecretValue is asserted).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createJobQueue } from '../../lambdas/adapters/queues/outbound-queue.js';
import { startLocalQueues, type LocalQueues } from '../../lib/local/fauxqs-server.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { metaJson, textDelivery } from '../../lib/local/meta-payloads.js';
import { localSqsClient } from '../../lib/local/queue-poller.js';
import { secrets } from '../../lib/resources.js';
import { apiEvent, deliveryEvent } from '../support/api-events.js';
import { countItems, startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { handleOneBatch, minutesAgo } from './support.js';

const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:WhatsAppBusiness-${name}-AbC123`;
const APP_SECRET_ARN = arn('AppSecret');
const VERIFY_TOKEN_ARN = arn('VerifyToken');
const ACCESS_TOKEN_ARN = arn('AccessToken');
const VERIFY_TOKEN = 'sm-verify-token-9f3a';
const ACCESS_TOKEN = 'EAAsmAccessTokenForColdStartTests123';

const sm = mockClient(SecretsManagerClient);
let db: TestDynamo;
let local: LocalQueues;
let sandbox: GraphSandbox;
let sqs: ReturnType<typeof localSqsClient>;

/** Secrets Manager down: connection-level failure after the SDK's retries. */
function secretsManagerDown(): void {
  sm.reset();
  sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { name: 'TimeoutError', $metadata: {} }));
}

function secretsManagerUp(): void {
  sm.reset();
  sm.on(GetSecretValueCommand, { SecretId: APP_SECRET_ARN }).resolves({ ARN: APP_SECRET_ARN, SecretString: TEST_APP_SECRET });
  sm.on(GetSecretValueCommand, { SecretId: VERIFY_TOKEN_ARN }).resolves({ ARN: VERIFY_TOKEN_ARN, SecretString: VERIFY_TOKEN });
  sm.on(GetSecretValueCommand, { SecretId: ACCESS_TOKEN_ARN }).resolves({ ARN: ACCESS_TOKEN_ARN, SecretString: ACCESS_TOKEN });
}

const secretIdsAsked = () => sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId);

beforeAll(async () => {
  db = await startTestDynamo();
  local = await startLocalQueues({ prefix: 'faults-secrets' });
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: ACCESS_TOKEN, statusDelayMs: 60_000 });
  sqs = localSqsClient(local.endpoint);
  Object.assign(process.env, local.env, {
    GRAPH_BASE_URL: sandbox.url,
    [secrets.appSecret.arnEnvVar]: APP_SECRET_ARN,
    [secrets.verifyToken.arnEnvVar]: VERIFY_TOKEN_ARN,
    [secrets.accessToken.arnEnvVar]: ACCESS_TOKEN_ARN,
  });
  // As in AWS: no plain values, only the ARNs.
  for (const name of ['appSecret', 'verifyToken', 'accessToken'] as const) delete process.env[secrets[name].localEnvVar];
}, 30_000);

afterAll(async () => {
  sm.restore();
  sqs?.destroy();
  await sandbox?.close();
  await local?.close();
  await db?.close();
});

describe('Secrets Manager unavailable at cold start', () => {
  let webhook: HttpHandler;
  const { delivery, messageId } = textDelivery({ phoneNumberId: DEFAULT_PHONE_NUMBER_ID, waId: '996555700700', userId: 'KG.sm1', name: 'Aigul', text: 'hello', timestamp: minutesAgo(1) });
  const raw = metaJson(delivery);

  it('the webhook module loads without reading a secret', async () => {
    secretsManagerDown();
    webhook = (await import('../../lambdas/handlers/webhook.js')).handler;
    expect(typeof webhook).toBe('function');
    expect(secretIdsAsked()).toEqual([]);
  });

  it('a delivery answers 500 with a clear, secret-free error, stores nothing, and is not cached as failed', async () => {
    for (let i = 1; i <= 2; i++) {
      const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
      expect(res.statusCode).toBe(500);
      expect(JSON.parse(res.body!)).toEqual({ error: 'the delivery could not be stored; Meta will retry it' });
      for (const leak of [APP_SECRET_ARN, TEST_APP_SECRET, 'ETIMEDOUT', ' at ']) expect(res.body).not.toContain(leak);
      // Each request asks again: a failed read is not kept for the cache's five minutes.
      expect(secretIdsAsked()).toEqual(Array(i).fill(APP_SECRET_ARN));
    }
    expect(await countItems(db)).toBe(0);
  });

  it('the handshake answers 500 too, without echoing the challenge', async () => {
    const res = await webhook(
      apiEvent('GET /webhooks/whatsapp', { path: '/webhooks/whatsapp', query: { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' } }),
    );
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body!)).toEqual({ error: 'the verify token could not be read; verify the webhook again in a minute' });
    expect(res.body).not.toContain('1158201444');
    expect(secretIdsAsked()).toContain(VERIFY_TOKEN_ARN);
  });

  it('once Secrets Manager answers, the next requests succeed with the secrets it returned', async () => {
    secretsManagerUp();
    const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body!)).toMatchObject({ messages: { stored: 1, duplicate: 0 } });
    // The messages table also keeps the inbound heartbeat (GET /status): the messages are the `msg#` items.
    expect((await db.scan('messages')).filter((m) => String(m['pk']).startsWith('msg#')).map((m) => m['id'])).toEqual([messageId]);
    const handshake = await webhook(
      apiEvent('GET /webhooks/whatsapp', { path: '/webhooks/whatsapp', query: { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' } }),
    );
    expect(handshake).toMatchObject({ statusCode: 200, body: '1158201444' });
    expect(secretIdsAsked()).toEqual([APP_SECRET_ARN, VERIFY_TOKEN_ARN]);
    // A signature made with another secret is still refused: the value really came from Secrets Manager.
    expect((await webhook(deliveryEvent(raw, 'not-the-app-secret'))).statusCode).toBe(401);
  });
});

describe('Secrets Manager unavailable when the sender Lambda starts', () => {
  let sender: (event: SQSEvent) => Promise<SQSBatchResponse>;

  it('the module loads, the job is retried while the token cannot be read, and sent once it can', async () => {
    secretsManagerDown();
    const mod = await import('../../lambdas/handlers/sender.js');
    expect(secretIdsAsked()).toEqual([]);
    const deps = mod.defaultSenderDeps();
    sender = mod.createSenderHandler({ ...deps, jobs: { ...deps.jobs, retry: { random: () => 0 } }, unexpectedFailureDelaySeconds: 0 });

    const now = new Date().toISOString();
    const contactId = (await createContactStore(db.doc, db.tableNames.contacts).upsert({ channel: 'meta', user: { userId: 'KG.sm2', waId: '996555700701' }, seenAt: now, inboundAt: now }))!;
    const q = local.queues.outbound;
    await createJobQueue(q.url, sqs).send([
      JSON.stringify({ kind: 'reply', contactId, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, idempotencyKey: 'faults:sm', message: { kind: 'text', text: 'after the outage' } }),
    ]);

    const first = await handleOneBatch(sqs, q, sender);
    expect(first!.batchItemFailures).toHaveLength(1);
    expect(secretIdsAsked()).toEqual([ACCESS_TOKEN_ARN]);
    expect(sandbox.requests).toEqual([]);

    secretsManagerUp();
    const second = await handleOneBatch(sqs, q, sender);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(secretIdsAsked()).toEqual([ACCESS_TOKEN_ARN]);
    expect(sandbox.sent).toHaveLength(1);
    expect(sandbox.requests[0]!.token).toBe(ACCESS_TOKEN);
    expect(await handleOneBatch(sqs, q, sender)).toBeUndefined();
  });

  it('the card worker module loads without reading a secret', async () => {
    secretsManagerDown();
    process.env.OCR_ENGINE = 'none';
    await import('../../lambdas/handlers/card-worker.js');
    expect(secretIdsAsked()).toEqual([]);
  });
});
