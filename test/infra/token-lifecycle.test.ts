// The token lifecycle in the template: the rotation schedule on the access token secret, the watch schedule,
// the alarms and the rotation-failed rule wired to the encrypted alerts topic, and the context parameters.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ROTATION_WRITE_ACTIONS, scheduleIntervalSeconds, watchAlarmPeriod } from '../../lib/constructs/token-lifecycle.js';
import { schedules, tokenLifecycle } from '../../lib/resources.js';
import { NOT_ROTATED_BECAUSE, ROTATED_BY } from '../../lib/stack.js';
import { asList, logicalId, referencedIds, resources, roleStatements, synthStack } from '../support/synth.js';

const { stack, template } = synthStack();
const all = resources(template);
const fnId = (name: string) => logicalId(stack, stack.functions.get(name)!.function);
const secretId = logicalId(stack, stack.secrets.get('accessToken')!.secret);
const topicId = logicalId(stack, stack.alerts.topic);
const ofType = (type: string) => Object.entries(all).filter(([, r]) => r.Type === type);

describe('rotation', () => {
  it('rotates the access token secret every 30 days with the tokenRotation function, not at deploy', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: secretId },
      RotationLambdaARN: { 'Fn::GetAtt': [fnId('tokenRotation'), 'Arn'] },
      RotationRules: { ScheduleExpression: `rate(${tokenLifecycle.rotationDays} days)` },
      RotateImmediatelyOnUpdate: false,
    });
    expect(ROTATED_BY['accessToken']).toBe('tokenRotation');
    expect(NOT_ROTATED_BECAUSE['accessToken']).toBeUndefined();
  });

  it('only Secrets Manager of this account may invoke the rotation function', () => {
    const perms = ofType('AWS::Lambda::Permission').filter(([, r]) => r.Properties?.['Principal'] === 'secretsmanager.amazonaws.com');
    expect(perms).toHaveLength(1);
    expect(perms[0]![1].Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId('tokenRotation'), 'Arn'] },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('the rotation role may stage versions of the access token secret only, and nothing uses GetRandomPassword', () => {
    const statements = roleStatements(template, stack, 'tokenRotation');
    const writes = statements.filter((s) => asList(s.Action).some((a) => a === 'secretsmanager:PutSecretValue'));
    expect(writes).toEqual([{ Effect: 'Allow', Action: [...ROTATION_WRITE_ACTIONS], Resource: { Ref: secretId } }]);
    for (const name of stack.functions.keys()) {
      if (name === 'tokenRotation') continue;
      const actions = roleStatements(template, stack, name).flatMap((s) => asList(s.Action));
      for (const a of ROTATION_WRITE_ACTIONS) expect(actions, name).not.toContain(a);
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('GetRandomPassword');
  });

  it('alarms on rotation Lambda errors and forwards Secrets Manager RotationFailed events to the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId('tokenRotation') } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.secretsmanager'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed', 'TestRotationFailed'],
          additionalEventData: { SecretId: [{ Ref: secretId }] },
        },
      },
      Targets: [Match.objectLike({ Arn: { Ref: topicId }, InputTransformer: Match.anyValue() })],
    });
  });
});

describe('lost events', () => {
  const queueId = logicalId(stack, stack.tokenLifecycle!.failedEvents);
  const dlq = { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } };

  it('both rules send what they cannot deliver to the failed-events queue, and so does a failed watch run', () => {
    for (const [, rule] of ofType('AWS::Events::Rule')) {
      for (const target of rule.Properties?.['Targets'] as Array<{ DeadLetterConfig?: unknown }>) expect(target.DeadLetterConfig).toEqual(dlq);
    }
    expect(ofType('AWS::Events::Rule')).toHaveLength(2);
    expect(all[fnId('tokenWatch')]?.Properties?.['DeadLetterConfig']).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    const send = roleStatements(template, stack, 'tokenWatch').find((s) => asList(s.Action).includes('sqs:SendMessage'));
    expect(referencedIds(send?.Resource)).toEqual(new Set([queueId]));
  });

  it('the queue is encrypted and its depth alarms the topic', () => {
    expect(all[queueId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [{ Ref: topicId }],
    });
  });
});

describe('expiry watch', () => {
  it('runs tokenWatch daily', () => {
    expect(schedules.tokenWatch.expression).toBe('rate(1 day)');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('tokenWatch'), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
  });

  it('alarms below 14 days left and on an invalid or silent token, to the topic', () => {
    const period = 25 * 3600;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'WhatsAppBusiness',
      MetricName: 'TokenDaysToExpiry',
      Dimensions: [{ Name: 'service', Value: 'whatsapp' }],
      Statistic: 'Minimum',
      Period: period,
      Threshold: 14,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'WhatsAppBusiness',
      MetricName: 'TokenValid',
      Dimensions: [{ Name: 'service', Value: 'whatsapp' }],
      Statistic: 'Minimum',
      Period: period,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('the alarm window always holds one run: one interval plus an hour, within CloudWatch limits', () => {
    expect(scheduleIntervalSeconds('rate(1 day)')).toBe(86400);
    expect(scheduleIntervalSeconds('rate(12 hours)')).toBe(43200);
    expect(scheduleIntervalSeconds('cron(0 6 * * ? *)')).toBe(86400);
    expect(watchAlarmPeriod('rate(12 hours)').toSeconds()).toBe(13 * 3600);
    expect(watchAlarmPeriod('rate(5 minutes)').toSeconds()).toBe(3900);
    expect(watchAlarmPeriod('rate(30 days)').toSeconds()).toBe(7 * 86400);
  });
});

describe('alerts topic', () => {
  it('is KMS-encrypted with a rotated key that CloudWatch and EventBridge may use, and TLS-only', () => {
    const keyId = logicalId(stack, stack.alerts.key);
    expect(all[topicId]?.Properties).toMatchObject({ KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(all[keyId]?.Properties).toMatchObject({ EnableKeyRotation: true });
    const keyPolicy = (all[keyId]?.Properties?.['KeyPolicy'] as { Statement: Array<Record<string, unknown>> }).Statement;
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      expect(keyPolicy).toContainEqual(
        expect.objectContaining({
          Principal: { Service: service },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': expect.anything() } },
        }),
      );
    }
    // Nothing else names a service: CDK's SnsTopic target would add an unconditioned events.amazonaws.com grant.
    expect(keyPolicy.filter((st) => JSON.stringify(st['Principal']).includes('"Service"'))).toHaveLength(2);
    const policies = ofType('AWS::SNS::TopicPolicy').filter(([, r]) => referencedIds(r.Properties?.['Topics']).has(topicId));
    const statements = policies.flatMap(([, r]) => (r.Properties?.['PolicyDocument'] as { Statement: Array<Record<string, unknown>> }).Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, stack.tokenLifecycle!.rotationFailedRule), 'Arn'] } },
        },
      }),
    );
  });

  it('has no subscription unless alarmEmail is given', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = synthStack({ context: { alarmEmail: 'ops@example.com' } }).template;
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    expect(() => synthStack({ context: { alarmEmail: 'not-an-email' } })).toThrow(/alarmEmail must be an email address/);
  });
});

describe('context parameters', () => {
  it('override the rotation interval, the watch schedule, the warning threshold and the app id', () => {
    const { stack: s, template: t } = synthStack({
      context: { rotationDays: '45', tokenWatchSchedule: 'rate(12 hours)', tokenExpiryWarnDays: '21', metaAppId: '670843887433847' },
    });
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(45 days)' } });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(12 hours)' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'TokenDaysToExpiry', Threshold: 21, Period: 13 * 3600 });
    const env = (name: string) =>
      (resources(t)[logicalId(s, s.functions.get(name)!.function)]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    for (const name of ['tokenRotation', 'tokenWatch', 'diagnose']) expect(env(name)['META_APP_ID']).toBe('670843887433847');
    expect(env('diagnose')['TOKEN_EXPIRY_WARN_DAYS']).toBe('21');
    expect(env('webhook')['META_APP_ID']).toBeUndefined();
  });

  it('turn on revocation of the previous token after a grace period longer than the token cache', () => {
    const { stack: s, template: t } = synthStack({ context: { revokePreviousToken: 'true', revokeGraceMinutes: '90' } });
    const env = (resources(t)[logicalId(s, s.functions.get('tokenWatch')!.function)]?.Properties as { Environment: { Variables: Record<string, unknown> } })
      .Environment.Variables;
    expect(env).toMatchObject({ REVOKE_PREVIOUS_TOKEN: 'true', REVOKE_GRACE_MINUTES: '90' });
    expect(() => synthStack({ context: { revokeGraceMinutes: '5' } })).toThrow(/revokeGraceMinutes must be a whole number from 6/);
  });

  it('reject bad values with the parameter name', () => {
    for (const [context, message] of [
      [{ rotationDays: '60' }, /rotationDays must be a whole number from 1 to 50/],
      [{ tokenWatchSchedule: 'daily' }, /tokenWatchSchedule must be an EventBridge expression/],
      [{ revokePreviousToken: 'yes' }, /revokePreviousToken must be true or false/],
      [{ metaAppId: 'my-app' }, /metaAppId must be Meta's numeric app id/],
      [{ tokenExpiryWarnDays: '0' }, /tokenExpiryWarnDays/],
    ] as const) {
      expect(() => synthStack({ context })).toThrow(message);
    }
  });
});
