// SQS helpers shared by the queue consumers (sender.ts, card-batch.ts): decode a record's attempt, encode a retry.
import type { SQSRecord } from 'aws-lambda';
import type { JobQueue } from '../adapters/queues/outbound-queue.js';

/** Failures the domain did not classify (a store outage): hidden this long before SQS hands them out again. */
export const UNEXPECTED_FAILURE_DELAY_SECONDS = 30;

class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

/** This delivery's attempt number, 1 for the first (SQS's ApproximateReceiveCount). */
export function attemptOf(record: SQSRecord): number {
  return Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
}

/**
 * Hides the record for `seconds` and reports it failed to the batch processor. 0 makes it visible at once, so a
 * record out of attempts reaches the dead-letter queue at its next receive instead of after the visibility timeout.
 */
export async function hideThenFail(queue: Pick<JobQueue, 'changeVisibility'>, record: SQSRecord, seconds: number, why: string): Promise<never> {
  await queue.changeVisibility(record.receiptHandle, seconds);
  throw new RetryLater(why);
}
