// What one delivery of each kind consumed, as bench/cost-measure.ts measures it and lib/cost/model.ts prices it.
import type { FunctionName, QueueName } from '../resources.js';

export type Kind = 'textNew' | 'textOngoing' | 'textReopen' | 'command' | 'status' | 'adminSend' | 'cardQr';

export const KIND_LABELS: Record<Kind, string> = {
  textNew: 'text, first from a new customer',
  textOngoing: 'text, same customer minutes later',
  textReopen: 'text, known customer after contactRefreshMinutes',
  command: '/start and its reply',
  status: 'status webhook (sent, delivered or read)',
  adminSend: 'POST /messages (admin send)',
  cardQr: 'card photo with a QR code, and its reply',
};

export interface Invocations {
  count: number;
  /** Local wall time of each invocation, ms. */
  wallMs: number[];
  /** CPU time of this process during each invocation, ms (DynamoDB runs in another process). */
  cpuMs: number[];
}

export interface LogOutput {
  lines: number;
  bytes: number;
  /** EMF documents among them (CloudWatch turns them into metrics). */
  emfLines: number;
  /** Lines at INFO or DEBUG (gone with logLevel WARN), and their bytes. */
  infoLines: number;
  infoBytes: number;
}

export interface DynamoUsage {
  calls: number;
  readUnits: number;
  writeUnits: number;
  /** Writes to global secondary indexes: computed from item images (dynalite does not count them). */
  indexWriteUnits: number;
  /** Failed conditional writes: DynamoDB charges them, dynalite does not count them. */
  failedWriteUnits: number;
  /** Writes of the inbound heartbeat (GET /status lastInboundAt), apart: measured on every delivery, written at
   *  most once per heartbeatSeconds per container in AWS, which the model applies. */
  heartbeatWriteUnits: number;
  byOperation: Record<string, number>;
}

export interface KindUsage {
  kind: Kind;
  /** How many were sent; the figures are sums over them. */
  samples: number;
  /** Admin HTTP API requests that started it (POST /messages) and their body bytes. */
  apiRequests: number;
  apiRequestBytes: number;
  /** Meta's webhook POSTs and their body bytes: through the webhook's function URL or the HTTP API (metaWebhookIngress). */
  webhookRequests: number;
  webhookRequestBytes: number;
  lambda: Partial<Record<FunctionName, Invocations>>;
  logs: Partial<Record<FunctionName, LogOutput>>;
  dynamo: DynamoUsage;
  /** Requests the functions made, by operation. */
  sqs: Record<string, number>;
  s3: Record<string, number>;
  graphCalls: number;
  /** Jobs delivered by an SQS event source mapping (Lambda's poller receives and deletes each). */
  queueJobs: Partial<Record<QueueName, number>>;
}

export interface Measurement {
  /** The settings the handlers ran with. */
  settings: { contactRefreshMinutes: number; logLambdaContext: 'compact' | 'full' };
  kinds: Record<Kind, KindUsage>;
  /** Distinct metric series (namespace/name{dimensions}) the EMF lines published. */
  metricSeries: string[];
  /** Stored sizes (DynamoDB's rules) of an inbound text message and a contact profile, bytes. */
  itemBytes: { textMessage: number; contactProfile: number };
  /** gzip size / raw size of all log output (CloudWatch Logs stores archived data compressed). */
  logCompression: number;
}
