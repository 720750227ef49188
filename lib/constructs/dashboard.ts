import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  DASHBOARD_ROWS,
  METRIC_NAMESPACE,
  METRIC_SERVICE,
  METRICS,
  SERVICE_DIMENSION,
  type DashboardRow,
  type MetricName,
  type MetricSpec,
} from '../../lambdas/domain/shared/metric-catalog.js';
import type { DataTable } from './data-table.js';
import type { WebApi } from './http-api.js';
import type { LambdaFunction } from './lambda-function.js';
import type { WorkQueue } from './work-queue.js';

export interface OperationsDashboardProps {
  readonly api: WebApi;
  readonly functions: ReadonlyMap<string, LambdaFunction>;
  readonly queues: ReadonlyMap<string, WorkQueue>;
  readonly tables: ReadonlyMap<string, DataTable>;
  readonly dashboardName?: string;
  /** The webhook function when Meta calls its function URL: its URL requests are graphed beside the API's. */
  readonly webhookUrlFunction?: LambdaFunction;
  /** `INFO`: Lambda's REPORT lines exist, so a Logs Insights widget shows cold starts and init durations. */
  readonly systemLogLevel?: 'WARN' | 'INFO';
}

const DEFAULT_PERIOD = Duration.minutes(5);
const GRAPH = { width: 8, height: 6 } as const;

const ROW_TITLES: Record<DashboardRow, string> = {
  traffic: '## Traffic\nRequests reaching the HTTP API and what the webhook made of them.',
  health: '## Health\nLambda functions, queues and tables: errors, throttles, backlog, dead letters.',
  cards: '## Cards\nBusiness card photos: QR or OCR result, end-to-end time, the card queue.',
  outbound: '## Outbound\nMessages sent through the Graph API, its errors by Meta code, and retries.',
  token: '## Token\nThe Meta access token: days to expiry and validity (checked daily by token-watch).',
};

/** Queues shown again in the cards row: their name says they carry card work. */
const isCardQueue = (name: string): boolean => /card/i.test(name);

/**
 * One CloudWatch dashboard, rows read top to bottom: traffic, health, cards, outbound, token. Functions,
 * queues and tables come from resources.ts through the stack, and every catalogue metric
 * (lambdas/domain/shared/metric-catalog.ts) lands in the row it declares, so a new one appears without an edit here.
 */
export class OperationsDashboard extends Construct {
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
      defaultInterval: Duration.hours(12),
    });
    const rows: Record<DashboardRow, IWidget[]> = {
      traffic: this.trafficWidgets(props),
      health: this.healthWidgets(props),
      cards: this.queueWidgets([...props.queues].filter(([name]) => isCardQueue(name)), 'Card queue'),
      outbound: [],
      token: [],
    };
    for (const name of Object.keys(METRICS) as MetricName[]) {
      const spec: MetricSpec = METRICS[name];
      rows[spec.row].push(...catalogueWidgets(name, spec, props.functions));
    }
    for (const row of DASHBOARD_ROWS) {
      this.dashboard.addWidgets(new TextWidget({ markdown: ROW_TITLES[row], width: 24, height: 2 }));
      if (rows[row].length) this.dashboard.addWidgets(...rows[row]);
    }
  }

  private trafficWidgets({ api, webhookUrlFunction }: OperationsDashboardProps): IWidget[] {
    const http = api.api;
    const url = (name: string, statistic: string, label: string) =>
      webhookUrlFunction ? [webhookUrlFunction.function.metric(name, { statistic, label: `webhook URL ${label}`, period: DEFAULT_PERIOD })] : [];
    return [
      new GraphWidget({
        title: webhookUrlFunction ? 'API and webhook URL requests, 4xx, 5xx' : 'API requests, 4xx, 5xx',
        left: [
          http.metricCount({ statistic: 'Sum', label: 'requests', period: DEFAULT_PERIOD }),
          http.metricClientError({ statistic: 'Sum', label: '4xx', period: DEFAULT_PERIOD }),
          http.metricServerError({ statistic: 'Sum', label: '5xx', period: DEFAULT_PERIOD }),
          ...url('UrlRequestCount', 'Sum', 'requests'),
          ...url('Url4xxCount', 'Sum', '4xx'),
          ...url('Url5xxCount', 'Sum', '5xx'),
        ],
        ...GRAPH,
      }),
      new GraphWidget({
        title: webhookUrlFunction ? 'API and webhook URL latency p50 / p99 (ms)' : 'API latency p50 / p99 (ms)',
        left: [
          http.metricLatency({ statistic: 'p50', label: 'p50', period: DEFAULT_PERIOD }),
          http.metricLatency({ statistic: 'p99', label: 'p99', period: DEFAULT_PERIOD }),
          ...url('UrlRequestLatency', 'p50', 'p50'),
          ...url('UrlRequestLatency', 'p99', 'p99'),
        ],
        ...GRAPH,
      }),
    ];
  }

  private healthWidgets(props: OperationsDashboardProps): IWidget[] {
    const fns = [...props.functions];
    const perFunction = (title: string, metric: (fn: LambdaFunction, name: string) => IMetric): GraphWidget =>
      new GraphWidget({ title, left: fns.map(([name, fn]) => metric(fn, name)), ...GRAPH });
    const widgets: IWidget[] = [
      perFunction('Lambda invocations', (fn, name) => fn.function.metricInvocations({ label: name, period: DEFAULT_PERIOD })),
      perFunction('Lambda errors', (fn, name) => fn.function.metricErrors({ label: name, period: DEFAULT_PERIOD })),
      perFunction('Lambda throttles', (fn, name) => fn.function.metricThrottles({ label: name, period: DEFAULT_PERIOD })),
      perFunction('Lambda duration p99 (ms)', (fn, name) =>
        fn.function.metricDuration({ statistic: 'p99', label: name, period: DEFAULT_PERIOD }),
      ),
    ];
    // REPORT lines exist only at system log level INFO; the ColdStart metric counts cold starts either way.
    if (props.systemLogLevel === 'INFO') {
      widgets.push(
        new LogQueryWidget({
          title: 'Cold starts: count and init duration p50 / p99 (ms)',
          logGroupNames: fns.map(([, fn]) => fn.logGroup.logGroupName),
          queryLines: [
            'filter @type = "REPORT" and ispresent(@initDuration)',
            'stats count() as coldStarts, pct(@initDuration, 50) as initP50, pct(@initDuration, 99) as initP99 by @log',
          ],
          width: 16,
          height: 6,
        }),
      );
    }
    widgets.push(...this.queueWidgets([...props.queues], 'Queues'));
    const tables = [...props.tables];
    if (tables.length) {
      widgets.push(
        new GraphWidget({
          title: 'DynamoDB throttled reads / writes',
          left: tables.flatMap(([name, t]) =>
            ['ReadThrottleEvents', 'WriteThrottleEvents'].map(
              (metricName) =>
                new Metric({
                  namespace: 'AWS/DynamoDB',
                  metricName,
                  dimensionsMap: { TableName: t.table.tableName },
                  statistic: 'Sum',
                  period: DEFAULT_PERIOD,
                  label: `${name} ${metricName}`,
                }),
            ),
          ),
          ...GRAPH,
        }),
        new GraphWidget({
          title: 'DynamoDB consumed capacity (units)',
          left: tables.flatMap(([name, t]) => [
            t.table.metricConsumedReadCapacityUnits({ label: `${name} read`, period: DEFAULT_PERIOD }),
            t.table.metricConsumedWriteCapacityUnits({ label: `${name} write`, period: DEFAULT_PERIOD }),
          ]),
          ...GRAPH,
        }),
      );
    }
    return widgets;
  }

  private queueWidgets(queues: Array<[string, WorkQueue]>, title: string): IWidget[] {
    if (!queues.length) return [];
    return [
      new GraphWidget({
        title: `${title}: visible messages`,
        left: queues.map(([name, q]) => q.queue.metricApproximateNumberOfMessagesVisible({ label: name, statistic: 'Maximum', period: DEFAULT_PERIOD })),
        ...GRAPH,
      }),
      new GraphWidget({
        title: `${title}: age of oldest message (s)`,
        left: queues.map(([name, q]) => q.queue.metricApproximateAgeOfOldestMessage({ label: name, statistic: 'Maximum', period: DEFAULT_PERIOD })),
        ...GRAPH,
      }),
      new GraphWidget({
        title: `${title}: dead-letter queue depth`,
        left: queues.map(([name, q]) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: `${name} DLQ`, statistic: 'Maximum', period: DEFAULT_PERIOD }),
        ),
        ...GRAPH,
      }),
    ];
  }
}

/** A catalogue metric with exact dimension values (the `service` dimension included). */
export function catalogueMetric(
  name: MetricName,
  dimensions: Readonly<Record<string, string>> = {},
  options: { statistic?: string; label?: string } = {},
): Metric {
  const spec: MetricSpec = METRICS[name];
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { [SERVICE_DIMENSION]: METRIC_SERVICE, ...dimensions },
    statistic: options.statistic ?? spec.stats[0] ?? 'Sum',
    period: Duration.minutes(spec.periodMinutes ?? 5),
    ...(options.label ? { label: options.label } : {}),
  });
}

/** Every series of an open dimension (message type, Graph code): a SEARCH over the metric's dimension schema. */
export function searchExpression(name: MetricName, statistic: string): MathExpression {
  const spec: MetricSpec = METRICS[name];
  const period = Duration.minutes(spec.periodMinutes ?? 5);
  const schema = [METRIC_NAMESPACE, SERVICE_DIMENSION, ...spec.dimensions].join(',');
  return new MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${name}" ${SERVICE_DIMENSION}="${METRIC_SERVICE}"', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    label: '',
    period,
  });
}

function catalogueWidgets(name: MetricName, spec: MetricSpec, functions: ReadonlyMap<string, LambdaFunction>): IWidget[] {
  const title = `${name}${spec.unit === 'Milliseconds' ? ' (ms)' : ''}`;
  const series: IMetric[] = [];
  for (const stat of spec.stats) {
    const suffix = spec.stats.length > 1 ? ` ${stat}` : '';
    if (spec.dimensions.length === 0) {
      series.push(catalogueMetric(name, {}, { statistic: stat, label: `${name}${suffix}` }));
    } else if (spec.dimensions.length === 1 && spec.dimensions[0] === 'function_name') {
      for (const [fnName, fn] of functions) {
        series.push(catalogueMetric(name, { function_name: fn.function.functionName }, { statistic: stat, label: `${fnName}${suffix}` }));
      }
    } else if (spec.dimensions.every((d) => spec.values?.[d]?.length)) {
      for (const combo of combinations(spec.dimensions, spec.values ?? {})) {
        series.push(catalogueMetric(name, combo, { statistic: stat, label: `${Object.values(combo).join(' ')}${suffix}` }));
      }
    } else {
      series.push(searchExpression(name, stat));
    }
  }
  if (spec.row === 'token') {
    return [
      new SingleValueWidget({ title: `${title}: latest`, metrics: series, width: 4, height: 6 }),
      new GraphWidget({ title, left: series, ...GRAPH }),
    ];
  }
  return [new GraphWidget({ title, left: series, ...GRAPH })];
}

function combinations(dimensions: readonly string[], values: Readonly<Record<string, readonly string[]>>): Array<Record<string, string>> {
  let out: Array<Record<string, string>> = [{}];
  for (const d of dimensions) out = out.flatMap((partial) => (values[d] ?? []).map((v) => ({ ...partial, [d]: v })));
  return out;
}
