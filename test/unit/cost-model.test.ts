// The cost model's arithmetic on hand-made usage: each figure checked against the price file by hand.
import { describe, expect, it } from 'vitest';
import { billedMs, deliveriesPerMonth, kindCost, platformLogBytes, sampledShare, total, type KindCostContext, type Traffic } from '../../lib/cost/model.js';
import { PRICES } from '../../lib/cost/prices.js';
import type { KindUsage } from '../../lib/cost/usage.js';
import { indexWriteUnits, itemBytes } from '../../bench/aws-recorder.js';

const usage = (over: Partial<KindUsage> = {}): KindUsage => ({
  kind: 'textOngoing',
  samples: 2,
  apiRequests: 2,
  apiRequestBytes: 1200,
  lambda: { webhook: { count: 2, wallMs: [30, 40], cpuMs: [10, 10] } },
  logs: { webhook: { lines: 6, bytes: 1800, emfLines: 4, infoLines: 2, infoBytes: 900 } },
  dynamo: { calls: 8, readUnits: 4, writeUnits: 2, indexWriteUnits: 2, failedWriteUnits: 0, byOperation: {} },
  sqs: {},
  s3: {},
  graphCalls: 0,
  queueJobs: {},
  ...over,
});
const ctx = (over: Partial<KindCostContext['settings']> = {}): KindCostContext => ({
  settings: { tracing: 'off', logLevel: 'INFO', accessLogFormat: 'compact', logRetentionDays: 30, ...over },
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
    expect(total(kindCost(usage({ apiRequests: 0, lambda: {}, logs: {}, dynamo: { calls: 0, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, failedWriteUnits: 0, byOperation: {} } }), ctx()).cost)).toBe(0);
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
