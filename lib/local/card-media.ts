// Card media in local mode:
// - a LocalService that creates the media bucket in fauxqs' S3 (fauxqs serves SQS and S3 on one endpoint, so it
//   must start after the fauxqs service) and hands the card worker its variables; it must also start before
//   the queue pollers, which load the worker and with it the variables;
// - `POST /local/media`, a local-only route (never deployed): the body is a file, stored in the Graph sandbox as
//   media the way a customer's photo is stored by Meta, so `wa simulate image` can send a webhook naming it.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { cardPipeline } from '../resources.js';
import { LOCAL_TABLE_PREFIX } from './defaults.js';
import { LOCAL_REGION } from './fauxqs-server.js';
import type { GraphSandbox } from './graph-sandbox.js';
import { newMediaId } from './graph-sandbox-media.js';
import type { LocalRoute, LocalService } from './runner.js';

export const LOCAL_MEDIA_BUCKET = `${LOCAL_TABLE_PREFIX}-media`;
export const MEDIA_UPLOAD_PATH = '/local/media';

export function cardMediaService(options: { bucket?: string } = {}): LocalService {
  return {
    name: 'card media',
    async start() {
      const endpoint = process.env.AWS_ENDPOINT_URL_SQS;
      if (!endpoint) throw new Error('the card media bucket lives in fauxqs: start the fauxqs service first');
      const bucket = options.bucket ?? LOCAL_MEDIA_BUCKET;
      const client = new S3Client({
        endpoint,
        region: LOCAL_REGION,
        forcePathStyle: true,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
      } finally {
        client.destroy();
      }
      return {
        env: { AWS_ENDPOINT_URL_S3: endpoint, S3_FORCE_PATH_STYLE: 'true', [cardPipeline.mediaBucketEnvVar]: bucket },
        info: [`  media     s3://${bucket} in fauxqs (card photos; upload one for a simulated message: POST ${MEDIA_UPLOAD_PATH})`],
        close: async () => undefined,
      };
    },
  };
}

const MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);


/** `POST /local/media` with the file as the body and its type as Content-Type -> `{ id, mime_type, sha256, file_size }`. */
export function mediaUploadRoute(sandbox: () => GraphSandbox | undefined): LocalRoute {
  return async ({ body, contentType }) => {
    const box = sandbox();
    if (!box) {
      return { statusCode: 409, body: { error: 'local mode talks to the real Graph API (WHATSAPP_ACCESS_TOKEN is set): media comes from real messages' } };
    }
    const mimeType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!MEDIA_TYPES.has(mimeType)) {
      return { statusCode: 415, body: { error: `Content-Type must be one of ${[...MEDIA_TYPES].join(', ')}, got "${mimeType}"` } };
    }
    if (!body.byteLength) return { statusCode: 400, body: { error: 'the body (the file) is empty' } };
    const media = box.media.register(newMediaId(), new Uint8Array(body), mimeType);
    return { statusCode: 201, body: { id: media.id, mime_type: media.mimeType, sha256: media.sha256, file_size: media.fileSize } };
  };
}
