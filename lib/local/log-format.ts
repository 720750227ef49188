// How `npm start` prints what the handlers log. In AWS every line is Powertools JSON for CloudWatch; on a laptop
// a person reads them, so by default each log event becomes one line: time, level, service, message, then the
// correlation ids and other fields as key=value (an error's stack follows, indented). LOG_FORMAT=json keeps the
// JSON. EMF metric documents (the `_aws` key) are CloudWatch's input, not a person's: hidden unless
// LOG_METRICS=true. This runs only in the local runner; lambdas/adapters/runtime/logger.ts is untouched by it.
import { formatWithOptions } from 'node:util';

export type LogFormat = 'pretty' | 'json';

export interface LogFormatOptions {
  format: LogFormat;
  /** Show EMF metric lines. */
  metrics: boolean;
  /** ANSI colours for the level. */
  color?: boolean;
}

export function logFormatFromEnv(env: NodeJS.ProcessEnv): LogFormatOptions {
  const format = (env['LOG_FORMAT']?.trim() || 'pretty').toLowerCase();
  if (format !== 'pretty' && format !== 'json') throw new Error(`LOG_FORMAT must be pretty or json, got "${env['LOG_FORMAT']}"`);
  const metrics = env['LOG_METRICS']?.trim().toLowerCase();
  if (metrics !== undefined && metrics !== '' && metrics !== 'true' && metrics !== 'false') throw new Error(`LOG_METRICS must be true or false, got "${env['LOG_METRICS']}"`);
  return { format, metrics: metrics === 'true' };
}

/** Keys every Powertools line carries that say nothing locally, or that the line shows in its own place. */
const SHOWN_APART = new Set(['level', 'message', 'timestamp', 'service', 'cold_start', 'function_arn', 'function_memory_size', 'function_name', 'function_request_id', 'sampling_rate', 'xray_trace_id']);
/** Correlation keys first, in the README's order, so a message id is always in the same place. */
const IDS = ['request_id', 'message_id', 'message_ids', 'contact_id', 'queue_message_id'];

const COLORS: Record<string, string> = { DEBUG: '\x1b[90m', INFO: '\x1b[36m', WARN: '\x1b[33m', ERROR: '\x1b[31m', CRITICAL: '\x1b[31m', METRIC: '\x1b[35m' };

function time(timestamp: unknown): string {
  const date = typeof timestamp === 'string' ? new Date(timestamp) : new Date();
  const t = Number.isNaN(date.getTime()) ? new Date() : date;
  return t.toISOString().slice(11, 23);
}

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return formatWithOptions({ breakLength: Infinity, compact: true, depth: 4 }, '%j', v);
}

function levelTag(level: string, color: boolean): string {
  const tag = level.padEnd(5);
  return color ? `${COLORS[level] ?? ''}${tag}\x1b[0m` : tag;
}

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
}

function isErrorShape(v: unknown): v is ErrorShape {
  return typeof v === 'object' && v !== null && typeof (v as ErrorShape).message === 'string' && typeof (v as ErrorShape).stack === 'string';
}

function prettyLog(item: Record<string, unknown>, color: boolean): string {
  const keys = [...IDS.filter((k) => k in item), ...Object.keys(item).filter((k) => !SHOWN_APART.has(k) && !IDS.includes(k))];
  const stacks: string[] = [];
  const fields = keys.map((k) => {
    const v = item[k];
    if (isErrorShape(v)) {
      stacks.push(String(v.stack).split('\n').slice(1).map((l) => `    ${l.trim()}`).join('\n'));
      return `${k}=${value(`${String(v.name ?? 'Error')}: ${String(v.message)}`)}`;
    }
    return `${k}=${value(v)}`;
  });
  const head = [time(item['timestamp']), levelTag(String(item['level']), color), item['service'] ? `[${String(item['service'])}]` : '', String(item['message']), ...fields]
    .filter(Boolean)
    .join(' ');
  return [head, ...stacks.filter(Boolean)].join('\n');
}

/** `METRIC InboundMessages=1 type=text`: one line per EMF document. */
function prettyMetric(item: Record<string, unknown>, color: boolean): string {
  const aws = item['_aws'] as { Timestamp?: number; CloudWatchMetrics?: { Metrics?: { Name: string }[]; Dimensions?: string[][] }[] };
  const directive = aws.CloudWatchMetrics?.[0];
  const metrics = (directive?.Metrics ?? []).map((m) => `${m.Name}=${value(item[m.Name])}`);
  const dims = (directive?.Dimensions?.[0] ?? []).filter((d) => d !== 'service').map((d) => `${d}=${value(item[d])}`);
  return [time(aws.Timestamp ? new Date(aws.Timestamp).toISOString() : undefined), levelTag('METRIC', color), ...metrics, ...dims].join(' ');
}

/**
 * One printed line as it should appear: a Powertools log line reformatted, an EMF line dropped (undefined) or
 * kept, anything else (the banner, a stack trace printed by hand) unchanged.
 */
export function formatLogLine(line: string, options: LogFormatOptions): string | undefined {
  if (!line.startsWith('{')) return line;
  let item: unknown;
  try {
    item = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return line;
  const record = item as Record<string, unknown>;
  if ('_aws' in record) {
    if (!options.metrics) return undefined;
    return options.format === 'json' ? line : prettyMetric(record, options.color ?? false);
  }
  if (options.format === 'json' || typeof record['level'] !== 'string' || typeof record['message'] !== 'string') return line;
  return prettyLog(record, options.color ?? false);
}

function isJson(text: string): boolean {
  if (!text.startsWith('{') || !text.includes('\n')) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Formats every complete line this process writes to `stream` (Powertools writes one line per call). */
export function formatStream(stream: NodeJS.WriteStream, options: LogFormatOptions): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const color = options.color ?? (stream.isTTY === true && !process.env['NO_COLOR']);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
    if (text === undefined || !text.endsWith('\n') || !text.includes('{')) return write(chunk, ...rest);
    const body = text.slice(0, -1);
    // One JSON document over several lines (POWERTOOLS_DEV indents them) is still one event.
    const lines = (isJson(body) ? [body] : body.split('\n')).map((l) => formatLogLine(l, { ...options, color }));
    const kept = lines.filter((l): l is string => l !== undefined);
    if (!kept.length) {
      // Nothing to print; a write callback still expects to be called.
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write(`${kept.join('\n')}\n`, ...rest);
  }) as typeof stream.write;
}

/** The local runner's stdout and stderr, formatted as the environment asks. */
export function installLogFormat(env: NodeJS.ProcessEnv = process.env): LogFormatOptions {
  const options = logFormatFromEnv(env);
  formatStream(process.stdout, options);
  formatStream(process.stderr, options);
  return options;
}
