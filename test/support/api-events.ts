// API Gateway HTTP API v2 events for calling handlers directly, shaped like the ones API Gateway sends.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { signMetaBody } from '../../lambdas/domain/inbound/signature.js';

export function apiEvent(
  routeKey: string,
  init: {
    path?: string;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: Buffer | string;
    base64?: boolean;
  } = {},
): APIGatewayProxyEventV2 {
  const [method = 'GET', routePath = '/'] = routeKey.split(' ');
  const path = init.path ?? routePath;
  const raw = init.body === undefined ? undefined : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body, 'utf8');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(init.query ?? {}).toString(),
    headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', ...(init.headers ?? {}) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '173.252.95.1', userAgent: 'facebookexternalua' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: '21/Nov/2026:10:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    isBase64Encoded: !!init.base64,
  };
  if (init.query) event.queryStringParameters = init.query;
  if (init.pathParameters) event.pathParameters = init.pathParameters;
  if (raw) event.body = init.base64 ? raw.toString('base64') : raw.toString('utf8');
  return event;
}

/**
 * The same request as a Lambda function URL delivers it: payload 2.0 with the route key `$default` (there are no
 * routes) and the URL's own domain; method, path, headers and body are the caller's.
 */
export function functionUrlEvent(event: APIGatewayProxyEventV2, path = event.rawPath): APIGatewayProxyEventV2 {
  const domainName = 'abcdefghij0123456789klmnop.lambda-url.us-east-1.on.aws';
  return {
    ...event,
    routeKey: '$default',
    rawPath: path,
    headers: { ...event.headers, host: domainName },
    requestContext: { ...event.requestContext, apiId: 'abcdefghij0123456789klmnop', domainName, domainPrefix: 'abcdefghij0123456789klmnop', routeKey: '$default', http: { ...event.requestContext.http, path } },
  };
}

/** A signed Meta delivery POST over these exact bytes. */
export function deliveryEvent(raw: Buffer, secret: string, options: { base64?: boolean; signature?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
  const signature = options.signature === undefined ? signMetaBody(raw, secret) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return apiEvent('POST /webhooks/whatsapp', { path: '/webhooks/whatsapp', headers, body: raw, ...(options.base64 ? { base64: true } : {}) });
}

export const getMessageEvent = (id: string) =>
  apiEvent('GET /messages/{id}', { path: `/messages/${encodeURIComponent(id)}`, pathParameters: { id } });
export const getContactEvent = (id: string) =>
  apiEvent('GET /contacts/{id}', { path: `/contacts/${encodeURIComponent(id)}`, pathParameters: { id } });
export const listMessagesEvent = (id: string, query?: Record<string, string>) =>
  apiEvent('GET /contacts/{id}/messages', { path: `/contacts/${encodeURIComponent(id)}/messages`, pathParameters: { id }, ...(query ? { query } : {}) });
