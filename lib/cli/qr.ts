// `wa qr <image> [--json]`: the QR codes in an image, through the same pipeline the card worker uses.
import { readFile } from 'node:fs/promises';
import { decodeQr } from '../../lambdas/adapters/cards/qr-zxing.js';
import { parseCommand, usageError, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';

const USAGE = `usage: wa qr <image> [--json]
The QR codes in a JPEG, PNG or WebP image, through the pipeline the card worker uses.`;

const options = { json: { type: 'boolean', description: 'print { codes: [{ format, text }] } as one JSON document' } } as const satisfies Flags;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand({ args, allowPositionals: true, strict: true, options }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const [file] = parsed.positionals;
  if (!file || parsed.positionals.length > 1) return usageError(file ? 'give one image' : 'give the image file', USAGE);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    console.error(`wa qr: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return EXIT.failed;
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
    return EXIT.done;
  } catch (e) {
    console.error(`wa qr: ${file}: ${(e as Error).message}`);
    return EXIT.failed;
  }
}
