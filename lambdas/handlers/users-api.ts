// Users (admin): PUT /users/{id} { userId, role, name? } (201 created, 200 replaced), GET /users/{id},
// DELETE /users/{id} (204), GET /users?limit&cursor. `{id}` is a phone number in any common written form
// (stored as E.164 digits) or a BSUID. Every 400 names the field that was wrong.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { InvalidCursor } from '../domain/shared/ports.js';
import { parseUserBody, parseUserKey, type UserStore } from '../domain/users/users.js';
import { dynamo } from '../adapters/dynamo/dynamo-client.js';
import { createUserStore } from '../adapters/dynamo/user-store.js';
import { tableNameFromEnv } from '../adapters/runtime/env.js';
import { correlationKeys, httpCorrelation, logger } from '../adapters/runtime/logger.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricsMiddleware } from '../adapters/runtime/metrics.js';
import { json, pathParam, rawBody, type HttpEvent, type HttpResult } from './http.js';

export interface UsersApiDeps {
  users: UserStore;
  now?: () => Date;
}

export const DEFAULT_USERS_PAGE = 50;
export const MAX_USERS_PAGE = 200;

const bad = (error: string, field: string): HttpResult => json(400, { error, field });

export function createUsersApiHandler(deps: UsersApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  async function route(event: HttpEvent): Promise<HttpResult> {
    if (event.routeKey === 'GET /users') return list(event);
    const key = parseUserKey(pathParam(event, 'id') ?? '');
    if (!key.ok) return bad(key.error, key.field);
    const id = key.value;
    switch (event.routeKey) {
      case 'GET /users/{id}': {
        const user = await deps.users.get(id);
        return user ? json(200, user) : json(404, { error: `no user is mapped to ${id}` });
      }
      case 'DELETE /users/{id}':
        return (await deps.users.remove(id)) ? { statusCode: 204 } : json(404, { error: `no user is mapped to ${id}` });
      case 'PUT /users/{id}': {
        let body: unknown;
        try {
          body = JSON.parse(rawBody(event).toString('utf8'));
        } catch {
          return bad('the body is not JSON: send { "userId": "...", "role": "admin" | "staff" | "customer", "name"?: "..." }', 'body');
        }
        const parsed = parseUserBody(body);
        if (!parsed.ok) return bad(parsed.error, parsed.field);
        const { user, created } = await deps.users.put({ id, ...parsed.value }, (deps.now?.() ?? new Date()).toISOString());
        return json(created ? 201 : 200, user);
      }
      default:
        return json(404, { error: `no route ${event.routeKey}` });
    }
  }

  async function list(event: HttpEvent): Promise<HttpResult> {
    const q = event.queryStringParameters ?? {};
    let limit = DEFAULT_USERS_PAGE;
    if (q.limit !== undefined) {
      if (!/^\d+$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > MAX_USERS_PAGE) {
        return bad(`limit must be an integer from 1 to ${MAX_USERS_PAGE}, got "${q.limit.slice(0, 20)}"`, 'limit');
      }
      limit = Number(q.limit);
    }
    try {
      const page = await deps.users.list({ limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
      return json(200, page);
    } catch (error) {
      if (error instanceof InvalidCursor) return bad(`cursor: ${error.message}`, 'cursor');
      throw error;
    }
  }

  return async (event) => {
    try {
      return await route(event);
    } catch (error) {
      logger.error('users request failed', { routeKey: event.routeKey, error: error as Error });
      return json(500, { error: 'internal error reading or writing the users' });
    }
  };
}

export const handler = lambdaEntry(
  middy(createUsersApiHandler({ users: createUserStore(dynamo, tableNameFromEnv('contacts')) }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys(httpCorrelation))
    .use(metricsMiddleware()),
);
