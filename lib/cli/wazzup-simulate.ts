// `wa simulate wazzup-text|wazzup-image`: a customer writing through Wazzup24, played by the Wazzup sandbox of a
// running `npm start` (POST /local/wazzup/inbound): the sandbox posts the delivery to the local webhook with the
// registered path secret, exactly as Wazzup would, and serves the image at the message's contentUri.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { localSettings } from '../local/defaults.js';
import { WAZZUP_INBOUND_PATH } from '../local/wazzup-service.js';
import { LOCAL_API_OPTION, parseCommand, usageError, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';
import { cannotConnect, localAddress } from './local-runner.js';

const USAGE = `usage:
  wa simulate wazzup-text <text> --chat <phone digits> [--name <name>]
  wa simulate wazzup-image <file> --chat <phone digits> [--name <name>]   (.jpg, .png, .webp)
Played by the Wazzup24 sandbox of the running npm start (Bearer $ADMIN_TOKEN or the local default).`;

const options = {
  chat: { type: 'string', value: '<digits>', description: 'the customer\'s phone digits (8 to 15), the Wazzup chatId' },
  name: { type: 'string', value: '<name>', description: 'the customer\'s name' },
  ...LOCAL_API_OPTION,
} as const satisfies Flags;

const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

export async function run(kind: 'wazzup-text' | 'wazzup-image', args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, allowPositionals: true, strict: true, options }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  if (!v.chat || !/^\d{8,15}$/.test(v.chat)) return usageError('--chat must be the customer\'s phone digits (8 to 15), e.g. 79011112233', USAGE);
  let body: Uint8Array;
  let contentType: string;
  if (kind === 'wazzup-text') {
    const text = positionals.join(' ');
    if (!text) return usageError('wa simulate wazzup-text: the message text is missing', USAGE);
    body = new TextEncoder().encode(JSON.stringify({ text }));
    contentType = 'application/json';
  } else {
    const file = positionals[0];
    const type = file ? TYPES[extname(file).toLowerCase()] : undefined;
    if (!file || !type) return usageError('wa simulate wazzup-image: a .jpg, .png or .webp file is required', USAGE);
    try {
      body = new Uint8Array(await readFile(file));
    } catch (error) {
      return usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, USAGE);
    }
    contentType = type;
  }
  const url = new URL(WAZZUP_INBOUND_PATH, v.api ?? localAddress(env).url);
  url.searchParams.set('chat', v.chat);
  if (v.name) url.searchParams.set('name', v.name);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${localSettings(env).ADMIN_TOKEN}` }, body: Buffer.from(body) });
  } catch (error) {
    console.error(cannotConnect(url, error, v.api ? undefined : localAddress(env)));
    return EXIT.usage;
  }
  const text = await res.text();
  console.log(`${res.status} ${text}`);
  return res.ok ? EXIT.done : EXIT.failed;
}
