// Local stand-in for Lambda's SQS event source mapping: receive a batch, call the consumer's handler with a real
// SQSEvent, delete what succeeded, leave the reported failures (the handler may have changed their visibility;
// otherwise they reappear after the queue's visibility timeout). Dead-lettering after maxReceiveCount is the
// queue's own redrive policy (fauxqs applies it at receive, as SQS does).
import { asInvocation } from './invocation.js';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { queues, type QueueName } from '../resources.js';
import { fauxqsService, LOCAL_REGION, type LocalQueues } from './fauxqs-server.js';
import { queueHandlers, type QueueHandler } from './handlers.js';
import type { LocalService } from './runner.js';

export interface QueuePollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: QueueHandler;
  /** Records per event, at most 10 (one ReceiveMessage). */
  batchSize: number;
  /** Long-poll wait; short so stop() is quick. Default 1 s. */
  waitSeconds?: number;
  onError?: (error: unknown) => void;
}

export interface QueuePoller {
  /** Batches handled so far. */
  readonly batches: number;
  stop(): Promise<void>;
}

export function localSqsClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
}

function toAttributes(attrs: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, a] of Object.entries(attrs ?? {})) {
    out[name] = {
      dataType: a.DataType ?? 'String',
      stringListValues: a.StringListValues ?? [],
      binaryListValues: (a.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { binaryValue: Buffer.from(a.BinaryValue).toString('base64') } : {}),
    };
  }
  return out;
}

/** A received message as Lambda's event source presents it. */
export function toSqsRecord(m: Message, queueArn: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: toAttributes(m.MessageAttributes),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const stopping = new AbortController();
  let batches = 0;
  const onError = options.onError ?? ((e: unknown) => console.error(`queue poller (${options.queueUrl}):`, e));

  async function pollOnce(): Promise<void> {
    const out = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, options.batchSize)),
        WaitTimeSeconds: options.waitSeconds ?? 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: stopping.signal },
    );
    const messages = out.Messages ?? [];
    if (!messages.length) return;
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, options.queueArn)) };
    let failed: Set<string>;
    try {
      const response = await asInvocation(() => options.handler(event));
      const ids = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      // Lambda treats an unknown or empty identifier as a failure of the whole batch.
      failed = ids.some((id) => !id || !event.Records.some((r) => r.messageId === id))
        ? new Set(event.Records.map((r) => r.messageId))
        : new Set(ids);
    } catch (error) {
      onError(error);
      failed = new Set(event.Records.map((r) => r.messageId));
    }
    batches += 1;
    const done = event.Records.filter((r) => !failed.has(r.messageId));
    if (done.length) {
      await options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await pollOnce();
      } catch (error) {
        if (stopping.signal.aborted) return;
        onError(error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    get batches() {
      return batches;
    },
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}

/**
 * The LocalService: one poller per queue of resources.ts, calling its consumer's handler. Starts after the
 * fauxqs service (whose queues it is handed) and after every variable the handlers read at load is set.
 */
export function queuePollerService(localQueues: () => LocalQueues | undefined, only?: readonly QueueName[]): LocalService {
  return {
    name: 'queue pollers',
    async start() {
      const local = localQueues();
      if (!local) throw new Error('the queue pollers need the fauxqs service to start first');
      const client = localSqsClient(local.endpoint);
      const pollers: QueuePoller[] = [];
      const polled = (Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][]).filter(([name]) => !only || only.includes(name));
      for (const [name, spec] of polled) {
        const { handler } = await queueHandlers[spec.consumer]();
        const q = local.queues[name];
        pollers.push(startQueuePoller({ client, queueUrl: q.url, queueArn: q.arn, handler, batchSize: spec.batchSize }));
      }
      return {
        info: polled.map(([name, spec]) => `  consumer  ${spec.consumer} polls ${name} (batches of ${Math.min(10, spec.batchSize)})`),
        async close() {
          await Promise.all(pollers.map((p) => p.stop()));
          client.destroy();
        },
      };
    },
  };
}

/** fauxqs and the pollers, in the order the runner must start them. `only`: poll just these queues (tests). */
export function queueServices(options: { only?: readonly QueueName[] } = {}): LocalService[] {
  let local: LocalQueues | undefined;
  return [fauxqsService((q) => (local = q)), queuePollerService(() => local, options.only)];
}
