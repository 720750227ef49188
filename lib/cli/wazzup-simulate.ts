// `wa simulate wazzup-text|wazzup-image`: a customer writing through Wazzup24, played by the Wazzup sandbox of a
// running `npm start` (POST /local/wazzup/inbound): the sandbox posts the delivery to the local webhook with the
// registered path secret, exactly as Wazzup would, and serves the image at the message's contentUri.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { localSettings } from '../local/defaults.js';
import { WAZZUP_INBOUND_PATH } from '../local/wazzup-service.js';

const USAGE = `usage:
  wa simulate wazzup-text <text> --chat <phone digits> [--name <name>]
  wa simulate wazzup-image <file> --chat <phone digits> [--name <name>]   (.jpg, .png, .webp)
options:
  --api <url>   the local stack, default http://127.0.0.1:3000 (Bearer $ADMIN_TOKEN or the local default)`;

const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

export async function run(kind: 'wazzup-text' | 'wazzup-image', args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { chat: { type: 'string' }, name: { type: 'string' }, api: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  if (!v.chat || !/^\d{8,15}$/.test(v.chat)) {
    console.error(`--chat must be the customer's phone digits (8 to 15), e.g. 79011112233\n\n${USAGE}`);
    return 2;
  }
  let body: Uint8Array;
  let contentType: string;
  if (kind === 'wazzup-text') {
    const text = positionals.join(' ');
    if (!text) {
      console.error(`wa simulate wazzup-text: the message text is missing\n\n${USAGE}`);
      return 2;
    }
    body = new TextEncoder().encode(JSON.stringify({ text }));
    contentType = 'application/json';
  } else {
    const file = positionals[0];
    const type = file ? TYPES[extname(file).toLowerCase()] : undefined;
    if (!file || !type) {
      console.error(`wa simulate wazzup-image: a .jpg, .png or .webp file is required\n\n${USAGE}`);
      return 2;
    }
    body = new Uint8Array(await readFile(file));
    contentType = type;
  }
  const url = new URL(WAZZUP_INBOUND_PATH, v.api ?? 'http://127.0.0.1:3000');
  url.searchParams.set('chat', v.chat);
  if (v.name) url.searchParams.set('name', v.name);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${localSettings().ADMIN_TOKEN}` }, body: Buffer.from(body) });
  } catch (error) {
    console.error(`could not reach ${url.origin} (is npm start running?): ${(error as Error).message}`);
    return 1;
  }
  const text = await res.text();
  console.log(`${res.status} ${text}`);
  return res.ok ? 0 : 1;
}
