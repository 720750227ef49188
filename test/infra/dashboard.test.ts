// The synthesized dashboard: rows in order, every resources.ts function, queue and table on it, the API
// metrics, and the catalogue and the dashboard in one-to-one correspondence (no orphan on either side).
import { describe, expect, it } from 'vitest';
import { DASHBOARD_ROWS, METRIC_NAMES, METRIC_NAMESPACE, METRIC_SERVICE, METRICS, type MetricSpec } from '../../lambdas/domain/shared/metric-catalog.js';
import { functions, queues, tables } from '../../lib/resources.js';
import { logicalId, resources, synthStack } from '../support/synth.js';

const { stack, template } = synthStack();
const all = resources(template);

interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title?: string; markdown?: string; metrics?: unknown[][]; query?: string };
}

/** DashboardBody is an Fn::Join of strings and references; each reference becomes `<<LogicalId>>` or `<<Id.Attr>>`. */
function dashboardWidgets(res: typeof all = all): Widget[] {
  const dashboards = Object.values(res).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]!.Properties?.['DashboardBody'] as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const p = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (p.Ref) return `<<${p.Ref}>>`;
      if (p['Fn::GetAtt']) return `<<${p['Fn::GetAtt'].join('.')}>>`;
      throw new Error(`unexpected token in the dashboard body: ${JSON.stringify(part)}`);
    })
    .join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

const widgets = dashboardWidgets();

interface SeriesRef {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  stat?: string;
  widget: Widget;
}

/** Explicit metric lines: [namespace, name, dimName, dimValue, ..., {options}]. */
const explicit: SeriesRef[] = widgets.flatMap((w) =>
  (w.properties.metrics ?? [])
    .filter((line) => typeof line[0] === 'string')
    .map((line) => {
      const opts = typeof line[line.length - 1] === 'object' ? (line[line.length - 1] as { stat?: string }) : {};
      const dimParts = line.slice(2).filter((v) => typeof v === 'string') as string[];
      const dimensions: Record<string, string> = {};
      for (let i = 0; i + 1 < dimParts.length; i += 2) dimensions[dimParts[i]!] = dimParts[i + 1]!;
      return { namespace: line[0] as string, name: line[1] as string, dimensions, ...(opts.stat ? { stat: opts.stat } : {}), widget: w };
    }),
);

/** SEARCH expressions: `SEARCH('{Namespace,dim,...} MetricName="X" service="..."', 'Stat', period)`. */
const searched = widgets.flatMap((w) =>
  (w.properties.metrics ?? [])
    .map((line) => (line[0] as { expression?: string }).expression)
    .filter((e): e is string => typeof e === 'string' && e.startsWith('SEARCH('))
    .map((expression) => {
      const m = /^SEARCH\('\{([^}]+)\} MetricName="([^"]+)"(.*?)', '([^']+)', (\d+)\)$/.exec(expression);
      if (!m) throw new Error(`unparsed SEARCH: ${expression}`);
      const [namespace, ...dimensions] = m[1]!.split(',');
      return { namespace: namespace!, name: m[2]!, dimensions, filter: m[3]!, stat: m[4]!, period: Number(m[5]), widget: w };
    }),
);

const fnId = (name: string) => logicalId(stack, stack.functions.get(name)!.function);
const catalogueSpec = (name: string): MetricSpec => (METRICS as Record<string, MetricSpec>)[name]!;

describe('catalogue <-> dashboard', () => {
  const onDashboard = new Set([
    ...explicit.filter((s) => s.namespace === METRIC_NAMESPACE).map((s) => s.name),
    ...searched.filter((s) => s.namespace === METRIC_NAMESPACE).map((s) => s.name),
  ]);

  it('every metric declared in the catalogue is on the dashboard', () => {
    expect(METRIC_NAMES.filter((n) => !onDashboard.has(n))).toEqual([]);
  });

  it('every custom metric on the dashboard is declared in the catalogue', () => {
    expect([...onDashboard].filter((n) => !METRIC_NAMES.includes(n as never))).toEqual([]);
  });

  it('each custom series names the catalogue dimensions exactly (service plus its own) and a declared statistic', () => {
    for (const s of explicit.filter((e) => e.namespace === METRIC_NAMESPACE)) {
      const spec = catalogueSpec(s.name);
      expect(Object.keys(s.dimensions).sort(), s.name).toEqual(['service', ...spec.dimensions].sort());
      expect(s.dimensions['service']).toBe(METRIC_SERVICE);
      expect(spec.stats, s.name).toContain(s.stat);
      for (const [dim, values] of Object.entries(spec.values ?? {})) expect(values, `${s.name} ${dim}`).toContain(s.dimensions[dim]);
    }
    for (const s of searched) {
      const spec = catalogueSpec(s.name);
      expect(s.namespace).toBe(METRIC_NAMESPACE);
      expect(s.dimensions, s.name).toEqual(['service', ...spec.dimensions]);
      expect(s.filter).toBe(` service="${METRIC_SERVICE}"`);
      expect(spec.stats, s.name).toContain(s.stat);
      expect(s.period).toBe((spec.periodMinutes ?? 5) * 60);
    }
  });

  it('a closed dimension (card result) is graphed value by value, an open one (message type) searched', () => {
    const cardResults = explicit.filter((s) => s.name === 'CardResults').map((s) => s.dimensions['result']);
    expect(cardResults.sort()).toEqual(['failed', 'ocr', 'qr']);
    expect(searched.map((s) => s.name)).toEqual(expect.arrayContaining(['InboundMessages', 'Statuses', 'Outbound', 'GraphErrors']));
  });
});

const headers = widgets.filter((w) => w.type === 'text');
/** The row a widget sits in: the nearest header above it. */
const rowOf = (w: Widget): string => {
  const above = headers.filter((h) => h.y <= w.y).sort((a, b) => b.y - a.y)[0];
  return above?.properties.markdown?.match(/^## (\w+)/)?.[1]?.toLowerCase() ?? '';
};

describe('rows, top to bottom', () => {

  it('traffic, health, cards, outbound, token, each header a full-width line', () => {
    expect(headers.map((h) => h.properties.markdown?.match(/^## (\w+)/)?.[1]?.toLowerCase())).toEqual([...DASHBOARD_ROWS]);
    for (let i = 1; i < headers.length; i++) expect(headers[i]!.y).toBeGreaterThan(headers[i - 1]!.y);
    for (const h of headers) expect(h.width).toBe(24);
  });

  it('each catalogue metric sits in the row it declares', () => {
    for (const s of [...explicit.filter((e) => e.namespace === METRIC_NAMESPACE), ...searched]) {
      expect(rowOf(s.widget), s.name).toBe(catalogueSpec(s.name).row);
    }
  });

  it('API traffic is in the traffic row: requests, 4xx, 5xx, latency p50 and p99', () => {
    const api = explicit.filter((s) => s.namespace === 'AWS/ApiGateway');
    const apiId = `<<${logicalId(stack, stack.api.api)}>>`;
    for (const name of ['Count', '4xx', '5xx']) expect(api.some((s) => s.name === name && s.dimensions['ApiId'] === apiId && s.stat === 'Sum'), name).toBe(true);
    expect(api.filter((s) => s.name === 'Latency').map((s) => s.stat).sort()).toEqual(['p50', 'p99']);
    for (const s of api) expect(rowOf(s.widget)).toBe('traffic');
  });

  it('beside it, the webhook function URL (Meta\'s webhook by default): requests, 4xx, 5xx, latency p50 and p99', () => {
    const url = explicit.filter((s) => s.namespace === 'AWS/Lambda' && s.name.startsWith('Url') && s.dimensions['FunctionName'] === `<<${fnId('webhook')}>>`);
    expect(url.map((s) => `${s.name}:${s.stat}`).sort()).toEqual(['Url4xxCount:Sum', 'Url5xxCount:Sum', 'UrlRequestCount:Sum', 'UrlRequestLatency:p50', 'UrlRequestLatency:p99']);
    for (const s of url) expect(rowOf(s.widget)).toBe('traffic');
  });
});

describe('health row: every function, queue and table of resources.ts', () => {
  it.each(Object.keys(functions))('%s: invocations, errors, throttles, duration p99, cold starts', (name) => {
    const id = `<<${fnId(name)}>>`;
    const lambda = explicit.filter((s) => s.namespace === 'AWS/Lambda' && !s.name.startsWith('Url') && s.dimensions['FunctionName'] === id);
    expect(lambda.map((s) => `${s.name}:${s.stat}`).sort()).toEqual(['Duration:p99', 'Errors:Sum', 'Invocations:Sum', 'Throttles:Sum']);
    const cold = explicit.filter((s) => s.name === 'ColdStart' && s.dimensions['function_name'] === id);
    expect(cold).toHaveLength(1);
    for (const s of [...lambda, ...cold]) expect(rowOf(s.widget)).toBe('health');
  });

  it('with systemLogLevel WARN (the default) there are no REPORT lines, so no Logs Insights widget over them', () => {
    expect(widgets.filter((w) => w.type === 'log')).toEqual([]);
  });

  it('with systemLogLevel=INFO a Logs Insights widget gives cold start count and init duration p50/p99 over every function log group', () => {
    const info = synthStack({ context: { systemLogLevel: 'INFO' } });
    const query = dashboardWidgets(resources(info.template)).find((w) => w.type === 'log');
    expect(rowOf(query!)).toBe('health');
    expect(query?.properties.query).toMatch(/@initDuration/);
    expect(query?.properties.query).toMatch(/pct\(@initDuration, 50\).*pct\(@initDuration, 99\)/s);
    for (const name of Object.keys(functions)) {
      const logGroup = logicalId(info.stack, info.stack.functions.get(name)!.logGroup);
      expect(query?.properties.query, name).toContain(`SOURCE '<<${logGroup}>>'`);
    }
  });

  it.each(Object.keys(queues).length ? Object.keys(queues) : ['(none)'])('queue %s: visible, age of oldest, dead-letter depth', (name) => {
    if (name === '(none)') return expect(Object.keys(queues)).toEqual([]);
    const q = stack.queues.get(name)!;
    const queueName = `<<${logicalId(stack, q.queue)}.QueueName>>`;
    const dlqName = `<<${logicalId(stack, q.deadLetterQueue)}.QueueName>>`;
    const sqs = explicit.filter((s) => s.namespace === 'AWS/SQS');
    expect(sqs.some((s) => s.name === 'ApproximateNumberOfMessagesVisible' && s.dimensions['QueueName'] === queueName)).toBe(true);
    expect(sqs.some((s) => s.name === 'ApproximateAgeOfOldestMessage' && s.dimensions['QueueName'] === queueName)).toBe(true);
    expect(sqs.some((s) => s.name === 'ApproximateNumberOfMessagesVisible' && s.dimensions['QueueName'] === dlqName)).toBe(true);
  });

  it.each(Object.keys(tables))('table %s: read/write throttles and consumed capacity', (name) => {
    const tableRef = `<<${logicalId(stack, stack.tables.get(name)!.table)}>>`;
    const ddb = explicit.filter((s) => s.namespace === 'AWS/DynamoDB' && s.dimensions['TableName'] === tableRef).map((s) => s.name);
    expect(ddb.sort()).toEqual(['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits', 'ReadThrottleEvents', 'WriteThrottleEvents']);
  });
});

it('the DashboardUrl output opens this dashboard in the stack region', () => {
  const outputs = (template.toJSON() as { Outputs: Record<string, { Value: { 'Fn::Join': [string, unknown[]] } }> }).Outputs;
  const dashboardId = logicalId(stack, stack.dashboard.dashboard);
  const parts = outputs['DashboardUrl']!.Value['Fn::Join'][1];
  expect(parts).toContainEqual({ Ref: dashboardId });
  expect(parts).toContainEqual({ Ref: 'AWS::Region' });
  expect(parts.filter((p) => typeof p === 'string').join('')).toMatch(/^https:\/\/\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=#dashboards:name=$/);
});
