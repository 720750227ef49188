// Every alarm of issue 6: its metric (namespace, name, dimensions, statistic, period), threshold, comparison,
// and its action (the alerts topic, on ALARM and OK), plus a runbook line in its description.
import { describe, expect, it } from 'vitest';
import { METRIC_NAMESPACE, METRIC_SERVICE } from '../../lambdas/domain/shared/metric-catalog.js';
import { ALARM_THRESHOLDS } from '../../lib/constructs/alarms.js';
import { queues } from '../../lib/resources.js';
import { logicalId, resources, synthStack } from '../support/synth.js';

const { stack, template } = synthStack();
const all = resources(template);

interface AlarmProps {
  AlarmDescription: string;
  Namespace?: string;
  MetricName?: string;
  Dimensions?: Array<{ Name: string; Value: unknown }>;
  Statistic?: string;
  Period?: number;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  TreatMissingData?: string;
  AlarmActions: unknown[];
  OKActions?: unknown[];
  Metrics?: Array<{
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: unknown }> }; Stat: string; Period: number };
  }>;
}

const topicRef = { Ref: logicalId(stack, stack.alerts.topic) };
const alarmProps = (construct: { node: { defaultChild?: unknown } }): AlarmProps => {
  const props = all[logicalId(stack, construct)]?.Properties as AlarmProps | undefined;
  if (!props) throw new Error('alarm not in the template');
  return props;
};
const mine = (id: string): AlarmProps => {
  const alarm = stack.alarms.alarms.get(id);
  if (!alarm) throw new Error(`no alarm ${id}`);
  return alarmProps(alarm);
};
const dims = (d: Array<{ Name: string; Value: unknown }> | undefined) => Object.fromEntries((d ?? []).map((x) => [x.Name, x.Value]));

function expectNotifiesTopic(p: AlarmProps): void {
  expect(p.AlarmActions).toEqual([topicRef]);
  expect(p.OKActions).toEqual([topicRef]);
}

describe('every alarm', () => {
  const alarms = Object.entries(all).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');

  it('notifies the alerts topic and says what to do', () => {
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    for (const [id, r] of alarms) {
      const p = r.Properties as unknown as AlarmProps;
      expect(p.AlarmActions, id).toContainEqual(topicRef);
      expect(p.AlarmDescription.length, id).toBeGreaterThan(60);
    }
  });

  it('the AlarmTopicArn output is the alerts topic', () => {
    template.hasOutput('AlarmTopicArn', { Value: topicRef });
  });
});

describe('dead-letter queues', () => {
  it('one alarm per queue of resources.ts', () => {
    const dlqAlarms = [...stack.alarms.alarms.keys()].filter((k) => k.endsWith('DeadLetters'));
    expect(dlqAlarms.sort()).toEqual(Object.keys(queues).map((q) => `${q}DeadLetters`).sort());
  });

  it.each(Object.keys(queues))('%s: any message in its DLQ', (name) => {
    const p = mine(`${name}DeadLetters`);
    const dlq = stack.queues.get(name)!.deadLetterQueue;
    expect(p).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(dims(p.Dimensions)).toEqual({ QueueName: { 'Fn::GetAtt': [logicalId(stack, dlq), 'QueueName'] } });
    expect(p.AlarmDescription).toMatch(/start-message-move-task/);
    expectNotifiesTopic(p);
  });
});

it('API 5xx rate: more than 5% of at least 10 requests, two 5-minute periods in a row', () => {
  const p = mine('ApiServerErrorRate');
  expect(ALARM_THRESHOLDS.apiServerErrorPercent).toBe(5);
  expect(p).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' });
  const byId = Object.fromEntries((p.Metrics ?? []).map((m) => [m.Id, m]));
  const expr = (p.Metrics ?? []).find((m) => m.Expression);
  expect(expr?.Expression).toBe('IF(requests >= 10, 100 * errors / requests, 0)');
  // The API's requests and the webhook function URL's (Meta's webhook), each filled with 0 where one has no data.
  expect(byId['errors']?.Expression).toBe('FILL(a, 0) + FILL(b, 0)');
  expect(byId['requests']?.Expression).toBe('FILL(c, 0) + FILL(d, 0)');
  const apiId = { Ref: logicalId(stack, stack.api.api) };
  const webhook = { Ref: logicalId(stack, stack.functions.get('webhook')!.function) };
  const stat = (Namespace: string, MetricName: string, Name: string, Value: unknown) => ({ Metric: { Namespace, MetricName, Dimensions: [{ Name, Value }] }, Stat: 'Sum', Period: 300 });
  expect(byId['a']?.MetricStat).toEqual(stat('AWS/ApiGateway', '5xx', 'ApiId', apiId));
  expect(byId['b']?.MetricStat).toEqual(stat('AWS/Lambda', 'Url5xxCount', 'FunctionName', webhook));
  expect(byId['c']?.MetricStat).toEqual(stat('AWS/ApiGateway', 'Count', 'ApiId', apiId));
  expect(byId['d']?.MetricStat).toEqual(stat('AWS/Lambda', 'UrlRequestCount', 'FunctionName', webhook));
  expectNotifiesTopic(p);
});

it('API 5xx rate with metaWebhookIngress=httpApi: the API\'s 5xx and requests alone', () => {
  const synthesized = synthStack({ context: { metaWebhookIngress: 'httpApi' } });
  const alarm = Object.values(resources(synthesized.template)).find(
    (r) => r.Type === 'AWS::CloudWatch::Alarm' && String(r.Properties?.['AlarmDescription'] ?? '').includes('API requests answered 5xx'),
  );
  const metrics = (alarm?.Properties?.['Metrics'] ?? []) as { Id: string; MetricStat?: { Metric: { MetricName: string } } }[];
  expect(metrics.filter((m) => m.MetricStat).map((m) => `${m.Id}:${m.MetricStat!.Metric.MetricName}`).sort()).toEqual(['errors:5xx', 'requests:Count']);
});

it('webhook Lambda errors: any', () => {
  const p = mine('WebhookErrors');
  expect(p).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  expect(dims(p.Dimensions)).toEqual({ FunctionName: { Ref: logicalId(stack, stack.functions.get('webhook')!.function) } });
  expectNotifiesTopic(p);
});

it('signature rejection spike: 20 in 5 minutes', () => {
  const p = mine('SignatureRejectionSpike');
  expect(p).toMatchObject({ Namespace: METRIC_NAMESPACE, MetricName: 'SignatureRejections', Statistic: 'Sum', Period: 300, Threshold: 20, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  expect(dims(p.Dimensions)).toEqual({ service: METRIC_SERVICE });
  expect(p.AlarmDescription).toMatch(/app secret/);
  expectNotifiesTopic(p);
});

it('unstored statuses: any status the messages table refused is parked and pages someone', () => {
  const p = mine('UnstoredStatuses');
  expect(p).toMatchObject({ Namespace: METRIC_NAMESPACE, MetricName: 'UnstoredStatuses', Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
  expect(dims(p.Dimensions)).toEqual({ service: METRIC_SERVICE });
  expect(p.AlarmDescription).toMatch(/statuses\.unstored/);
  expectNotifiesTopic(p);
});

it('card failure ratio: over 50% of at least 4 cards in an hour (metric math over the three results)', () => {
  const p = mine('CardFailureRatio');
  expect(p).toMatchObject({ Threshold: 50, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
  const expr = (p.Metrics ?? []).find((m) => m.Expression)?.Expression;
  expect(expr).toBe('IF((FILL(qr, 0) + FILL(ocr, 0) + FILL(failed, 0)) >= 4, 100 * FILL(failed, 0) / (FILL(qr, 0) + FILL(ocr, 0) + FILL(failed, 0)), 0)');
  for (const result of ['qr', 'ocr', 'failed']) {
    const m = (p.Metrics ?? []).find((x) => x.Id === result);
    expect(m?.MetricStat, result).toEqual({
      Metric: { Namespace: METRIC_NAMESPACE, MetricName: 'CardResults', Dimensions: expect.arrayContaining([{ Name: 'service', Value: METRIC_SERVICE }, { Name: 'result', Value: result }]) },
      Stat: 'Sum',
      Period: 3600,
    });
  }
  expectNotifiesTopic(p);
});

it.each(['190', '368'])('Graph error %s seen: any', (code) => {
  const p = mine(`GraphError${code}`);
  expect(p).toMatchObject({ Namespace: METRIC_NAMESPACE, MetricName: 'GraphErrors', Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  expect(dims(p.Dimensions)).toEqual({ service: METRIC_SERVICE, code });
  expectNotifiesTopic(p);
});

describe('token alarms (token-lifecycle.ts) watch the series token-watch emits through the catalogue', () => {
  const lifecycle = stack.tokenLifecycle;

  it('token expiring and token invalid alarms exist once, on the catalogue namespace and service dimension', () => {
    expect(lifecycle).toBeDefined();
    const expiry = alarmProps(lifecycle!.expiryAlarm);
    const validity = alarmProps(lifecycle!.validityAlarm);
    expect(expiry).toMatchObject({ Namespace: METRIC_NAMESPACE, MetricName: 'TokenDaysToExpiry', Statistic: 'Minimum', ComparisonOperator: 'LessThanThreshold' });
    expect(validity).toMatchObject({ Namespace: METRIC_NAMESPACE, MetricName: 'TokenValid', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold' });
    for (const p of [expiry, validity]) {
      expect(dims(p.Dimensions)).toEqual({ service: METRIC_SERVICE });
      expectNotifiesTopic(p);
    }
    const tokenAlarms = Object.values(all).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && ['TokenDaysToExpiry', 'TokenValid'].includes(String(r.Properties?.['MetricName'])));
    expect(tokenAlarms).toHaveLength(2);
  });

  it('rotation failure alarms the topic', () => {
    expectNotifiesTopic(alarmProps(lifecycle!.rotationErrorsAlarm));
  });
});

describe('account alarms: templates blocked, number quality, account restricted (webhook events, any one in 5 minutes)', () => {
  it.each([
    ['TemplateBlocked', 'TemplateAlerts', ['PAUSED', 'DISABLED', 'REJECTED']],
    ['NumberQualityLow', 'NumberQualityAlerts', ['RED', 'FLAGGED']],
    ['AccountRestricted', 'AccountAlerts', ['ACCOUNT_RESTRICTION', 'ACCOUNT_VIOLATION', 'DISABLED_UPDATE', 'ACCOUNT_DELETED', 'ACCOUNT_OFFBOARDED']],
  ] as const)('%s sums %s over every state', (id, metric, states) => {
    const p = mine(id);
    expect(p).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect((p.Metrics ?? []).find((m) => m.Expression)?.Expression).toBe(states.map((s) => `FILL(${s.toLowerCase()}, 0)`).join(' + '));
    for (const state of states) {
      const m = (p.Metrics ?? []).find((x) => x.Id === state.toLowerCase());
      expect(m?.MetricStat, state).toEqual({
        Metric: { Namespace: METRIC_NAMESPACE, MetricName: metric, Dimensions: expect.arrayContaining([{ Name: 'service', Value: METRIC_SERVICE }, { Name: 'state', Value: state }]) },
        Stat: 'Sum',
        Period: 300,
      });
    }
    expect(p.AlarmDescription).toMatch(/GET \/events|wa events/);
    expectNotifiesTopic(p);
  });
});
