// The card queue: the webhook sends card jobs to it (through the WorkSink of outbound-queue.ts) and the card
// worker changes the visibility of the jobs it retries. Its URL comes from CARD_QUEUE_URL (resources.ts).
import { queues } from '../../../lib/resources.js';
import type { ReplyJob } from '../../domain/outbound/outbound-job.js';
import type { ReplySink } from '../../domain/cards/card-pipeline.js';
import { optionalEnv } from '../runtime/env.js';
import { createJobQueue, type JobQueue } from './outbound-queue.js';

/** The card queue when this function may send to it (the stack sets the URL only where resources.ts says so). */
export function cardQueueFromEnv(env: NodeJS.ProcessEnv = process.env): JobQueue | undefined {
  const url = optionalEnv(queues.card.envVar, env);
  return url ? createJobQueue(url) : undefined;
}

/** Card replies go out as reply jobs on the outbound queue (domain/outbound/outbound-job.ts), never straight to Graph. */
export function createReplySink(outbound: Pick<JobQueue, 'send'>): ReplySink {
  return {
    // The wire form decodeJob reads: plain JSON of the job (encodeJob would pull the sender's modules in).
    enqueue: (job: ReplyJob) => outbound.send([JSON.stringify(job)]),
  };
}
