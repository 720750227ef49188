// The operations routes and grants of issue 15: users, status and events routes IAM-authorised; the functions
// that read queue depths may call GetQueueAttributes on each queue and dead-letter queue (nothing else on SQS
// beyond what they had), with the URLs in their environment; the status function never sees the app secret.
import { describe, expect, it } from 'vitest';
import { queues, routes } from '../../lib/resources.js';
import { asList, logicalId, resources, roleStatements, synthStack } from '../support/synth.js';

const { stack, template } = synthStack();
const all = resources(template);

function env(name: string): Record<string, unknown> {
  const fn = stack.functions.get(name)!;
  return ((all[logicalId(stack, fn.function)]?.Properties?.['Environment'] as { Variables: Record<string, unknown> }) ?? { Variables: {} }).Variables;
}

describe('routes', () => {
  it.each(['GET /users', 'GET /users/{id}', 'PUT /users/{id}', 'DELETE /users/{id}', 'GET /status', 'GET /events'])('%s is an admin route, IAM-authorised', (key) => {
    expect(routes.find((r) => `${r.method} ${r.path}` === key)?.auth).toBe('admin');
    const route = Object.values(all).find((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties?.['RouteKey'] === key);
    expect(route?.Properties?.['AuthorizationType']).toBe('AWS_IAM');
  });
});

describe('queue depth readers', () => {
  it.each(['statusApi', 'sender'])('%s may GetQueueAttributes on every queue and its DLQ, and has their URLs', (name) => {
    const statements = roleStatements(template, stack, name).filter((s) => asList(s.Action).includes('sqs:GetQueueAttributes') && asList(s.Action).length === 1);
    const targets = statements.flatMap((s) => asList(s.Resource as unknown)).map((r) => JSON.stringify(r));
    for (const queue of stack.queues.values()) {
      expect(targets).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, queue.queue), 'Arn'] }));
      expect(targets).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, queue.deadLetterQueue), 'Arn'] }));
    }
    for (const spec of Object.values(queues)) {
      expect(env(name)[spec.envVar], spec.envVar).toBeDefined();
      expect(env(name)[spec.dlqEnvVar], spec.dlqEnvVar).toBeDefined();
    }
  });

  it('no other function reads queue attributes', () => {
    for (const name of stack.functions.keys()) {
      if (name === 'statusApi' || name === 'sender') continue;
      const reads = roleStatements(template, stack, name).filter((s) => asList(s.Action).includes('sqs:GetQueueAttributes') && asList(s.Action).length === 1);
      expect(reads, name).toEqual([]);
    }
  });

  it('the status function reads the access token and the Wazzup24 key, not the app secret', () => {
    const vars = env('statusApi');
    expect(vars['ACCESS_TOKEN_ARN']).toBeDefined();
    expect(vars['WAZZUP_API_KEY_ARN']).toBeDefined();
    expect(vars['APP_SECRET_ARN']).toBeUndefined();
  });
});
