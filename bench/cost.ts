// `npm run cost`: what this system costs to run, from measurements made now and the prices in lib/cost/prices.ts.
// Runs representative deliveries through the handlers (bench/cost-measure.ts) with the default settings and with
// each measured setting at its previous value, then prints dollars per million inbound texts, per million
// outbound sends and per thousand cards, what each default saves, and a month at 10k, 1M and 10M messages.
// Flags (traffic): --messages N --commands SHARE --cards SHARE --conversation N --new-customers SHARE --sends N
//   --card-ocr SHARE --ocr auto|textract --weak SHARE --retention-days N; --json prints the measurements too.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ACCESS_LOG_FORMATS } from '../lib/constructs/http-api.js';
import { billedMs, monthlyCost, scale, SERVICES, total, unitCosts, type Cost, type LogShapes, type Settings, type Traffic } from '../lib/cost/model.js';
import { PRICES } from '../lib/cost/prices.js';
import { KIND_LABELS, type Kind, type Measurement } from '../lib/cost/usage.js';
import { costControls, functions, type FunctionName } from '../lib/resources.js';
import { synthStack } from '../test/support/synth.js';
import { formatTable } from './table.js';

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    commands: { type: 'string', default: '0.05' },
    cards: { type: 'string', default: '0.01' },
    conversation: { type: 'string', default: '5' },
    'new-customers': { type: 'string', default: '0.05' },
    sends: { type: 'string', default: '0' },
    'card-ocr': { type: 'string', default: '0.5' },
    ocr: { type: 'string', default: 'textract' },
    weak: { type: 'string', default: '0.3' },
    'retention-days': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
  },
});

function share(name: keyof typeof flags): number {
  const v = Number(flags[name]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number >= 0, got "${String(flags[name])}"`);
  return v;
}
if (flags.ocr !== 'auto' && flags.ocr !== 'textract') throw new Error(`--ocr must be auto or textract, got "${flags.ocr}"`);

const traffic: Traffic = {
  inboundPerMonth: share('messages'),
  commandShare: share('commands'),
  cardShare: share('cards'),
  conversationLength: share('conversation'),
  newCustomerShare: share('new-customers'),
  sendsPerMonth: share('sends'),
  cardOcrShare: share('card-ocr'),
  ocrEngine: flags.ocr,
  autoWeakShare: share('weak'),
};

async function measure(env: Record<string, string>): Promise<Measurement> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./cost-child.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_NO_WARNINGS: '1', COST_CONVERSATION_LENGTH: String(traffic.conversationLength), ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const code = await new Promise<number | null>((ok) => child.once('exit', ok));
  const last = out.trim().split('\n').at(-1);
  if (code !== 0 || !last) throw new Error(`the measurement exited with ${code}`);
  return JSON.parse(last) as Measurement;
}

/** `m` with the Lambda timings of `timed`: runs differ by what a setting changes (units, log bytes), not by the
 *  noise of a shared machine between two runs. */
function withTimingsOf(m: Measurement, timed: Measurement): Measurement {
  const kinds = Object.fromEntries(Object.entries(m.kinds).map(([k, u]) => [k, { ...u, lambda: timed.kinds[k as Kind].lambda }]));
  return { ...m, kinds: kinds as Measurement['kinds'] };
}

const refresh = String(costControls.contactRefreshMinutes);
// Sequential: the machine's cores are shared, and parallel runs would inflate each other's times.
const defaults = await measure({ CONTACT_REFRESH_MINUTES: refresh });
const everyMessageWrites = await measure({ CONTACT_REFRESH_MINUTES: '0' });
const fullLines = await measure({ CONTACT_REFRESH_MINUTES: refresh, LOG_LAMBDA_CONTEXT: 'full' });
const before = await measure({ CONTACT_REFRESH_MINUTES: '0', LOG_LAMBDA_CONTEXT: 'full' });
const [everyMessageWritesTimed, fullLinesTimed, beforeTimed] = [everyMessageWrites, fullLines, before].map((m) => withTimingsOf(m, defaults));

// The access log line of each format, with the values API Gateway fills in for a webhook delivery.
const sample: Record<string, string> = {
  '$context.requestId': 'JdL3mh5YoAMEbSw=', '$context.identity.sourceIp': '173.252.95.1', '$context.identity.user': '-',
  '$context.identity.caller': '-', '$context.requestTime': '06/Dec/2026:17:31:16 +0000', '$context.requestTimeEpoch': '1796578276123',
  '$context.httpMethod': 'POST', '$context.resourcePath': '/webhooks/whatsapp', '$context.routeKey': 'POST /webhooks/whatsapp',
  '$context.status': '200', '$context.protocol': 'HTTP/1.1', '$context.responseLength': '64', '$context.responseLatency': '38',
  '$context.integrationErrorMessage': '-',
};
const render = (format: string) => format.replace(/\$context\.[\w.]+/g, (v) => sample[v] ?? '-');
const shapes: LogShapes = {
  accessLogBytes: {
    compact: Buffer.byteLength(render(ACCESS_LOG_FORMATS.compact.toString())),
    standard: Buffer.byteLength(render(ACCESS_LOG_FORMATS.standard.toString())),
  },
  traceIdBytes: Buffer.byteLength(',"xray_trace_id":"1-6753a1b2-0123456789abcdef01234567"'),
};

// What costs a fixed amount a month, counted in the synthesized template.
const resources = Object.values((synthStack().template.toJSON() as { Resources: Record<string, { Type: string }> }).Resources);
const count = (type: string) => resources.filter((r) => r.Type === type).length;
const fixedResources = {
  secrets: count('AWS::SecretsManager::Secret'),
  kmsKeys: count('AWS::KMS::Key'),
  alarms: count('AWS::CloudWatch::Alarm'),
  dashboards: count('AWS::CloudWatch::Dashboard'),
  queues: count('AWS::Lambda::EventSourceMapping'),
};

const settings: Settings = {
  tracing: costControls.tracing,
  logLevel: costControls.logLevel,
  accessLogFormat: costControls.accessLogFormat,
  metaWebhookIngress: costControls.metaWebhookIngress,
  systemLogLevel: costControls.systemLogLevel,
  heartbeatSeconds: costControls.heartbeatSeconds,
  logRetentionDays: share('retention-days'),
};
const previous: Settings = { ...settings, tracing: 'active', accessLogFormat: 'standard', metaWebhookIngress: 'httpApi', systemLogLevel: 'INFO', heartbeatSeconds: 0 };

const $ = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const perMillion = (c: Cost) => scale(c, 1e6);
const perThousand = (c: Cost) => scale(c, 1e3);

function print(title: string, headers: string[], rows: string[][]): void {
  console.log(`\n## ${title}\n`);
  console.log(formatTable(headers, rows));
}

// 1. Measured per delivery.
const measuredRows = (Object.keys(KIND_LABELS) as Kind[]).map((k) => {
  const u = defaults.kinds[k];
  const per = (v: number) => (v / u.samples).toFixed(2).replace(/\.00$/, '');
  const invocations = Object.entries(u.lambda).map(([fn, inv]) => `${fn} ${per(inv.count)}`).join(', ');
  const logs = Object.values(u.logs).reduce((a, l) => ({ lines: a.lines + l.lines, bytes: a.bytes + l.bytes }), { lines: 0, bytes: 0 });
  const sqs = Object.values(u.sqs).reduce((a, b) => a + b, 0) + Object.values(u.queueJobs).reduce((a, b) => a + (b ?? 0), 0) * 2;
  return [KIND_LABELS[k], String(u.samples), invocations, per(u.dynamo.calls), per(u.dynamo.readUnits), `${per(u.dynamo.writeUnits)} + ${per(u.dynamo.indexWriteUnits)}`,
    per(sqs), per(Object.values(u.s3).reduce((a, b) => a + b, 0)), per(u.graphCalls), `${per(logs.lines)} / ${per(logs.bytes)}`];
});
print(`Measured per delivery (defaults; DynamoDB units: dynalite's ConsumedCapacity, index writes computed from item images)`,
  ['delivery', 'n', 'Lambda invocations', 'DynamoDB calls', 'read units', 'write units + index', 'SQS requests', 'S3 requests', 'Graph calls', 'log lines / bytes'],
  measuredRows);
const timing = (Object.keys(functions) as FunctionName[]).flatMap((fn) => {
  const all = Object.values(defaults.kinds).flatMap((u) => (u.lambda[fn] ? [u.lambda[fn]!] : []));
  if (!all.length) return [];
  const wall = all.flatMap((i) => i.wallMs).sort((a, b) => a - b);
  const cpu = all.flatMap((i) => i.cpuMs).sort((a, b) => a - b);
  const mid = (v: number[]) => v[Math.floor(v.length / 2)]!;
  return [[fn, String(wall.length), `${mid(wall).toFixed(1)} ms`, `${mid(cpu).toFixed(1)} ms`, `${functions[fn].memoryMb} MB`]];
});
print('Local invocation time (median; DynamoDB in its own process)', ['function', 'invocations', 'wall', 'CPU', 'memory'], timing);

// 2. Per million inbound texts: the previous defaults against today's, by service.
const at = (m: Measurement, s: Settings) => unitCosts(m, traffic, s, shapes);
const now = at(defaults, settings);
const then = at(beforeTimed!, previous);
print(`Per million inbound texts (${traffic.inboundPerMonth.toLocaleString('en-US')} inbound a month; us-east-1 list prices of ${PRICES.reviewed}; free tiers excluded; both columns with this run's Lambda timings)`,
  ['service', 'previous defaults', 'defaults', 'saving'],
  [...SERVICES.map((s) => [s, `$${$(perMillion(then.text)[s])}`, `$${$(perMillion(now.text)[s])}`, `$${$(perMillion(then.text)[s] - perMillion(now.text)[s])}`]),
    ['total', `$${$(total(perMillion(then.text)))}`, `$${$(total(perMillion(now.text)))}`, `$${$(total(perMillion(then.text)) - total(perMillion(now.text)))}`]]);
const TARGET = 2.5;
console.log(`\nIssue 18 target: <= $${TARGET.toFixed(2)} per million inbound texts with the defaults: ${total(perMillion(now.text)) <= TARGET ? 'ok' : 'MISS'} ($${$(total(perMillion(now.text)))}).`);

// 3. What each setting saves, one at a time from the defaults.
const base = total(perMillion(now.text));
const saving = (label: string, cost: number) => [label, `$${$(cost)}`, `$${$(cost - base)}`];
const webhookAt = (mb: number) => total(perMillion(at(defaults, { ...settings, memoryMb: { webhook: mb } }).text));
const webhookTimings = { count: 0, wallMs: Object.values(defaults.kinds).flatMap((u) => u.lambda.webhook?.wallMs ?? []), cpuMs: Object.values(defaults.kinds).flatMap((u) => u.lambda.webhook?.cpuMs ?? []) };
const webhookMs = (mb: number) => `${billedMs(webhookTimings, mb)} ms`;
const cardsAuto = total(perThousand(unitCosts(defaults, { ...traffic, ocrEngine: 'auto' }, settings, shapes).card));
const cardsTextract = total(perThousand(unitCosts(defaults, { ...traffic, ocrEngine: 'textract' }, settings, shapes).card));
print('What each default saves, per million inbound texts (the setting changed alone, same Lambda timings)',
  ['setting', 'cost with it', 'difference (+: the default is cheaper)'], [
    saving('tracing=active (was the default)', total(perMillion(at(defaults, { ...settings, tracing: 'active' }).text))),
    saving('accessLogFormat=standard (was the default)', total(perMillion(at(defaults, { ...settings, accessLogFormat: 'standard' }).text))),
    saving('metaWebhookIngress=httpApi (was the default)', total(perMillion(at(defaults, { ...settings, metaWebhookIngress: 'httpApi' }).text))),
    saving('systemLogLevel=INFO (was the default: START, END, REPORT lines)', total(perMillion(at(defaults, { ...settings, systemLogLevel: 'INFO' }).text))),
    saving('heartbeatSeconds=0 (was: every delivery)', total(perMillion(at(defaults, { ...settings, heartbeatSeconds: 0 }).text))),
    saving('logLambdaContext=full (was the default)', total(perMillion(at(fullLinesTimed!, settings).text))),
    saving('contactRefreshMinutes=0 (was: every message)', total(perMillion(at(everyMessageWritesTimed!, settings).text))),
    saving('logLevel=WARN (not the default: drops the per-delivery line)', total(perMillion(at(defaults, { ...settings, logLevel: 'WARN' }).text))),
    saving(`webhook memory 256 MB (modeled median ${webhookMs(256)}, at 512 MB ${webhookMs(512)})`, webhookAt(256)),
    saving(`webhook memory 1024 MB (modeled median ${webhookMs(1024)})`, webhookAt(1024)),
    [`per thousand cards: ocrEngine=textract vs auto (${traffic.cardOcrShare} need OCR, ${traffic.autoWeakShare} of those weak locally)`, `$${$(cardsTextract)}`, `auto saves $${$(cardsTextract - cardsAuto)}`],
  ]);

// 4. Per unit with the defaults.
print('Per unit with the defaults', ['unit', 'cost', 'largest parts'], [
  ['a million inbound texts', `$${$(total(perMillion(now.text)))}`, top(perMillion(now.text))],
  ['a million outbound sends (with their 3 statuses)', `$${$(total(perMillion(now.send)))}`, top(perMillion(now.send))],
  [`a thousand cards (QR, else OCR by ${traffic.ocrEngine}; reply and its statuses)`, `$${$(total(perThousand(now.card)))}`, top(perThousand(now.card))],
]);

function top(c: Cost): string {
  return SERVICES.filter((s) => c[s] > 0).sort((a, b) => c[b] - c[a]).slice(0, 3).map((s) => `${s} $${$(c[s])}`).join(', ');
}

// 5. A month.
const volumes = [10_000, 1_000_000, 10_000_000];
const months = volumes.map((v) => monthlyCost(defaults, { ...traffic, inboundPerMonth: v, sendsPerMonth: traffic.sendsPerMonth * (v / traffic.inboundPerMonth) }, settings, shapes, fixedResources));
const fixedNames = Object.keys(months[0]!.fixed).map((k) => k.replace(/\d[\d,]* (reads|decrypts)/, 'reads'));
print(`A month with the defaults (mix: ${traffic.commandShare} commands, ${traffic.cardShare} cards, rest texts; ${traffic.conversationLength} texts a conversation)`,
  ['', ...volumes.map((v) => `${v.toLocaleString('en-US')} messages`)], [
    ...SERVICES.map((s) => [s, ...months.map((m) => `$${$(m.variable[s])}`)]),
    ...fixedNames.map((name, i) => [name, ...months.map((m) => `$${$(Object.values(m.fixed)[i]!)}`)]),
    ['**total**', ...months.map((m) => `**$${$(total(m.variable) + Object.values(m.fixed).reduce((a, b) => a + b, 0))}**`)],
    ['free tier, if unused elsewhere (not subtracted above)', ...months.map((m) => `-$${$(Object.values(m.freeTier).reduce((a, b) => a + b, 0))}`)],
  ]);
console.log(`\nItem sizes: inbound text message ${defaults.itemBytes.textMessage} B, contact profile ${defaults.itemBytes.contactProfile} B; ` +
  `log output compresses to ${(defaults.logCompression * 100).toFixed(0)}%; access log line ${shapes.accessLogBytes.compact} B compact, ${shapes.accessLogBytes.standard} B standard.`);
console.log('Lambda duration: local wait time kept, local CPU time stretched by 1769 MB / memory; DynamoDB is dynalite on this machine, so waits are not AWS latencies.');
if (flags.json) console.log(JSON.stringify({ defaults, everyMessageWrites, fullLines, before }));

