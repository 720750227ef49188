import { contextChoice, contextInt } from './context.js';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Effect, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSET_PATHS, OCR_LANGUAGES } from '../card-worker-files.js';
import { cardPipeline, type OcrEngineName } from '../resources.js';
import type { ExtraBundling, LambdaFunction } from './lambda-function.js';

/** Where the card worker's media objects live inside the bucket (lambdas/adapters/cards/media-store.ts). */
export const MEDIA_PREFIX = 'media/';
/** Access logs are evidence for a person investigating; a quarter is long enough and bounds the cost. */
export const ACCESS_LOG_DAYS = 90;
/** Layers are unpacked under /opt; the worker reads the reader .wasm from there. */
export const ZXING_WASM_IN_LAYER = '/opt/zxing_reader.wasm';
/** Lambda unpacks the function's asset here (LAMBDA_TASK_ROOT). */
export const TASK_ROOT = '/var/task';
/** The worker's literal environment (besides MEDIA_BUCKET, a reference to the bucket, and OCR_ENGINE). */
export const CARD_WORKER_LITERAL_ENV = {
  ZXING_WASM_PATH: ZXING_WASM_IN_LAYER,
  TESSERACT_LANG_PATH: `${TASK_ROOT}/${ASSET_PATHS.langDir}`,
  TESSERACT_WORKER_PATH: `${TASK_ROOT}/${ASSET_PATHS.worker}`,
  TESSERACT_LANGUAGES: OCR_LANGUAGES.join('+'),
} as const;
/** The one Textract action the worker calls; Textract has no resource-level permissions, so its resource is `*`. */
export const TEXTRACT_ACTIONS = ['textract:DetectDocumentText'] as const;

const STAGE_SCRIPT = fileURLToPath(new URL('../../scripts/stage-card-worker-files.ts', import.meta.url));

/**
 * The card worker's asset beyond esbuild's index.mjs (lib/card-worker-files.ts): sharp stays out of the bundle (a
 * native module) and is installed for Lambda's platform; tesseract.js' worker script, core .wasm and traineddata are
 * copied in. tesseract.js computes its default worker path from `__dirname` when it loads, which an ESM bundle lacks.
 */
export function cardWorkerBundling(): ExtraBundling {
  return {
    externalModules: ['sharp'],
    banner:
      "import { fileURLToPath as __cwFileUrlToPath } from 'node:url'; import { dirname as __cwDirname } from 'node:path'; const __filename = __cwFileUrlToPath(import.meta.url); const __dirname = __cwDirname(__filename);",
    // `--import tsx`: the staging code is TypeScript; CDK runs hooks in the project root, where tsx is installed.
    afterBundling: (outputDir) => [`"${process.execPath}" --import tsx "${STAGE_SCRIPT}" "${outputDir}"`],
  };
}

export interface CardPipelineProps {
  /** The card worker of resources.ts (the card queue's consumer). */
  readonly worker: LambdaFunction;
  /** Days before a stored card photo is deleted. */
  readonly mediaExpiryDays: number;
  /** The worker's OCR engine (OCR_ENGINE); Textract is granted only to the engines that call it. */
  readonly ocrEngine: OcrEngineName;
}

/** Context `ocrEngine`: which OCR the card worker runs (resources.ts cardPipeline.ocrEngines), default `auto`. */
export function readOcrEngine(scope: Construct): OcrEngineName {
  return contextChoice(scope, 'ocrEngine', cardPipeline.ocrEngines, cardPipeline.ocrEngine);
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
 * - read and write of `media/*` only, and Textract DetectDocumentText (which has no resource-level permissions) when
 *   the OCR engine calls it (`auto`, `textract`);
 * - zxing-wasm's reader .wasm as a layer at /opt, since the esbuild bundle holds only JavaScript;
 * - OCR_ENGINE and where the asset's tesseract files are (its bundling is cardWorkerBundling, given to the function
 *   when the stack creates it).
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
    const callsTextract = props.ocrEngine === 'auto' || props.ocrEngine === 'textract';
    this.policy = new Policy(this, 'WorkerAccess', {
      statements: [
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject', 's3:GetObject'], resources: [objects] }),
        ...(callsTextract ? [new PolicyStatement({ effect: Effect.ALLOW, actions: [...TEXTRACT_ACTIONS], resources: ['*'] })] : []),
      ],
    });
    this.policy.attachToRole(props.worker.role);
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never);
    if (callsTextract) {
      Validations.of(this.policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Textract DetectDocumentText supports no resource-level permissions (the service authorization reference lists no resource type), so its only possible resource is *.',
      });
    }
    Validations.of(this.policy).acknowledge(
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
    props.worker.addEnvironment('OCR_ENGINE', props.ocrEngine);
    for (const [name, value] of Object.entries(CARD_WORKER_LITERAL_ENV)) props.worker.addEnvironment(name, value);
  }
}
