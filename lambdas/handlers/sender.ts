// Sender Lambda: consumes the outbound queue (bot command jobs, reply jobs) with partial batch failures.
// Thin: decode each record, let the domain handle the job, turn its answer into SQS terms: a retry hides the
// message for the policy's delay (ChangeMessageVisibility) and reports it failed; out of attempts it is made
// visible at once and reported failed, so SQS moves it to the dead-letter queue at its next receive.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { queues } from '../../lib/resources.js';
import { isLang } from '../domain/bot/language.js';
import { decodeJob, handleOutboundJob, InvalidJob, jobKey, type JobDeps, type JobResult } from '../domain/outbound/outbound-job.js';
import { createSender, graphChannel } from '../domain/outbound/sender.js';
import { createContactStore } from '../adapters/dynamo/contact-store.js';
import { dynamo } from '../adapters/dynamo/dynamo-client.js';
import { optionalEnv, requireEnv, tableNameFromEnv } from '../adapters/runtime/env.js';
import { createIdempotencyStore, JOB_IDEMPOTENCY_TTL_SECONDS } from '../adapters/dynamo/idempotency-store.js';
import { correlationKeys, logger } from '../adapters/runtime/logger.js';
import { createMessageStore } from '../adapters/dynamo/message-store.js';
import { graphClientFromEnv } from '../adapters/meta/meta-config.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { metricSink, metricsMiddleware } from '../adapters/runtime/metrics.js';
import { createJobQueue, type JobQueue } from '../adapters/queues/outbound-queue.js';
import { attemptOf, hideThenFail, UNEXPECTED_FAILURE_DELAY_SECONDS } from './sqs.js';
import { wazzupChannel, wazzupClientFromEnv } from '../adapters/wazzup/wazzup-channel.js';

export interface SenderHandlerDeps {
  jobs: JobDeps;
  queue: Pick<JobQueue, 'changeVisibility'>;
  /** Seconds a job that failed unexpectedly (a store outage) stays hidden. Default UNEXPECTED_FAILURE_DELAY_SECONDS. */
  unexpectedFailureDelaySeconds?: number;
  /** The queue's maxReceiveCount: an unexpected failure on the last receive is counted as a failed send. */
  maxReceiveCount?: number;
}

export function createSenderHandler(deps: SenderHandlerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const hide = (record: SQSRecord, seconds: number, why: string) => hideThenFail(deps.queue, record, seconds, why);
  const unexpectedDelay = deps.unexpectedFailureDelaySeconds ?? UNEXPECTED_FAILURE_DELAY_SECONDS;
  const maxReceives = deps.maxReceiveCount ?? queues.outbound.maxReceiveCount;

  async function handleRecord(record: SQSRecord, inFlight: Map<string, Promise<unknown>>): Promise<void> {
    const attempt = attemptOf(record);
    // Keys in each line rather than appended to the logger: the records of a batch are handled concurrently.
    const base = { queue_message_id: record.messageId, attempt };
    let result: JobResult;
    try {
      const job = decodeJob(record.body);
      // Copies of one job in a batch (Meta redelivered the command) run one after the other: run side by side,
      // all but one would find the idempotency claim busy and wait out a retry delay to learn it was sent.
      const key = jobKey(job);
      const before = inFlight.get(key);
      const mine = (async () => {
        if (before) await before.catch(() => undefined);
        return handleOutboundJob(job, attempt, deps.jobs);
      })();
      inFlight.set(key, mine);
      result = await mine;
    } catch (error) {
      if (error instanceof InvalidJob) {
        // Never dropped: straight back to the queue until the redrive policy parks it in the DLQ for a person.
        logger.error('unusable outbound job: sending it to the dead-letter queue', { ...base, reason: error.message });
        return hide(record, 0, error.message);
      }
      if (attempt >= maxReceives) {
        // Its last receive: the job goes to the dead-letter queue (alarmed), counted like any send given up.
        logger.error('outbound job failed unexpectedly on its last attempt: it goes to the dead-letter queue', { ...base, error: error as Error });
        metricSink.emit('Outbound', 1, { result: 'failed', code: 'error' });
        return hide(record, 0, String(error));
      }
      logger.error('outbound job failed unexpectedly', { ...base, error: error as Error });
      return hide(record, unexpectedDelay, String(error));
    }
    switch (result.action) {
      case 'done':
        logger.info('outbound job done', { ...base, outcome: result.outcome, wamid: result.wamid, detail: result.detail });
        return;
      case 'retry':
        if (result.cause === 'graph') metricSink.emit('GraphRetries', 1);
        logger.warn('outbound job will be retried', { ...base, delaySeconds: result.delaySeconds, detail: result.detail });
        return hide(record, result.delaySeconds, result.detail);
      case 'dead_letter':
        logger.error('outbound job gave up: it goes to the dead-letter queue', { ...base, detail: result.detail });
        return hide(record, 0, result.detail);
    }
  }

  return async (event) => {
    const inFlight = new Map<string, Promise<unknown>>();
    // A processor per invocation: it keeps per-batch state.
    return processPartialResponse(event, (record: SQSRecord) => handleRecord(record, inFlight), new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
    });
  };
}

export function defaultSenderDeps(): SenderHandlerDeps {
  const contacts = createContactStore(dynamo, tableNameFromEnv('contacts'));
  const messagesTable = tableNameFromEnv('messages');
  const messages = createMessageStore(dynamo, messagesTable);
  const graph = graphClientFromEnv();
  const defaultLang = optionalEnv('BOT_DEFAULT_LANG');
  const timeZone = optionalEnv('BOT_TIME_ZONE');
  return {
    queue: createJobQueue(requireEnv(queues.outbound.envVar)),
    jobs: {
      sender: createSender({
        // Each reply goes out through the channel its contact wrote from.
        channels: { meta: graphChannel(graph), wazzup24: wazzupChannel(wazzupClientFromEnv()) },
        contacts,
        messages,
        idempotency: createIdempotencyStore(dynamo, messagesTable, { ttlSeconds: JOB_IDEMPOTENCY_TTL_SECONDS }),
        metrics: metricSink,
        log: (message, fields) => logger.error(message, fields),
      }),
      contacts,
      bot: {
        contacts,
        messages,
        cards: {
          async facts(contactId) {
            const [ids, lastCard] = await Promise.all([contacts.cardContactIds(contactId), messages.lastCard(contactId)]);
            return { cardContacts: ids.length, ...(lastCard ? { lastCard } : {}) };
          },
        },
        ...(isLang(defaultLang) ? { defaultLang } : {}),
        ...(timeZone ? { timeZone } : {}),
      },
      // Blue ticks are Meta's: a Wazzup24 channel id (a UUID, not a numeric phone number id) has none to set.
      markRead: async (phoneNumberId, messageId) => (/^\d+$/.test(phoneNumberId) ? graph.markRead(phoneNumberId, messageId) : undefined),
      log: (message, fields) => logger.warn(message, fields),
    },
  };
}

// Built at module load: a missing variable fails the cold start with its name.
export const handler = lambdaEntry(
  middy(createSenderHandler(defaultSenderDeps()))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys())
    .use(metricsMiddleware()),
);
