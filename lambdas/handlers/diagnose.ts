// GET /diagnose (admin): runs every configuration check and answers the report as JSON; `wa diagnose --api`
// prints it as a table. Always 200 when the checks ran: failing checks are the answer, not an error.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { diagnose, type DiagnoseReport } from '../domain/diagnose/diagnose.js';
import { expiryWarnDaysFromEnv, gatherDiagnoseFacts, sourcesFromEnv, tokenHomeFromEnv, type FactSources } from '../adapters/meta/diagnose-facts.js';
import { correlationKeys, httpCorrelation, logger } from '../adapters/runtime/logger.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricsMiddleware } from '../adapters/runtime/metrics.js';
import { fail, json, type HttpEvent, type HttpResult } from './http.js';

export interface DiagnoseDeps {
  sources: FactSources;
  expiryWarnDays: number;
  tokenHome: string;
  now?: () => Date;
}

export async function runDiagnose(deps: DiagnoseDeps): Promise<DiagnoseReport> {
  const facts = await gatherDiagnoseFacts(deps.sources);
  return diagnose(facts, { now: deps.now ? deps.now() : new Date(), expiryWarnDays: deps.expiryWarnDays, tokenHome: deps.tokenHome });
}

export function createDiagnoseHandler(deps: DiagnoseDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    if (event.routeKey !== 'GET /diagnose') return fail(404, `no route ${event.routeKey}`);
    try {
      const report = await runDiagnose(deps);
      logger.info('diagnose', { counts: report.counts, failed: report.checks.filter((c) => c.status === 'fail').map((c) => c.id) });
      return json(200, report);
    } catch (error) {
      logger.error('diagnose failed', { error: error as Error });
      return fail(500, 'diagnostics could not run');
    }
  };
}

export const handler = lambdaEntry(
  middy(createDiagnoseHandler({ sources: sourcesFromEnv(), expiryWarnDays: expiryWarnDaysFromEnv(), tokenHome: tokenHomeFromEnv() }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware()),
);
