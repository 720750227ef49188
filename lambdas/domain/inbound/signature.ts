// Meta signs every webhook POST with X-Hub-Signature-256: `sha256=<hex HMAC-SHA256 of the raw body>`.
// The HMAC must be computed over the exact bytes received: re-serialised JSON differs (escapes, spacing).
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([0-9a-f]{64})$/i;

function hmac(body: Uint8Array | string, secret: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** The full header value Meta would send for this body: `sha256=<hex>`. */
export function signMetaBody(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${hmac(rawBody, appSecret).toString('hex')}`;
}

/**
 * True when `header` is a valid signature of `rawBody` under any of `appSecrets`
 * (several secrets so the app secret can be rotated without dropping deliveries).
 * Every secret is tried, so timing does not reveal which one matched.
 */
export function verifyMetaSignature(
  rawBody: Uint8Array,
  header: string | undefined,
  appSecrets: readonly string[],
): boolean {
  if (typeof header !== 'string') return false;
  const match = HEADER.exec(header.trim());
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], 'hex');
  let ok = false;
  for (const secret of appSecrets) {
    if (!secret) continue;
    const expected = hmac(rawBody, secret);
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}
