// Webhook Lambda: GET /health, the Meta verification handshake, and signed deliveries (POST), through the HTTP API
// or the function's own URL (context metaWebhookIngress).
// Thin by design: decode the event, call the domain (who may post: domain/inbound/webhook-auth.ts), encode the answer.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { checkMetaSignature, checkSignatureHeader, checkVerifyToken, readHandshake, type AuthVerdict } from '../domain/inbound/webhook-auth.js';
import { ingestDelivery } from '../domain/inbound/ingest.js';
import { noMetrics, type MetricSink } from '../domain/shared/metric-catalog.js';
import { parseMetaDelivery, UnparseableDelivery } from '../domain/inbound/meta-webhook.js';
import { correlationKeys, httpCorrelation, logger, redactSecretValues } from '../adapters/runtime/logger.js';
import { ingestStoresFromEnv, type IngestStores } from '../adapters/dynamo/ingest-stores.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricSink, metricsMiddleware } from '../adapters/runtime/metrics.js';
import { createSecretReader, type SecretReader } from '../adapters/secrets/secrets.js';
import { bodyBytes, fail, header, json, MAX_BODY_BYTES, rawBody, routeOf, text, tooLarge, type HttpEvent, type HttpResult } from './http.js';

export interface WebhookDeps {
  secrets: Pick<SecretReader, 'get'>;
  store: IngestStores;
  now?: () => Date;
  metrics?: MetricSink;
}

const SIGNATURE_HEADER = 'x-hub-signature-256';

export function createWebhookHandler(deps: WebhookDeps): (event: HttpEvent) => Promise<HttpResult> {
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? noMetrics;
  /** A refusal as HTTP: its log line, and a 401 counted as a rejected signature. */
  const refuse = (verdict: Exclude<AuthVerdict, { ok: true }>, fields: Record<string, unknown> = {}): HttpResult => {
    if (verdict.log) logger[verdict.log.level](verdict.log.message, fields);
    if (verdict.status === 401) metrics.emit('SignatureRejections', 1);
    return fail(verdict.status, verdict.message);
  };

  async function handshake(event: HttpEvent): Promise<HttpResult> {
    const request = readHandshake(event.queryStringParameters ?? {});
    if (!request.ok) return fail(request.status, request.message);
    const expected = await deps.secrets.get('verifyToken');
    if (expected) redactSecretValues(expected);
    const verdict = checkVerifyToken(request.token, expected);
    return verdict.ok ? text(200, request.challenge) : refuse(verdict);
  }

  async function delivery(event: HttpEvent): Promise<HttpResult> {
    const oversized = tooLarge(event, MAX_BODY_BYTES.metaWebhook);
    if (oversized) {
      logger.warn('refused an oversized delivery', { bytes: bodyBytes(event), limit: MAX_BODY_BYTES.metaWebhook });
      return oversized;
    }
    const raw = rawBody(event);
    const signature = header(event, SIGNATURE_HEADER) ?? '';
    const shape = checkSignatureHeader(signature);
    if (!shape.ok) return refuse(shape);
    const appSecret = await deps.secrets.get('appSecret');
    redactSecretValues(appSecret);
    const verdict = checkMetaSignature(raw, signature, appSecret);
    if (!verdict.ok) return refuse(verdict, { bytes: raw.byteLength });

    const receivedAt = now();
    let parsed;
    try {
      parsed = parseMetaDelivery(JSON.parse(raw.toString('utf8')));
    } catch (error) {
      if (!(error instanceof SyntaxError || error instanceof UnparseableDelivery)) throw error;
      const reason = error instanceof SyntaxError ? `not JSON: ${error.message}` : error.message;
      // 200: a 4xx would only make Meta resend the same bad body for a week.
      const key = await deps.store.archive.quarantine(raw, reason, receivedAt.toISOString());
      metrics.emit('QuarantinedDeliveries', 1);
      logger.warn('quarantined an unparseable delivery', { quarantine: key, reason, bytes: raw.byteLength });
      return json(200, { quarantined: key });
    }

    const ids = [...parsed.messages.map((m) => m.id), ...parsed.statuses.map((s) => s.messageId)];
    if (ids.length) logger.appendKeys({ message_ids: ids.slice(0, 50) });
    const summary = await ingestDelivery(parsed, { ...deps.store, metrics, now: () => receivedAt });
    logger.info('delivery stored', { ...summary });
    return json(200, summary);
  }

  return async (event) => {
    const route = routeOf(event);
    try {
      switch (route) {
        case 'GET /health':
          return json(200, { status: 'ok' });
        case 'GET /webhooks/whatsapp':
          return await handshake(event);
        case 'POST /webhooks/whatsapp': {
          const started = performance.now();
          try {
            return await delivery(event);
          } finally {
            metrics.emit('WebhookHandlingTime', Math.round(performance.now() - started));
          }
        }
        default:
          return fail(404, `no route ${route}`);
      }
    } catch (error) {
      // Storage or secret failure: answer 500 so Meta redelivers; the idempotent writes make that safe.
      logger.error('webhook request failed', { routeKey: route, error: error as Error });
      if (route === 'GET /webhooks/whatsapp') return fail(500, 'the verify token could not be read; verify the webhook again in a minute');
      return fail(500, 'the delivery could not be stored; Meta will retry it');
    }
  };
}

export function defaultWebhookDeps(): WebhookDeps {
  return { secrets: createSecretReader(), store: ingestStoresFromEnv(), metrics: metricSink };
}

// Built at module load: a missing variable fails the cold start with its name.
export const handler = lambdaEntry(
  middy(createWebhookHandler(defaultWebhookDeps()))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware()),
);
