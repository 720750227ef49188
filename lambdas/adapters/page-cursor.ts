// The `cursor` of a paged list: DynamoDB's LastEvaluatedKey as base64url JSON, taken back only when it has
// exactly the key attributes of that query (all strings), so a client cannot steer the query elsewhere.
import { InvalidCursor } from '../domain/ports.js';

export function encodePageCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key a cursor carries; InvalidCursor unless it has exactly the attributes `keys`, all strings. */
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
    !Object.values(key).every((v) => typeof v === 'string')
  ) {
    throw new InvalidCursor('cursor is not one this API returned');
  }
  return key as Record<string, string>;
}
