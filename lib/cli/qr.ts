// `wa qr <image> [--json]`: the QR codes in an image, through the same pipeline the card worker uses.
import { readFile } from 'node:fs/promises';
import { decodeQr } from '../../lambdas/adapters/cards/qr-zxing.js';
import { parseCommand } from './args.js';

const USAGE = 'usage: wa qr <image> [--json]';

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand({ args, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const [file] = parsed.positionals;
  if (!file || parsed.positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    console.error(`wa qr: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 1;
  }
  try {
    const result = await decodeQr(new Uint8Array(bytes));
    if (parsed.values.json) {
      console.log(JSON.stringify({ codes: result.codes.map(({ format, text }) => ({ format, text })) }));
    } else if (!result.codes.length) {
      console.log('no QR code found');
    } else {
      for (const code of result.codes) console.log(`${code.format}:\n${code.text}\n`);
    }
    return 0;
  } catch (e) {
    console.error(`wa qr: ${file}: ${(e as Error).message}`);
    return 1;
  }
}
