// The webhook Lambda as it runs in AWS (not dev mode), against dynalite: what it prints on stdout/stderr is
// parsed line by line. Each line is one JSON object; the EMF documents carry exactly the catalogue's names,
// units and dimension sets; the log lines carry the correlation keys; and no secret, signature, token or
// full phone number appears in any line, including the error logged when storage fails.
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METRIC_NAMESPACE, METRIC_SERVICE, METRICS, type MetricSpec } from '../../lambdas/domain/shared/metric-catalog.js';
import { metaJson, statusDelivery, textDelivery } from '../../lib/local/meta-payloads.js';
import { apiEvent, deliveryEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, TEST_VERIFY_TOKEN, type TestDynamo } from '../support/dynalite.js';

const ACCESS_TOKEN = 'EAAGm0PX4ZCpsBAKZCZAx7dV1exampleTokenZCZBq9';
const CUSTOMER = '996555123456';
const business = { phoneNumberId: '1122334455667', displayPhoneNumber: '15550001111', wabaId: '5467539754836534' };

interface Emf {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

let db: TestDynamo;
const lines: string[] = [];
const spies: Array<{ mockRestore: () => void }> = [];
const signatures: string[] = [];

const context = {
  functionName: 'WhatsAppBusiness-webhookFunction-Abc',
  awsRequestId: 'lambda-request-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:WhatsAppBusiness-webhookFunction-Abc',
  memoryLimitInMB: '512',
  functionVersion: '$LATEST',
} as unknown as Context;

beforeAll(async () => {
  // As in Lambda: Powertools writes JSON through its own Console to stdout/stderr, metrics on, INFO logs.
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'webhook');
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  vi.stubEnv('LOG_PHONE_NUMBERS', '');
  db = await startTestDynamo();
  for (const stream of [process.stdout, process.stderr]) {
    spies.push(
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split('\n').filter((l) => l.trim() !== ''));
        return true;
      }),
    );
  }
  vi.resetModules();
  const { handler, createWebhookHandler } = await import('../../lambdas/handlers/webhook.js');
  const { metricSink, metricsMiddleware } = await import('../../lambdas/adapters/runtime/metrics.js');
  const { correlationKeys, httpCorrelation, logger } = await import('../../lambdas/adapters/runtime/logger.js');
  const { injectLambdaContext } = await import('@aws-lambda-powertools/logger/middleware');
  const { default: middy } = await import('@middy/core');

  const post = async (raw: Buffer, secret = TEST_APP_SECRET) => {
    const event = deliveryEvent(raw, secret);
    signatures.push(String(event.headers['x-hub-signature-256']));
    return handler(event, context);
  };
  const text = textDelivery({ ...business, waId: CUSTOMER, name: 'Aida', text: `my number is +${CUSTOMER}` });
  const results = [
    await handler(apiEvent('GET /webhooks/whatsapp', { query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong-token', 'hub.challenge': '7' } }), context),
    await post(metaJson(text.delivery)),
    await post(metaJson(text.delivery)), // Meta redelivers: a duplicate
    await post(metaJson(statusDelivery({ ...business, messageId: 'wamid.OUT1', status: 'delivered', recipient: { waId: CUSTOMER } }))),
    await post(metaJson(text.delivery), 'not-the-app-secret'), // wrong signature
    await post(Buffer.from('{"object":"whatsapp_business_account","entry":')), // signed, not JSON: quarantined
  ];
  expect(results.map((r) => r.statusCode)).toEqual([403, 200, 200, 200, 401, 200]);

  // Storage fails with an error whose text carries credentials: the handler logs it and answers 500. The same
  // middy chain as the Lambda's, around a handler with a failing store.
  const failing = middy(
    createWebhookHandler({
      secrets: { get: async (name: string) => (name === 'appSecret' ? TEST_APP_SECRET : TEST_VERIFY_TOKEN) },
      store: {
        contacts: {
          upsert: async () => {
            throw new Error(
              `UnrecognizedClientException: Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, ` +
                `Signature=${'5d'.repeat(32)}; retried with access_token=${ACCESS_TOKEN} and secret ${TEST_APP_SECRET} for +${CUSTOMER}`,
            );
          },
        } as never,
        messages: {} as never,
        archive: {} as never,
      },
      metrics: metricSink,
    }),
  )
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware());
  const failed = await failing(deliveryEvent(metaJson(text.delivery), TEST_APP_SECRET), context);
  expect(failed.statusCode).toBe(500);
}, 60_000);

afterAll(async () => {
  for (const s of spies) s.mockRestore();
  vi.unstubAllEnvs();
  await db?.close();
});

const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const emfDocs = () => parsed().filter((o): o is Emf => '_aws' in o);
const logItems = () => parsed().filter((o) => !('_aws' in o));

/** Sum of a metric's values across EMF documents whose dimensions match `where`. */
function total(name: string, where: Record<string, string> = {}): number {
  let sum = 0;
  for (const doc of emfDocs()) {
    if (!doc._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === name)) continue;
    if (!Object.entries(where).every(([k, v]) => doc[k] === v)) continue;
    const value = doc[name];
    sum += Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : Number(value);
  }
  return sum;
}

describe('stdout/stderr of the webhook Lambda', () => {
  it('is one JSON object per line', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  });

  it('EMF documents use the catalogue: namespace, names, units, dimension sets, service', () => {
    const docs = emfDocs();
    expect(docs.length).toBeGreaterThan(5);
    for (const doc of docs) {
      const [directive, ...more] = doc._aws.CloudWatchMetrics;
      expect(more).toEqual([]);
      expect(directive!.Namespace).toBe(METRIC_NAMESPACE);
      expect(doc['service']).toBe(METRIC_SERVICE);
      for (const metric of directive!.Metrics) {
        const spec = (METRICS as Record<string, MetricSpec>)[metric.Name];
        expect(spec, `${metric.Name} is not in the catalogue`).toBeDefined();
        expect(metric.Unit).toBe(spec!.unit);
        expect(directive!.Dimensions).toEqual([['service', ...spec!.dimensions]]);
        for (const d of spec!.dimensions) expect(typeof doc[d], `${metric.Name}.${d}`).toBe('string');
      }
    }
  });

  it('counts what happened: inbound by type, statuses by state, duplicates, rejections, quarantine, cold start', () => {
    expect(total('InboundMessages', { type: 'text' })).toBe(1);
    expect(total('Statuses', { state: 'delivered' })).toBe(1);
    expect(total('DuplicatesSkipped')).toBe(1);
    expect(total('SignatureRejections')).toBe(1);
    expect(total('QuarantinedDeliveries')).toBe(1);
    expect(total('ColdStart', { function_name: context.functionName })).toBe(1);
  });

  it('log lines carry the service, the Lambda context, the request id and the message ids', () => {
    for (const item of logItems()) {
      expect(item).toMatchObject({ service: 'webhook' });
      expect(item['level']).toMatch(/^(DEBUG|INFO|WARN|ERROR|CRITICAL)$/);
    }
    // Lines written at module load (configuration warnings) have no invocation; every other one has it all.
    const items = logItems().filter((i) => 'function_request_id' in i);
    expect(items.length).toBeGreaterThanOrEqual(5);
    for (const item of items) {
      expect(item).toMatchObject({ service: 'webhook', function_request_id: 'lambda-request-1', request_id: 'req-1' });
      // The compact context (the default): the log group and `service` name the function.
      expect(item).not.toHaveProperty('function_name');
    }
    expect(items.filter((i) => i['cold_start'] === true)).toHaveLength(1);
    const stored = items.find((i) => i['message'] === 'delivery stored');
    expect(stored?.['message_ids']).toEqual([expect.stringMatching(/^wamid\./)]);
    // Its counts without the zeros: one stored message says so and nothing else.
    expect(stored).toMatchObject({ messages: { stored: 1 } });
    for (const key of ['statuses', 'events', 'jobs']) expect(stored, key).not.toHaveProperty(key);
    const failure = items.find((i) => i['message'] === 'webhook request failed');
    expect(failure?.['level']).toBe('ERROR');
    expect(JSON.stringify(failure)).toContain('UnrecognizedClientException');
  });

  it('no line holds a secret, a signature, a token or a full phone number', () => {
    expect(signatures).toHaveLength(5);
    const forbidden = [TEST_APP_SECRET, TEST_VERIFY_TOKEN, ACCESS_TOKEN, CUSTOMER, '5d'.repeat(32), ...signatures.map((s) => s.slice('sha256='.length))];
    for (const line of lines) for (const secret of forbidden) expect(line, `"${secret}" leaked`).not.toContain(secret);
    const failure = logItems().find((i) => i['message'] === 'webhook request failed');
    expect(JSON.stringify(failure)).toContain(`+996555***456`);
    expect(JSON.stringify(failure)).toContain('access_token=[REDACTED]');
  });
});
