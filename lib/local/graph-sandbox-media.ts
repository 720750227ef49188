// `POST /{phone-number-id}/media` as the Graph sandbox answers it (facts §5.4; cassettes
// medias/upload_document_media_with_success_response.yml, upload_audio_media_with_success_response.yml): a
// multipart body with messaging_product=whatsapp, the file and its type; Meta's type and size limits; the type
// checked against the file's content (a mismatch is 131053, as on Graph). The accepted file is then served back by
// GET /{media-id} and its download URL like any other sandbox media.
import { randomInt } from 'node:crypto';
import { checkUpload, MEDIA_LIMITS } from '../../lambdas/domain/outbound/media-limits.js';
import { detectMediaType } from '../media-type.js';
import { errorSpecFor, invalidParameter, parameterRequired, type GraphErrorSpec } from './graph-sandbox-errors.js';

export interface AcceptedUpload {
  bytes: Uint8Array;
  mimeType: string;
  filename: string;
}

export type UploadCheck = { ok: true; upload: AcceptedUpload } | { ok: false; error: GraphErrorSpec };

/** Graph media ids are long decimal numbers. */
export function newMediaId(): string {
  return `${randomInt(1, 10)}${Array.from({ length: 15 }, () => randomInt(0, 10)).join('')}`;
}

const mediaError = (details: string): GraphErrorSpec => ({ ...errorSpecFor(131053), details });

/** Reads and checks an upload request body; the caller registers what it accepts. */
export async function checkMediaUpload(body: Buffer, contentType: string | undefined): Promise<UploadCheck> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return { ok: false, error: parameterRequired('file') };
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return { ok: false, error: invalidParameter('The request body is not a valid multipart/form-data body.') };
  }
  const product = form.get('messaging_product');
  if (product === null) return { ok: false, error: parameterRequired('messaging_product') };
  if (product !== 'whatsapp') {
    return { ok: false, error: { message: `(#100) Param messaging_product must be one of {WHATSAPP} - got "${String(product)}".`, type: 'OAuthException', code: 100, httpStatus: 400 } };
  }
  const file = form.get('file');
  if (!(file instanceof Blob)) return { ok: false, error: parameterRequired('file') };
  const typeField = form.get('type');
  const declared = (typeof typeField === 'string' && typeField ? typeField : file.type).split(';')[0]!.trim().toLowerCase();
  if (!declared) return { ok: false, error: parameterRequired('type') };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = declared === 'image/webp' ? 'sticker' : undefined;
  const limits = checkUpload(declared, bytes.byteLength, kind);
  if (!limits.ok) {
    const family = declared.split('/')[0] ?? 'media';
    const allowed = Object.values(MEDIA_LIMITS).flatMap((l) => l.types).filter((t) => t.startsWith(`${family}/`));
    return {
      ok: false,
      error: mediaError(allowed.length && !allowed.includes(declared) ? `Unsupported ${family} mime type ${declared}. Please use one of ${allowed.join(', ')}.` : `Media upload error: ${limits.reason}.`),
    };
  }
  const actual = await detectMediaType(bytes, file instanceof File ? file.name : '');
  if (actual !== declared) return { ok: false, error: mediaError(`The file's content is ${actual ?? 'of an unknown type'}, not ${declared} as declared.`) };
  return { ok: true, upload: { bytes, mimeType: declared, filename: file instanceof File ? file.name : 'file' } };
}
