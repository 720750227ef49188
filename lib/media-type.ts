// A file's MIME type read from its content (file-type's magic numbers), never from its name: what `wa send --file`
// uploads and what the Graph sandbox checks an upload against, as Meta does (a mismatch is error 131053).
// Only for the CLI and local mode: Lambda bundles never import it.
import { extname } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';

/** The names Meta uses where file-type reports another (facts §5.4: m4a is audio/mp4, Opus rides in OGG). */
const AS_META: Readonly<Record<string, string>> = {
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/opus': 'audio/ogg',
  'audio/x-aac': 'audio/aac',
  'video/3gpp2': 'video/3gpp',
};

/** Old Office files share one container (CFB); only the name tells a .doc from a .xls or a .ppt. */
const CFB_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.doc': 'application/msword',
  '.xls': 'application/vnd.ms-excel',
  '.ppt': 'application/vnd.ms-powerpoint',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text: valid UTF-8 without NUL or other control characters than tab, line feed, carriage return, form feed. */
function isPlainText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 64 * 1024);
  let text: string;
  try {
    // A multi-byte character cut at the 64 KB mark is not a reason to call the file binary.
    text = utf8.decode(head.byteLength < bytes.byteLength ? head.subarray(0, head.byteLength - 4) : head);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

/** The MIME type of a file's content; `name` only tells the old Office formats apart. Undefined when unknown. */
export async function detectMediaType(bytes: Uint8Array, name = ''): Promise<string | undefined> {
  if (bytes.byteLength === 0) return undefined;
  const found = await fileTypeFromBuffer(bytes);
  if (found) {
    const mime = found.mime.split(';')[0]!.trim();
    if (found.ext === 'cfb') return CFB_BY_EXTENSION[extname(name).toLowerCase()] ?? mime;
    return AS_META[mime] ?? mime;
  }
  return isPlainText(bytes) ? 'text/plain' : undefined;
}
