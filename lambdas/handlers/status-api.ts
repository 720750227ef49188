// GET /status (admin): the system's state as JSON for people and uptime monitors: queue depths and dead
// letters, token validity and days left, last inbound time, Wazzup24 channel states, and `ok`. Always 200
// when it could answer: a part that could not be read is listed in `errors` (and makes `ok` false).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { systemStatus, type StatusSources } from '../domain/operations/system-status.js';
import { statusSourcesFromEnv } from '../adapters/runtime/status-sources.js';
import { correlationKeys, httpCorrelation, logger } from '../adapters/runtime/logger.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricsMiddleware } from '../adapters/runtime/metrics.js';
import { fail, json, type HttpEvent, type HttpResult } from './http.js';

export interface StatusApiDeps {
  sources: StatusSources;
  now?: () => Date;
}

export function createStatusApiHandler(deps: StatusApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    if (event.routeKey !== 'GET /status') return fail(404, `no route ${event.routeKey}`);
    const status = await systemStatus(deps.sources, deps.now?.() ?? new Date());
    if (status.errors) logger.warn('status: some parts could not be read', { errors: status.errors });
    return json(200, status);
  };
}

export const handler = lambdaEntry(
  middy(createStatusApiHandler({ sources: statusSourcesFromEnv() }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware()),
);
