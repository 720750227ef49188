import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secretsEqual } from '../../lambdas/domain/shared/secret-compare.js';

describe('secretsEqual', () => {
  it('is true only for the same string', () => {
    expect(secretsEqual('local-verify-token', 'local-verify-token')).toBe(true);
    expect(secretsEqual('local-verify-token', 'local-verify-tokeN')).toBe(false);
    expect(secretsEqual('short', 'a much longer secret')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
    expect(secretsEqual('ключ', 'ключ')).toBe(true);
  });

  it('agrees with === for any pair of strings', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => secretsEqual(a, b) === (a === b)));
    fc.assert(fc.property(fc.string(), (a) => secretsEqual(a, a)));
  });
});
