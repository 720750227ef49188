// How long one call to each downstream system may take, declared once: the SDK clients are built from these,
// and lib/timeout-budget.ts adds them up per function so that no function's downstream calls can outlast its
// own timeout (a stall then ends as a handled failure, a 500 or a queue retry, not as "Task timed out").
// A call's worst case is every attempt running to its timeouts: attempts x (connection + request).

export interface CallLimits {
  readonly connectionTimeoutMs: number;
  /** Socket inactivity before the attempt is abandoned (the SDK's requestTimeout; fetch: the whole call). */
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
}

/** Per Graph API call (GRAPH_TIMEOUT_MS in a function's environment overrides it: keep it under the budget). */
export const GRAPH_TIMEOUT_MS = 8_000;
/** Per media download (Graph media URL or Wazzup24 contentUri; a card file is at most 20 MB). */
export const MEDIA_TIMEOUT_MS = 15_000;
/** Per Wazzup24 API call. */
export const WAZZUP_TIMEOUT_MS = 10_000;

export const CLIENT_LIMITS = {
  // Both answer in milliseconds; two short attempts ride out a dropped connection and still fit the webhooks.
  dynamodb: { connectionTimeoutMs: 500, requestTimeoutMs: 1_500, maxAttempts: 2 },
  sqs: { connectionTimeoutMs: 500, requestTimeoutMs: 1_500, maxAttempts: 2 },
  // Read once per container (values are cached); a failure answers 500 or retries the job.
  secretsManager: { connectionTimeoutMs: 500, requestTimeoutMs: 1_000, maxAttempts: 1 },
  // Card photos up to 20 MB in and out of S3.
  s3: { connectionTimeoutMs: 1_000, requestTimeoutMs: 10_000, maxAttempts: 2 },
  // DetectDocumentText on a card photo takes seconds.
  textract: { connectionTimeoutMs: 1_000, requestTimeoutMs: 15_000, maxAttempts: 2 },
  // fetch-based clients: one attempt each (the callers own retries), the timeout covers the whole call.
  graph: { connectionTimeoutMs: 0, requestTimeoutMs: GRAPH_TIMEOUT_MS, maxAttempts: 1 },
  media: { connectionTimeoutMs: 0, requestTimeoutMs: MEDIA_TIMEOUT_MS, maxAttempts: 1 },
  wazzup: { connectionTimeoutMs: 0, requestTimeoutMs: WAZZUP_TIMEOUT_MS, maxAttempts: 1 },
  // tesseract.js inside the card worker (no network): a read that takes longer stops its worker thread and the job
  // is retried (lambdas/adapters/cards/ocr-auto.ts withOcrTimeout). A card takes 1-7 s on one vCPU.
  tesseract: { connectionTimeoutMs: 0, requestTimeoutMs: 25_000, maxAttempts: 1 },
} as const satisfies Record<string, CallLimits>;

export type Downstream = keyof typeof CLIENT_LIMITS;

export function worstCallMs(limits: CallLimits): number {
  return limits.maxAttempts * (limits.connectionTimeoutMs + limits.requestTimeoutMs);
}

/** An AWS SDK v3 client's settings for these limits. */
export function sdkClientLimits(limits: CallLimits): { maxAttempts: number; requestHandler: { connectionTimeout: number; requestTimeout: number } } {
  return { maxAttempts: limits.maxAttempts, requestHandler: { connectionTimeout: limits.connectionTimeoutMs, requestTimeout: limits.requestTimeoutMs } };
}
