// The card worker's SQS batch handler, without its engines: the Lambda entry (card-worker.ts) and the local
// runner (lib/local/card-worker.ts) give it a reader each. Thin: decode each record, let the pipeline
// (domain/cards/card-pipeline.ts) run the job, turn its answer into SQS terms: a retry hides the message for the
// pipeline's delay and reports it failed; the last attempt (the customer already told) makes it visible at once
// and reports it failed, so SQS moves it to the dead-letter queue at its next receive.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { cardPipeline, queues } from '../../lib/resources.js';
import {
  decodeCardJob,
  InvalidCardJob,
  processCardJob,
  type CardImageReader,
  type CardPipelineDeps,
} from '../domain/cards/card-pipeline.js';
import { isLang } from '../domain/bot/language.js';
import { createCardProgressStore } from '../adapters/dynamo/card-progress-store.js';
import { createCardQuotaStore } from '../adapters/dynamo/card-quota-store.js';
import { createReplySink } from '../adapters/queues/card-queue.js';
import { createContactStore } from '../adapters/dynamo/contact-store.js';
import { dynamo } from '../adapters/dynamo/dynamo-client.js';
import { optionalEnv, requireEnv, tableNameFromEnv } from '../adapters/runtime/env.js';
import { graphMediaSource } from '../adapters/meta/graph-media.js';
import { logger } from '../adapters/runtime/logger.js';
import { graphClientFromEnv } from '../adapters/meta/meta-config.js';
import { createMediaStore } from '../adapters/cards/media-store.js';
import { createUrlMediaSource } from '../adapters/cards/url-media.js';
import { metricSink } from '../adapters/runtime/metrics.js';
import { createJobQueue, type JobQueue } from '../adapters/queues/outbound-queue.js';
import { attemptOf, hideThenFail, UNEXPECTED_FAILURE_DELAY_SECONDS } from './sqs.js';

/** The stack's default too (lib/constructs/context.ts CARDS_PER_SENDER_PER_HOUR; not imported: it loads CDK). */
const DEFAULT_CARDS_PER_SENDER_PER_HOUR = 20;

export interface CardWorkerDeps {
  pipeline: CardPipelineDeps;
  queue: Pick<JobQueue, 'changeVisibility'>;
}

export function createCardWorkerHandler(deps: CardWorkerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const hide = (record: SQSRecord, seconds: number, why: string) => hideThenFail(deps.queue, record, seconds, why);

  async function handleRecord(record: SQSRecord): Promise<void> {
    const attempt = attemptOf(record);
    const base = { sqsMessageId: record.messageId, attempt };
    let result;
    try {
      const job = decodeCardJob(record.body);
      Object.assign(base, { messageId: job.messageId });
      result = await processCardJob(job, attempt, deps.pipeline);
    } catch (error) {
      if (error instanceof InvalidCardJob) {
        // Never dropped: back to the queue at once until the redrive policy parks it in the DLQ for a person.
        logger.error('unusable card job: sending it to the dead-letter queue', { ...base, reason: error.message });
        return hide(record, 0, error.message);
      }
      logger.error('card job failed unexpectedly', { ...base, error: error as Error });
      return hide(record, UNEXPECTED_FAILURE_DELAY_SECONDS, String(error));
    }
    switch (result.action) {
      case 'done':
        logger.info('card job done', { ...base, outcome: result.outcome, detail: result.detail });
        return;
      case 'retry':
        logger.warn('card job will be retried', { ...base, delaySeconds: result.delaySeconds, detail: result.detail });
        return hide(record, result.delaySeconds, result.detail);
      case 'dead_letter':
        logger.error('card job gave up (customer told): it goes to the dead-letter queue', { ...base, detail: result.detail });
        return hide(record, 0, result.detail);
    }
  }

  return async (event) =>
    // One record at a time: OCR is CPU and memory heavy, and the batch is small.
    processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
      processInParallel: false,
    });
}

/** Comma-separated seconds (`20,60`); absent = the pipeline's default. */
export function retryDelaysFromEnv(env: NodeJS.ProcessEnv = process.env): number[] | undefined {
  const text = optionalEnv('CARD_RETRY_DELAYS_SECONDS', env);
  if (!text) return undefined;
  const delays = text.split(',').map((s) => Number(s.trim()));
  // SQS accepts visibility timeouts up to 12 hours.
  if (!delays.length || delays.some((d) => !Number.isInteger(d) || d < 0 || d > 43_200)) {
    throw new Error(`CARD_RETRY_DELAYS_SECONDS must be comma-separated whole seconds (0 to 43200), got "${text}"`);
  }
  return delays;
}

/** Cards per customer per hour: CARDS_PER_SENDER_PER_HOUR (the stack sets context cardsPerSenderPerHour), else 20. */
export function cardsPerSenderFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = optionalEnv(cardPipeline.cardsPerSenderEnvVar, env);
  if (text === undefined) return DEFAULT_CARDS_PER_SENDER_PER_HOUR;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${cardPipeline.cardsPerSenderEnvVar} must be a positive whole number, got "${text}"`);
  return n;
}

/** The stores, queues and Graph client every card worker uses, with the given reader. `mediaAllowOrigins`:
 *  origins media may come from without the public https check (the local runner's sandboxes; never in AWS). */
export function cardWorkerDeps(reader: CardImageReader, env: NodeJS.ProcessEnv = process.env, options: { mediaAllowOrigins?: readonly string[] } = {}): CardWorkerDeps {
  const contacts = createContactStore(dynamo, tableNameFromEnv('contacts', env));
  const allow = options.mediaAllowOrigins?.length ? options.mediaAllowOrigins : undefined;
  const graph = graphClientFromEnv(env, allow ? { mediaAllowOrigins: allow } : {});
  const defaultLang = optionalEnv('BOT_DEFAULT_LANG', env);
  const delays = retryDelaysFromEnv(env);
  return {
    queue: createJobQueue(requireEnv(queues.card.envVar, env)),
    pipeline: {
      progress: createCardProgressStore(dynamo, tableNameFromEnv('messages', env)),
      quota: createCardQuotaStore(dynamo, tableNameFromEnv('messages', env), cardsPerSenderFromEnv(env)),
      media: graphMediaSource(graph),
      // Wazzup24 card photos come as a contentUri: downloaded directly, not through Graph.
      urlMedia: createUrlMediaSource(allow ? { allowOrigins: allow } : {}),
      store: createMediaStore({ bucket: requireEnv(cardPipeline.mediaBucketEnvVar, env) }),
      reader,
      contacts,
      replies: createReplySink(createJobQueue(requireEnv(queues.outbound.envVar, env))),
      metrics: metricSink,
      maxAttempts: queues.card.maxReceiveCount,
      ...(delays ? { retryDelaysSeconds: delays } : {}),
      ...(isLang(defaultLang) ? { defaultLang } : {}),
      log: (message, fields) => logger.warn(message, fields),
    },
  };
}
