// The cost model's arithmetic on hand-made usage: each figure checked against the price file by hand.
import { describe, expect, it } from 'vitest';
import { billedMs, deliveriesPerMonth, heartbeatCost, kindCost, platformLogBytes, sampledShare, total, type KindCostContext, type Settings, type Traffic } from '../../lib/cost/model.js';
import type { Kind, Measurement } from '../../lib/cost/usage.js';
import { PRICES } from '../../lib/cost/prices.js';
import type { KindUsage } from '../../lib/cost/usage.js';
import { indexWriteUnits, itemBytes } from '../../bench/aws-recorder.js';

const usage = (over: Partial<KindUsage> = {}): KindUsage => ({
  kind: 'textOngoing',
  samples: 2,
  apiRequests: 0,
  apiRequestBytes: 0,
  webhookRequests: 2,
  webhookRequestBytes: 1200,
  lambda: { webhook: { count: 2, wallMs: [30, 40], cpuMs: [10, 10] } },
  logs: { webhook: { lines: 6, bytes: 1800, emfLines: 4, infoLines: 2, infoBytes: 900 } },
  dynamo: { calls: 8, readUnits: 4, writeUnits: 2, indexWriteUnits: 2, failedWriteUnits: 0, heartbeatWriteUnits: 0, byOperation: {} },
  sqs: {},
  s3: {},
  graphCalls: 0,
  queueJobs: {},
  ...over,
});
const ctx = (over: Partial<KindCostContext['settings']> = {}): KindCostContext => ({
  settings: { tracing: 'off', logLevel: 'INFO', accessLogFormat: 'compact', metaWebhookIngress: 'httpApi', systemLogLevel: 'INFO', heartbeatSeconds: 0, logRetentionDays: 30, ...over },
  shapes: { accessLogBytes: { compact: 100, standard: 200 }, traceIdBytes: 50 },
  logCompression: 0.1,
  sampled: 0.5,
});

describe('cost model', () => {
  it('prices API Gateway, Lambda requests and DynamoDB units per delivery from the price file', () => {
    const { cost } = kindCost(usage(), ctx());
    expect(cost['API Gateway']).toBeCloseTo(1e-6 * PRICES.apiGateway.httpRequestsPerMillion, 12);
    expect(cost['Lambda requests']).toBeCloseTo(0.2e-6, 12);
    // 2 write units + 2 index write units for 2 deliveries: 2 units each.
    expect(cost['DynamoDB writes']).toBeCloseTo(2 * 0.625e-6, 12);
    expect(cost['DynamoDB reads']).toBeCloseTo(2 * 0.125e-6, 12);
    expect(cost['X-Ray']).toBe(0);
  });

  it('bills Lambda for waiting as measured and for CPU stretched by its share of a vCPU', () => {
    // Median wall 35 ms, CPU 10 ms: 25 ms waiting + 10 ms x 1769/512.
    expect(billedMs({ count: 2, wallMs: [30, 40], cpuMs: [10, 10] }, 512)).toBe(Math.ceil(25 + 10 * (1769 / 512)));
    expect(billedMs({ count: 1, wallMs: [30], cpuMs: [10] }, 2048)).toBe(30);
    const { cost } = kindCost(usage(), ctx());
    expect(cost['Lambda duration']).toBeCloseTo((Math.ceil(25 + 10 * (1769 / 512)) / 1000) * 0.5 * PRICES.lambda.gbSecond, 15);
  });

  it('counts traces only with tracing active, at the sampled share, and log bytes per line with the 26-byte overhead', () => {
    expect(kindCost(usage(), ctx({ tracing: 'active' })).cost['X-Ray']).toBeCloseTo(0.5 * 5e-6, 12);
    const billed = billedMs({ count: 2, wallMs: [30, 40], cpuMs: [10, 10] }, 512);
    const expected = 100 + 26 + (1800 + 6 * 26) / 2 + platformLogBytes(billed, 512, false);
    expect(kindCost(usage(), ctx()).logBytes).toBeCloseTo(expected, 9);
    // WARN drops the INFO lines; the standard access log line is 100 bytes longer.
    expect(kindCost(usage(), ctx({ logLevel: 'WARN' })).logBytes).toBeCloseTo(expected - (900 + 2 * 26) / 2, 9);
    expect(kindCost(usage(), ctx({ accessLogFormat: 'standard' })).logBytes).toBeCloseTo(expected + 100, 9);
  });

  it('with the webhook on its function URL, Meta\'s requests cost no API Gateway request and write no access log line', () => {
    const viaUrl = kindCost(usage(), ctx({ metaWebhookIngress: 'functionUrl' }));
    const viaApi = kindCost(usage(), ctx());
    expect(viaUrl.cost['API Gateway']).toBe(0);
    expect(viaApi.logBytes - viaUrl.logBytes).toBeCloseTo(100 + 26, 9);
    // An admin request is on the API either way.
    expect(kindCost(usage({ apiRequests: 2, apiRequestBytes: 400 }), ctx({ metaWebhookIngress: 'functionUrl' })).cost['API Gateway']).toBeCloseTo(1e-6 * PRICES.apiGateway.httpRequestsPerMillion, 12);
  });

  it('system logs at WARN write no START, END and REPORT lines', () => {
    const billed = billedMs({ count: 2, wallMs: [30, 40], cpuMs: [10, 10] }, 512);
    expect(kindCost(usage(), ctx()).logBytes - kindCost(usage(), ctx({ systemLogLevel: 'WARN' })).logBytes).toBeCloseTo(platformLogBytes(billed, 512, false), 9);
  });

  it('the heartbeat: per delivery when written on every one, else a monthly figure of one write per interval per warm container', () => {
    const beats = usage({ dynamo: { calls: 10, readUnits: 4, writeUnits: 2, indexWriteUnits: 2, failedWriteUnits: 0, heartbeatWriteUnits: 2, byOperation: {} } });
    expect(kindCost(beats, ctx()).cost['DynamoDB writes']).toBeCloseTo(3 * 0.625e-6, 12);
    expect(kindCost(beats, ctx({ heartbeatSeconds: 60 })).cost['DynamoDB writes']).toBeCloseTo(2 * 0.625e-6, 12);
    const kinds = Object.fromEntries(['textNew', 'textOngoing', 'textReopen', 'command', 'status', 'adminSend', 'cardQr'].map((k) => [k, k === 'textOngoing' ? beats : usage({ samples: 1, webhookRequests: 0, lambda: {}, logs: {} })])) as Record<Kind, KindUsage>;
    const m = { kinds } as Measurement;
    const counts = (n: number) => ({ textNew: 0, textOngoing: n, textReopen: 0, command: 0, status: 0, adminSend: 0, cardQr: 0 });
    const s = (heartbeatSeconds: number): Settings => ({ ...ctx().settings, heartbeatSeconds });
    // A million deliveries a month at 35 ms billed: one warm container, 43,200 minutes: 43,200 writes of one unit.
    expect(heartbeatCost(m, counts(1e6), s(60))).toBeCloseTo(43_200 * 0.625e-6, 9);
    // Fewer deliveries than intervals: one write each at most.
    expect(heartbeatCost(m, counts(1000), s(60))).toBeCloseTo(1000 * 0.625e-6, 12);
    expect(heartbeatCost(m, counts(1e6), s(0))).toBe(0);
  });

  it("Lambda's fixed X-Ray rate records almost every request at low traffic and about 5% at high", () => {
    expect(sampledShare(0.01)).toBeGreaterThan(0.99);
    // (1 - e^-0.4 + 0.05 (0.4 - 1 + e^-0.4)) / 0.4
    expect(sampledShare(0.4)).toBeCloseTo(0.833, 3);
    expect(sampledShare(1000)).toBeCloseTo(0.05 + 0.95 / 1000, 4);
    expect(sampledShare(0)).toBe(0);
  });

  it('splits the traffic into the measured kinds, three statuses per outbound message', () => {
    const t: Traffic = { inboundPerMonth: 1000, commandShare: 0.1, cardShare: 0.1, conversationLength: 4, newCustomerShare: 0.05, sendsPerMonth: 50, cardOcrShare: 0.5, ocrEngine: 'auto', autoWeakShare: 0.2 };
    expect(deliveriesPerMonth(t)).toEqual({ textNew: 40, textReopen: 160, textOngoing: 600, command: 100, cardQr: 100, adminSend: 50, status: 750 });
  });

  it('a delivery of nothing costs nothing', () => {
    expect(total(kindCost(usage({ webhookRequests: 0, lambda: {}, logs: {}, dynamo: { calls: 0, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, failedWriteUnits: 0, heartbeatWriteUnits: 0, byOperation: {} } }), ctx()).cost)).toBe(0);
  });
});

describe('DynamoDB units the recorder computes', () => {
  const index = [{ partitionKey: 'contactId', sortKey: 'convSk' }];
  const item = { pk: { S: 'msg#1' }, sk: { S: 'message' }, contactId: { S: 'c' }, convSk: { S: 't#1' }, text: { S: 'x'.repeat(1100) } };
  it('sizes items by attribute names and values', () => {
    expect(itemBytes({ ab: { S: 'xyz' }, n: { N: '123' } })).toBe(2 + 3 + 1 + 3);
  });
  it('charges an index write per KB of the projected item: entering, changing, leaving; nothing when unchanged', () => {
    expect(indexWriteUnits(undefined, item, index)).toBe(2);
    expect(indexWriteUnits(item, item, index)).toBe(0);
    expect(indexWriteUnits(item, { ...item, text: { S: 'y' } }, index)).toBe(2);
    expect(indexWriteUnits(item, { ...item, convSk: { S: 't#2' } }, index)).toBe(4);
    const { contactId: _, ...outside } = item;
    expect(indexWriteUnits(item, outside, index)).toBe(2);
    expect(indexWriteUnits(undefined, outside, index)).toBe(0);
  });
});
