// API Gateway HTTP API and Lambda function URL (payload v2) helpers shared by the handlers: decode a request, encode a response.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/**
 * `METHOD /path` of a request: the HTTP API's route key, or for a Lambda function URL (whose events are the same
 * payload with the route key `$default`) the method and path the caller used.
 */
export function routeOf(event: HttpEvent): string {
  return event.routeKey === '$default' ? `${event.requestContext.http.method} ${event.rawPath}` : event.routeKey;
}

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

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Largest body each POST route reads, in decoded bytes. Meta documents webhook payloads "up to 3 MB", so its
 * webhook takes 4 MiB (a 413 would make Meta retry a real delivery for a week, then drop it); Wazzup24 documents
 * no size and sends one small JSON per event; an admin send is a text of at most 4096 characters or a small
 * template. API Gateway's own cap (10 MB) and Lambda's (6 MB) are far above what any of these needs.
 */
export const MAX_BODY_BYTES = { metaWebhook: 4 * MiB, wazzupWebhook: 1 * MiB, sendApi: 64 * KiB } as const;

/** The body's size in bytes as the client sent it (base64 decoded), without decoding it. */
export function bodyBytes(event: HttpEvent): number {
  if (event.body === undefined || event.body === null) return 0;
  return Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/**
 * A 413 for a body over `maxBytes`, else undefined. Checked before the signature and JSON.parse, so an
 * oversized body costs neither an HMAC nor a parse; the answer carries sizes only, never the body.
 */
export function tooLarge(event: HttpEvent, maxBytes: number): HttpResult | undefined {
  const bytes = bodyBytes(event);
  if (bytes <= maxBytes) return undefined;
  return fail(413, `the body is ${bytes} bytes; this endpoint accepts at most ${maxBytes} bytes`);
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

