// Card media in S3: one object per message, `media/<message id>`, written once the download is done and read by
// retries (and by Textract, which reads the object itself). The bucket encrypts at rest and expires objects
// (lib/constructs/card-pipeline.ts). Locally fauxqs serves S3: AWS_ENDPOINT_URL_S3 points at it and
// S3_FORCE_PATH_STYLE=true, since `<bucket>.127.0.0.1` names no host.
import { CLIENT_LIMITS, sdkClientLimits } from '../runtime/client-limits.js';
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { MediaStore } from '../../domain/cards/card-pipeline.js';

export interface MediaStoreOptions {
  bucket: string;
  client?: S3Client;
  /** Key prefix; default `media/`. */
  prefix?: string;
}

let shared: S3Client | undefined;

export function s3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  shared ??= new S3Client({
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    ...sdkClientLimits(CLIENT_LIMITS.s3),
  });
  return shared;
}

/** Keys are derived from the message id but never contain it raw: wamids hold `=`, `+` and `/`. */
export function mediaKeyFor(messageId: string, prefix = 'media/'): string {
  const safe = messageId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 160);
  const hash = createHash('sha256').update(messageId).digest('hex').slice(0, 16);
  return `${prefix}${safe}-${hash}`;
}

export function createMediaStore(options: MediaStoreOptions): MediaStore {
  const client = options.client ?? s3Client();
  const prefix = options.prefix ?? 'media/';
  const bucket = options.bucket;
  return {
    keyFor: (messageId) => mediaKeyFor(messageId, prefix),
    locate: (key) => ({ bucket, key }),
    async put(key, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
      return { bucket, key };
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      return out.Body.transformToByteArray();
    },
  };
}
