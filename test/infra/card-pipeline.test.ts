// The card pipeline in CloudFormation: queue and DLQ, the worker, the media bucket, the worker's exact rights.
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ZXING_WASM_IN_LAYER } from '../../lib/constructs/card-pipeline.js';
import { VISIBILITY_TIMEOUT_FACTOR } from '../../lib/constructs/work-queue.js';
import { cardPipeline, functions, queues } from '../../lib/resources.js';
import { asList, logicalId, resources, roleStatements, synthStack, type Statement } from '../support/synth.js';

const { app, stack, template } = synthStack();
const all = resources(template);
const card = stack.queues.get('card')!;
const worker = stack.functions.get('cardWorker')!;
const pipeline = stack.cardPipeline!;
const bucketId = logicalId(stack, pipeline.bucket);
const logsId = logicalId(stack, pipeline.accessLogs);
const workerId = logicalId(stack, worker.function);

/** Statements of every policy attached to the worker's role (its default policy and the card pipeline's). */
function workerStatements(): Statement[] {
  return roleStatements(template, stack, 'cardWorker');
}

function actionsOf(s: Statement): string[] {
  return asList(s.Action);
}

describe('card queue and worker', () => {
  it('redrives to an encrypted DLQ after 3 receives and hides jobs longer than the worker runs', () => {
    const q = all[logicalId(stack, card.queue)]!.Properties!;
    const dlqId = logicalId(stack, card.deadLetterQueue);
    expect(queues.card.maxReceiveCount).toBe(3);
    expect(q).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 3 },
    });
    expect(q['VisibilityTimeout']).toBe(functions.cardWorker.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR);
    expect(q['VisibilityTimeout'] as number).toBeGreaterThan(functions.cardWorker.timeoutSeconds);
    expect(all[dlqId]!.Properties).toMatchObject({ SqsManagedSseEnabled: true });
  });

  it('runs the worker one card per invocation with partial batch failures, one vCPU or more (at most 2 GB), 150 s (lib/timeout-budget.ts)', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: workerId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
    });
    expect(queues.card.batchSize).toBe(1);
    const fn = all[workerId]!.Properties!;
    // Lambda gives one full vCPU at 1,769 MB; tesseract is CPU-bound.
    expect(fn['MemorySize']).toBeGreaterThanOrEqual(1769);
    expect(fn['MemorySize']).toBeLessThanOrEqual(2048);
    expect(fn['Timeout']).toBe(150);
  });

  it('gives the worker the bucket, Textract, the QR .wasm layer, the tesseract files and both queues', () => {
    const env = (all[workerId]!.Properties!['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env[cardPipeline.mediaBucketEnvVar]).toEqual({ Ref: bucketId });
    expect(env['OCR_ENGINE']).toBe('auto');
    expect(env['ZXING_WASM_PATH']).toBe(ZXING_WASM_IN_LAYER);
    expect(env).toMatchObject({
      TESSERACT_LANG_PATH: '/var/task/tesseract/lang',
      TESSERACT_WORKER_PATH: '/var/task/tesseract/worker.cjs',
      TESSERACT_LANGUAGES: 'kir+eng',
    });
    expect(env[queues.card.envVar]).toBeDefined();
    expect(env[queues.outbound.envVar]).toBeDefined();
    const layers = all[workerId]!.Properties!['Layers'] as unknown[];
    expect(layers).toEqual([{ Ref: logicalId(stack, pipeline.wasmLayer as never) }]);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['arm64'] });
  });

  it('lets the webhook send card jobs', () => {
    const env = (all[logicalId(stack, stack.functions.get('webhook')!.function)]!.Properties!['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env[queues.card.envVar]).toBeDefined();
    const statements = roleStatements(template, stack, 'webhook');
    expect(statements.some((s) => actionsOf(s).includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes(logicalId(stack, card.queue)))).toBe(true);
  });
});

describe('media bucket', () => {
  it('is encrypted, private, TLS-only, logged and expires objects after 30 days by default', () => {
    expect(all[bucketId]!.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId } },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('takes the expiry from context mediaExpiryDays and refuses nonsense', () => {
    const { template: t, stack: s } = synthStack({ context: { mediaExpiryDays: 7 } });
    const props = resources(t)[logicalId(s, s.cardPipeline!.bucket)]!.Properties!;
    expect(props['LifecycleConfiguration']).toMatchObject({ Rules: [{ ExpirationInDays: 7 }] });
    expect(() => synthStack({ context: { mediaExpiryDays: 'soon' } })).toThrow(/mediaExpiryDays/);
    expect(() => synthStack({ context: { mediaExpiryDays: 0 } })).toThrow(/mediaExpiryDays/);
  });
});

describe('worker permissions', () => {
  it('Textract: DetectDocumentText only', () => {
    const textract = workerStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('textract:')));
    expect(textract).toHaveLength(1);
    expect(actionsOf(textract[0]!)).toEqual(['textract:DetectDocumentText']);
    expect(textract[0]!.Resource).toBe('*');
  });

  it('S3: put and get under media/ of the media bucket, nothing else', () => {
    const s3 = workerStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3).toHaveLength(1);
    expect(actionsOf(s3[0]!).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(s3[0]!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/media/*']] });
  });

  it('no other function may touch the bucket', () => {
    for (const name of stack.functions.keys()) {
      if (name === 'cardWorker') continue;
      const text = JSON.stringify(roleStatements(template, stack, name));
      expect(text, name).not.toContain(bucketId);
      expect(text, name).not.toContain('textract:');
    }
  });
});

describe('context ocrEngine', () => {
  const textractStatements = (context: Record<string, unknown>) => {
    const synthesized = synthStack({ context });
    const statements = roleStatements(synthesized.template, synthesized.stack, 'cardWorker');
    const env = (resources(synthesized.template)[logicalId(synthesized.stack, synthesized.stack.functions.get('cardWorker')!.function)]!.Properties![
      'Environment'
    ] as { Variables: Record<string, unknown> }).Variables;
    return { env, textract: statements.filter((s) => actionsOf(s).some((a) => a.startsWith('textract:'))) };
  };

  it('tesseract and none: OCR_ENGINE set, no Textract permission at all', () => {
    for (const engine of ['tesseract', 'none']) {
      const { env, textract } = textractStatements({ ocrEngine: engine });
      expect(env['OCR_ENGINE']).toBe(engine);
      expect(textract).toEqual([]);
    }
  });

  it('textract: OCR_ENGINE=textract with DetectDocumentText', () => {
    const { env, textract } = textractStatements({ ocrEngine: 'textract' });
    expect(env['OCR_ENGINE']).toBe('textract');
    expect(textract.flatMap(actionsOf)).toEqual(['textract:DetectDocumentText']);
  });

  it('refuses an engine it does not know, naming the choices', () => {
    expect(() => synthStack({ context: { ocrEngine: 'google' } })).toThrow(/context ocrEngine must be one of auto, tesseract, textract, none, got "google"/);
  });
});

describe('compliance', () => {
  it('adds no cdk-nag finding', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const violations = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath ?? ''}`));
    expect(violations.filter((v) => v.includes('CardPipeline') || v.includes('cardWorker') || v.includes('card'))).toEqual([]);
  });
});
