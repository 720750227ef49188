// CDK context parameters (`-c name=value`), read and checked in one way everywhere: an empty value is unset,
// and a value that cannot work fails synth with the parameter's name rather than deploying something wrong.
import type { IConstruct } from 'constructs';

/** The parameter as a trimmed string, or undefined when unset or empty. */
export function contextString(scope: IConstruct, name: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(name);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value).trim();
}

/** A whole number within [min, max], or `fallback` when unset. */
export function contextInt(scope: IConstruct, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const text = contextString(scope, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    const unbounded = max === Number.MAX_SAFE_INTEGER;
    const range = unbounded ? (min === 1 ? 'a positive integer' : `a whole number of at least ${min}`) : `a whole number from ${min} to ${max}`;
    throw new Error(`context ${name} must be ${range}, got "${text}"`);
  }
  return n;
}

/** One of `choices`, or `fallback` when unset. */
export function contextChoice<T extends string>(scope: IConstruct, name: string, choices: readonly T[], fallback: T): T {
  const text = contextString(scope, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw new Error(`context ${name} must be one of ${choices.join(', ')}, got "${text}"`);
  return text as T;
}

/**
 * Most concurrent invocations of each queue consumer (SQS event source maximum concurrency; SQS accepts 2 to
 * 1000), context `<consumer>MaxConcurrency`. Both cap what a burst of jobs can cost downstream:
 * - sender 4: Meta's default throughput is 80 messages/s per business number. An invocation takes a batch of 10
 *   jobs and sends them in parallel; with a Graph send at about 0.5 s that is about 20 messages/s per instance,
 *   so 4 instances stay near 80/s. A number upgraded by Meta to higher throughput raises it (-c senderMaxConcurrency=...).
 * - cardWorker 5: each instance reads one card at a time, so at most 5 Textract calls run at once, under the
 *   account's DetectDocumentText rate quota, and one customer's burst cannot take every instance.
 */
export const CONSUMER_CONCURRENCY = {
  sender: { context: 'senderMaxConcurrency', default: 4 },
  cardWorker: { context: 'cardWorkerMaxConcurrency', default: 5 },
} as const;

/** Business cards one customer may send per hour (context `cardsPerSenderPerHour`): over it, no download and no
 *  Textract call; the customer is told. Counted by the card worker in DynamoDB with an expiring item. */
export const CARDS_PER_SENDER_PER_HOUR = { context: 'cardsPerSenderPerHour', default: 20, max: 10_000 } as const;

export function consumerMaxConcurrency(scope: IConstruct, consumer: string): number | undefined {
  const spec = (CONSUMER_CONCURRENCY as Record<string, { context: string; default: number }>)[consumer];
  return spec ? contextInt(scope, spec.context, spec.default, 2, 1000) : undefined;
}
