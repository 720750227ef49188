// When a queued send failed, whether and when to try again. Pure: the sender turns a `retry` decision into
// ChangeMessageVisibility(delaySeconds) plus a batch item failure, so SQS itself holds the message back
// (no sleeping in Lambda); a `give_up` decision is recorded on the message.
//
// Contract with the queue (the wiring's job, stated here because the numbers must agree):
// - `attempt` is the record's `attributes.ApproximateReceiveCount` (1 on the first delivery);
// - give the queue a redrive `maxReceiveCount` equal to `maxAttempts`; on `attempts_exhausted` report the item
//   as failed (SQS moves it to the DLQ at its next receive); on `permanent`, `token_still_rejected` and
//   `unknown_retry_class` record the error and acknowledge the item, since another try cannot succeed.
//
// The retry classes come from the Graph error mapping (graph-errors.ts, `retryClass`); the Wazzup24 mapping
// produces the same classes. The delay formulas themselves live there too and are reused, in seconds.
import { backoffDelayMs, pairRateDelayMs, type RetryClass } from './graph-errors.js';

/** SQS's ceiling for a visibility timeout: 12 hours. */
export const SQS_MAX_VISIBILITY_SECONDS = 12 * 60 * 60;
export const DEFAULT_MAX_ATTEMPTS = 6;

export interface RetryPolicyOptions {
  /** Deliveries in all, the first included. Default 6. */
  maxAttempts?: number;
  /** `backoff` class (5xx, 131000, 131016, 131057, transport errors): first ceiling, doubling. Default 5 s. */
  backoffBaseSeconds?: number;
  /** `backoff` class ceiling. Default 15 min. */
  backoffCapSeconds?: number;
  /** `throughput` class (130429): shorter, since the limit is per second. Default 2 s doubling to 60 s. */
  throughputBaseSeconds?: number;
  throughputCapSeconds?: number;
  /** `token` class (190, 0): the one quick retry after the token cache re-reads the secret. Default 1 s. */
  tokenRetrySeconds?: number;
  /** Hard ceiling on any delay; never above SQS's 12 h. */
  maxDelaySeconds?: number;
  /** Source of jitter in [0, 1); injected by tests. Default Math.random. */
  random?: () => number;
}

export interface RetryInput {
  /** SQS ApproximateReceiveCount: a positive integer, as a number or the string SQS sends. */
  attempt: number | string;
  retryClass: RetryClass;
  /** The class of the failure before this one, when the sender recorded it: a second `token` failure in a
   *  row means the new token is bad too, so stop. Unknown history allows the quick retry (bounded by maxAttempts). */
  previousRetryClass?: RetryClass;
}

export type GiveUpReason = 'permanent' | 'attempts_exhausted' | 'token_still_rejected' | 'unknown_retry_class';

export type RetryDecision =
  | { action: 'retry'; delaySeconds: number }
  | { action: 'give_up'; reason: GiveUpReason; detail: string };

function positiveInt(value: number | string, name: string): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a non-negative number of seconds, got ${String(value)}`);
  return v;
}

export function decideRetry(input: RetryInput, options: RetryPolicyOptions = {}): RetryDecision {
  const attempt = positiveInt(input.attempt, 'attempt (ApproximateReceiveCount)');
  const maxAttempts = positiveInt(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, 'maxAttempts');
  const maxDelay = Math.min(SQS_MAX_VISIBILITY_SECONDS, seconds(options.maxDelaySeconds, SQS_MAX_VISIBILITY_SECONDS, 'maxDelaySeconds'));
  const userRandom = options.random ?? Math.random;
  const random = (): number => {
    const r = userRandom();
    if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${String(r)}`);
    return r;
  };
  // Retry number n (0 = first retry) drives the exponent.
  const n = attempt - 1;
  const cls: string = input.retryClass;

  if (cls === 'none') return { action: 'give_up', reason: 'permanent', detail: 'The error is permanent: retrying cannot help.' };
  if (!['backoff', 'throughput', 'pair', 'token'].includes(cls)) {
    return { action: 'give_up', reason: 'unknown_retry_class', detail: `Unknown retry class "${cls}": not retried.` };
  }
  if (cls === 'token' && input.previousRetryClass === 'token') {
    return {
      action: 'give_up',
      reason: 'token_still_rejected',
      detail: 'The access token was rejected again after re-reading the secret: rotate the token.',
    };
  }
  if (attempt >= maxAttempts) {
    return { action: 'give_up', reason: 'attempts_exhausted', detail: `Failed ${attempt} of ${maxAttempts} attempts.` };
  }

  let delayMs: number;
  switch (cls) {
    case 'pair':
      // Meta: "retry after 4^X seconds (starting with X=0 ...)": a floor, so no jitter below it.
      delayMs = pairRateDelayMs(n, maxDelay * 1000);
      break;
    case 'token':
      delayMs = seconds(options.tokenRetrySeconds, 1, 'tokenRetrySeconds') * 1000;
      break;
    case 'throughput':
      delayMs = backoffDelayMs(n, {
        baseMs: seconds(options.throughputBaseSeconds, 2, 'throughputBaseSeconds') * 1000,
        capMs: seconds(options.throughputCapSeconds, 60, 'throughputCapSeconds') * 1000,
        random,
      });
      break;
    default:
      delayMs = backoffDelayMs(n, {
        baseMs: seconds(options.backoffBaseSeconds, 5, 'backoffBaseSeconds') * 1000,
        capMs: seconds(options.backoffCapSeconds, 15 * 60, 'backoffCapSeconds') * 1000,
        random,
      });
  }
  // Visibility timeouts are whole seconds; rounding up never retries earlier than the formula says.
  return { action: 'retry', delaySeconds: Math.min(maxDelay, Math.ceil(delayMs / 1000)) };
}
