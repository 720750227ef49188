// CDK context parameters (`-c name=value`), read and checked in one way everywhere: an empty value is unset,
// a value that cannot work fails synth with the parameter's name rather than deploying something wrong, and a
// name the app does not read (a typo such as `rotatonDays`) fails synth with the closest known name instead of
// being ignored. CONTEXT_PARAMETERS is the one list: a parameter is read only by a name declared there.
import { closest, distance } from 'fastest-levenshtein';
import type { IConstruct } from 'constructs';
import { routeThrottles, type RouteThrottle } from '../resources.js';

/** Every context parameter the app reads, with the README's one-line description. */
export const CONTEXT_PARAMETERS = {
  phoneNumberId: 'the business number replies and sends go from (PHONE_NUMBER_ID)',
  metaAppId: 'Meta app id: token rotation and the expiry watch need it',
  graphApiVersion: 'Graph API version for every call',
  alarmEmail: 'e-mail subscribed to the alarm topic',
  logRetentionDays: 'retention of every log group',
  apiRateLimit: 'per-route throttling of every route without its own limit (requests/s)',
  apiBurstLimit: 'per-route burst of every route without its own limit',
  rotationDays: 'access token rotation interval (1-50)',
  tokenWatchSchedule: 'when the expiry watch runs',
  tokenExpiryWarnDays: 'alarm when fewer days remain',
  revokePreviousToken: 'revoke the token a rotation replaced, after the grace period',
  revokeGraceMinutes: 'grace period before the replaced token is revoked',
  mediaExpiryDays: 'days a card photo is kept in S3',
  wazzupChannelId: 'Wazzup24 channel to send from (unset: no Wazzup24)',
  senderMaxConcurrency: 'most concurrent sender invocations (SQS maximum concurrency, 2-1000)',
  cardWorkerMaxConcurrency: 'most concurrent card-worker invocations (SQS maximum concurrency, 2-1000)',
  cardsPerSenderPerHour: 'business cards one customer may send per hour',
  tracing: 'X-Ray on every function (active) or none (off)',
  logLevel: 'POWERTOOLS_LOG_LEVEL of every function',
  logLambdaContext: 'compact or full Lambda context on every log line',
  accessLogFormat: 'API access log line: compact or standard',
  ocrEngine: 'card OCR: auto (tesseract, Textract when weak and Latin), tesseract, textract or none',
  contactRefreshMinutes: 'how far a contact profile lastInboundAt may lag its newest message (0-1440)',
  heartbeatSeconds: 'how far GET /status lastInboundAt may lag the newest inbound message (0-3600)',
  systemLogLevel: "Lambda's own log lines (START, END, REPORT): WARN drops them, INFO keeps them",
  metaWebhookIngress: "where Meta's webhook arrives: functionUrl (a Lambda function URL) or httpApi",
  webhookReservedConcurrency: 'most concurrent webhook invocations, reserved for it (unset: none reserved)',
  ...(Object.fromEntries(
    Object.keys(routeThrottles).flatMap((name) => [
      [`${name}RateLimit`, `throttling of the ${name} routes (requests/s)`],
      [`${name}BurstLimit`, `burst of the ${name} routes`],
    ]),
  ) as Record<`${RouteThrottle}RateLimit` | `${RouteThrottle}BurstLimit`, string>),
} as const;

export type ContextName = keyof typeof CONTEXT_PARAMETERS;

/** A context value that cannot work, or a name the app does not know: synth prints the message, no stack trace. */
export class ContextError extends Error {
  override readonly name = 'ContextError';
}

/** The parameter as a trimmed string, or undefined when unset or empty. */
export function contextString(scope: IConstruct, name: ContextName): string | undefined {
  const value: unknown = scope.node.tryGetContext(name);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value).trim();
}

/** A whole number within [min, max], or `fallback` when unset. */
export function contextInt(scope: IConstruct, name: ContextName, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const text = contextString(scope, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    const unbounded = max === Number.MAX_SAFE_INTEGER;
    const range = unbounded ? (min === 1 ? 'a positive integer' : `a whole number of at least ${min}`) : `a whole number from ${min} to ${max}`;
    throw new ContextError(`context ${name} must be ${range}, got "${text}"`);
  }
  return n;
}

/** One of `choices`, or `fallback` when unset. */
export function contextChoice<T extends string>(scope: IConstruct, name: ContextName, choices: readonly T[], fallback: T): T {
  const text = contextString(scope, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw new ContextError(`context ${name} must be one of ${choices.join(', ')}, got "${text}"`);
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
  const spec = (CONSUMER_CONCURRENCY as Record<string, { context: ContextName; default: number }>)[consumer];
  return spec ? contextInt(scope, spec.context, spec.default, 2, 1000) : undefined;
}

/**
 * Fails on a context name this app does not read. CDK's own keys (feature flags `@aws-cdk/...:...`, `aws:cdk:...`,
 * lookups in cdk.context.json) all contain a colon; ours never do.
 */
export function checkContextNames(scope: IConstruct): void {
  const known = Object.keys(CONTEXT_PARAMETERS);
  const unknown = Object.keys(scope.node.getAllContext() as Record<string, unknown>).filter((k) => !k.includes(':') && !Object.hasOwn(CONTEXT_PARAMETERS, k));
  if (!unknown.length) return;
  const described = unknown.map((name) => {
    const guess = closest(name, known);
    // A guess further than a third of the name away is noise, not a typo.
    return distance(name, guess) <= Math.max(2, Math.floor(name.length / 3)) ? `"${name}" (did you mean "${guess}"?)` : `"${name}"`;
  });
  throw new ContextError(`unknown context parameter ${described.join(', ')}; the parameters are: ${known.join(', ')}`);
}
