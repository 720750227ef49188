// The `cursor` of a paged list: DynamoDB's LastEvaluatedKey as base64url JSON, taken back only when it has
// exactly the key attributes of that query, each a string DynamoDB takes as a key (non-empty, well-formed, at
// most 1024 bytes), so a client can neither steer the query elsewhere nor make DynamoDB refuse it.
import { InvalidCursor } from '../../domain/shared/ports.js';

export function encodePageCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

const MAX_KEY_VALUE_BYTES = 1024;
const isKeyValue = (v: unknown) =>
  typeof v === 'string' && v !== '' && !/\p{Cs}/u.test(v) && Buffer.byteLength(v, 'utf8') <= MAX_KEY_VALUE_BYTES;

/** The key a cursor carries; InvalidCursor unless it has exactly the attributes `keys`, each a valid key value. */
export function decodePageCursor(cursor: string, keys: readonly string[]): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor('cursor is not one this API returned');
  }
  if (
    !key || typeof key !== 'object' || Array.isArray(key) ||
    Object.keys(key).sort().join() !== [...keys].sort().join() ||
    !Object.values(key).every(isKeyValue)
  ) {
    throw new InvalidCursor('cursor is not one this API returned');
  }
  return key as Record<string, string>;
}
