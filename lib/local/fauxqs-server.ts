// Local SQS: fauxqs (in-process, in memory) hosting every queue of resources.ts with its dead-letter queue and
// the same redrive policy and visibility timeout as the stack, so retries and dead-lettering behave as in AWS.
import { cardPipeline, functions, queues, type QueueName } from '../resources.js';
import { LOCAL_TABLE_PREFIX } from './defaults.js';
import { startLoopbackFauxqs, type LocalFauxqs } from './fauxqs-loopback.js';
import type { LocalService } from './runner.js';

/** lib/constructs/work-queue.ts VISIBILITY_TIMEOUT_FACTOR (not imported: that module loads aws-cdk-lib). */
const VISIBILITY_TIMEOUT_FACTOR = 6;
export const LOCAL_REGION = 'us-east-1';

export interface LocalQueue {
  name: string;
  url: string;
  arn: string;
  dlqName: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface LocalQueues {
  endpoint: string;
  queues: Record<QueueName, LocalQueue>;
  /** The card media bucket (fauxqs also speaks S3): MEDIA_BUCKET, reached at AWS_ENDPOINT_URL_S3 path-style. */
  mediaBucket: string;
  server: LocalFauxqs;
  /** What the handlers need: the SDK's standard endpoint variable and each queue's URL variable. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startLocalQueues(options: { port?: number; prefix?: string } = {}): Promise<LocalQueues> {
  // Loopback only: the queues carry jobs the sender delivers with the real token, the bucket card photos.
  const server = await startLoopbackFauxqs({ port: options.port ?? 0, host: '127.0.0.1', region: LOCAL_REGION });
  const prefix = options.prefix ?? LOCAL_TABLE_PREFIX;
  const created = {} as Record<QueueName, LocalQueue>;
  const endpoint = `http://127.0.0.1:${server.port}`;
  const env: Record<string, string> = { AWS_ENDPOINT_URL_SQS: endpoint };
  for (const [name, spec] of Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][]) {
    const consumer = functions[spec.consumer as keyof typeof functions];
    const dlq = server.createQueue(`${prefix}-${name}-dlq`, { region: LOCAL_REGION, attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) } });
    const queue = server.createQueue(`${prefix}-${name}`, {
      region: LOCAL_REGION,
      attributes: {
        VisibilityTimeout: String(consumer.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: spec.maxReceiveCount }),
      },
    });
    created[name] = {
      name: queue.queueName,
      url: queue.queueUrl,
      arn: queue.queueArn,
      dlqName: dlq.queueName,
      dlqUrl: dlq.queueUrl,
      dlqArn: dlq.queueArn,
    };
    env[spec.envVar] = created[name].url;
  }
  const mediaBucket = server.createBucket(`${prefix}-media`).bucketName;
  env[cardPipeline.mediaBucketEnvVar] = mediaBucket;
  env.AWS_ENDPOINT_URL_S3 = endpoint;
  return { endpoint, queues: created, mediaBucket, server, env, close: () => server.stop() };
}

/** The LocalService: starts fauxqs and hands the handlers its endpoint and queue URLs. */
export function fauxqsService(onStart?: (queues: LocalQueues) => void): LocalService {
  return {
    name: 'queues',
    async start() {
      const local = await startLocalQueues();
      onStart?.(local);
      const lines = Object.entries(local.queues).map(
        ([name, q]) => `            ${name.padEnd(10)} ${q.name} (dead letters: ${q.dlqName}, after ${queues[name as QueueName].maxReceiveCount} receives)`,
      );
      return {
        env: local.env,
        info: [`  queues    fauxqs (in memory) at ${local.endpoint}, also S3 for the media bucket ${local.mediaBucket}`, ...lines],
        close: local.close,
      };
    },
  };
}
