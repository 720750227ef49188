// The system's shape, declared once. The CDK stack (lib/stack.ts) and the local runner (lib/local/)
// both read this file, so the laptop and the cloud cannot drift apart. Nothing here imports AWS.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `public`: anyone (Meta, Wazzup24, health checks). `admin`: IAM (SigV4) in AWS, bearer ADMIN_TOKEN locally. */
export type RouteAuth = 'public' | 'admin';
/** A route's own throttling class (`routeThrottles`); routes without one use the stage default. */
export type RouteThrottle = 'webhook' | 'send';

export type FunctionName = keyof typeof functions;
export type TableName = keyof typeof tables;
export type QueueName = keyof typeof queues;
export type SecretName = keyof typeof secrets;

export interface FunctionSpec {
  /** Source file of the handler, relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly tables: Partial<Record<TableName, 'read' | 'readWrite'>>;
  readonly queues: Partial<Record<QueueName, 'send' | 'consume'>>;
  readonly secrets: readonly SecretName[];
  /** Reads the depth of every queue and dead-letter queue (sqs:GetQueueAttributes, their URLs in the env): GET /status
   *  and the admins' `/status`. */
  readonly queueDepths?: boolean;
}

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway HTTP API path syntax: `{id}` is a path parameter. */
  readonly path: string;
  readonly function: FunctionName;
  readonly auth: RouteAuth;
  readonly throttle?: RouteThrottle;
}

export interface KeySpec {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface TableSpec extends KeySpec {
  /** Environment variable that carries the physical table name into every function that uses it. */
  readonly envVar: string;
  readonly indexes: Readonly<Record<string, KeySpec>>;
  /** Attribute holding an epoch-seconds expiry, for items that should disappear (quarantine, events). */
  readonly ttlAttribute?: string;
}

export interface QueueSpec {
  readonly envVar: string;
  /** Environment variable with the dead-letter queue's URL, for functions that read queue depths. */
  readonly dlqEnvVar: string;
  /** The function that consumes the queue (batch, partial batch failures). A plain string here, since functions
   *  name queues too (the types would be circular); `consumersAreFunctions` below checks it names a function. */
  readonly consumer: string;
  readonly batchSize: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

export interface SecretSpec {
  readonly description: string;
  /** Environment variable with the secret's ARN in AWS. */
  readonly arnEnvVar: string;
  /** Environment variable with the plain value in local mode only (never set in the stack). */
  readonly localEnvVar: string;
  /** `generate`: CloudFormation generates a random value; `placeholder`: the operator pastes the value after deploy. */
  readonly initial: 'generate' | 'placeholder';
}

export const tables = {
  contacts: {
    envVar: 'CONTACTS_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: {
      // Every contact profile item carries `listPk = "contact"` and `listSk = <createdAt>#<id>`: newest first.
      // User mappings (`user#<id>`/`user`, GET /users) carry `listPk = "user"` and `listSk = <id>`.
      byCreated: { partitionKey: 'listPk', sortKey: 'listSk' },
    },
  },
  messages: {
    envVar: 'MESSAGES_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: {
      // A contact's conversation in time order: `contactId`, `<timestamp ISO>#<message id>`. Stored webhook events
      // (GET /events) share it under the reserved partition `#events` (no contact id starts with `#`), `<receivedAt>#<key>`.
      byContact: { partitionKey: 'contactId', sortKey: 'convSk' },
    },
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableSpec>;

export const queues = {
  outbound: {
    envVar: 'OUTBOUND_QUEUE_URL',
    dlqEnvVar: 'OUTBOUND_DLQ_URL',
    // Bot command jobs from the webhook and reply jobs (card summaries): the format is in domain/outbound/outbound-job.ts.
    consumer: 'sender',
    batchSize: 10,
    // Equals DEFAULT_MAX_ATTEMPTS of domain/outbound/retry-policy.ts (a unit test holds them together; importing it here
    // would put the Graph error table into every bundle that reads this file).
    maxReceiveCount: 6,
  },
  card: {
    envVar: 'CARD_QUEUE_URL',
    dlqEnvVar: 'CARD_DLQ_URL',
    // Card jobs from the webhook (images, image/PDF documents): domain/cards/card-pipeline.ts decodeCardJob.
    consumer: 'cardWorker',
    // One card per invocation: OCR runs in the function, and each card gets the whole time budget.
    batchSize: 1,
    // The worker tells the customer on the last receive, before the job moves to the dead-letter queue.
    maxReceiveCount: 3,
  },
} as const satisfies Record<string, QueueSpec>;

export const secrets = {
  appSecret: {
    description: 'Meta app secret (App Dashboard > Settings > Basic): verifies X-Hub-Signature-256',
    arnEnvVar: 'APP_SECRET_ARN',
    localEnvVar: 'WHATSAPP_APP_SECRET',
    initial: 'placeholder',
  },
  verifyToken: {
    description: 'Webhook verify token: paste the same value into Meta > WhatsApp > Configuration',
    arnEnvVar: 'VERIFY_TOKEN_ARN',
    localEnvVar: 'WHATSAPP_VERIFY_TOKEN',
    initial: 'generate',
  },
  accessToken: {
    description: 'Meta access token (system user token) used for every Graph API call',
    arnEnvVar: 'ACCESS_TOKEN_ARN',
    localEnvVar: 'WHATSAPP_ACCESS_TOKEN',
    initial: 'placeholder',
  },
  wazzupApiKey: {
    description: 'Wazzup24 API key (Wazzup > Settings > Integration with CRM); leave empty when Wazzup24 is not used',
    arnEnvVar: 'WAZZUP_API_KEY_ARN',
    localEnvVar: 'WAZZUP_API_KEY',
    initial: 'placeholder',
  },
  wazzupWebhookSecret: {
    description: 'Path secret of the Wazzup24 webhook (POST /webhooks/wazzup24/{secret}); `npx wa wazzup register` puts it into the URL',
    arnEnvVar: 'WAZZUP_WEBHOOK_SECRET_ARN',
    localEnvVar: 'WAZZUP_WEBHOOK_SECRET',
    initial: 'generate',
  },
  wazzupCrmKey: {
    description: 'Wazzup24 crmKey: when not empty, webhooks must carry Authorization: Bearer <crmKey>',
    arnEnvVar: 'WAZZUP_CRM_KEY_ARN',
    localEnvVar: 'WAZZUP_CRM_KEY',
    initial: 'placeholder',
  },
} as const satisfies Record<string, SecretSpec>;

export const functions = {
  webhook: {
    entry: 'lambdas/handlers/webhook.ts',
    description: 'Receives Meta webhooks: signature, parse, store exactly once, enqueue work',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { contacts: 'readWrite', messages: 'readWrite' },
    queues: { outbound: 'send', card: 'send' },
    secrets: ['appSecret', 'verifyToken'],
  },
  // Its own function, so the Meta webhook bundle does not carry the Wazzup parser (and each has its own alarms).
  wazzupWebhook: {
    entry: 'lambdas/handlers/wazzup-webhook.ts',
    description: 'Receives Wazzup24 webhooks: path secret (and crmKey), parse, store exactly once, enqueue work, channel state metric',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { contacts: 'readWrite', messages: 'readWrite' },
    queues: { outbound: 'send', card: 'send' },
    secrets: ['wazzupWebhookSecret', 'wazzupCrmKey'],
  },
  adminApi: {
    entry: 'lambdas/handlers/admin-api.ts',
    description: 'Admin routes: read messages, contacts (with their mapped user) and stored webhook events',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { contacts: 'read', messages: 'read' },
    queues: {},
    secrets: [],
  },
  tokenRotation: {
    entry: 'lambdas/handlers/token-rotation.ts',
    description: 'Secrets Manager rotation of the Meta access token: refresh, test with debug_token and a phone read, promote',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: {},
    queues: {},
    secrets: ['accessToken', 'appSecret'],
  },
  tokenWatch: {
    entry: 'lambdas/handlers/token-watch.ts',
    description: 'Daily: debug_token on the access token, TokenDaysToExpiry and TokenValid metrics, optional revocation of the previous token',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: {},
    queues: {},
    secrets: ['accessToken', 'appSecret'],
  },
  diagnose: {
    entry: 'lambdas/handlers/diagnose.ts',
    description: 'GET /diagnose: token, phone number id, WABA and webhook configuration checks',
    memoryMb: 256,
    timeoutSeconds: 29,
    tables: {},
    queues: {},
    secrets: ['accessToken', 'appSecret', 'verifyToken', 'wazzupApiKey', 'wazzupWebhookSecret'],
  },
  sender: {
    entry: 'lambdas/handlers/sender.ts',
    description: 'Outbound queue consumer: bot command replies and reply jobs through the shared sender, retries by visibility',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { contacts: 'readWrite', messages: 'readWrite' },
    // Consuming grants ChangeMessageVisibility, which the retry delays use.
    queues: { outbound: 'consume' },
    secrets: ['accessToken', 'wazzupApiKey'],
    // An admin's `/status` answers with the system's state.
    queueDepths: true,
  },
  sendApi: {
    entry: 'lambdas/handlers/send-api.ts',
    description: 'POST /messages: admin send through the shared sender (window rule, Graph call, idempotency key)',
    memoryMb: 256,
    timeoutSeconds: 29,
    tables: { contacts: 'readWrite', messages: 'readWrite' },
    queues: {},
    secrets: ['accessToken', 'wazzupApiKey'],
  },
  cardWorker: {
    entry: 'lambdas/handlers/card-worker.ts',
    description: 'Card queue consumer: media -> S3 -> QR, tesseract.js or Textract -> contact (dedupe) -> reply job',
    // tesseract.js runs in the function: Lambda gives CPU in proportion to memory (1,769 MB = one vCPU), and OCR is
    // CPU-bound. Photos are refused above 50 MP from their header, so decoding stays far below this.
    memoryMb: 2048,
    // Two media lookups and downloads (an expired URL is fetched again), S3, tesseract.js and Textract at their limits
    // fit in it (lib/timeout-budget.ts), so a stall ends as a handled retry rather than a Lambda timeout.
    timeoutSeconds: 150,
    tables: { contacts: 'readWrite', messages: 'readWrite' },
    queues: { card: 'consume', outbound: 'send' },
    secrets: ['accessToken'],
  },
  contactsApi: {
    entry: 'lambdas/handlers/contacts-api.ts',
    description: 'GET /contacts: every contact, newest first, paginated (card contacts included)',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { contacts: 'read' },
    queues: {},
    secrets: [],
  },
  usersApi: {
    entry: 'lambdas/handlers/users-api.ts',
    description: 'Users: phone number or BSUID -> user id and role (PUT, GET, DELETE /users/{id}, GET /users)',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { contacts: 'readWrite' },
    queues: {},
    secrets: [],
  },
  statusApi: {
    entry: 'lambdas/handlers/status-api.ts',
    description: 'GET /status: queue depths and dead letters, token validity, last inbound time, Wazzup24 channels',
    memoryMb: 256,
    // The parts are read in parallel; lib/timeout-budget.ts adds their worst cases up as if they were not.
    timeoutSeconds: 29,
    tables: { messages: 'read' },
    queues: {},
    secrets: ['accessToken', 'wazzupApiKey'],
    queueDepths: true,
  },
} as const satisfies Record<string, FunctionSpec>;

/** Compile-time check: every queue's consumer is a declared function. */
export const consumersAreFunctions: { readonly [Q in QueueName]: FunctionName } = Object.fromEntries(
  Object.entries(queues).map(([name, spec]) => [name, spec.consumer]),
) as { readonly [Q in QueueName]: (typeof queues)[Q]['consumer'] };

export const routes = [
  { method: 'GET', path: '/health', function: 'webhook', auth: 'public' },
  { method: 'GET', path: '/webhooks/whatsapp', function: 'webhook', auth: 'public' },
  { method: 'POST', path: '/webhooks/whatsapp', function: 'webhook', auth: 'public', throttle: 'webhook' },
  // Wazzup24 has no signature: the secret rides in the path (or `?secret=` on the bare path).
  { method: 'POST', path: '/webhooks/wazzup24/{secret}', function: 'wazzupWebhook', auth: 'public', throttle: 'webhook' },
  { method: 'POST', path: '/webhooks/wazzup24', function: 'wazzupWebhook', auth: 'public', throttle: 'webhook' },
  { method: 'GET', path: '/messages/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/contacts/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/contacts/{id}/messages', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/messages', function: 'sendApi', auth: 'admin', throttle: 'send' },
  { method: 'GET', path: '/diagnose', function: 'diagnose', auth: 'admin' },
  { method: 'GET', path: '/contacts', function: 'contactsApi', auth: 'admin' },
  { method: 'GET', path: '/events', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/users', function: 'usersApi', auth: 'admin' },
  { method: 'GET', path: '/users/{id}', function: 'usersApi', auth: 'admin' },
  { method: 'PUT', path: '/users/{id}', function: 'usersApi', auth: 'admin' },
  { method: 'DELETE', path: '/users/{id}', function: 'usersApi', auth: 'admin' },
  { method: 'GET', path: '/status', function: 'statusApi', auth: 'admin' },
] as const satisfies readonly RouteSpec[];

/**
 * Requests per second and burst of the routes that name a throttling class, per route; context
 * `<class>RateLimit` / `<class>BurstLimit` overrides (`-c webhookRateLimit=500`). API Gateway answers 429 above it.
 * webhook: above the stage default because Meta's status callbacks burst after every send and a 429 only delays
 * them (Meta retries); it is still a ceiling on what an unsigned flood can cost in Lambda invocations.
 * send: each accepted call messages a customer; Meta allows a business ~80 messages/s per number and one message
 * every 6 s to the same user, so an admin client above 10/s is a bug or a stolen credential, not a need.
 */
export const routeThrottles = {
  webhook: { rateLimit: 200, burstLimit: 400 },
  send: { rateLimit: 10, burstLimit: 20 },
} as const satisfies Record<RouteThrottle, { rateLimit: number; burstLimit: number }>;

/** Business card media (lib/constructs/card-pipeline.ts, lambdas/adapters/cards/media-store.ts). */
export const cardPipeline = {
  /** Environment variable with the media bucket's name (the card worker's). */
  mediaBucketEnvVar: 'MEDIA_BUCKET',
  /** Days a card photo is kept; context `mediaExpiryDays` overrides it. */
  mediaExpiryDays: 30,
  /**
   * The card worker's OCR in AWS (env OCR_ENGINE, context `ocrEngine`): `auto` = tesseract.js (Kyrgyz + English data,
   * which reads Russian too) in the function, Textract only for a weak read of Latin print and for PDFs; `tesseract`
   * = never Textract; `textract` = Textract only (Latin script only); `none` = QR codes only.
   */
  ocrEngines: ['auto', 'tesseract', 'textract', 'none'],
  ocrEngine: 'auto',
  /** Environment variable with the cards one customer may send per hour (context `cardsPerSenderPerHour`). */
  cardsPerSenderEnvVar: 'CARDS_PER_SENDER_PER_HOUR',
} as const;

/**
 * Defaults that keep the running cost low (README "What it costs"; `npm run cost` prints what each saves).
 * Each is the context parameter of the same name (`-c tracing=active`).
 * tracing: `off`, or `active` (X-Ray on every function at Lambda's fixed rate: the first request each second and
 *   5% of the rest; Lambda applies no X-Ray sampling rule of ours to requests that arrive without a trace header,
 *   and HTTP APIs send none, so a low-rate rule would not lower it).
 * logLevel: POWERTOOLS_LOG_LEVEL of every function.
 * logLambdaContext: `compact` puts the function name, request id and cold start flag on each line; `full` adds the
 *   function ARN, memory size and sampling rate Powertools would add (about 150 bytes a line).
 * accessLogFormat: `compact` (request id, time, route, status, latency, error) or `standard` (API Gateway's JSON with
 *   the standard fields).
 * contactRefreshMinutes: how far a contact's stored lastInboundAt may lag its newest message before the webhook
 *   rewrites the profile (0: on every newer message); the 24-hour window is decided from the messages either way.
 * heartbeatSeconds: how far GET /status `lastInboundAt` may lag the newest inbound message (0: every delivery writes).
 * systemLogLevel: Lambda's system log level (JSON log format): `WARN` leaves out the START, END and REPORT lines
 *   of every invocation (a third of a text's log bytes; Lambda's metrics carry duration, errors and timeouts);
 *   `INFO` keeps them (Lambda's text format, as before).
 * metaWebhookIngress: `functionUrl` serves Meta's webhook (and its GET handshake, /health) from the webhook
 *   function's own URL, which costs nothing per request; `httpApi` routes it through the HTTP API ($1.00 a
 *   million, with the API's per-route throttling and access log). Admin and Wazzup24 routes stay on the HTTP API.
 */
export const costControls = {
  tracing: 'off',
  logLevel: 'INFO',
  logLambdaContext: 'compact',
  accessLogFormat: 'compact',
  contactRefreshMinutes: 60,
  heartbeatSeconds: 60,
  systemLogLevel: 'WARN',
  metaWebhookIngress: 'functionUrl',
} as const;

export const COST_CONTROL_CHOICES = {
  tracing: ['off', 'active'],
  logLevel: ['DEBUG', 'INFO', 'WARN', 'ERROR'],
  logLambdaContext: ['compact', 'full'],
  accessLogFormat: ['compact', 'standard'],
  systemLogLevel: ['WARN', 'INFO'],
  metaWebhookIngress: ['functionUrl', 'httpApi'],
} as const;

export type OcrEngineName = (typeof cardPipeline.ocrEngines)[number];

/** Environment variables every function gets. */
export const commonEnv = {
  /** Graph API version used for every call; newest stable per ../shared/reference/meta-cloud-api-facts.md. */
  GRAPH_API_VERSION: 'v26.0',
} as const;

export interface ScheduleSpec {
  readonly function: FunctionName;
  /** EventBridge schedule expression: `rate(1 day)`, `cron(0 6 * * ? *)`. */
  readonly expression: string;
  /** Context parameter (`-c name=...`) that overrides the expression. */
  readonly contextOverride: string;
}

/** Functions run on a timer rather than by a route or a queue. */
export const schedules = {
  tokenWatch: { function: 'tokenWatch', expression: 'rate(1 day)', contextOverride: 'tokenWatchSchedule' },
} as const satisfies Record<string, ScheduleSpec>;

/**
 * The access token's lifecycle (lib/constructs/token-lifecycle.ts). Each default can be overridden with the
 * context parameter of the same name (`-c rotationDays=45`).
 */
export const tokenLifecycle = {
  /** How long a Lambda container keeps the token before re-reading the secret (a Graph 190 re-reads at once). */
  cacheTtlSeconds: 300,
  /** Secrets Manager rotation schedule. Meta's refreshed tokens last 60 days. */
  rotationDays: 30,
  /** The expiry alarm fires when fewer days than this remain. */
  tokenExpiryWarnDays: 14,
  /** Revoke the token a rotation replaced (oauth/revoke), once the grace period has passed. */
  revokePreviousToken: false,
  /** Must exceed cacheTtlSeconds, so no warm container still holds the old token when it is revoked. */
  revokeGraceMinutes: 60,
  /** What TokenDaysToExpiry reports for a token that never expires (debug_token expires_at 0). */
  neverExpiresDays: 3650,
} as const;
