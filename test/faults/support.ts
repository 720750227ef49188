// What the fault tests share: failing chosen calls of a real AWS SDK client (DynamoDB, SQS) from inside its
// middleware stack, and draining a fauxqs queue through a consumer's handler the way Lambda's SQS event source
// does (receive a batch, call the handler, delete what succeeded, leave the reported failures to the queue).
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MiddlewareStack } from '@smithy/types';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { toSqsRecord } from '../../lib/local/queue-poller.js';

export interface FaultInjector {
  /** Every call the client made since the last reset, by command name (`PutCommand`, `SendMessageBatchCommand`). */
  readonly calls: string[];
  /** Fails the calls `when` picks, `number` being the call's 1-based position since the last reset. */
  failWhen(when: ((call: { command: string; number: number }) => boolean) | undefined): void;
  reset(): void;
}

/**
 * Adds a middleware at the `initialize` step, before the SDK's own retries: an injected failure is what the
 * caller sees once the SDK has given up, as in a real outage or a throttling storm.
 */
export function injectFaults(client: { middlewareStack: unknown }, error: () => Error, name = 'injectFaults'): FaultInjector {
  const calls: string[] = [];
  let when: ((call: { command: string; number: number }) => boolean) | undefined;
  (client.middlewareStack as MiddlewareStack<object, object>).add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName);
      calls.push(command);
      if (when?.({ command, number: calls.length })) throw error();
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    calls,
    failWhen(w) {
      when = w;
    },
    reset() {
      calls.length = 0;
      when = undefined;
    },
  };
}

/** An AWS service error as the SDK raises it after its retries (a 5xx). */
export const serviceError = (name: string, message = 'injected failure') => () =>
  Object.assign(new Error(message), { name, $fault: 'server', $metadata: { httpStatusCode: 500 } });

export interface QueueRef {
  url: string;
  arn: string;
}

/**
 * Receives batches from `queue` and hands them to `handler` until a receive comes back empty (a message the
 * handler hid for a while is not waited for). Returns the batches handled and the failures they reported.
 */
export async function drainQueue(
  client: SQSClient,
  queue: QueueRef,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<{ batches: number; failures: number }> {
  let batches = 0;
  let failures = 0;
  for (;;) {
    if (batches >= (options.maxBatches ?? 50)) throw new Error(`${queue.url} still had messages after ${batches} batches`);
    const response = await handleOneBatch(client, queue, handler, options.batchSize);
    if (!response) return { batches, failures };
    batches += 1;
    failures += response.batchItemFailures.length;
  }
}

/** A time a few minutes ago, whole seconds: inbound messages inside the 24-hour window, stable within a run. */
export function minutesAgo(minutes: number, plusSeconds = 0): Date {
  const base = Math.floor(Date.now() / 60_000) * 60_000 - minutes * 60_000;
  return new Date(base + plusSeconds * 1000);
}

/** One receive and one handler call, as one Lambda invocation: what succeeded is deleted. Undefined when empty. */
export async function handleOneBatch(
  client: SQSClient,
  queue: QueueRef,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
  batchSize = 10,
): Promise<SQSBatchResponse | undefined> {
  const out = await client.send(
    new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: batchSize, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
  );
  const messages = out.Messages ?? [];
  if (!messages.length) return undefined;
  const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, queue.arn)) };
  const response = await handler(event);
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = event.Records.filter((r) => !failed.has(r.messageId));
  if (done.length) {
    await client.send(new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }));
  }
  return response;
}
