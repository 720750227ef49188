// Webhook Lambda: GET /health, the Meta verification handshake, and signed deliveries (POST).
// Thin by design: decode the event, call the domain (who may post: domain/webhook-auth.ts), encode the answer.
import { checkMetaSignature, checkSignatureHeader, checkVerifyToken, readHandshake, type AuthVerdict } from '../domain/webhook-auth.js';
import { ingestDelivery, type IngestDeps } from '../domain/ingest.js';
import { noMetrics, type MetricSink } from '../domain/metric-catalog.js';
import { parseMetaDelivery, UnparseableDelivery } from '../domain/meta-webhook.js';
import { createContactStore } from '../adapters/contact-store.js';
import { createDeliveryArchive } from '../adapters/delivery-archive.js';
import { dynamo } from '../adapters/dynamo-client.js';
import { optionalEnv, tableNameFromEnv } from '../adapters/env.js';
import { httpCorrelation, logger, observe, redactSecretValues } from '../adapters/logger.js';
import { createMessageStore } from '../adapters/message-store.js';
import { createJobQueue, createWorkSink, type JobQueue } from '../adapters/outbound-queue.js';
import { cardQueueFromEnv } from '../adapters/card-queue.js';
import { queues } from '../../lib/resources.js';
import { metricSink } from '../adapters/metrics.js';
import { createSecretReader, type SecretReader } from '../adapters/secrets.js';
import { fail, header, json, rawBody, text, type HttpEvent, type HttpResult } from './http.js';

export interface WebhookDeps {
  secrets: Pick<SecretReader, 'get'>;
  store: Omit<IngestDeps, 'now' | 'concurrency' | 'metrics'>;
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
    try {
      switch (event.routeKey) {
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
          return fail(404, `no route ${event.routeKey}`);
      }
    } catch (error) {
      // Storage or secret failure: answer 500 so Meta redelivers; the idempotent writes make that safe.
      logger.error('webhook request failed', { routeKey: event.routeKey, error: error as Error });
      return fail(500, 'the delivery could not be stored; Meta will retry it');
    }
  };
}

export function defaultWebhookDeps(): WebhookDeps {
  const contactsTable = tableNameFromEnv('contacts');
  const messagesTable = tableNameFromEnv('messages');
  // The stack always sets the queue URL; without it (handler tests of storage alone) nothing is enqueued.
  const outboundUrl = optionalEnv(queues.outbound.envVar);
  if (!outboundUrl) logger.warn(`${queues.outbound.envVar} is not set: bot commands will be stored but not answered`);
  return {
    secrets: createSecretReader(),
    store: {
      contacts: createContactStore(dynamo, contactsTable),
      messages: createMessageStore(dynamo, messagesTable),
      archive: createDeliveryArchive(dynamo, messagesTable),
      ...(outboundUrl ? { work: createWorkSink({ outbound: createJobQueue(outboundUrl), ...cardSink(), warn: (m, f) => logger.warn(m, f) }) } : {}),
    },
    metrics: metricSink,
  };
}

/** Card jobs (images, image/PDF documents) to the card queue when the stack declares it for this function. */
function cardSink(): { card?: JobQueue } {
  const card = cardQueueFromEnv();
  return card ? { card } : {};
}

// Built at module load: a missing variable fails the cold start with its name.
export const handler = observe(createWebhookHandler(defaultWebhookDeps()), { correlate: httpCorrelation });
