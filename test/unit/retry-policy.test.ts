import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapGraphError, type RetryClass } from '../../lambdas/domain/outbound/graph-errors.js';
import { DEFAULT_MAX_ATTEMPTS, SQS_MAX_VISIBILITY_SECONDS, decideRetry } from '../../lambdas/domain/outbound/retry-policy.js';

const graphError = (code: number) => ({ error: { message: `(#${code})`, type: 'OAuthException', code } });
const top = () => 0.999_999; // the top of the jitter range
const bottom = () => 0;

describe('decideRetry', () => {
  it('gives up at once on a permanent error, whatever the attempt', () => {
    for (const attempt of [1, 2, 6, 100]) {
      expect(decideRetry({ attempt, retryClass: 'none' })).toEqual({
        action: 'give_up',
        reason: 'permanent',
        detail: 'The error is permanent: retrying cannot help.',
      });
    }
  });

  it('backoff: full jitter under a ceiling of 5 s doubling per retry, rounded up to whole seconds', () => {
    const ceilings = [5, 10, 20, 40, 80];
    ceilings.forEach((ceiling, n) => {
      expect(decideRetry({ attempt: n + 1, retryClass: 'backoff' }, { random: top })).toEqual({ action: 'retry', delaySeconds: ceiling });
      expect(decideRetry({ attempt: n + 1, retryClass: 'backoff' }, { random: bottom })).toEqual({ action: 'retry', delaySeconds: 0 });
    });
    expect(decideRetry({ attempt: 3, retryClass: 'backoff' }, { random: () => 0.5 })).toEqual({ action: 'retry', delaySeconds: 10 });
  });

  it('pair rate limit (131056): exactly 4^X seconds, X = retries so far, no jitter', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => decideRetry({ attempt, retryClass: 'pair' }, { random: top }));
    expect(delays).toEqual([1, 4, 16, 64, 256].map((delaySeconds) => ({ action: 'retry', delaySeconds })));
  });

  it('throughput (130429): short jittered backoff, 2 s doubling to at most 60 s', () => {
    const opts = { random: top, maxAttempts: 10 };
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => decideRetry({ attempt, retryClass: 'throughput' }, opts));
    expect(delays.map((d) => (d.action === 'retry' ? d.delaySeconds : -1))).toEqual([2, 4, 8, 16, 32, 60, 60]);
  });

  it('token (190): one quick retry, then give up if the token is rejected again', () => {
    expect(decideRetry({ attempt: 1, retryClass: 'token' })).toEqual({ action: 'retry', delaySeconds: 1 });
    expect(decideRetry({ attempt: 3, retryClass: 'token', previousRetryClass: 'backoff' })).toEqual({ action: 'retry', delaySeconds: 1 });
    expect(decideRetry({ attempt: 2, retryClass: 'token', previousRetryClass: 'token' })).toEqual({
      action: 'give_up',
      reason: 'token_still_rejected',
      detail: 'The access token was rejected again after re-reading the secret: rotate the token.',
    });
  });

  it('gives up after maxAttempts deliveries (default 6) so the queue can move the message to the DLQ', () => {
    expect(DEFAULT_MAX_ATTEMPTS).toBe(6);
    expect(decideRetry({ attempt: 5, retryClass: 'backoff' }).action).toBe('retry');
    expect(decideRetry({ attempt: 6, retryClass: 'backoff' })).toEqual({
      action: 'give_up',
      reason: 'attempts_exhausted',
      detail: 'Failed 6 of 6 attempts.',
    });
    expect(decideRetry({ attempt: 2, retryClass: 'pair' }, { maxAttempts: 2 })).toMatchObject({ reason: 'attempts_exhausted' });
    expect(decideRetry({ attempt: 1, retryClass: 'backoff' }, { maxAttempts: 1 })).toMatchObject({ reason: 'attempts_exhausted' });
  });

  it('accepts ApproximateReceiveCount as the string SQS sends', () => {
    expect(decideRetry({ attempt: '3', retryClass: 'pair' })).toEqual({ action: 'retry', delaySeconds: 16 });
  });

  it('rejects a receive count or option that makes no sense, naming it', () => {
    expect(() => decideRetry({ attempt: 0, retryClass: 'backoff' })).toThrow(/attempt \(ApproximateReceiveCount\) must be a positive integer, got 0/);
    expect(() => decideRetry({ attempt: '', retryClass: 'backoff' })).toThrow(/got ""/);
    expect(() => decideRetry({ attempt: 1.5, retryClass: 'backoff' })).toThrow(/positive integer/);
    expect(() => decideRetry({ attempt: 'two', retryClass: 'backoff' })).toThrow(/"two"/);
    expect(() => decideRetry({ attempt: 1, retryClass: 'backoff' }, { maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => decideRetry({ attempt: 1, retryClass: 'backoff' }, { backoffBaseSeconds: -1 })).toThrow(/backoffBaseSeconds/);
    expect(() => decideRetry({ attempt: 1, retryClass: 'backoff' }, { random: () => 1 })).toThrow(/random\(\) must return a number in \[0, 1\), got 1/);
  });

  it('gives up, saying why, on a retry class it does not know', () => {
    expect(decideRetry({ attempt: 1, retryClass: 'later' as RetryClass })).toEqual({
      action: 'give_up',
      reason: 'unknown_retry_class',
      detail: 'Unknown retry class "later": not retried.',
    });
  });

  it('never exceeds the 12 h SQS visibility maximum, even with huge settings', () => {
    const opts = { maxAttempts: 100, random: top, backoffCapSeconds: 10 ** 9 };
    expect(decideRetry({ attempt: 40, retryClass: 'pair' }, opts)).toEqual({ action: 'retry', delaySeconds: SQS_MAX_VISIBILITY_SECONDS });
    expect(decideRetry({ attempt: 60, retryClass: 'backoff' }, opts)).toEqual({ action: 'retry', delaySeconds: SQS_MAX_VISIBILITY_SECONDS });
    expect(decideRetry({ attempt: 40, retryClass: 'pair' }, { ...opts, maxDelaySeconds: 10 ** 9 })).toEqual({
      action: 'retry',
      delaySeconds: SQS_MAX_VISIBILITY_SECONDS,
    });
    expect(decideRetry({ attempt: 10, retryClass: 'pair' }, { ...opts, maxDelaySeconds: 300 })).toEqual({ action: 'retry', delaySeconds: 300 });
  });

  it('takes the class straight from the Graph error mapping', () => {
    const decide = (code: number, attempt = 1) => decideRetry({ attempt, retryClass: mapGraphError(graphError(code), 400).retryClass }, { random: top });
    expect(decide(131056, 3)).toEqual({ action: 'retry', delaySeconds: 16 });
    expect(decide(130429, 1)).toEqual({ action: 'retry', delaySeconds: 2 });
    expect(decide(131000, 2)).toEqual({ action: 'retry', delaySeconds: 10 });
    expect(decide(190)).toEqual({ action: 'retry', delaySeconds: 1 });
    expect(decide(131026)).toMatchObject({ action: 'give_up', reason: 'permanent' });
    expect(decide(131047)).toMatchObject({ action: 'give_up', reason: 'permanent' });
  });

  describe('properties', () => {
    const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

    it('backoff delay is a whole number of seconds in [0, min(cap, base * 2^(attempt-1))]', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 200 }),
          fc.integer({ min: 1, max: 600 }),
          fc.integer({ min: 1, max: 86_400 }),
          random,
          (attempt, base, cap, r) => {
            const d = decideRetry(
              { attempt, retryClass: 'backoff' },
              { maxAttempts: 1000, backoffBaseSeconds: base, backoffCapSeconds: cap, random: () => r },
            );
            expect(d.action).toBe('retry');
            if (d.action !== 'retry') return;
            expect(Number.isInteger(d.delaySeconds)).toBe(true);
            expect(d.delaySeconds).toBeGreaterThanOrEqual(0);
            expect(d.delaySeconds).toBeLessThanOrEqual(Math.min(cap, base * 2 ** (attempt - 1), SQS_MAX_VISIBILITY_SECONDS));
          },
        ),
      );
    });

    it('jitter is monotone in the random draw (the whole range is used, nothing is fixed)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 5 }), random, random, (attempt, a, b) => {
          const delay = (r: number) => {
            const d = decideRetry({ attempt, retryClass: 'backoff' }, { random: () => r });
            return d.action === 'retry' ? d.delaySeconds : Number.NaN;
          };
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(delay(lo)).toBeLessThanOrEqual(delay(hi));
        }),
      );
    });

    it('every retryable class retries before maxAttempts and gives up from it on, within SQS bounds', () => {
      fc.assert(
        fc.property(
          fc.constantFrom<RetryClass>('backoff', 'throughput', 'pair', 'token'),
          fc.integer({ min: 1, max: 30 }),
          fc.integer({ min: 1, max: 30 }),
          random,
          (retryClass, attempt, maxAttempts, r) => {
            const d = decideRetry({ attempt, retryClass }, { maxAttempts, random: () => r });
            if (attempt >= maxAttempts) {
              expect(d).toMatchObject({ action: 'give_up', reason: 'attempts_exhausted' });
            } else {
              expect(d.action).toBe('retry');
              if (d.action === 'retry') {
                expect(Number.isInteger(d.delaySeconds)).toBe(true);
                expect(d.delaySeconds).toBeGreaterThanOrEqual(0);
                expect(d.delaySeconds).toBeLessThanOrEqual(SQS_MAX_VISIBILITY_SECONDS);
              }
            }
          },
        ),
      );
    });

    it('pair delays grow by a factor of 4 until the cap', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 6 }), (attempt) => {
          const opts = { maxAttempts: 100 };
          const a = decideRetry({ attempt, retryClass: 'pair' }, opts);
          const b = decideRetry({ attempt: attempt + 1, retryClass: 'pair' }, opts);
          expect(a.action === 'retry' && b.action === 'retry' && b.delaySeconds === 4 * a.delaySeconds).toBe(true);
        }),
      );
    });
  });
});
