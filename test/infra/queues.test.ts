// resources.ts declares no queue yet; this proves the queue wiring on a variant of it, so the first
// real queue (outbound replies, business cards) lands on code that is already tested.
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { ResourceModel } from '../../lib/constructs/resource-model.js';
import { VISIBILITY_TIMEOUT_FACTOR } from '../../lib/constructs/work-queue.js';
import { resourceModel } from '../../lib/stack.js';
import { asList, logicalId, referencedIds, resources, roleStatements, synthStack } from '../support/synth.js';

const withQueue: ResourceModel = {
  ...resourceModel,
  queues: { jobs: { envVar: 'JOBS_QUEUE_URL', consumer: 'worker', batchSize: 5, maxReceiveCount: 4 } },
  functions: {
    ...resourceModel.functions,
    webhook: { ...resourceModel.functions['webhook']!, queues: { jobs: 'send' } },
    worker: {
      // Any existing handler file will do: bundling is skipped in tests.
      entry: 'lambdas/handlers/admin-api.ts',
      description: 'test consumer',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { messages: 'readWrite' },
      queues: { jobs: 'consume' },
      secrets: ['accessToken'],
    },
  },
};

const { app, stack, template } = synthStack({ resources: withQueue });
const all = resources(template);
const jobs = stack.queues.get('jobs')!;
const queueId = logicalId(stack, jobs.queue);
const dlqId = logicalId(stack, jobs.deadLetterQueue);
const workerId = logicalId(stack, stack.functions.get('worker')!.function);

describe('a declared queue', () => {
  it('gets a queue and a dead-letter queue, both SSE-SQS', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    expect(all[queueId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(all[dlqId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('redrives to the DLQ after maxReceiveCount and hides messages 6x the consumer timeout', () => {
    expect(all[queueId]?.Properties).toMatchObject({
      VisibilityTimeout: 30 * VISIBILITY_TIMEOUT_FACTOR,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 4 },
    });
    expect(VISIBILITY_TIMEOUT_FACTOR).toBeGreaterThanOrEqual(6);
  });

  it('denies non-TLS access to both queues', () => {
    for (const id of [queueId, dlqId]) {
      const policy = Object.values(all).find(
        (r) => r.Type === 'AWS::SQS::QueuePolicy' && referencedIds(r.Properties?.['Queues']).has(id),
      );
      const statements = (policy?.Properties?.['PolicyDocument'] as { Statement: Array<Record<string, unknown>> }).Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('feeds its consumer through an event source mapping with partial batch failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: workerId },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets the sender send (and not receive) and gives it the queue URL', () => {
    const onQueue = roleStatements(template, stack, 'webhook').filter((s) => referencedIds(s.Resource).has(queueId));
    const actions = onQueue.flatMap((s) => asList(s.Action));
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).not.toContain('sqs:ReceiveMessage');
    expect(actions).not.toContain('sqs:DeleteMessage');
    const env = (all[logicalId(stack, stack.functions.get('webhook')!.function)]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    }).Environment.Variables;
    expect(env['JOBS_QUEUE_URL']).toEqual({ Ref: queueId });
  });

  it('lets the consumer receive and delete (and not send), scoped to the queue', () => {
    const onQueue = roleStatements(template, stack, 'worker').filter((s) => referencedIds(s.Resource).has(queueId));
    const actions = onQueue.flatMap((s) => asList(s.Action));
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actions).not.toContain('sqs:SendMessage');
    for (const s of onQueue) expect(s.Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });

  it('keeps cdk-nag AwsSolutions at zero findings', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('queue declarations that cannot work fail synth with a clear message', () => {
  it('a queue whose consumer does not exist', () => {
    const bad: ResourceModel = { ...withQueue, queues: { jobs: { ...withQueue.queues['jobs']!, consumer: 'nobody' } } };
    expect(() => synthStack({ resources: bad })).toThrow('queue "jobs" names unknown consumer "nobody"');
  });

  it('a function that claims to consume a queue another function consumes', () => {
    const bad: ResourceModel = {
      ...withQueue,
      functions: { ...withQueue.functions, adminApi: { ...withQueue.functions['adminApi']!, queues: { jobs: 'consume' } } },
    };
    expect(() => synthStack({ resources: bad })).toThrow('function "adminApi" consumes queue "jobs" whose consumer is "worker"');
  });

  it('a function that uses an undeclared queue', () => {
    const bad: ResourceModel = {
      ...withQueue,
      functions: { ...withQueue.functions, adminApi: { ...withQueue.functions['adminApi']!, queues: { nope: 'send' } } },
    };
    expect(() => synthStack({ resources: bad })).toThrow('function "adminApi" uses unknown queue "nope"');
  });
});
