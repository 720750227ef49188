// API Gateway HTTP API (payload v2) helpers shared by the handlers: decode a request, encode a response.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function text(statusCode: number, body: string): HttpResult {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

/** Every 4xx/5xx body is `{ "error": "<what was wrong>" }`. */
export function fail(statusCode: number, error: string): HttpResult {
  return json(statusCode, { error });
}

/** HTTP API lowercases header names; local callers may not, so look up case-insensitively. */
export function header(event: HttpEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The exact bytes the client sent: API Gateway base64-encodes bodies it considers binary. */
export function rawBody(event: HttpEvent): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** A path parameter, percent-decoded when the caller encoded it (wamids contain `=`, BSUIDs a `.`). */
export function pathParam(event: HttpEvent, name: string): string | undefined {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') return undefined;
  try {
    return /%[0-9a-f]{2}/i.test(value) ? decodeURIComponent(value) : value;
  } catch {
    return value;
  }
}
