import { describe, expect, it } from 'vitest';
import { decodePageCursor, encodePageCursor } from '../../lambdas/adapters/dynamo/page-cursor.js';
import { InvalidCursor } from '../../lambdas/domain/shared/ports.js';

const KEYS = ['pk', 'sk'];
const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('decodePageCursor', () => {
  it('gives back the key a page ended on', () => {
    const key = { pk: 'msg#wamid.1', sk: '2026-05-01T10:00:00.000Z#wamid.1' };
    expect(decodePageCursor(encodePageCursor(key), KEYS)).toEqual(key);
  });

  it.each([
    ['not base64 JSON', 'not a cursor!'],
    ['other attributes', cursorOf({ pk: 'a', other: 'b' })],
    ['a number value', cursorOf({ pk: 'a', sk: 1 })],
    // DynamoDB refuses these as key values: answered as a bad cursor (400), not a storage failure (500).
    ['an empty value', cursorOf({ pk: '', sk: 'b' })],
    ['a value over 1024 bytes', cursorOf({ pk: 'a', sk: 'я'.repeat(513) })],
    ['a lone surrogate', cursorOf({ pk: 'a', sk: 'x\ud800' })],
  ])('refuses a cursor with %s', (_what, cursor) => {
    expect(() => decodePageCursor(cursor, KEYS)).toThrow(InvalidCursor);
  });
});
