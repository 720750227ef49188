// `wa simulate`: post a correctly signed Meta delivery to a running webhook (local by default: the runner at
// $WA_API or 127.0.0.1:$PORT). `--api <base URL>` like every command; `--url` is an alias that also takes the full
// webhook URL (`.../webhooks/whatsapp`), as it did first.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { MEDIA_UPLOAD_PATH } from '../local/card-media.js';
import { localSettings } from '../local/defaults.js';
import { mediaDelivery, signedRequest, statusDelivery, textDelivery, type MetaDelivery } from '../local/meta-payloads.js';
import { LOCAL_API_OPTION, parseCommand, usageError, UsageError, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';
import { cannotConnect, localAddress } from './local-runner.js';

const USAGE = `usage:
  wa simulate text <text> --from <wa_id digits> [--user-id <BSUID>] [--name <profile name>] [--username <name>]
                          [--id <wamid>] [--reply-to <wamid>] [--ago 25h]
  wa simulate image <file> --from <wa_id digits> [--caption <text>] [--document] [--media-id <id>]
                          a photo (.jpg, .png, .webp) or a PDF: uploaded into the local Graph sandbox
                          (POST ${MEDIA_UPLOAD_PATH} with Bearer $ADMIN_TOKEN), then sent as an image message
                          (a document with --document; PDFs always); --media-id skips the upload
  wa simulate status <wamid> <sent|delivered|read|played|failed> [--to <wa_id>] [--user-id <BSUID>]
                          [--error-code <n> --error-title <text>]
  wa simulate wazzup-text|wazzup-image ...   a Wazzup24 customer (wa simulate wazzup-text --help)
The body is signed with $WHATSAPP_APP_SECRET (or the local default) and posted to <api>/webhooks/whatsapp.`;

const options = {
  ...LOCAL_API_OPTION,
  url: { type: 'string', value: '<url>', description: 'alias of --api; a full .../webhooks/whatsapp URL is accepted too' },
  from: { type: 'string', value: '<wa_id>', description: 'text, image: the customer\'s phone digits without "+"' },
  to: { type: 'string', value: '<wa_id>', description: 'status: the recipient\'s phone digits' },
  'user-id': { type: 'string', value: '<BSUID>', description: 'the customer\'s business-scoped user id (with or instead of --from / --to)' },
  name: { type: 'string', value: '<name>', description: 'the customer\'s profile name' },
  username: { type: 'string', value: '<name>', description: 'text: the customer\'s username' },
  id: { type: 'string', value: '<wamid>', description: 'the message id (default a new wamid)' },
  'reply-to': { type: 'string', value: '<wamid>', description: 'text: the message it quotes' },
  'phone-number-id': { type: 'string', value: '<id>', description: 'the business number (default $WHATSAPP_PHONE_NUMBER_ID or the local default)' },
  'display-phone-number': { type: 'string', value: '<number>', description: 'the business number shown in metadata' },
  'waba-id': { type: 'string', value: '<id>', description: 'entry[].id' },
  'error-code': { type: 'string', value: '<n>', description: 'status failed: the Meta error code' },
  'error-title': { type: 'string', value: '<text>', description: 'status failed: the error title' },
  caption: { type: 'string', value: '<text>', description: 'image: the caption' },
  document: { type: 'boolean', description: 'image: send the file as a document' },
  'media-id': { type: 'string', value: '<id>', description: 'image: a media id already in the sandbox (skips the upload)' },
  print: { type: 'boolean', description: 'print the signed body (and its signature on stderr) instead of posting it' },
  ago: { type: 'string', value: '<25h>', description: 'text: sent that long ago (s, m, h or d), to test the 24-hour window' },
} as const satisfies Flags;

/** The webhook of the runner `--api`/`--url` names (either a base URL or the webhook URL itself), else the local one. */
export function webhookUrl(api: string | undefined, env: NodeJS.ProcessEnv): string {
  const base = (api ?? localAddress(env).url).replace(/\/+$/, '').replace(/\/webhooks\/whatsapp$/, '');
  return `${base}/webhooks/whatsapp`;
}

/** `25h`, `90m`, `2d`: how long ago the simulated message was sent (to test the 24-hour window). */
function durationMs(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`--ago must be a number with s, m, h or d (e.g. 25h), got "${text}"`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // The Wazzup24 variants are played by the local Wazzup sandbox, not signed here.
  if (args[0] === 'wazzup-text' || args[0] === 'wazzup-image') return (await import('./wazzup-simulate.js')).run(args[0], args.slice(1), env);
  const parsed = parseCommand({ args, options, allowPositionals: true, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  if (v.api !== undefined && v.url !== undefined) return usageError('give --api or its alias --url, not both', USAGE);
  const url = webhookUrl(v.api ?? v.url, env);
  const settings = localSettings(env);
  const business = {
    phoneNumberId: v['phone-number-id'] ?? settings.WHATSAPP_PHONE_NUMBER_ID,
    ...(v['display-phone-number'] ? { displayPhoneNumber: v['display-phone-number'] } : {}),
    ...(v['waba-id'] ? { wabaId: v['waba-id'] } : {}),
  };
  let delivery: MetaDelivery;
  let messageId: string;
  try {
    const [kind, ...rest] = positionals;
    if (kind === 'text') {
      const text = rest.join(' ');
      if (!text) throw new UsageError('wa simulate text: the message text is missing');
      if (!v.from && !v['user-id']) throw new UsageError('wa simulate text: --from <wa_id> (or --user-id <BSUID>) is required');
      if (v.from && !/^\d{6,15}$/.test(v.from)) throw new UsageError(`--from must be the phone's digits without "+", got "${v.from}"`);
      const built = textDelivery({
        ...business,
        text,
        ...(v.from ? { waId: v.from } : {}),
        ...(v['user-id'] ? { userId: v['user-id'] } : {}),
        ...(v.name ? { name: v.name } : {}),
        ...(v.username ? { username: v.username } : {}),
        ...(v.id ? { id: v.id } : {}),
        ...(v['reply-to'] ? { replyTo: v['reply-to'] } : {}),
        ...(v.ago ? { timestamp: new Date(Date.now() - durationMs(v.ago)) } : {}),
      });
      delivery = built.delivery;
      messageId = built.messageId;
    } else if (kind === 'image') {
      const [file] = rest;
      if (!file) throw new UsageError('wa simulate image: give the image or PDF file');
      if (!v.from && !v['user-id']) throw new UsageError('wa simulate image: --from <wa_id> (or --user-id <BSUID>) is required');
      if (v.from && !/^\d{6,15}$/.test(v.from)) throw new UsageError(`--from must be the phone's digits without "+", got "${v.from}"`);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
      }
      const mimeType = fileMediaType(bytes, file);
      if (!mimeType) throw new UsageError(`${file} is not a JPEG, PNG or WebP image or a PDF`);
      const uploaded = v['media-id'] ? { id: v['media-id'], sha256: undefined } : await uploadMedia(url, bytes, mimeType, settings.ADMIN_TOKEN, (u, e) => unreachable(u, e, v.api ?? v.url, env));
      const built = mediaDelivery({
        ...business,
        kind: v.document || mimeType === 'application/pdf' ? 'document' : 'image',
        mediaId: uploaded.id,
        mimeType,
        ...(uploaded.sha256 ? { sha256Hex: uploaded.sha256 } : {}),
        ...(v.caption ? { caption: v.caption } : {}),
        filename: basename(file),
        ...(v.from ? { waId: v.from } : {}),
        ...(v['user-id'] ? { userId: v['user-id'] } : {}),
        ...(v.name ? { name: v.name } : {}),
        ...(v.id ? { id: v.id } : {}),
      });
      delivery = built.delivery;
      messageId = built.messageId;
    } else if (kind === 'status') {
      const [wamid, status] = rest;
      if (!wamid || !status) throw new UsageError('wa simulate status: give the message id and the status');
      if (v.to && !/^\d{6,15}$/.test(v.to)) throw new UsageError(`--to must be the phone's digits without "+", got "${v.to}"`);
      const code = v['error-code'];
      if (code !== undefined && !/^\d+$/.test(code)) throw new UsageError(`--error-code must be a number, got "${code}"`);
      delivery = statusDelivery({
        ...business,
        messageId: wamid,
        status,
        recipient: { ...(v.to ? { waId: v.to } : {}), ...(v['user-id'] ? { userId: v['user-id'] } : {}) },
        ...(code ? { errors: [{ code: Number(code), title: v['error-title'] ?? 'Simulated failure' }] } : {}),
      });
      messageId = wamid;
    } else {
      throw new UsageError(kind ? `unknown kind "${kind}"` : 'say what to simulate: text, image or status');
    }
  } catch (error) {
    if (error instanceof Unreachable) {
      console.error(error.message);
      return EXIT.usage;
    }
    if (!(error instanceof UsageError)) throw error;
    return usageError(error.message, USAGE);
  }

  const request = signedRequest(delivery, settings.WHATSAPP_APP_SECRET);
  if (v.print) {
    console.log(request.body.toString('utf8'));
    console.error(`X-Hub-Signature-256: ${request.headers['x-hub-signature-256']}`);
    return EXIT.done;
  }
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: request.headers, body: new Uint8Array(request.body) });
  } catch (error) {
    console.error(unreachable(url, error, v.api ?? v.url, env));
    return EXIT.usage;
  }
  console.log(`message id: ${messageId}`);
  console.log(`POST ${url} -> ${response.status}`);
  console.log(await response.text());
  return response.ok ? EXIT.done : EXIT.failed;
}

/** A connection that failed: the address tried, and where it came from when no flag named it. */
class Unreachable extends Error {}

function unreachable(url: string | URL, error: unknown, flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return cannotConnect(url, error, flag ? undefined : localAddress(env));
}

const EXTENSION_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.pdf': 'application/pdf' };

/** The file's type by its first bytes, else by its extension. */
function fileMediaType(bytes: Buffer, file: string): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return EXTENSION_TYPES[extname(file).toLowerCase()];
}

/** Stores the file in the local runner's Graph sandbox; the runner is found from the webhook URL. */
async function uploadMedia(
  webhook: string,
  bytes: Buffer,
  mimeType: string,
  adminToken: string,
  describe: (url: URL, error: unknown) => string,
): Promise<{ id: string; sha256?: string }> {
  const url = new URL(MEDIA_UPLOAD_PATH, webhook);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': mimeType, authorization: `Bearer ${adminToken}` },
      body: new Uint8Array(bytes),
    });
  } catch (error) {
    throw new Unreachable(`cannot upload the file: ${describe(url, error)}`);
  }
  const body = (await response.json().catch(() => ({}))) as { id?: string; sha256?: string; error?: string };
  if (!response.ok || !body.id) throw new UsageError(`uploading the file to ${url} failed: ${response.status} ${body.error ?? ''}`.trim());
  return { id: body.id, ...(body.sha256 ? { sha256: body.sha256 } : {}) };
}
