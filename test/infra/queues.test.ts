// Every queue declared in resources.ts: encryption, TLS, dead-letter queue, visibility above the consumer's
// timeout, partial batch failures, and who may send or receive. Iterates the declarations, so a new queue is
// covered the moment it is declared.
import { describe, expect, it } from 'vitest';
import type { ResourceModel } from '../../lib/constructs/resource-model.js';
import { CONSUMER_CONCURRENCY } from '../../lib/constructs/context.js';
import { VISIBILITY_TIMEOUT_FACTOR } from '../../lib/constructs/work-queue.js';
import { resourceModel } from '../../lib/stack.js';
import { asList, logicalId, referencedIds, resources, roleStatements, synthStack } from '../support/synth.js';

const { stack, template } = synthStack();
const all = resources(template);
const declared = Object.entries(resourceModel.queues);

const functionEnv = (name: string) =>
  (all[logicalId(stack, stack.functions.get(name)!.function)]?.Properties as { Environment: { Variables: Record<string, unknown> } })
    .Environment.Variables;

it('resources.ts declares queues, each with a queue and a dead-letter queue (plus the token lifecycle failed-events queue)', () => {
  expect(declared.length).toBeGreaterThan(0);
  template.resourceCountIs('AWS::SQS::Queue', declared.length * 2 + 1);
  template.resourceCountIs('AWS::Lambda::EventSourceMapping', declared.length);
});

describe.each(declared)('queue %s', (name, spec) => {
  const queue = stack.queues.get(name)!;
  const queueId = logicalId(stack, queue.queue);
  const dlqId = logicalId(stack, queue.deadLetterQueue);
  const consumer = resourceModel.functions[spec.consumer]!;

  it('is SSE-SQS encrypted, and its DLQ keeps messages 14 days', () => {
    expect(all[queueId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(all[dlqId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('redrives to the DLQ after maxReceiveCount and hides messages longer than the consumer runs', () => {
    expect(all[queueId]?.Properties).toMatchObject({
      VisibilityTimeout: consumer.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: spec.maxReceiveCount },
    });
    expect(VISIBILITY_TIMEOUT_FACTOR).toBeGreaterThanOrEqual(6);
  });

  it('denies non-TLS access to the queue and its DLQ', () => {
    for (const id of [queueId, dlqId]) {
      const policy = Object.values(all).find((r) => r.Type === 'AWS::SQS::QueuePolicy' && referencedIds(r.Properties?.['Queues']).has(id));
      const statements = (policy?.Properties?.['PolicyDocument'] as { Statement: Array<Record<string, unknown>> }).Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it(`feeds ${spec.consumer} through an event source mapping with partial batch failures`, () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: logicalId(stack, stack.functions.get(spec.consumer)!.function) },
      BatchSize: spec.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  const users = Object.entries(resourceModel.functions).filter(([, f]) => f.queues[name]);
  it.each(users.filter(([, f]) => f.queues[name] === 'send'))('lets %s send (and not receive), with the queue URL', (fn) => {
    const actions = roleStatements(template, stack, fn)
      .filter((s) => referencedIds(s.Resource).has(queueId))
      .flatMap((s) => asList(s.Action));
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).not.toContain('sqs:ReceiveMessage');
    expect(actions).not.toContain('sqs:DeleteMessage');
    expect(functionEnv(fn)[spec.envVar]).toEqual({ Ref: queueId });
  });

  it('lets only its consumer receive and delete, scoped to the queue', () => {
    const receivers = Object.keys(resourceModel.functions).filter((fn) =>
      roleStatements(template, stack, fn).some((s) => referencedIds(s.Resource).has(queueId) && asList(s.Action).includes('sqs:ReceiveMessage')),
    );
    expect(receivers).toEqual([spec.consumer]);
    for (const s of roleStatements(template, stack, spec.consumer).filter((s) => referencedIds(s.Resource).has(queueId))) {
      expect(s.Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    }
  });
});

describe('queue declarations that cannot work fail synth with a clear message', () => {
  const [queueName, queueSpec] = declared[0]!;
  const functionName = Object.keys(resourceModel.functions).find((f) => f !== queueSpec.consumer && !resourceModel.functions[f]!.queues[queueName])!;
  const fn = resourceModel.functions[functionName]!;

  it('a queue whose consumer does not exist', () => {
    const bad: ResourceModel = { ...resourceModel, queues: { ...resourceModel.queues, [queueName]: { ...queueSpec, consumer: 'nobody' } } };
    expect(() => synthStack({ resources: bad })).toThrow(`queue "${queueName}" names unknown consumer "nobody"`);
  });

  it('a function that claims to consume a queue another function consumes', () => {
    const bad: ResourceModel = { ...resourceModel, functions: { ...resourceModel.functions, [functionName]: { ...fn, queues: { [queueName]: 'consume' } } } };
    expect(() => synthStack({ resources: bad })).toThrow(`function "${functionName}" consumes queue "${queueName}" whose consumer is "${queueSpec.consumer}"`);
  });

  it('a function that uses an undeclared queue', () => {
    const bad: ResourceModel = { ...resourceModel, functions: { ...resourceModel.functions, [functionName]: { ...fn, queues: { nope: 'send' } } } };
    expect(() => synthStack({ resources: bad })).toThrow(`function "${functionName}" uses unknown queue "nope"`);
  });
});

describe('consumer concurrency (SQS event source maximum concurrency)', () => {
  const mappingOf = (s: typeof stack, t: typeof template, consumer: string) =>
    Object.values(resources(t)).find(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties?.['FunctionName']) === JSON.stringify({ Ref: logicalId(s, s.functions.get(consumer)!.function) }),
    )?.Properties as { ScalingConfig?: { MaximumConcurrency?: number } } | undefined;

  it('defaults: the sender 4 (Meta 80 messages/s), the card worker 5 (Textract)', () => {
    expect(mappingOf(stack, template, 'sender')?.ScalingConfig).toEqual({ MaximumConcurrency: CONSUMER_CONCURRENCY.sender.default });
    expect(mappingOf(stack, template, 'cardWorker')?.ScalingConfig).toEqual({ MaximumConcurrency: CONSUMER_CONCURRENCY.cardWorker.default });
    expect(CONSUMER_CONCURRENCY.sender.default).toBe(4);
    expect(CONSUMER_CONCURRENCY.cardWorker.default).toBe(5);
  });

  it('context senderMaxConcurrency and cardWorkerMaxConcurrency override them; SQS accepts 2 to 1000', () => {
    const custom = synthStack({ context: { senderMaxConcurrency: '40', cardWorkerMaxConcurrency: 2 } });
    expect(mappingOf(custom.stack, custom.template, 'sender')?.ScalingConfig).toEqual({ MaximumConcurrency: 40 });
    expect(mappingOf(custom.stack, custom.template, 'cardWorker')?.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
    expect(() => synthStack({ context: { senderMaxConcurrency: '1' } })).toThrow(/senderMaxConcurrency must be a whole number from 2 to 1000/);
    expect(() => synthStack({ context: { cardWorkerMaxConcurrency: 'many' } })).toThrow(/cardWorkerMaxConcurrency must be a whole number from 2 to 1000/);
  });
});
