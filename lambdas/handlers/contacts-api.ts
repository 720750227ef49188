// GET /contacts (admin): every contact, newest first, in pages of `limit` (default 50, at most 200) with an
// opaque `cursor` for the next page: `{ items: ContactView[], nextCursor? }`. Card contacts carry their card
// fields and where they came from (`sourceContactId`, `sourceMessageId`). `wa contacts export` reads it.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { toContactView } from '../domain/shared/contact-view.js';
import { InvalidCursor } from '../domain/shared/ports.js';
import { createContactStore, type CardContactStore } from '../adapters/dynamo/contact-store.js';
import { dynamo } from '../adapters/dynamo/dynamo-client.js';
import { tableNameFromEnv } from '../adapters/runtime/env.js';
import { correlationKeys, httpCorrelation, logger } from '../adapters/runtime/logger.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricsMiddleware } from '../adapters/runtime/metrics.js';
import { fail, json, type HttpEvent, type HttpResult } from './http.js';

export interface ContactsApiDeps {
  contacts: Pick<CardContactStore, 'listNewest'>;
}

export const DEFAULT_CONTACTS_PAGE = 50;
export const MAX_CONTACTS_PAGE = 200;

export function createContactsApiHandler(deps: ContactsApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    if (event.routeKey !== 'GET /contacts') return fail(404, `no route ${event.routeKey}`);
    const q = event.queryStringParameters ?? {};
    let limit = DEFAULT_CONTACTS_PAGE;
    if (q.limit !== undefined) {
      if (!/^\d+$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > MAX_CONTACTS_PAGE) {
        return fail(400, `limit must be an integer from 1 to ${MAX_CONTACTS_PAGE}, got "${q.limit.slice(0, 20)}"`);
      }
      limit = Number(q.limit);
    }
    try {
      const page = await deps.contacts.listNewest({ limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
      return json(200, { items: page.items.map(toContactView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    } catch (error) {
      if (error instanceof InvalidCursor) return fail(400, `cursor: ${error.message}`);
      logger.error('contact list failed', { error: error as Error });
      return fail(500, 'internal error reading the contacts');
    }
  };
}

export const handler = lambdaEntry(
  middy(createContactsApiHandler({ contacts: createContactStore(dynamo, tableNameFromEnv('contacts')) }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware()),
);
