// What Meta accepts as uploaded media (`POST /{phone-number-id}/media`), by message type: the MIME types and
// the size limits of ../shared/reference/meta-cloud-api-facts.md §5.4. Checked before an upload (wa send
// --file) and by the Graph sandbox, so a file Meta would refuse is refused here with the reason.

export type UploadKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

const MB = 1024 * 1024;

/** MIME types per kind, as Meta lists them (facts §5.4), and the largest file each kind takes. */
export const MEDIA_LIMITS: Readonly<Record<UploadKind, { types: readonly string[]; maxBytes: number; what: string }>> = {
  image: { types: ['image/jpeg', 'image/png'], maxBytes: 5 * MB, what: 'JPEG or PNG' },
  audio: { types: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB, what: 'AAC, AMR, MP3, M4A or OGG (Opus)' },
  video: { types: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB, what: 'MP4 or 3GP' },
  document: {
    types: [
      'application/pdf',
      'text/plain',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
    what: 'PDF, TXT, DOC(X), XLS(X) or PPT(X)',
  },
  // Static stickers are limited to 100 KB, animated ones to 500 KB; the file alone cannot always tell which.
  sticker: { types: ['image/webp'], maxBytes: 500 * 1024, what: 'WebP' },
};

/** The message type a file of this MIME type is sent as; WebP goes as a sticker only when asked for. */
export function uploadKindOf(mimeType: string): Exclude<UploadKind, 'sticker'> | undefined {
  const type = mimeType.split(';')[0]!.trim().toLowerCase();
  for (const kind of ['image', 'audio', 'video', 'document'] as const) {
    if (MEDIA_LIMITS[kind].types.includes(type)) return kind;
  }
  return undefined;
}

export type UploadCheck = { ok: true; kind: UploadKind; mimeType: string } | { ok: false; reason: string };

/** Whether Meta takes this file: its type (as read from its content) and its size. */
export function checkUpload(mimeType: string | undefined, bytes: number, asKind?: UploadKind): UploadCheck {
  const type = mimeType?.split(';')[0]?.trim().toLowerCase();
  if (!type) return { ok: false, reason: `its type could not be told from its content; WhatsApp takes ${describeAll()}` };
  const kind = asKind ?? uploadKindOf(type);
  if (!kind || !MEDIA_LIMITS[kind].types.includes(type)) {
    return { ok: false, reason: `${type} is not a type WhatsApp takes${asKind ? ` as ${asKind}` : ''}; it takes ${asKind ? `${MEDIA_LIMITS[asKind].what} as ${asKind}` : describeAll()}` };
  }
  const limit = MEDIA_LIMITS[kind].maxBytes;
  if (bytes > limit) return { ok: false, reason: `it is ${formatBytes(bytes)} (${bytes} bytes); WhatsApp takes ${kind} files up to ${formatBytes(limit)} (${limit} bytes)` };
  if (bytes === 0) return { ok: false, reason: 'it is empty' };
  return { ok: true, kind, mimeType: type };
}

function describeAll(): string {
  return (['image', 'audio', 'video', 'document'] as const).map((k) => `${k}: ${MEDIA_LIMITS[k].what}`).join('; ');
}

export function formatBytes(n: number): string {
  if (n >= MB) return `${Number((n / MB).toFixed(1))} MB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${n} bytes`;
}
