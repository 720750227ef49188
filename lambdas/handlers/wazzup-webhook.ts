// Wazzup24 webhook Lambda: POST /webhooks/wazzup24/{secret} (or ?secret= on the bare path). Who may post is
// decided in domain/inbound/webhook-auth.ts (path secret, then crmKey); a miss is answered 401 with nothing stored. The body
// goes through the same ingest as Meta's deliveries.
// Thin: decode the event, call the domain, encode the answer.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { checkWazzupCrmKey, checkWazzupPathSecret, type AuthVerdict } from '../domain/inbound/webhook-auth.js';
import { ingestDelivery, summaryForLog } from '../domain/inbound/ingest.js';
import { noMetrics, type MetricSink } from '../domain/shared/metric-catalog.js';
import { parseWazzupDelivery, UnparseableWazzupDelivery, wazzupChannelChanges } from '../domain/inbound/wazzup-webhook.js';
import { correlationKeys, httpCorrelation, logger, redactSecretValues } from '../adapters/runtime/logger.js';
import { ingestStoresFromEnv, type IngestStores } from '../adapters/dynamo/ingest-stores.js';
import { routes } from '../../lib/resources.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricSink, metricsMiddleware } from '../adapters/runtime/metrics.js';
import { createSecretReader, SecretUnavailable, type SecretReader } from '../adapters/secrets/secrets.js';
import { bodyBytes, fail, header, json, MAX_BODY_BYTES, pathParam, rawBody, tooLarge, type HttpEvent, type HttpResult } from './http.js';

export interface WazzupWebhookDeps {
  secrets: Pick<SecretReader, 'get'>;
  store: IngestStores;
  now?: () => Date;
  metrics?: MetricSink;
}

// The route keys resources.ts gives this function, so a route added there is not answered 404 here.
const WAZZUP_ROUTES: readonly string[] = routes.filter((r) => r.function === 'wazzupWebhook').map((r) => `${r.method} ${r.path}`);

export function createWazzupWebhookHandler(deps: WazzupWebhookDeps): (event: HttpEvent) => Promise<HttpResult> {
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? noMetrics;

  /** The path secret, then (only once it matched) the crmKey: the domain decides, this reads the secrets. */
  async function authorise(event: HttpEvent): Promise<AuthVerdict> {
    const expected = (await deps.secrets.get('wazzupWebhookSecret')).trim();
    redactSecretValues(expected);
    const path = checkWazzupPathSecret(pathParam(event, 'secret') ?? event.queryStringParameters?.['secret'], expected);
    if (!path.ok) return path;
    const crmKey = (await optionalSecret('wazzupCrmKey')).trim();
    if (crmKey) redactSecretValues(crmKey);
    return checkWazzupCrmKey(header(event, 'authorization'), crmKey);
  }

  /** The crmKey is optional: an unset local variable means "not required", like an empty secret. */
  async function optionalSecret(name: 'wazzupCrmKey'): Promise<string> {
    try {
      return await deps.secrets.get(name);
    } catch (error) {
      if (error instanceof SecretUnavailable) return '';
      throw error;
    }
  }

  async function delivery(event: HttpEvent): Promise<HttpResult> {
    // Before the secrets are read: an oversized body is refused whoever sent it.
    const oversized = tooLarge(event, MAX_BODY_BYTES.wazzupWebhook);
    if (oversized) {
      logger.warn('refused an oversized Wazzup24 delivery', { bytes: bodyBytes(event), limit: MAX_BODY_BYTES.wazzupWebhook });
      return oversized;
    }
    const auth = await authorise(event);
    if (!auth.ok) {
      if (auth.log) logger[auth.log.level](auth.log.message);
      if (auth.status === 401) metrics.emit('SignatureRejections', 1);
      return fail(auth.status, auth.message);
    }
    const raw = rawBody(event);
    const receivedAt = now();
    let parsed;
    try {
      parsed = parseWazzupDelivery(JSON.parse(raw.toString('utf8')));
    } catch (error) {
      if (!(error instanceof SyntaxError || error instanceof UnparseableWazzupDelivery)) throw error;
      const reason = error instanceof SyntaxError ? `not JSON: ${error.message}` : error.message;
      // Authenticated but unreadable: kept raw for a person, and 200 so Wazzup does not resend it forever.
      const key = await deps.store.archive.quarantine(raw, reason, receivedAt.toISOString());
      metrics.emit('QuarantinedDeliveries', 1);
      logger.warn('quarantined an unparseable Wazzup24 delivery', { quarantine: key, reason, bytes: raw.byteLength });
      return json(200, { quarantined: key });
    }
    // Wazzup's registration probe (PATCH /v3/webhooks fails unless this answers 200).
    if (parsed.kind === 'test') return json(200, { ok: true });

    const ids = [...parsed.messages.map((m) => m.id), ...parsed.statuses.map((s) => s.messageId)];
    if (ids.length) logger.appendKeys({ message_ids: ids.slice(0, 50) });
    const summary = await ingestDelivery(parsed, { ...deps.store, metrics, now: () => receivedAt });
    for (const change of wazzupChannelChanges(parsed.events)) {
      metrics.emit('WazzupChannelActive', change.active ? 1 : 0);
      logger[change.active ? 'info' : 'warn']('Wazzup24 channel state changed', { channelId: change.channelId, state: change.state });
    }
    logger.info('Wazzup24 delivery stored', summaryForLog(summary));
    return json(200, summary);
  }

  return async (event) => {
    try {
      if (!WAZZUP_ROUTES.includes(event.routeKey)) return fail(404, `no route ${event.routeKey}`);
      return await delivery(event);
    } catch (error) {
      logger.error('Wazzup24 webhook request failed', { routeKey: event.routeKey, error: error as Error });
      return fail(500, 'the delivery could not be stored; Wazzup24 will retry it');
    }
  };
}

export function defaultWazzupWebhookDeps(): WazzupWebhookDeps {
  return { secrets: createSecretReader(), store: ingestStoresFromEnv(), metrics: metricSink };
}

// Built at module load: a missing variable fails the cold start with its name.
export const handler = lambdaEntry(
  middy(createWazzupWebhookHandler(defaultWazzupWebhookDeps()))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware()),
);
