// What `npm start` prints for each kind of line a handler writes: a Powertools log line as one human line (ids
// first), the same JSON with LOG_FORMAT=json, EMF metric documents hidden unless LOG_METRICS=true. The lines
// here are the real ones: a Powertools Logger and Metrics writing into a captured stream.
import { Writable } from 'node:stream';
import { Console } from 'node:console';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { RedactingLogFormatter } from '../../lambdas/adapters/runtime/logger.js';
import { formatLogLine, formatStream, logFormatFromEnv, type LogFormatOptions } from '../../lib/local/log-format.js';

/** What a Powertools logger and metrics instance print, one string per write, as they print it in Lambda. */
function realLines(): string[] {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString('utf8')), done()) });
  const console = new Console({ stdout: sink, stderr: sink });
  const saved = process.env['POWERTOOLS_DEV'];
  delete process.env['POWERTOOLS_DEV'];
  try {
    // Its own level: the test run's default is SILENT (vitest.config.ts).
    const logger = new Logger({ serviceName: 'cardWorker', logLevel: 'INFO', logFormatter: new RedactingLogFormatter() });
    const metrics = new Metrics({ namespace: 'WhatsAppBusiness', serviceName: 'whatsapp' });
    // Their console is private; in Lambda it is stdout, here the sink.
    Object.assign(logger, { console });
    logger.appendKeys({ queue_message_id: 'f0e1d2c3-0000-4000-8000-000000000001', message_id: 'wamid.ABC+/=' });
    logger.info('card job done', { attempt: 1, outcome: 'created', detail: 'contact card-1' });
    logger.error('card job failed unexpectedly', { error: new Error('boom') });
    const single = metrics.singleMetric();
    Object.assign(single, { console });
    single.addDimension('result', 'qr');
    single.addMetric('CardResults', MetricUnit.Count, 1);
  } finally {
    if (saved !== undefined) process.env['POWERTOOLS_DEV'] = saved;
  }
  return lines;
}

const PRETTY: LogFormatOptions = { format: 'pretty', metrics: false };

describe('formatLogLine', () => {
  const [info, error, emf] = realLines().map((l) => l.replace(/\n$/, ''));

  it('makes a Powertools line one human line: time, level, service, message, the ids, then the fields', () => {
    expect(formatLogLine(info!, PRETTY)).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO  \[cardWorker\] card job done message_id=wamid\.ABC\+\/= queue_message_id=f0e1d2c3-0000-4000-8000-000000000001 attempt=1 outcome=created detail="contact card-1"$/,
    );
  });

  it('puts an error\'s name and message on the line and its stack below, indented', () => {
    const [head, ...stack] = formatLogLine(error!, PRETTY)!.split('\n');
    expect(head).toMatch(/ ERROR \[cardWorker\] card job failed unexpectedly message_id=\S+ queue_message_id=\S+ error="Error: boom"$/);
    expect(stack.length).toBeGreaterThan(0);
    for (const line of stack) expect(line).toMatch(/^ {4}at /);
  });

  it('hides EMF unless asked; LOG_METRICS=true shows it as a METRIC line, or as it was with LOG_FORMAT=json', () => {
    expect(emf).toContain('"_aws"');
    expect(formatLogLine(emf!, PRETTY)).toBeUndefined();
    expect(formatLogLine(emf!, { format: 'json', metrics: false })).toBeUndefined();
    expect(formatLogLine(emf!, { format: 'pretty', metrics: true })).toMatch(/^\d\d:\d\d:\d\d\.\d{3} METRIC CardResults=1 result=qr$/);
    expect(formatLogLine(emf!, { format: 'json', metrics: true })).toBe(emf);
  });

  it('LOG_FORMAT=json keeps the JSON as it is; lines that are not log JSON pass unchanged', () => {
    expect(formatLogLine(info!, { format: 'json', metrics: false })).toBe(info);
    for (const line of ['WhatsApp integration running locally at http://127.0.0.1:3000', '{ not json', '{"a":1}', '[1,2]']) {
      expect(formatLogLine(line, PRETTY)).toBe(line);
    }
  });
});

describe('formatStream and the settings', () => {
  it('rewrites each complete write, drops a write that held only EMF, and calls its callback', () => {
    const written: string[] = [];
    const stream = { write: (chunk: string) => (written.push(chunk), true), isTTY: false } as unknown as NodeJS.WriteStream;
    formatStream(stream, PRETTY);
    const [info, , emf] = realLines();
    stream.write(info!);
    let called = false;
    stream.write(emf!, () => (called = true));
    stream.write('partial {"level":"INFO"');
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/ INFO  \[cardWorker\] card job done .*\n$/);
    expect(written[1]).toBe('partial {"level":"INFO"');
    expect(called).toBe(true);
  });

  it('reads LOG_FORMAT and LOG_METRICS, and refuses values it does not know', () => {
    expect(logFormatFromEnv({})).toEqual({ format: 'pretty', metrics: false });
    expect(logFormatFromEnv({ LOG_FORMAT: 'JSON', LOG_METRICS: 'true' })).toEqual({ format: 'json', metrics: true });
    expect(() => logFormatFromEnv({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT must be pretty or json, got "xml"');
    expect(() => logFormatFromEnv({ LOG_METRICS: 'yes' })).toThrow('LOG_METRICS must be true or false, got "yes"');
  });
});
