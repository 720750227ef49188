// SQS for work queues: send job bodies in batches (the webhook's WorkSink), and change a received message's
// visibility (the sender's retry delay). The endpoint comes from the SDK's standard AWS_ENDPOINT_URL_SQS, which
// the local runner points at fauxqs.
import { CLIENT_LIMITS, sdkClientLimits } from '../runtime/client-limits.js';
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SQSClient,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import type { WorkJob, WorkSink } from '../../domain/shared/ports.js';

/** SQS's batch ceiling. */
const BATCH = 10;
/** Rounds of resending the entries SQS reported as failed (throttling) before giving up. */
const MAX_ROUNDS = 4;

export interface JobQueue {
  readonly url: string;
  /** Sends every body or throws: an entry SQS keeps refusing fails the whole call. */
  send(bodies: readonly string[]): Promise<void>;
  /** Hides a received message for `seconds` (0 = visible now). */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
}

let shared: SQSClient | undefined;

/** One client per container, created on first use (a function that never sends pays nothing). */
export function sqsClient(): SQSClient {
  shared ??= new SQSClient({
    ...sdkClientLimits(CLIENT_LIMITS.sqs),
    // Send to the configured (regional) endpoint, never to a queue URL's own host: in AWS they are the same,
    // locally fauxqs names queues by a host (`sqs.<region>.localhost`) that does not resolve everywhere.
    useQueueUrlAsEndpoint: false,
  });
  return shared;
}

export function createJobQueue(url: string, client: SQSClient = sqsClient()): JobQueue {
  return {
    url,
    async send(bodies) {
      for (let start = 0; start < bodies.length; start += BATCH) {
        let entries: SendMessageBatchRequestEntry[] = bodies
          .slice(start, start + BATCH)
          .map((body, i) => ({ Id: String(i), MessageBody: body }));
        for (let round = 0; entries.length; round++) {
          if (round === MAX_ROUNDS) {
            throw new Error(`SQS refused ${entries.length} message(s) for ${url} after ${MAX_ROUNDS} rounds`);
          }
          if (round) await new Promise((r) => setTimeout(r, 50 * 2 ** round));
          const out = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
          const failed = out.Failed ?? [];
          // A sender fault (bad body) will not get better by resending.
          const fatal = failed.find((f) => f.SenderFault);
          if (fatal) throw new Error(`SQS rejected a message for ${url}: ${fatal.Code ?? ''} ${fatal.Message ?? ''}`.trim());
          const retry = new Set(failed.map((f) => f.Id));
          entries = entries.filter((e) => retry.has(e.Id));
        }
      }
    },
    async changeVisibility(receiptHandle, seconds) {
      await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
    },
  };
}

export interface WorkSinkQueues {
  /** Command jobs (bot replies) go to the outbound queue. */
  outbound: JobQueue;
  /** Card jobs; until the card pipeline is deployed they are logged and left on the stored message. */
  card?: JobQueue;
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

/** The webhook's WorkSink: each job to the queue of its kind, after the delivery is stored. */
export function createWorkSink(queues: WorkSinkQueues): WorkSink {
  return {
    async enqueue(jobs: readonly WorkJob[]) {
      const commands = jobs.filter((j) => j.kind === 'command');
      const cards = jobs.filter((j) => j.kind === 'card');
      const sends: Promise<void>[] = [];
      // Plain JSON, the wire form decodeJob (domain/outbound/outbound-job.ts) reads; importing that module here would pull
      // the sender's validation and texts into the webhook bundle.
      if (commands.length) sends.push(queues.outbound.send(commands.map((j) => JSON.stringify(j))));
      if (cards.length) {
        if (queues.card) sends.push(queues.card.send(cards.map((j) => JSON.stringify(j))));
        else queues.warn?.('no card queue configured: card jobs not enqueued', { messageIds: cards.map((c) => c.messageId) });
      }
      await Promise.all(sends);
    },
  };
}
