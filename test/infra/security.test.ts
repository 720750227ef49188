// The security review as tests over the whole template, so a resource added later is held to the same rules:
// wildcards only where AWS requires them (each listed with its reason), encryption at rest and TLS-only
// access on every store and queue, admin routes IAM-only, per-route throttling on the public write routes.
import { describe, expect, it } from 'vitest';
import { routes, routeThrottles } from '../../lib/resources.js';
import { asList, resources, synthStack } from '../support/synth.js';

// Tracing on: the widest IAM surface (X-Ray's statement exists only then).
const { template } = synthStack({ context: { tracing: 'active' } });
const all = resources(template);
const ofType = (type: string) => Object.entries(all).filter(([, r]) => r.Type === type);

interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** A resource value as text, with references as `{LogicalId}`: enough to see where a `*` sits. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join('');
  const v = value as Record<string, unknown>;
  if (typeof v['Ref'] === 'string') return `{${v['Ref']}}`;
  if (Array.isArray(v['Fn::GetAtt'])) return `{${(v['Fn::GetAtt'] as string[])[0]}}`;
  if (Array.isArray(v['Fn::Join'])) return text((v['Fn::Join'] as unknown[])[1]);
  return JSON.stringify(value);
}

/** Every policy document of the template: role policies, key policies and resource policies of queues, buckets, topics. */
function statements(): Array<{ owner: string; type: string; statement: PolicyStatement }> {
  const out: Array<{ owner: string; type: string; statement: PolicyStatement }> = [];
  for (const [id, r] of Object.entries(all)) {
    const doc = (r.Properties?.['PolicyDocument'] ?? r.Properties?.['KeyPolicy']) as { Statement: PolicyStatement[] } | undefined;
    if (!doc) continue;
    for (const statement of doc.Statement) out.push({ owner: id, type: r.Type, statement });
  }
  return out;
}

/**
 * The only Allow statements with a `*` in a resource or an action, and why AWS requires each. Matched on
 * the actions and the resource pattern (logical ids stripped), so a new wildcard fails until it is listed.
 */
const REQUIRED_WILDCARDS: ReadonlyArray<{ actions: string[]; resource: RegExp; why: string }> = [
  {
    actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
    resource: /^\*$/,
    why: 'X-Ray trace upload has no resource-level permissions (Tracing.ACTIVE on every function).',
  },
  { actions: ['textract:DetectDocumentText'], resource: /^\*$/, why: 'Textract DetectDocumentText has no resource-level permissions.' },
  {
    actions: ['s3:GetObject', 's3:PutObject'],
    resource: /^\{CardPipelineMedia\w+\}\/media\/\*$/,
    why: 'Object permissions name object ARNs; the pattern is limited to the media/ prefix of the one media bucket.',
  },
  {
    actions: ['s3:PutObject'],
    resource: /^\{CardPipelineAccessLogs\w+\}\/media-bucket\/\*$/,
    why: 'S3 server access logging writes objects under its prefix of the log bucket; the log service can only be granted a prefix.',
  },
  { actions: ['kms:*'], resource: /^\*$/, why: "A key policy's `*` resource means this key; the account-root statement is AWS's default that lets IAM policies govern the key." },
  { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resource: /^\*$/, why: "A key policy's `*` resource means this key (CloudWatch and EventBridge publishing to the encrypted alerts topic)." },
];

describe('IAM', () => {
  it('every Allow with a wildcard resource or action is one AWS requires, and each has its reason', () => {
    const seen = new Set<string>();
    for (const { owner, statement } of statements()) {
      if (statement.Effect !== 'Allow') continue;
      const actions = asList(statement.Action).sort();
      for (const resource of asList(statement.Resource as unknown)) {
        const pattern = text(resource);
        if (!pattern.includes('*') && !actions.some((a) => a.includes('*'))) continue;
        const match = REQUIRED_WILDCARDS.find((w) => w.resource.test(pattern) && JSON.stringify(w.actions) === JSON.stringify(actions));
        expect(match, `${owner}: ${actions.join(',')} on ${pattern}`).toBeDefined();
        seen.add(match!.why);
      }
    }
    // Each listed wildcard is still in use: the list does not grow stale.
    expect([...seen].sort()).toEqual(REQUIRED_WILDCARDS.map((w) => w.why).sort());
  });

  it('no Allow names a principal of another account or everyone', () => {
    for (const { owner, statement } of statements()) {
      if (statement.Effect !== 'Allow' || statement.Principal === undefined) continue;
      const principal = JSON.stringify(statement.Principal);
      expect(principal, owner).not.toMatch(/"AWS":"\*"|^"\*"$/);
    }
  });
});

describe('service principals (confused deputy)', () => {
  const serviceAllows = () =>
    statements().filter(({ type, statement }) => ['AWS::KMS::Key', 'AWS::SNS::TopicPolicy'].includes(type) && statement.Effect === 'Allow' && JSON.stringify(statement.Principal ?? '').includes('"Service"'));

  it('every key or topic policy statement for an AWS service is limited to this account and a source ARN', () => {
    const found = serviceAllows();
    // CloudWatch alarms and the EventBridge rule publish to the encrypted alerts topic: key and topic policies.
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const { owner, statement } of found) {
      const condition = (statement as { Condition?: Record<string, Record<string, unknown>> }).Condition ?? {};
      expect(condition['StringEquals']?.['aws:SourceAccount'], `${owner}: ${JSON.stringify(statement)}`).toEqual({ Ref: 'AWS::AccountId' });
      const sourceArn = condition['ArnLike']?.['aws:SourceArn'] ?? condition['ArnEquals']?.['aws:SourceArn'];
      expect(sourceArn, `${owner}: ${JSON.stringify(statement)}`).toBeDefined();
    }
  });

  it('EventBridge may use the alerts key only for rules of this account and region, CloudWatch only for its alarms', () => {
    const keyStatements = serviceAllows().filter(({ type }) => type === 'AWS::KMS::Key').map(({ statement }) => statement as unknown as Record<string, unknown>);
    const arnOf = (service: string) => {
      const st = keyStatements.find((x) => JSON.stringify(x['Principal']) === JSON.stringify({ Service: service }));
      return text((st?.['Condition'] as Record<string, Record<string, unknown>> | undefined)?.['ArnLike']?.['aws:SourceArn']);
    };
    expect(arnOf('events.amazonaws.com')).toBe('arn:{AWS::Partition}:events:{AWS::Region}:{AWS::AccountId}:rule/*');
    expect(arnOf('cloudwatch.amazonaws.com')).toBe('arn:{AWS::Partition}:cloudwatch:{AWS::Region}:{AWS::AccountId}:alarm:*');
  });
});

/** The resource's policy statements that deny any request made without TLS. */
function deniesPlainHttp(policyType: string, targetKey: string, logicalId: string): boolean {
  return ofType(policyType).some(([, policy]) => {
    const targets = JSON.stringify(policy.Properties?.[targetKey]);
    if (!targets.includes(`"${logicalId}"`)) return false;
    const doc = policy.Properties?.['PolicyDocument'] as { Statement: PolicyStatement[] };
    return doc.Statement.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }));
  });
}

describe('encryption and TLS on every store and queue', () => {
  it.each(ofType('AWS::SQS::Queue'))('queue %s: SSE and TLS-only', (id, queue) => {
    const encrypted = queue.Properties?.['SqsManagedSseEnabled'] === true || queue.Properties?.['KmsMasterKeyId'] !== undefined;
    expect(encrypted).toBe(true);
    expect(deniesPlainHttp('AWS::SQS::QueuePolicy', 'Queues', id)).toBe(true);
  });

  it.each(ofType('AWS::S3::Bucket'))('bucket %s: encrypted, private, TLS-only', (id, bucket) => {
    expect(bucket.Properties?.['BucketEncryption']).toBeDefined();
    expect(bucket.Properties?.['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(deniesPlainHttp('AWS::S3::BucketPolicy', 'Bucket', id)).toBe(true);
  });

  it.each(ofType('AWS::DynamoDB::Table'))('table %s: encrypted at rest, point-in-time recovery', (_id, table) => {
    expect(table.Properties?.['SSESpecification']).toEqual({ SSEEnabled: true });
    expect(table.Properties?.['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it.each(ofType('AWS::SNS::Topic'))('topic %s: KMS-encrypted and TLS-only', (id, topic) => {
    expect(topic.Properties?.['KmsMasterKeyId']).toBeDefined();
    expect(deniesPlainHttp('AWS::SNS::TopicPolicy', 'Topics', id)).toBe(true);
  });

  it('there is something to check', () => {
    expect(ofType('AWS::SQS::Queue').length).toBeGreaterThan(0);
    expect(ofType('AWS::S3::Bucket').length).toBeGreaterThan(0);
    expect(ofType('AWS::DynamoDB::Table').length).toBeGreaterThan(0);
    expect(ofType('AWS::SNS::Topic').length).toBeGreaterThan(0);
  });
});

describe('the default: Meta\'s webhook on the webhook function\'s URL', () => {
  it('the API\'s open routes are Wazzup24\'s and the health check; the one function URL is the webhook\'s', () => {
    const open = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties as { RouteKey: string; AuthorizationType?: string })
      .filter((r) => r.AuthorizationType !== 'AWS_IAM')
      .map((r) => r.RouteKey)
      .sort();
    expect(open).toEqual(['GET /health', 'POST /webhooks/wazzup24', 'POST /webhooks/wazzup24/{secret}']);
    const urls = ofType('AWS::Lambda::Url').map(([, r]) => text(r.Properties?.['TargetFunctionArn']));
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/^\{webhookFunction/);
  });
});

// The API's own rules, with every declared route on it (metaWebhookIngress=httpApi).
describe('HTTP API', () => {
  const httpApi = resources(synthStack({ context: { tracing: 'active', metaWebhookIngress: 'httpApi' } }).template);
  const apiRoutes = Object.values(httpApi).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties as { RouteKey: string; AuthorizationType?: string });
  const ofType = (type: string) => Object.entries(httpApi).filter(([, r]) => r.Type === type);
  const all = httpApi;

  it('only the routes Meta, Wazzup24 and health checks call are open; every other route needs IAM (SigV4)', () => {
    const open = apiRoutes.filter((r) => r.AuthorizationType !== 'AWS_IAM').map((r) => r.RouteKey).sort();
    expect(open).toEqual(['GET /health', 'GET /webhooks/whatsapp', 'POST /webhooks/wazzup24', 'POST /webhooks/wazzup24/{secret}', 'POST /webhooks/whatsapp']);
    expect(apiRoutes.length).toBeGreaterThan(open.length);
  });

  it('the webhook routes and the send route have their own throttling; the stage has a default for the rest', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, (typeof all)[string]]];
    const settings = stage.Properties?.['RouteSettings'] as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    const throttled = routes.filter((r) => 'throttle' in r);
    expect(throttled.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'POST /messages',
      'POST /webhooks/wazzup24',
      'POST /webhooks/wazzup24/{secret}',
      'POST /webhooks/whatsapp',
    ]);
    for (const route of throttled) {
      const limit = routeThrottles[route.throttle];
      expect(settings[`${route.method} ${route.path}`]).toEqual({ ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit });
    }
    expect(stage.Properties?.['DefaultRouteSettings']).toMatchObject({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
  });

  it('the stage is created after the routes its settings name (CloudFormation refuses unknown route keys)', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, (typeof all)[string] & { DependsOn?: string[] }]];
    const routeIds = Object.entries(all)
      .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && ['POST /webhooks/whatsapp', 'POST /messages'].includes(r.Properties?.['RouteKey'] as string))
      .map(([id]) => id);
    expect(routeIds).toHaveLength(2);
    for (const id of routeIds) expect(stage.DependsOn).toContain(id);
  });

  it('context overrides a class of route limits', () => {
    const { template: custom } = synthStack({ context: { metaWebhookIngress: 'httpApi', webhookRateLimit: '500', webhookBurstLimit: '900', sendRateLimit: '2' } });
    const [stage] = Object.values(resources(custom)).filter((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    const settings = stage!.Properties?.['RouteSettings'] as Record<string, unknown>;
    expect(settings['POST /webhooks/whatsapp']).toEqual({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 900 });
    expect(settings['POST /messages']).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: routeThrottles.send.burstLimit });
    expect(() => synthStack({ context: { sendRateLimit: '0' } })).toThrow(/sendRateLimit must be a positive integer/);
  });
});
