// Admin read API: messages and contacts as the views of model.ts (with the user their sender is mapped to), and
// the stored webhook events (GET /events?field&limit&cursor, newest first). IAM-authorised in AWS (bearer token locally,
// enforced by the local router), so this handler only reads.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventLog } from '../domain/operations/events.js';
import { toContactView } from '../domain/shared/contact-view.js';
import type { MessageView } from '../domain/shared/model.js';
import { InvalidCursor, type ContactRecord, type ContactStore, type MessageRecord, type MessageStore } from '../domain/shared/ports.js';
import { fitsKey, MAX_KEY_BYTES } from '../domain/shared/storable.js';
import { userKeysOf, userRef, type UserStore } from '../domain/users/users.js';
import { createContactStore } from '../adapters/dynamo/contact-store.js';
import { dynamo } from '../adapters/dynamo/dynamo-client.js';
import { createEventLog } from '../adapters/dynamo/event-log.js';
import { createUserStore } from '../adapters/dynamo/user-store.js';
import { tableNameFromEnv } from '../adapters/runtime/env.js';
import { correlationKeys, httpCorrelation, logger } from '../adapters/runtime/logger.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricsMiddleware } from '../adapters/runtime/metrics.js';
import { createMessageStore } from '../adapters/dynamo/message-store.js';
import { fail, json, pathParam, type HttpEvent, type HttpResult } from './http.js';

export interface AdminDeps {
  contacts: Pick<ContactStore, 'get'>;
  messages: Pick<MessageStore, 'get' | 'listByContact'>;
  users: Pick<UserStore, 'first'>;
  events: EventLog;
}

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

export function createAdminHandler(deps: AdminDeps): (event: HttpEvent) => Promise<HttpResult> {
  async function getMessage(event: HttpEvent): Promise<HttpResult> {
    const id = pathId(event);
    if (typeof id !== 'string') return id;
    const message = await deps.messages.get(id);
    if (!message) return fail(404, `message ${id} not found`);
    const contact = message.contactId ? await deps.contacts.get(message.contactId) : undefined;
    return json(200, withUser(messageView(message), await userOf(contact)));
  }

  async function getContact(event: HttpEvent): Promise<HttpResult> {
    const id = pathId(event);
    if (typeof id !== 'string') return id;
    const contact = await deps.contacts.get(id);
    return contact ? json(200, withUser(toContactView(contact), await userOf(contact))) : fail(404, `contact ${id} not found`);
  }

  async function userOf(contact: ContactRecord | undefined) {
    const user = contact ? await deps.users.first(userKeysOf(contact)) : undefined;
    return user ? userRef(user) : undefined;
  }

  async function listEvents(event: HttpEvent): Promise<HttpResult> {
    const q = event.queryStringParameters ?? {};
    const limit = pageLimit(q.limit);
    if (typeof limit !== 'number') return json(400, { error: limit.error, field: 'limit' });
    if (q.field !== undefined && (!q.field || !fitsKey(q.field))) return json(400, { error: 'field must be a webhook field name such as message_template_status_update', field: 'field' });
    try {
      const page = await deps.events.list({ limit, ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.field ? { field: q.field } : {}) });
      return json(200, page);
    } catch (error) {
      if (error instanceof InvalidCursor) return json(400, { error: `cursor: ${error.message}`, field: 'cursor' });
      throw error;
    }
  }

  async function listMessages(event: HttpEvent): Promise<HttpResult> {
    const id = pathId(event);
    if (typeof id !== 'string') return id;
    const q = event.queryStringParameters ?? {};
    const limit = pageLimit(q.limit);
    if (typeof limit !== 'number') return fail(400, limit.error);
    const cursor = q.cursor;
    try {
      const [page, contact] = await Promise.all([deps.messages.listByContact(id, { limit, ...(cursor ? { cursor } : {}) }), deps.contacts.get(id)]);
      // An empty first page is ambiguous: a contact with no messages, or no such contact.
      if (!page.items.length && !cursor && !contact) return fail(404, `contact ${id} not found`);
      const user = await userOf(contact);
      return json(200, { items: page.items.map((m) => withUser(messageView(m), user)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    } catch (error) {
      if (error instanceof InvalidCursor) return fail(400, `cursor: ${error.message}`);
      throw error;
    }
  }

  /** The `{id}` path parameter, or the 400 saying why there is none to look up. */
  function pathId(event: HttpEvent): string | HttpResult {
    const id = pathParam(event, 'id');
    if (!id) return fail(400, 'path parameter id is missing');
    // `#…` partitions of the conversation index hold other things (the stored events), never a contact.
    if (id.startsWith('#')) return fail(404, `no contact or message ${id}`);
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
        case 'GET /events':
          return await listEvents(event);
        default:
          return fail(404, `no route ${event.routeKey}`);
      }
    } catch (error) {
      logger.error('admin request failed', { routeKey: event.routeKey, error: error as Error });
      return fail(500, 'internal error reading the store');
    }
  };
}

/** `limit` of a page: DEFAULT_PAGE when absent, else 1..MAX_PAGE, or why not. */
function pageLimit(raw: string | undefined): number | { error: string } {
  if (raw === undefined) return DEFAULT_PAGE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) return { error: `limit must be an integer from 1 to ${MAX_PAGE}, got "${raw.slice(0, 20)}"` };
  return Number(raw);
}

function withUser<V extends { user?: MessageView['user'] }>(view: V, user: MessageView['user'] | undefined): V {
  return user ? { ...view, user } : view;
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
    users: createUserStore(dynamo, tableNameFromEnv('contacts')),
    events: createEventLog(dynamo, tableNameFromEnv('messages')),
  };
}

export const handler = lambdaEntry(
  middy(createAdminHandler(defaultAdminDeps()))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware()),
);
