// Catalogue metrics written as CloudWatch embedded metric format (EMF) on stdout by Powertools Metrics:
// CloudWatch Logs turns each line into metric data, so there is no PutMetricData call, no IAM permission
// and no latency on the request path.
//
// Each emission is published at once as its own EMF document (Powertools' single-metric mode): every
// metric keeps its own dimension set (a buffered flush shares one set across its metrics), and nothing waits
// for the flush that the logMetrics middleware runs after each invocation.
// Callers aggregate first (ingest emits one InboundMessages point per type per delivery, not per message).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';
import type { MiddlewareObj } from '@middy/core';
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
import { logger } from './logger.js';

const UNITS: Record<MetricUnitName, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
  None: MetricUnit.NoUnit,
};

/**
 * Powertools' own notices (a dimension it refuses, a missing namespace) as this function's JSON log lines, not
 * bare console text. One is expected after every invocation: logMetrics flushes the buffer, and the buffer is
 * always empty because every catalogue metric is published at once; that one is DEBUG, the rest stay WARN.
 */
function powertoolsNotices(): NonNullable<MetricsOptions['logger']> {
  const text = (content: unknown[]) => content.map(String).join(' ');
  return {
    debug: (...content) => logger.debug(text(content)),
    info: (...content) => logger.info(text(content)),
    warn: (...content) => (/^No application metrics to publish/.test(text(content)) ? logger.debug(text(content)) : logger.warn(text(content))),
    error: (...content) => logger.error(text(content)),
  };
}

/**
 * One Powertools instance per function. `serviceName` is the constant METRIC_SERVICE (not the function's
 * name) so a metric emitted by several functions is one series. Powertools turns itself off when
 * POWERTOOLS_DEV is true unless POWERTOOLS_METRICS_DISABLED=false says otherwise.
 */
export const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICE, logger: powertoolsNotices() });

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

/**
 * Powertools' logMetrics middleware for this function's instance: the ColdStart metric (catalogue name and
 * `function_name` dimension, published at once) on the first invocation of an on-demand environment, as
 * Powertools counts it (a provisioned environment was warmed before traffic; local mode has none), and a flush
 * of buffered metrics after each invocation, whether it returned or threw.
 */
export function metricsMiddleware(target: Metrics = metrics): MiddlewareObj {
  return logMetrics(target, { captureColdStartMetric: true });
}
