// The cost model: measured usage per delivery (lib/cost/usage.ts, measured by bench/cost-measure.ts) times the
// list prices of lib/cost/prices.ts. Pure: no I/O, every number comes from its arguments or those two files.
import { functions, type FunctionName } from '../resources.js';
import { SECRET_TTL_MS } from '../../lambdas/adapters/secrets/secrets.js';
import { FREE_TIER, PRICES, SERVICE_BEHAVIOUR } from './prices.js';
import type { Invocations, Kind, KindUsage, Measurement } from './usage.js';

export const SERVICES = [
  'API Gateway', 'Lambda requests', 'Lambda duration', 'DynamoDB writes', 'DynamoDB reads', 'SQS',
  'CloudWatch Logs', 'X-Ray', 'S3', 'Textract',
] as const;
export type Service = (typeof SERVICES)[number];
/** Dollars by service. */
export type Cost = Record<Service, number>;

export interface Settings {
  tracing: 'off' | 'active';
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  accessLogFormat: 'compact' | 'standard';
  /** `functionUrl`: Meta's webhook requests cost no API Gateway request and write no access log line. */
  metaWebhookIngress: 'functionUrl' | 'httpApi';
  /** `INFO`: Lambda writes START, END and REPORT lines for every invocation; `WARN`: none. */
  systemLogLevel: 'WARN' | 'INFO';
  /** 0: the inbound heartbeat is written on every delivery (as measured); else at most once per this many seconds
   *  per warm webhook container. */
  heartbeatSeconds: number;
  /** Memory per function (default: lib/resources.ts). */
  memoryMb?: Partial<Record<FunctionName, number>>;
  logRetentionDays: number;
}

/** Sizes the model needs that are not per delivery: the access log line of each format, bytes. */
export interface LogShapes {
  accessLogBytes: Record<Settings['accessLogFormat'], number>;
  /** `,"xray_trace_id":"1-…"` that each application line carries when the invocation is traced. */
  traceIdBytes: number;
}

/** The traffic: inbound messages a month and what they are. */
export interface Traffic {
  inboundPerMonth: number;
  /** Shares of inbound messages (text is the rest). */
  commandShare: number;
  cardShare: number;
  /** Texts per conversation: the first of each rewrites the contact profile (lastInboundAt). */
  conversationLength: number;
  /** Share of inbound texts from customers never seen before. */
  newCustomerShare: number;
  /** Admin sends (POST /messages) a month. */
  sendsPerMonth: number;
  /** Cards without a readable QR code (OCR needed), and with ocrEngine=auto the share of those the local reader
   *  reads too weakly, so Textract reads them (ocrEngine=textract: all). */
  cardOcrShare: number;
  ocrEngine: 'auto' | 'textract';
  autoWeakShare: number;
}

export const zeroCost = (): Cost => Object.fromEntries(SERVICES.map((s) => [s, 0])) as Cost;
export const total = (c: Cost) => SERVICES.reduce((n, s) => n + c[s], 0);
export function add(...costs: Cost[]): Cost {
  const out = zeroCost();
  for (const c of costs) for (const s of SERVICES) out[s] += c[s];
  return out;
}
export function scale(c: Cost, k: number): Cost {
  const out = zeroCost();
  for (const s of SERVICES) out[s] = c[s] * k;
  return out;
}

const GB = 1024 ** 3;
const SECONDS_PER_MONTH = 30 * 24 * 3600;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Billed milliseconds of a typical invocation at `memoryMb`: the time spent waiting (local wall time minus CPU
 * time) stays, the CPU time stretches by Lambda's CPU share below one vCPU (this machine's core counts as one).
 */
export function billedMs(inv: Invocations, memoryMb: number): number {
  const wall = median(inv.wallMs);
  const cpu = median(inv.cpuMs);
  const stretch = Math.max(1, PRICES.lambda.fullVcpuMb / memoryMb);
  return Math.ceil(Math.max(0, wall - cpu) + cpu * stretch);
}

/** Share of requests Lambda's fixed X-Ray rate records at `perSecond` requests a second (Poisson arrivals). */
export function sampledShare(perSecond: number): number {
  if (perSecond <= 0) return 0;
  const { reservoirPerSecond: r, rate } = SERVICE_BEHAVIOUR.lambdaTracing;
  // Expected sampled per second: min(N, r) + rate * max(N - r, 0), N ~ Poisson(perSecond); r = 1.
  if (r !== 1) throw new Error('sampledShare assumes a reservoir of 1 a second');
  const none = Math.exp(-perSecond);
  const sampled = 1 - none + rate * (perSecond - (1 - none));
  return Math.min(1, sampled / perSecond);
}

/** The bytes of Lambda's START, END and REPORT lines of one invocation (its platform log), as Lambda writes them. */
export function platformLogBytes(billed: number, memoryMb: number, traced: boolean): number {
  const id = '6f2b0001-7c1d-4e8a-9b3f-2d5e8a1c4b7e';
  const lines = [
    `START RequestId: ${id} Version: $LATEST`,
    `END RequestId: ${id}`,
    `REPORT RequestId: ${id}\tDuration: ${(billed - 0.5).toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: ${Math.round(memoryMb / 4)} MB\t` +
      (traced ? '\nXRAY TraceId: 1-6753a1b2-0123456789abcdef01234567\tSegmentId: 53995c3f42cd8ad8\tSampled: true\t' : ''),
  ];
  return lines.reduce((n, l) => n + Buffer.byteLength(l) + PRICES.cloudwatchLogs.eventOverheadBytes, 0);
}

export interface KindCostContext {
  settings: Settings;
  shapes: LogShapes;
  logCompression: number;
  /** Share of API requests recorded as traces (tracing active). */
  sampled: number;
}

/** Dollars one delivery of a kind costs, and its log bytes. */
export function kindCost(u: KindUsage, ctx: KindCostContext): { cost: Cost; logBytes: number } {
  const n = u.samples;
  const { settings } = ctx;
  const cost = zeroCost();
  const viaApi = settings.metaWebhookIngress === 'httpApi';
  const apiRequests = u.apiRequests + (viaApi ? u.webhookRequests : 0);
  const apiBytes = u.apiRequestBytes + (viaApi ? u.webhookRequestBytes : 0);
  const units = Math.ceil(Math.max(1, apiBytes / Math.max(1, apiRequests)) / PRICES.apiGateway.requestUnitBytes);
  cost['API Gateway'] = (apiRequests / n) * units * PRICES.apiGateway.httpRequestsPerMillion / 1e6;

  let logBytes = (apiRequests / n) * (ctx.shapes.accessLogBytes[settings.accessLogFormat] + PRICES.cloudwatchLogs.eventOverheadBytes);
  const traced = settings.tracing === 'active';
  for (const [fn, inv] of Object.entries(u.lambda) as [FunctionName, Invocations][]) {
    const memoryMb = settings.memoryMb?.[fn] ?? functions[fn].memoryMb;
    const perDelivery = inv.count / n;
    const billed = billedMs(inv, memoryMb);
    cost['Lambda requests'] += perDelivery * PRICES.lambda.requestsPerMillion / 1e6;
    cost['Lambda duration'] += perDelivery * (billed / 1000) * (memoryMb / 1024) * PRICES.lambda.gbSecond;
    const log = u.logs[fn];
    if (log) {
      const quiet = settings.logLevel === 'WARN' || settings.logLevel === 'ERROR';
      const lines = log.lines - (quiet ? log.infoLines : 0);
      const bytes = log.bytes - (quiet ? log.infoBytes : 0) + (traced ? (lines - log.emfLines) * ctx.shapes.traceIdBytes : 0);
      logBytes += (bytes + lines * PRICES.cloudwatchLogs.eventOverheadBytes) / n;
    }
    if (settings.systemLogLevel === 'INFO') logBytes += perDelivery * platformLogBytes(billed, memoryMb, traced && ctx.sampled > 0);
  }
  const months = settings.logRetentionDays / 30;
  cost['CloudWatch Logs'] = (logBytes / GB) * (PRICES.cloudwatchLogs.ingestionGb + ctx.logCompression * months * PRICES.cloudwatchLogs.storageGbMonth);

  const d = u.dynamo;
  // With an interval the heartbeat is a monthly figure (heartbeatCost), not a per-delivery one.
  const heartbeat = settings.heartbeatSeconds > 0 ? 0 : d.heartbeatWriteUnits;
  cost['DynamoDB writes'] = ((d.writeUnits + d.indexWriteUnits + d.failedWriteUnits + heartbeat) / n) * PRICES.dynamodb.writeRequestUnitsPerMillion / 1e6;
  cost['DynamoDB reads'] = (d.readUnits / n) * PRICES.dynamodb.readRequestUnitsPerMillion / 1e6;

  const jobs = Object.values(u.queueJobs).reduce((a, b) => a + (b ?? 0), 0);
  const sqsRequests = Object.values(u.sqs).reduce((a, b) => a + b, 0) + jobs * SERVICE_BEHAVIOUR.sqsEventSource.requestsPerBatch;
  cost.SQS = (sqsRequests / n) * PRICES.sqs.requestsPerMillion / 1e6;
  cost.S3 = ((u.s3.PutObject ?? 0) * PRICES.s3.putPer1000 + (u.s3.GetObject ?? 0) * PRICES.s3.getPer1000) / 1000 / n;
  cost['X-Ray'] = traced ? ((u.apiRequests + u.webhookRequests) / n) * ctx.sampled * PRICES.xray.tracesRecordedPerMillion / 1e6 : 0;
  return { cost, logBytes };
}

/** HTTP requests a month (webhook and admin), whichever way they arrive. */
function requestsPerMonth(m: Measurement, counts: Record<Kind, number>): number {
  return (Object.keys(counts) as Kind[]).reduce((n, k) => n + counts[k] * ((m.kinds[k].apiRequests + m.kinds[k].webhookRequests) / m.kinds[k].samples), 0);
}

/**
 * Dollars a month of heartbeat writes when it has an interval: each warm webhook container writes at most once per
 * interval, and no more often than deliveries that carry an inbound message arrive. Warm containers: the webhook's
 * requests a second times its billed seconds (Little's law), at least one.
 */
export function heartbeatCost(m: Measurement, counts: Record<Kind, number>, settings: Settings): number {
  if (settings.heartbeatSeconds <= 0) return 0;
  let deliveries = 0;
  let units = 0;
  let busySeconds = 0;
  for (const k of Object.keys(counts) as Kind[]) {
    const u = m.kinds[k];
    const beats = u.dynamo.heartbeatWriteUnits / u.samples;
    deliveries += beats > 0 ? counts[k] * (u.webhookRequests / u.samples) : 0;
    units += counts[k] * beats;
    const webhook = u.lambda.webhook;
    if (webhook) busySeconds += counts[k] * (webhook.count / u.samples) * (billedMs(webhook, settings.memoryMb?.webhook ?? functions.webhook.memoryMb) / 1000);
  }
  if (deliveries === 0) return 0;
  const containers = Math.max(1, Math.ceil(busySeconds / SECONDS_PER_MONTH));
  const writes = Math.min(deliveries, containers * (SECONDS_PER_MONTH / settings.heartbeatSeconds));
  return writes * (units / deliveries) * PRICES.dynamodb.writeRequestUnitsPerMillion / 1e6;
}

/** What the traffic consists of, in deliveries of each measured kind, a month. */
export function deliveriesPerMonth(t: Traffic): Record<Kind, number> {
  const texts = t.inboundPerMonth * (1 - t.commandShare - t.cardShare);
  const opener = Math.min(1, 1 / Math.max(1, t.conversationLength));
  const replies = t.inboundPerMonth * (t.commandShare + t.cardShare) + t.sendsPerMonth;
  return {
    textNew: texts * t.newCustomerShare,
    textReopen: texts * Math.max(0, opener - t.newCustomerShare),
    textOngoing: texts * (1 - Math.max(opener, t.newCustomerShare)),
    command: t.inboundPerMonth * t.commandShare,
    cardQr: t.inboundPerMonth * t.cardShare,
    adminSend: t.sendsPerMonth,
    // Every outbound message comes back as sent, delivered and read.
    status: replies * 3,
  };
}

export interface MonthlyCost {
  variable: Cost;
  /** Dollars a month whatever the traffic: secrets, keys, metrics, alarms, dashboards, idle queue polling. */
  fixed: Record<string, number>;
  /** What the always-free allowances would take off (if nothing else in the account uses them). */
  freeTier: Record<string, number>;
  webhookRequestsPerSecond: number;
}

/** Counts of resources that cost a fixed amount a month, from the synthesized template. */
export interface FixedResources {
  secrets: number;
  kmsKeys: number;
  alarms: number;
  dashboards: number;
  queues: number;
}

export function monthlyCost(m: Measurement, t: Traffic, settings: Settings, shapes: LogShapes, fixedResources: FixedResources): MonthlyCost {
  const counts = deliveriesPerMonth(t);
  const apiRequests = requestsPerMonth(m, counts);
  const perSecond = apiRequests / SECONDS_PER_MONTH;
  const ctx: KindCostContext = { settings, shapes, logCompression: m.logCompression, sampled: settings.tracing === 'active' ? sampledShare(perSecond) : 0 };
  let variable = zeroCost();
  let logBytes = 0;
  let lambdaRequests = 0;
  let lambdaGbSeconds = 0;
  let sqsRequests = 0;
  const invocations: Partial<Record<FunctionName, number>> = {};
  for (const k of Object.keys(counts) as Kind[]) {
    const { cost, logBytes: bytes } = kindCost(m.kinds[k], ctx);
    variable = add(variable, scale(cost, counts[k]));
    logBytes += bytes * counts[k];
    const u = m.kinds[k];
    for (const [fn, inv] of Object.entries(u.lambda) as [FunctionName, Invocations][]) {
      const per = (inv.count / u.samples) * counts[k];
      invocations[fn] = (invocations[fn] ?? 0) + per;
      lambdaRequests += per;
      const mem = settings.memoryMb?.[fn] ?? functions[fn].memoryMb;
      lambdaGbSeconds += per * (billedMs(inv, mem) / 1000) * (mem / 1024);
    }
    sqsRequests += (cost.SQS / PRICES.sqs.requestsPerMillion) * 1e6 * counts[k];
  }
  variable['DynamoDB writes'] += heartbeatCost(m, counts, settings);
  const cardsRead = t.inboundPerMonth * t.cardShare * t.cardOcrShare * (t.ocrEngine === 'textract' ? 1 : t.autoWeakShare);
  variable.Textract = (cardsRead * PRICES.textract.detectDocumentTextPer1000Pages) / 1000;

  // Each container re-reads its one hot-path secret every cache period; one warm container per function.
  const secretReads = (Object.values(invocations) as number[]).reduce((n, count) => n + Math.min(count, SECONDS_PER_MONTH / (SECRET_TTL_MS / 1000)), 0);
  const idlePolling = fixedResources.queues * SERVICE_BEHAVIOUR.sqsEventSource.idlePollers * (SECONDS_PER_MONTH / SERVICE_BEHAVIOUR.sqsEventSource.waitSeconds);
  const metricSeries = m.metricSeries.length + Object.keys(invocations).length; // + ColdStart per function
  const fixed: Record<string, number> = {
    [`Secrets Manager: ${fixedResources.secrets} secrets, ${Math.round(secretReads)} reads`]:
      fixedResources.secrets * PRICES.secretsManager.secretMonth + (secretReads / 10_000) * PRICES.secretsManager.apiCallsPer10000,
    [`KMS: ${fixedResources.kmsKeys} key(s), ${Math.round(secretReads)} decrypts`]: fixedResources.kmsKeys * PRICES.kms.keyMonth + (secretReads / 10_000) * PRICES.kms.requestsPer10000,
    [`CloudWatch: ${metricSeries} custom metrics (EMF)`]: metricSeries * PRICES.cloudwatch.metricMonth,
    [`CloudWatch: ${fixedResources.alarms} alarms, ${fixedResources.dashboards} dashboard(s)`]:
      fixedResources.alarms * PRICES.cloudwatch.alarmMonth + fixedResources.dashboards * PRICES.cloudwatch.dashboardMonth,
    [`SQS: idle polling of ${fixedResources.queues} queues`]: (idlePolling / 1e6) * PRICES.sqs.requestsPerMillion,
  };
  const freeTier: Record<string, number> = {
    'Lambda requests': Math.min(lambdaRequests, FREE_TIER.lambdaRequests) * PRICES.lambda.requestsPerMillion / 1e6,
    'Lambda duration': Math.min(lambdaGbSeconds, FREE_TIER.lambdaGbSeconds) * PRICES.lambda.gbSecond,
    SQS: (Math.min(sqsRequests + idlePolling, FREE_TIER.sqsRequests) / 1e6) * PRICES.sqs.requestsPerMillion,
    'CloudWatch Logs': Math.min(logBytes / GB, FREE_TIER.logsIngestedGb) * PRICES.cloudwatchLogs.ingestionGb,
    'X-Ray': settings.tracing === 'active' ? (Math.min(apiRequests * ctx.sampled, FREE_TIER.xrayTracesRecorded) / 1e6) * PRICES.xray.tracesRecordedPerMillion : 0,
    'CloudWatch metrics, alarms, dashboards':
      Math.min(metricSeries, FREE_TIER.metrics) * PRICES.cloudwatch.metricMonth +
      Math.min(fixedResources.alarms, FREE_TIER.alarms) * PRICES.cloudwatch.alarmMonth +
      Math.min(fixedResources.dashboards, FREE_TIER.dashboards) * PRICES.cloudwatch.dashboardMonth,
    KMS: (Math.min(secretReads, FREE_TIER.kmsRequests) / 10_000) * PRICES.kms.requestsPer10000,
  };
  return { variable, fixed, freeTier, webhookRequestsPerSecond: perSecond };
}

/** Dollars per inbound text, per outbound send (with its three statuses) and per card (with its reply's), at `t`. */
export function unitCosts(m: Measurement, t: Traffic, settings: Settings, shapes: LogShapes): { text: Cost; send: Cost; card: Cost } {
  const counts = deliveriesPerMonth(t);
  const apiRequests = requestsPerMonth(m, counts);
  const ctx: KindCostContext = { settings, shapes, logCompression: m.logCompression, sampled: settings.tracing === 'active' ? sampledShare(apiRequests / SECONDS_PER_MONTH) : 0 };
  const of = (k: Kind) => kindCost(m.kinds[k], ctx).cost;
  const texts = counts.textNew + counts.textReopen + counts.textOngoing;
  const text = texts > 0
    ? scale(add(scale(of('textNew'), counts.textNew), scale(of('textReopen'), counts.textReopen), scale(of('textOngoing'), counts.textOngoing)), 1 / texts)
    : zeroCost();
  // The heartbeat's monthly writes, shared by the month's inbound texts.
  if (texts > 0) text['DynamoDB writes'] += heartbeatCost(m, counts, settings) / texts;
  const statuses = scale(of('status'), 3);
  const card = add(of('cardQr'), statuses);
  card.Textract = t.cardOcrShare * (t.ocrEngine === 'textract' ? 1 : t.autoWeakShare) * PRICES.textract.detectDocumentTextPer1000Pages / 1000;
  return { text, send: add(of('adminSend'), statuses), card };
}
