// Admin read API: messages and contacts as the views of model.ts. IAM-authorised in AWS (bearer token locally,
// enforced by the local router), so this handler only reads.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { toContactView } from '../domain/shared/contact-view.js';
import type { MessageView } from '../domain/shared/model.js';
import { InvalidCursor, type ContactStore, type MessageRecord, type MessageStore } from '../domain/shared/ports.js';
import { fitsKey, MAX_KEY_BYTES } from '../domain/shared/storable.js';
import { createContactStore } from '../adapters/dynamo/contact-store.js';
import { dynamo } from '../adapters/dynamo/dynamo-client.js';
import { tableNameFromEnv } from '../adapters/runtime/env.js';
import { correlationKeys, httpCorrelation, logger } from '../adapters/runtime/logger.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricsMiddleware } from '../adapters/runtime/metrics.js';
import { createMessageStore } from '../adapters/dynamo/message-store.js';
import { fail, json, pathParam, type HttpEvent, type HttpResult } from './http.js';

export interface AdminDeps {
  contacts: Pick<ContactStore, 'get'>;
  messages: Pick<MessageStore, 'get' | 'listByContact'>;
}

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

export function createAdminHandler(deps: AdminDeps): (event: HttpEvent) => Promise<HttpResult> {
  async function getMessage(event: HttpEvent): Promise<HttpResult> {
    const id = pathId(event);
    if (typeof id !== 'string') return id;
    const message = await deps.messages.get(id);
    return message ? json(200, messageView(message)) : fail(404, `message ${id} not found`);
  }

  async function getContact(event: HttpEvent): Promise<HttpResult> {
    const id = pathId(event);
    if (typeof id !== 'string') return id;
    const contact = await deps.contacts.get(id);
    return contact ? json(200, toContactView(contact)) : fail(404, `contact ${id} not found`);
  }

  async function listMessages(event: HttpEvent): Promise<HttpResult> {
    const id = pathId(event);
    if (typeof id !== 'string') return id;
    const q = event.queryStringParameters ?? {};
    let limit = DEFAULT_PAGE;
    if (q.limit !== undefined) {
      if (!/^\d+$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > MAX_PAGE) {
        return fail(400, `limit must be an integer from 1 to ${MAX_PAGE}, got "${q.limit.slice(0, 20)}"`);
      }
      limit = Number(q.limit);
    }
    const cursor = q.cursor;
    try {
      const page = await deps.messages.listByContact(id, { limit, ...(cursor ? { cursor } : {}) });
      // An empty first page is ambiguous: a contact with no messages, or no such contact.
      if (!page.items.length && !cursor && !(await deps.contacts.get(id))) return fail(404, `contact ${id} not found`);
      return json(200, { items: page.items.map(messageView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    } catch (error) {
      if (error instanceof InvalidCursor) return fail(400, `cursor: ${error.message}`);
      throw error;
    }
  }

  /** The `{id}` path parameter, or the 400 saying why there is none to look up. */
  function pathId(event: HttpEvent): string | HttpResult {
    const id = pathParam(event, 'id');
    if (!id) return fail(400, 'path parameter id is missing');
    // No stored id is this long (the webhooks keep such elements as events), and DynamoDB would refuse the key.
    if (!fitsKey(id)) return fail(400, `path parameter id is longer than ${MAX_KEY_BYTES} bytes`);
    return id;
  }

  return async (event) => {
    try {
      switch (event.routeKey) {
        case 'GET /messages/{id}':
          return await getMessage(event);
        case 'GET /contacts/{id}':
          return await getContact(event);
        case 'GET /contacts/{id}/messages':
          return await listMessages(event);
        default:
          return fail(404, `no route ${event.routeKey}`);
      }
    } catch (error) {
      logger.error('admin request failed', { routeKey: event.routeKey, error: error as Error });
      return fail(500, 'internal error reading the store');
    }
  };
}

export function messageView(m: MessageRecord): MessageView {
  const view: MessageView = {
    id: m.id,
    direction: m.direction,
    type: m.type,
    // A status for a message nobody stored, with no recipient identity (rare `failed`), has no contact.
    contactId: m.contactId ?? '',
    timestamp: m.timestamp,
  };
  if (m.text !== undefined) view.text = m.text;
  if (m.status !== undefined) view.status = m.status;
  if (m.statuses.length) view.statuses = m.statuses;
  if (m.phoneNumberId !== undefined) view.phoneNumberId = m.phoneNumberId;
  if (m.media !== undefined) view.media = m.media;
  if (m.context !== undefined) view.context = m.context;
  if (m.errors !== undefined) view.errors = m.errors;
  return view;
}

export function defaultAdminDeps(): AdminDeps {
  return {
    contacts: createContactStore(dynamo, tableNameFromEnv('contacts')),
    messages: createMessageStore(dynamo, tableNameFromEnv('messages')),
  };
}

export const handler = lambdaEntry(
  middy(createAdminHandler(defaultAdminDeps()))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware()),
);
