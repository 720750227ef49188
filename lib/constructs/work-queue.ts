import { Duration, Validations } from 'aws-cdk-lib';
import { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LambdaFunction } from './lambda-function.js';
import type { QueueModel } from './resource-model.js';

/** AWS's guidance for SQS event sources: visibility timeout at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface WorkQueueProps {
  readonly spec: QueueModel;
  /** Timeout of the consuming function; the visibility timeout is derived from it. */
  readonly consumerTimeoutSeconds: number;
}

/**
 * A work queue from a resources.ts declaration: SSE-SQS, TLS only, a dead-letter queue after
 * `maxReceiveCount` receives (kept 14 days, the SQS maximum, so a person has time to look).
 */
export class WorkQueue extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly spec: QueueModel;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.spec = props.spec;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.consumerTimeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.spec.maxReceiveCount },
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is the dead-letter queue of the work queue: the end of the line, alarmed on its depth and kept 14 days; a redrive policy here would only move failed jobs further from the person who has to look at them.',
    });
  }

  /** Grants send to a producer and sets the queue URL env var. */
  public connectProducer(producer: LambdaFunction): void {
    this.queue.grantSendMessages(producer.role);
    producer.addEnvironment(this.spec.envVar, this.queue.queueUrl);
  }

  /** Event source mapping with partial batch failures (and at most `maxConcurrency` invocations); the mapping grants the consume actions. */
  public connectConsumer(consumer: LambdaFunction, maxConcurrency?: number): void {
    consumer.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.spec.batchSize,
        ...(maxConcurrency ? { maxConcurrency } : {}),
        reportBatchItemFailures: true,
        // SQS rejects batches above 10 without a batching window.
        ...(this.spec.batchSize > 10 ? { maxBatchingWindow: Duration.seconds(1) } : {}),
      }),
    );
    consumer.addEnvironment(this.spec.envVar, this.queue.queueUrl);
    const mapping = consumer.function.node.children.filter((c): c is EventSourceMapping => c instanceof EventSourceMapping).at(-1);
    if (mapping) {
      Validations.of(mapping).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason: "Lambda supports on-failure destinations for stream and Kafka sources, not SQS: a job that keeps failing goes to the queue's own dead-letter queue through its redrive policy.",
      });
    }
    consumer.invokedSynchronously('its SQS event source mapping', "A failed job returns to the queue and, after maxReceiveCount receives, moves to the queue's dead-letter queue.");
  }
}
