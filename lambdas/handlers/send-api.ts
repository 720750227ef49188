// Admin send: POST /messages. IAM-authorised in AWS (bearer ADMIN_TOKEN locally, enforced by the local router).
// Sends synchronously through the shared sender so the caller gets the wamid:
//   201 { id, status: "accepted" } | 400 { error, field } | 409 window closed { error, code, hint }
//   | 422 Idempotency-Key reused for another body | 502 { error, code, subcode?, details?, retryable, hint }
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { CountryCode } from 'libphonenumber-js/min';
import { planAdminSend, type AdminSendDefaults } from '../domain/outbound/admin-send.js';
import type { ContactStore } from '../domain/shared/ports.js';
import { createSender, graphChannel, type Sender, type SendOutcome } from '../domain/outbound/sender.js';
import { createContactStore } from '../adapters/dynamo/contact-store.js';
import { dynamo } from '../adapters/dynamo/dynamo-client.js';
import { optionalEnv, tableNameFromEnv } from '../adapters/runtime/env.js';
import { graphClientFromEnv, metaConfigFromEnv } from '../adapters/meta/meta-config.js';
import { createIdempotencyStore } from '../adapters/dynamo/idempotency-store.js';
import { correlationKeys, httpCorrelation, logger } from '../adapters/runtime/logger.js';
import { createMessageStore } from '../adapters/dynamo/message-store.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricSink, metricsMiddleware } from '../adapters/runtime/metrics.js';
import { wazzupChannel, wazzupChannelIdFromEnv, wazzupClientFromEnv } from '../adapters/wazzup/wazzup-channel.js';
import { header, json, MAX_BODY_BYTES, rawBody, tooLarge, type HttpEvent, type HttpResult } from './http.js';

export interface SendApiDeps {
  sender: Sender;
  /** Looks up `contactId` of a body: its channel decides where the message goes. */
  contacts?: Pick<ContactStore, 'get'>;
  defaults: AdminSendDefaults;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Printable ASCII without spaces, as Stripe-style keys are (UUIDs, ULIDs, request ids). */
const KEY = /^[\x21-\x7e]{1,200}$/;

export function createSendApiHandler(deps: SendApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  async function send(event: HttpEvent): Promise<HttpResult> {
    const oversized = tooLarge(event, MAX_BODY_BYTES.sendApi);
    if (oversized) return oversized;
    let body: unknown;
    try {
      body = JSON.parse(rawBody(event).toString('utf8'));
    } catch {
      return json(400, { error: 'the body must be JSON', field: '' });
    }
    const key = header(event, IDEMPOTENCY_HEADER);
    if (key !== undefined && !KEY.test(key)) {
      return json(400, { error: 'Idempotency-Key must be 1 to 200 printable ASCII characters without spaces', field: 'Idempotency-Key' });
    }
    const plan = await planAdminSend(body, { ...(deps.contacts ? { contacts: deps.contacts } : {}), defaults: deps.defaults });
    if (!plan.ok) return json(plan.status, { error: plan.error, field: plan.field });
    const { outcome, replayed } = await deps.sender.send({
      ...plan.request,
      ...(key !== undefined ? { idempotencyKey: `api:${key}` } : {}),
    });
    const result = answer(outcome);
    logger.info('admin send', { status: result.statusCode, replayed, ...(outcome.ok ? { wamid: outcome.wamid } : {}) });
    if (replayed) result.headers = { ...result.headers, 'idempotent-replayed': 'true' };
    return result;
  }

  return async (event) => {
    try {
      if (event.routeKey === 'POST /messages') return await send(event);
      return json(404, { error: `no route ${event.routeKey}` });
    } catch (error) {
      logger.error('admin send failed', { routeKey: event.routeKey, error: error as Error });
      return json(500, { error: 'internal error while sending; it is safe to retry with the same Idempotency-Key' });
    }
  };
}

export function answer(outcome: SendOutcome): HttpResult {
  if (outcome.ok) return json(201, { id: outcome.wamid, status: 'accepted' });
  switch (outcome.kind) {
    case 'window_closed':
      return json(409, {
        error: 'The 24-hour customer service window is closed: only template messages can be sent to this customer now',
        code: 'window_closed',
        hint: outcome.hint,
      });
    case 'in_progress':
      return json(409, { error: 'A request with this Idempotency-Key is still being processed: retry in a moment', code: 'in_progress' });
    case 'key_reused':
      return json(422, { error: 'This Idempotency-Key was already used for a different message', code: 'idempotency_key_reused' });
    case 'graph': {
      const e = outcome.error;
      return json(502, {
        error: e.message,
        code: e.code,
        ...(e.subcode !== undefined ? { subcode: e.subcode } : {}),
        ...(e.details !== undefined ? { details: e.details } : {}),
        retryable: e.retryable,
        hint: e.hint,
      });
    }
  }
}

export function defaultSendApiDeps(): SendApiDeps {
  const messagesTable = tableNameFromEnv('messages');
  const meta = metaConfigFromEnv();
  const contacts = createContactStore(dynamo, tableNameFromEnv('contacts'));
  const sender = createSender({
    channels: {
      meta: graphChannel(graphClientFromEnv()),
      wazzup24: wazzupChannel(wazzupClientFromEnv()),
    },
    contacts,
    messages: createMessageStore(dynamo, messagesTable),
    idempotency: createIdempotencyStore(dynamo, messagesTable),
    metrics: metricSink,
  });
  const phoneNumberId = meta.phoneNumberId;
  const country = optionalEnv('DEFAULT_COUNTRY');
  const wazzupChannelId = wazzupChannelIdFromEnv();
  return {
    sender,
    contacts,
    defaults: {
      ...(phoneNumberId ? { phoneNumberId } : {}),
      ...(wazzupChannelId ? { wazzupChannelId } : {}),
      ...(country && /^[A-Z]{2}$/.test(country) ? { defaultCountry: country as CountryCode } : {}),
    },
  };
}

export const handler = lambdaEntry(
  middy(createSendApiHandler(defaultSendApiDeps()))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware()),
);
