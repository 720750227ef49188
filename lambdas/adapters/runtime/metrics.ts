// Catalogue metrics written as CloudWatch embedded metric format (EMF) on stdout by Powertools Metrics:
// CloudWatch Logs turns each line into metric data, so there is no PutMetricData call, no IAM permission
// and no latency on the request path.
//
// Each emission is published at once as its own EMF document (Powertools' single-metric mode): every
// metric has its own dimension set, and nothing is lost when a function never reaches a flush point.
// Callers aggregate first (ingest emits one InboundMessages point per type per delivery, not per message).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  checkDimensions,
  METRIC_NAMESPACE,
  METRIC_SERVICE,
  METRICS,
  type DimensionArgs,
  type MetricName,
  type MetricSink,
  type MetricUnitName,
} from '../../domain/shared/metric-catalog.js';

const UNITS: Record<MetricUnitName, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
  None: MetricUnit.NoUnit,
};

/**
 * One Powertools instance per function. `serviceName` is the constant METRIC_SERVICE (not the function's
 * name) so a metric emitted by several functions is one series. Powertools turns itself off when
 * POWERTOOLS_DEV is true unless POWERTOOLS_METRICS_DISABLED=false says otherwise.
 */
export const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICE });

export function createMetricSink(target: Metrics = metrics): MetricSink {
  return {
    emit<N extends MetricName>(name: N, value: number, ...dimensions: DimensionArgs<N>): void {
      const spec = METRICS[name];
      if (!spec) throw new Error(`metric ${String(name)} is not in the catalogue (lambdas/domain/shared/metric-catalog.ts)`);
      if (!Number.isFinite(value)) throw new RangeError(`metric ${name}: value must be a finite number, got ${value}`);
      const dims = checkDimensions(name, (dimensions[0] ?? {}) as Record<string, string>);
      const single = target.singleMetric();
      for (const [key, dimValue] of Object.entries(dims)) single.addDimension(key, dimValue);
      single.addMetric(name, UNITS[spec.unit], value);
    },
  };
}

/** The sink every adapter and handler of this function shares. */
export const metricSink: MetricSink = createMetricSink();

// A cold start, as Powertools counts it: the first invocation of an on-demand environment. Lambda sets
// AWS_LAMBDA_INITIALIZATION_TYPE; a provisioned environment was warmed before traffic, local mode has none.
let coldStartPending = process.env['AWS_LAMBDA_INITIALIZATION_TYPE'] === 'on-demand';

/** The ColdStart metric, once per execution environment, named by the function (a handful of values). */
export function recordColdStart(functionName: string | undefined, sink: MetricSink = metricSink): boolean {
  if (!coldStartPending) return false;
  coldStartPending = false;
  const name = functionName ?? process.env['AWS_LAMBDA_FUNCTION_NAME'];
  if (!name) return false;
  sink.emit('ColdStart', 1, { function_name: name });
  return true;
}
