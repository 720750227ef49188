// `wa send`: POST /messages on the deployed API (SigV4 with the standard AWS credential chain) or the local
// runner (Bearer $ADMIN_TOKEN); prints the wamid, and with --wait follows its status until read or failed.
import { parseArgs } from 'node:util';
import { adminRequest, type AdminOptions } from './admin-request.js';
import { adminTarget, parseCommand, TARGET_OPTIONS, usageError, UsageError, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';
import { GraphError } from '../../lambdas/adapters/meta/graph-client.js';
import { ConfigError, readMediaFile, uploadMedia, uploadTarget, type MediaFile } from './media-upload.js';
import { contactCardFor, ContentError, locationOf } from './send-content.js';

const USAGE = `usage: wa send --to <phone or BSUID> <content> [options] [--local | --api <url> | --aws [--stack <name>]]
content, exactly one of: --text, --template (with --lang, --param), --image, --video, --audio, --document,
--file (uploaded, then sent by media id), --location (with --name, --address), --contact-id.
Target: the flag, else $WA_API, else the local runner if one answers (127.0.0.1:$PORT), else the deployed stack.
Exit code 0 sent (with --wait: delivered or read), 1 refused or failed.`;

const options = {
  to: { type: 'string', value: '<phone|BSUID>', description: 'the recipient: a phone in any common format, or a BSUID' },
  text: { type: 'string', value: '<text>', description: 'free-form text (only within 24 h of the customer\'s last message)' },
  template: { type: 'string', value: '<name>', description: 'an approved template' },
  lang: { type: 'string', value: '<code>', description: 'the template\'s language as approved (default en_US)' },
  param: { type: 'string', multiple: true, value: '<value>', description: 'fills the next template body placeholder {{1}}, {{2}}, ...' },
  image: { type: 'string', value: '<url>', description: 'an image by link' },
  video: { type: 'string', value: '<url>', description: 'a video by link' },
  audio: { type: 'string', value: '<url>', description: 'an audio file by link' },
  document: { type: 'string', value: '<url>', description: 'a document by link' },
  caption: { type: 'string', value: '<text>', description: 'the caption of an image, video or document' },
  filename: { type: 'string', value: '<name>', description: 'the file name a document is shown with' },
  file: { type: 'string', value: '<path>', description: "upload a file (type read from its content: JPEG/PNG, MP4/3GP, AAC/AMR/MP3/M4A/OGG, PDF/TXT/Office; Meta's size limits) and send it by media id" },
  location: { type: 'string', value: '<lat>,<lon>', description: 'a location pin' },
  name: { type: 'string', value: '<text>', description: 'the name shown with --location' },
  address: { type: 'string', value: '<text>', description: 'the address shown with --location' },
  'contact-id': { type: 'string', value: '<id>', description: 'a stored contact (GET /contacts/<id>) sent as a contact card' },
  'reply-to': { type: 'string', value: '<wamid>', description: 'quote a message' },
  'phone-number-id': { type: 'string', value: '<id>', description: 'send from this business number (default: the API\'s configured one)' },
  'idempotency-key': { type: 'string', value: '<key>', description: 'a retry with the same key returns the first answer and sends nothing twice' },
  wait: { type: 'boolean', description: 'follow the status (sent, delivered, read) for up to --timeout seconds' },
  timeout: { type: 'string', value: '<seconds>', description: 'how long --wait follows the status (default 30)' },
  json: { type: 'boolean', description: 'print the API\'s answer as one JSON document' },
  ...TARGET_OPTIONS,
} as const satisfies Flags;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

const MEDIA = ['image', 'video', 'audio', 'document'] as const;

const CONTENT = ['text', 'template', ...MEDIA, 'file', 'location', 'contact-id'] as const;

/** The POST /messages body the flags describe; `--file` and `--contact-id` content is added in run(), once the
 *  target is known (the upload and the contact lookup need it). */
export function buildBody(v: Values): Record<string, unknown> {
  if (!v.to) throw new UsageError('--to is required');
  const given = CONTENT.filter((k) => v[k] !== undefined);
  if (given.length !== 1) throw new UsageError(given.length ? `give only one of --${given.join(', --')}` : `give one of --${CONTENT.join(', --')}`);
  const kind = given[0]!;
  if (kind !== 'template' && (v.lang !== undefined || v.param !== undefined)) throw new UsageError('--lang and --param go with --template');
  if (v.caption !== undefined && !['image', 'video', 'document', 'file'].includes(kind)) throw new UsageError(`--caption does not apply to --${kind}`);
  if (v.filename !== undefined && kind !== 'document' && kind !== 'file') throw new UsageError('--filename goes with --document or --file');
  if ((v.name !== undefined || v.address !== undefined) && kind !== 'location') throw new UsageError('--name and --address go with --location');
  const body: Record<string, unknown> = { to: v.to };
  if (kind === 'location') body['location'] = locationOf(v.location!, v.name, v.address);
  else if (kind === 'text') body['text'] = v.text;
  else if (kind === 'template') {
    const params = v.param ?? [];
    body['template'] = {
      name: v.template,
      language: v.lang ?? 'en_US',
      ...(params.length ? { components: [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }] } : {}),
    };
  } else if (kind !== 'file' && kind !== 'contact-id') {
    const url = v[kind]!;
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--${kind} must be an http(s) URL`);
    body[kind] = { link: url, ...(v.caption !== undefined ? { caption: v.caption } : {}), ...(v.filename !== undefined ? { filename: v.filename } : {}) };
  }
  if (v['reply-to']) body['replyTo'] = v['reply-to'];
  if (v['phone-number-id']) body['phoneNumberId'] = v['phone-number-id'];
  return body;
}

const FINAL = new Set(['read', 'played', 'failed']);

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let v: Values;
  let body: Record<string, unknown>;
  let file: MediaFile | undefined;
  let timeoutSeconds = 30;
  const parsed = parseCommand({ args, options, allowPositionals: false, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  try {
    v = parsed.values;
    body = buildBody(v);
    if (v.timeout !== undefined) {
      if (!/^\d+$/.test(v.timeout) || Number(v.timeout) < 1) throw new UsageError('--timeout must be a whole number of seconds');
      timeoutSeconds = Number(v.timeout);
    }
    if (v['idempotency-key'] !== undefined && !/^[\x21-\x7e]{1,200}$/.test(v['idempotency-key'])) {
      throw new UsageError('--idempotency-key must be 1 to 200 printable characters without spaces');
    }
    // A file WhatsApp would refuse is refused before anything is uploaded.
    if (v.file !== undefined) file = await readMediaFile(v.file);
    if (file?.kind === 'audio' && v.caption !== undefined) throw new UsageError('--caption does not apply to an audio file');
    if (file && file.kind !== 'document' && v.filename !== undefined) throw new UsageError(`--filename goes with a document; ${v.file} is ${file.kind === 'image' ? 'an' : 'a'} ${file.kind}`);
  } catch (error) {
    return usageError((error as Error).message, USAGE);
  }
  try {
    const to = await adminTarget(v, env);
    try {
      if (file) {
        const target = await uploadTarget(to, v['phone-number-id'], env);
        const { id } = await uploadMedia(target, file);
        body[file.kind] = { id, ...(v.caption !== undefined ? { caption: v.caption } : {}), ...(file.kind === 'document' ? { filename: v.filename ?? file.filename } : {}) };
        // A media id belongs to the number that uploaded it: the message goes from that one.
        body['phoneNumberId'] = target.phoneNumberId;
      }
      if (v['contact-id'] !== undefined) body['contacts'] = [await contactCardFor(v['contact-id'], to)];
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(`send: ${error.message}`);
        return EXIT.usage;
      }
      if (error instanceof GraphError) {
        console.error(`upload refused: ${error.error.message}${error.error.details ? ` (${error.error.details})` : ''}`);
        console.error(`hint: ${error.error.hint}`);
        return EXIT.failed;
      }
      if (error instanceof ContentError) {
        console.error(`send: ${error.message}`);
        return EXIT.failed;
      }
      throw error;
    }
    const res = await adminRequest('POST', '/messages', {
      ...to,
      body,
      ...(v['idempotency-key'] ? { headers: { 'Idempotency-Key': v['idempotency-key'] } } : {}),
    });
    const answer = (typeof res.body === 'object' && res.body !== null ? res.body : { error: String(res.body) }) as Record<string, unknown>;
    if (res.status !== 201 || typeof answer['id'] !== 'string') {
      if (v.json) console.log(JSON.stringify({ status: res.status, ...answer }, null, 2));
      else {
        console.error(`POST /messages answered ${res.status}: ${String(answer['error'] ?? JSON.stringify(answer))}`);
        if (answer['hint']) console.error(`hint: ${String(answer['hint'])}`);
      }
      return res.status === 401 || res.status === 403 ? EXIT.usage : EXIT.failed;
    }
    const id = answer['id'];
    if (v.json && !v.wait) console.log(JSON.stringify(answer, null, 2));
    else if (!v.json) console.log(`${id} ${String(answer['status'])}`);
    if (!v.wait) return EXIT.done;
    const final = await follow(id, to, timeoutSeconds, !v.json, String(answer['status']));
    if (v.json) console.log(JSON.stringify({ ...answer, ...(final ? { status: final['status'], statuses: final['statuses'] } : {}) }, null, 2));
    const status = final?.['status'];
    return status === 'read' || status === 'played' || status === 'delivered' ? EXIT.done : EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, USAGE);
    console.error(`send: ${(error as Error).message}`);
    return EXIT.usage;
  }
}

/** Polls GET /messages/{id}, printing each status of its history once, in order, until a final one or the timeout. */
async function follow(id: string, to: AdminOptions, timeoutSeconds: number, print: boolean, printed: string): Promise<Record<string, unknown> | undefined> {
  const end = Date.now() + timeoutSeconds * 1000;
  let last: Record<string, unknown> | undefined;
  let skipFirst = printed;
  const seen = new Set<string>();
  while (Date.now() < end) {
    const res = await adminRequest('GET', `/messages/${encodeURIComponent(id)}`, to);
    if (res.status === 200 && typeof res.body === 'object' && res.body !== null) {
      last = res.body as Record<string, unknown>;
      const history = Array.isArray(last['statuses']) ? (last['statuses'] as { status: string; timestamp: string; errors?: { code?: unknown; title?: unknown }[] }[]) : [];
      for (const entry of history) {
        const key = `${entry.status}@${entry.timestamp}`;
        if (seen.has(key)) continue;
        seen.add(key);
        // The POST answer already showed `accepted`.
        if (entry.status === skipFirst) {
          skipFirst = '';
          continue;
        }
        const error = entry.errors?.[0];
        const why = entry.status === 'failed' && error ? ` (${String(error.code)}${error.title ? ` ${String(error.title)}` : ''})` : '';
        if (print) console.log(`${id} ${entry.status}${why}`);
      }
      if (FINAL.has(String(last['status'] ?? ''))) return last;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}
