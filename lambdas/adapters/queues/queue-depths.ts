// Depth of every work queue and its dead-letter queue: SQS GetQueueAttributes (two counts each), from the URLs
// resources.ts names (envVar, dlqEnvVar) and the stack sets on functions with `queueDepths`. The age of the
// oldest message is a CloudWatch metric, not a queue attribute, and is not read here (README, GET /status).
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queues, type QueueName } from '../../../lib/resources.js';
import type { QueueState } from '../../domain/operations/system-status.js';
import { optionalEnv } from '../runtime/env.js';
import { sqsClient } from './outbound-queue.js';

async function counts(client: SQSClient, url: string): Promise<{ visible: number; notVisible: number }> {
  const out = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  const n = (k: string) => Number(out.Attributes?.[k as keyof typeof out.Attributes] ?? 0) || 0;
  return { visible: n('ApproximateNumberOfMessages'), notVisible: n('ApproximateNumberOfMessagesNotVisible') };
}

/** Every queue whose URLs are in the environment; throws when none is (the function was not granted them). */
export function queueDepthsFromEnv(env: NodeJS.ProcessEnv = process.env, client: SQSClient = sqsClient()): () => Promise<Record<string, QueueState>> {
  return async () => {
    const named = (Object.keys(queues) as QueueName[]).flatMap((name) => {
      const url = optionalEnv(queues[name].envVar, env);
      const dlq = optionalEnv(queues[name].dlqEnvVar, env);
      return url && dlq ? [{ name, url, dlq }] : [];
    });
    if (!named.length) throw new Error('no queue URLs in the environment (the function needs queueDepths in lib/resources.ts)');
    const states = await Promise.all(
      named.map(async ({ name, url, dlq }) => {
        const [main, dead] = await Promise.all([counts(client, url), counts(client, dlq)]);
        return [name, { depth: main.visible, inFlight: main.notVisible, deadLetters: dead.visible + dead.notVisible }] as const;
      }),
    );
    return Object.fromEntries(states);
  };
}
