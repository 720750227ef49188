// The metric catalogue: well-formed, covers what issue 6 asks for, and matches the code: every declared
// metric is emitted by some code path in lambdas/, every emission names a declared metric, and nothing
// writes metrics around the catalogue (direct Powertools calls outside adapters/runtime/metrics.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkDimensions,
  DASHBOARD_ROWS,
  dimensionValue,
  METRIC_NAMES,
  METRIC_NAMESPACE,
  METRICS,
  type MetricSpec,
} from '../../lambdas/domain/shared/metric-catalog.js';
import { PROJECT_ROOT } from '../../lib/stack.js';

const spec = (name: string): MetricSpec => (METRICS as Record<string, MetricSpec>)[name]!;

describe('the catalogue', () => {
  it('declares the metrics issue 6 asks for, with their dimensions', () => {
    const required: Record<string, string[]> = {
      InboundMessages: ['type'],
      Statuses: ['state'],
      Outbound: ['result', 'code'],
      SignatureRejections: [],
      QuarantinedDeliveries: [],
      DuplicatesSkipped: [],
      CardResults: ['result'],
      CardEndToEndTime: [],
      GraphErrors: ['code'],
      GraphRetries: [],
      TokenDaysToExpiry: [],
      TokenValid: [],
    };
    for (const [name, dims] of Object.entries(required)) {
      expect(METRIC_NAMES, name).toContain(name);
      expect([...spec(name).dimensions], name).toEqual(dims);
    }
    expect([...(spec('CardResults').values?.['result'] ?? [])]).toEqual(['qr', 'ocr', 'failed']);
  });

  it('is well formed: names, units, low-cardinality dimensions, rows, statistics', () => {
    expect(METRIC_NAMESPACE).toBe('WhatsAppBusiness');
    for (const name of METRIC_NAMES) {
      const s = spec(name);
      expect(name).toMatch(/^[A-Z][A-Za-z0-9]{2,60}$/);
      expect(['Count', 'Milliseconds', 'None']).toContain(s.unit);
      expect(DASHBOARD_ROWS).toContain(s.row);
      expect(s.description.length, name).toBeGreaterThan(20);
      expect(s.stats.length, name).toBeGreaterThan(0);
      for (const stat of s.stats) expect(stat, name).toMatch(/^(Sum|Average|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/);
      // Two dimensions at most besides `service`; never an id-like dimension.
      expect(s.dimensions.length, name).toBeLessThanOrEqual(2);
      for (const d of s.dimensions) expect(d, name).toMatch(/^(type|state|result|code|function_name)$/);
      if (s.unit === 'Milliseconds') expect(s.stats.some((st) => st.startsWith('p')), name).toBe(true);
    }
  });

  it('checks dimensions at the call: exactly the declared names, values sanitised', () => {
    expect(checkDimensions('InboundMessages', { type: 'text' })).toEqual({ type: 'text' });
    expect(checkDimensions('Outbound', { result: 'failed', code: '131047' })).toEqual({ result: 'failed', code: '131047' });
    expect(() => checkDimensions('InboundMessages', {})).toThrow(/missing type/);
    expect(() => checkDimensions('GraphRetries', { code: '1' })).toThrow(/unknown code/);
    expect(dimensionValue('')).toBe('none');
    expect(dimensionValue(-1)).toBe('-1');
    expect(dimensionValue('a b/c\nd')).toBe('a_b_c_d');
    expect(dimensionValue('x'.repeat(500))).toHaveLength(64);
  });
});

// ---- the source: who emits what

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Comments removed, so a metric named only in a comment does not count as emitted. */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const LAMBDAS = join(PROJECT_ROOT, 'lambdas');
const files = sourceFiles(LAMBDAS).map((path) => ({ path: relative(PROJECT_ROOT, path), text: code(path) }));
// An emission is a call `<sink>.emit('Name', …)` on the catalogue's MetricSink.
const EMIT = /\bemit\(\s*['"`]([A-Za-z0-9]+)['"`]/g;
const emitted = new Map<string, string[]>();
// Powertools' logMetrics middleware writes the catalogue's ColdStart itself (name and function_name dimension
// checked at run time in test/integration/emf.test.ts) where it is asked to.
const COLD_START = /\bcaptureColdStartMetric:\s*true\b/;
const emittedBy = (name: string, path: string) => emitted.set(name, [...(emitted.get(name) ?? []), path]);
for (const f of files) {
  for (const m of f.text.matchAll(EMIT)) emittedBy(m[1]!, f.path);
  if (COLD_START.test(f.text)) emittedBy('ColdStart', f.path);
}

describe('emission (source scan of lambdas/**)', () => {
  it('every catalogue metric is emitted by some code path', () => {
    const missing = METRIC_NAMES.filter((name) => !emitted.has(name));
    expect(missing, `declared in metric-catalog.ts but never emitted: ${missing.join(', ')}`).toEqual([]);
  });

  it('every emission names a catalogue metric', () => {
    const unknown = [...emitted].filter(([name]) => !METRIC_NAMES.includes(name as never));
    expect(unknown.map(([name, where]) => `${name} (${where.join(', ')})`)).toEqual([]);
  });

  it('nothing writes metrics around the catalogue: Powertools Metrics is used only by adapters/runtime/metrics.ts', () => {
    const around = files
      .filter((f) => f.path !== join('lambdas', 'adapters', 'runtime', 'metrics.ts'))
      .filter((f) => /@aws-lambda-powertools\/metrics|\baddMetric\(|PutMetricData/.test(f.text))
      .map((f) => f.path);
    expect(around, 'emit through MetricSink (adapters/runtime/metrics.ts metricSink) instead').toEqual([]);
  });

  it('the scan itself works: it sees the webhook, ingest and Graph client emissions', () => {
    expect(emitted.get('SignatureRejections')).toContain(join('lambdas', 'handlers', 'webhook.ts'));
    expect(emitted.get('InboundMessages')).toContain(join('lambdas', 'domain', 'inbound', 'ingest.ts'));
    expect(emitted.get('GraphErrors')).toContain(join('lambdas', 'adapters', 'meta', 'graph-client.ts'));
    expect(emitted.get('ColdStart')).toEqual([join('lambdas', 'adapters', 'runtime', 'metrics.ts')]);
  });

  it('every Lambda emits ColdStart: each handler exporting `handler` uses the metrics middleware', () => {
    const handlers = files.filter((f) => f.path.startsWith(join('lambdas', 'handlers')) && /\bexport const handler\b/.test(f.text));
    expect(handlers.length).toBeGreaterThanOrEqual(10);
    const without = handlers.filter((f) => !/\.use\(metricsMiddleware\(\)\)/.test(f.text)).map((f) => f.path);
    expect(without, 'add .use(metricsMiddleware()) to the middy chain').toEqual([]);
  });
});
