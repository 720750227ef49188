import { contextInt } from './context.js';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Effect, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { cardPipeline } from '../resources.js';
import type { LambdaFunction } from './lambda-function.js';

/** Where the card worker's media objects live inside the bucket (lambdas/adapters/cards/media-store.ts). */
export const MEDIA_PREFIX = 'media/';
/** Access logs are evidence for a person investigating; a quarter is long enough and bounds the cost. */
export const ACCESS_LOG_DAYS = 90;
/** Layers are unpacked under /opt; the worker reads the reader .wasm from there. */
export const ZXING_WASM_IN_LAYER = '/opt/zxing_reader.wasm';
/** The worker's literal environment (besides MEDIA_BUCKET, a reference to the bucket). */
export const CARD_WORKER_LITERAL_ENV = { ZXING_WASM_PATH: ZXING_WASM_IN_LAYER, OCR_ENGINE: 'textract' } as const;
/** The one Textract action the worker calls; Textract has no resource-level permissions, so its resource is `*`. */
export const TEXTRACT_ACTIONS = ['textract:DetectDocumentText'] as const;

export interface CardPipelineProps {
  /** The card worker of resources.ts (the card queue's consumer). */
  readonly worker: LambdaFunction;
  /** Days before a stored card photo is deleted. */
  readonly mediaExpiryDays: number;
}

/** Context `mediaExpiryDays` (whole days, 1 to 3650), default resources.ts cardPipeline.mediaExpiryDays. */
export function readMediaExpiryDays(scope: Construct): number {
  return contextInt(scope, 'mediaExpiryDays', cardPipeline.mediaExpiryDays, 1, 3650);
}

/**
 * What the card worker needs beyond the generic wiring of resources.ts (its queue, tables and secret):
 * - the media bucket: SSE-S3 (Textract reads SSE-S3 objects with the caller's rights; SSE-KMS would need a key
 *   policy for it too), public access blocked, TLS only, objects expiring after `mediaExpiryDays`, access logs
 *   into a log bucket of their own;
 * - read and write of `media/*` only, and Textract DetectDocumentText (which has no resource-level permissions);
 * - zxing-wasm's reader .wasm as a layer at /opt, since the esbuild bundle holds only JavaScript.
 */
export class CardPipeline extends Construct {
  public readonly bucket: Bucket;
  public readonly accessLogs: Bucket;
  public readonly wasmLayer: LayerVersion;
  public readonly policy: Policy;

  constructor(scope: Construct, id: string, props: CardPipelineProps) {
    super(scope, id);
    // Log delivery through a bucket policy instead of the legacy LogDeliveryWrite ACL (AWS's recommendation, and
    // what CDK does for new projects), so both buckets can disable ACLs.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    // cdk-nag recognises a bucket that receives access logs, so this one needs no logging of its own.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(ACCESS_LOG_DAYS) }],
    });

    this.bucket = new Bucket(this, 'Media', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'media-bucket/',
      lifecycleRules: [
        { expiration: Duration.days(props.mediaExpiryDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    const objects = this.bucket.arnForObjects(`${MEDIA_PREFIX}*`);
    this.policy = new Policy(this, 'WorkerAccess', {
      statements: [
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject', 's3:GetObject'], resources: [objects] }),
        new PolicyStatement({ effect: Effect.ALLOW, actions: [...TEXTRACT_ACTIONS], resources: ['*'] }),
      ],
    });
    this.policy.attachToRole(props.worker.role);
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never);
    Validations.of(this.policy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Textract DetectDocumentText supports no resource-level permissions (the service authorization reference lists no resource type), so its only possible resource is *.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${MEDIA_PREFIX}*]`,
        reason: 'The worker writes and reads one object per card message under media/<message id>; the ids are not known at deploy time, so the prefix is the narrowest resource.',
      },
    );

    const wasmDir = dirname(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'));
    this.wasmLayer = new LayerVersion(this, 'ZxingWasm', {
      code: Code.fromAsset(wasmDir, { exclude: ['*', '!zxing_reader.wasm'] }),
      compatibleArchitectures: [Architecture.ARM_64],
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      description: 'zxing-wasm reader binary for the card worker (QR decoding)',
    });
    props.worker.function.addLayers(this.wasmLayer);

    props.worker.addEnvironment(cardPipeline.mediaBucketEnvVar, this.bucket.bucketName);
    for (const [name, value] of Object.entries(CARD_WORKER_LITERAL_ENV)) props.worker.addEnvironment(name, value);
  }
}
