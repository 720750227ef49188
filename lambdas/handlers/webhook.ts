// Webhook Lambda: GET /health, the Meta verification handshake, and signed deliveries (POST).
// Thin by design: decode the event, call the domain, encode the answer.
import { secretsEqual } from '../domain/secret-compare.js';
import { ingestDelivery, type IngestDeps } from '../domain/ingest.js';
import { noMetrics, type MetricSink } from '../domain/metric-catalog.js';
import { parseMetaDelivery, UnparseableDelivery } from '../domain/meta-webhook.js';
import { verifyMetaSignature } from '../domain/signature.js';
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
  const rejectSignature = (why: string): HttpResult => {
    metrics.emit('SignatureRejections', 1);
    return fail(401, why);
  };

  async function handshake(event: HttpEvent): Promise<HttpResult> {
    const q = event.queryStringParameters ?? {};
    const mode = q['hub.mode'];
    const token = q['hub.verify_token'];
    const challenge = q['hub.challenge'];
    if (mode !== 'subscribe') return fail(403, 'hub.mode must be "subscribe"');
    if (!token) return fail(403, 'hub.verify_token is missing');
    if (challenge === undefined || challenge === '') return fail(400, 'hub.challenge is missing');
    const expected = await deps.secrets.get('verifyToken');
    if (!expected) return fail(500, 'the verify token is not configured');
    redactSecretValues(expected);
    if (!secretsEqual(token, expected)) {
      logger.warn('webhook handshake with a wrong verify token');
      return fail(403, 'hub.verify_token does not match the configured verify token');
    }
    return text(200, challenge);
  }

  async function delivery(event: HttpEvent): Promise<HttpResult> {
    const raw = rawBody(event);
    const signature = header(event, SIGNATURE_HEADER);
    if (!signature) return rejectSignature('missing X-Hub-Signature-256 header');
    if (!/^sha256=[0-9a-f]{64}$/i.test(signature.trim())) {
      return rejectSignature('X-Hub-Signature-256 must be "sha256=" followed by 64 hex digits');
    }
    const appSecret = await deps.secrets.get('appSecret');
    redactSecretValues(appSecret);
    if (!appSecret.trim()) {
      // 5xx, not 401: Meta keeps retrying for days, so deliveries arrive once the operator sets the secret.
      logger.error('app secret is empty: paste the Meta app secret into the secret');
      return fail(500, 'the app secret is not configured');
    }
    if (!verifyMetaSignature(raw, signature, [appSecret])) {
      logger.warn('webhook delivery with a wrong signature', { bytes: raw.byteLength });
      return rejectSignature('X-Hub-Signature-256 does not match the body (wrong app secret, or the body was altered)');
    }

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
