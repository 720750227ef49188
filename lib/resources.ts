// The system's shape, declared once. The CDK stack (lib/stack.ts) and the local runner (lib/local/)
// both read this file, so the laptop and the cloud cannot drift apart. Nothing here imports AWS.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `public`: anyone (Meta, Wazzup24, health checks). `admin`: IAM (SigV4) in AWS, bearer ADMIN_TOKEN locally. */
export type RouteAuth = 'public' | 'admin';

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
}

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway HTTP API path syntax: `{id}` is a path parameter. */
  readonly path: string;
  readonly function: FunctionName;
  readonly auth: RouteAuth;
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
  /** The function that consumes the queue (batch, partial batch failures). */
  readonly consumer: FunctionName;
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
      byCreated: { partitionKey: 'listPk', sortKey: 'listSk' },
    },
  },
  messages: {
    envVar: 'MESSAGES_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: {
      // A contact's conversation in time order: `contactId`, `<timestamp ISO>#<message id>`.
      byContact: { partitionKey: 'contactId', sortKey: 'convSk' },
    },
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableSpec>;

export const queues = {} as const satisfies Record<string, QueueSpec>;

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
} as const satisfies Record<string, SecretSpec>;

export const functions = {
  webhook: {
    entry: 'lambdas/handlers/webhook.ts',
    description: 'Receives Meta webhooks: signature, parse, store exactly once, enqueue work',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { contacts: 'readWrite', messages: 'readWrite' },
    queues: {},
    secrets: ['appSecret', 'verifyToken'],
  },
  adminApi: {
    entry: 'lambdas/handlers/admin-api.ts',
    description: 'Admin routes: read messages and contacts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { contacts: 'read', messages: 'read' },
    queues: {},
    secrets: [],
  },
} as const satisfies Record<string, FunctionSpec>;

export const routes = [
  { method: 'GET', path: '/health', function: 'webhook', auth: 'public' },
  { method: 'GET', path: '/webhooks/whatsapp', function: 'webhook', auth: 'public' },
  { method: 'POST', path: '/webhooks/whatsapp', function: 'webhook', auth: 'public' },
  { method: 'GET', path: '/messages/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/contacts/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/contacts/{id}/messages', function: 'adminApi', auth: 'admin' },
] as const satisfies readonly RouteSpec[];

/** Environment variables every function gets. */
export const commonEnv = {
  /** Graph API version used for every call; newest stable per ../shared/reference/meta-cloud-api-facts.md. */
  GRAPH_API_VERSION: 'v26.0',
} as const;
