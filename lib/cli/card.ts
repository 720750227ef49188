// `wa card <file> [--json] [--country CC]`: a contact from a card image (QR, then local OCR with
// tesseract.js), a .txt of card lines, or a saved Textract DetectDocumentText JSON response.
// An image is checked from its header first (image-header.ts: over 50 MP or cut short is refused), and the readers
// (sharp, zxing-wasm, tesseract.js, the Textract types) are loaded only for the input that needs them, so a refusal
// costs no more than starting the CLI.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { ReadCard } from '../../lambdas/domain/cards/card.js';
import type { ParseCardOptions } from '../../lambdas/domain/cards/card-parser.js';
import { imageRefusal } from '../../lambdas/domain/cards/image-header.js';
import { parseCommand, usageError, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';

const USAGE = `usage: wa card <image|file.txt|textract.json> [--json] [--country CC]
A contact from a card image (QR code first, then local OCR with tesseract.js), a .txt of card lines, or a saved
Textract DetectDocumentText JSON response.`;

const flags = {
  json: { type: 'boolean', description: 'print the card as one JSON document' },
  country: { type: 'string', value: 'CC', description: 'country for numbers printed without +code when the card does not say (e.g. KG, RU)' },
} as const satisfies Flags;

/** The CLI's JSON shape: the card without the internal confidence score. */
export function cardJson(card: ReadCard): Record<string, unknown> {
  const { source, name, title, company, department, phones, emails, websites, address, lines } = card;
  return {
    source,
    ...(name ? { name } : {}),
    ...(title ? { title } : {}),
    ...(company ? { company } : {}),
    ...(department ? { department } : {}),
    phones: phones.map((p) => ({ number: p.number, type: p.type, ...(p.ext ? { ext: p.ext } : {}) })),
    emails,
    websites,
    ...(address ? { address } : {}),
    ...(lines ? { lines } : {}),
  };
}

function summary(card: ReadCard): string {
  const out: string[] = [`read from: ${card.source}`];
  const add = (label: string, value?: string) => value && out.push(`${label.padEnd(11)}${value}`);
  add('name', card.name);
  add('title', card.title);
  add('company', card.company);
  add('department', card.department);
  for (const p of card.phones) add(`phone`, `${p.number}${p.ext ? ` ext. ${p.ext}` : ''} (${p.type})`);
  for (const e of card.emails) add('email', e);
  for (const w of card.websites) add('website', w);
  add('address', card.address);
  if (out.length === 1) out.push('nothing recognisable as a contact was found');
  return out.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand({ args, allowPositionals: true, strict: true, options: flags }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const [file] = parsed.positionals;
  if (!file || parsed.positionals.length > 1) return usageError(file ? 'give one file' : 'give the card file', USAGE);
  const options: ParseCardOptions = {};
  const country = parsed.values.country?.toUpperCase();
  if (country) {
    const { isSupportedCountry } = await import('libphonenumber-js/max');
    if (!isSupportedCountry(country)) {
      console.error(`wa card: unknown country code ${parsed.values.country} (use ISO 3166 alpha-2, e.g. KG)`);
      return EXIT.usage;
    }
    options.senderCountry = country;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    console.error(`wa card: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return EXIT.failed;
  }
  let card: ReadCard;
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.txt') {
      const { readCardText } = await import('../../lambdas/domain/cards/card-reader.js');
      card = readCardText(bytes.toString('utf8'), options);
    } else if (ext === '.json') {
      let response: unknown;
      try {
        response = JSON.parse(bytes.toString('utf8'));
      } catch (e) {
        throw new Error(`not valid JSON: ${(e as Error).message}`);
      }
      const [{ readCardLines }, { textractLines }] = await Promise.all([
        import('../../lambdas/domain/cards/card-reader.js'),
        import('../../lambdas/adapters/cards/ocr-textract.js'),
      ]);
      card = readCardLines(textractLines(response as Parameters<typeof textractLines>[0]), 'ocr', options);
    } else {
      const refusal = imageRefusal(bytes);
      if (refusal) throw new Error(refusal);
      card = await readImage(new Uint8Array(bytes), options);
    }
  } catch (e) {
    console.error(`wa card: ${file}: ${(e as Error).message}`);
    return EXIT.failed;
  }
  console.log(parsed.values.json ? JSON.stringify(cardJson(card), null, 2) : summary(card));
  return EXIT.done;
}

async function readImage(bytes: Uint8Array, options: ParseCardOptions): Promise<ReadCard> {
  const [{ readCardImage }, { createTesseractOcr }, { zxingQrDecoder }] = await Promise.all([
    import('../../lambdas/domain/cards/card-reader.js'),
    import('../../lambdas/adapters/cards/ocr-tesseract.js'),
    import('../../lambdas/adapters/cards/qr-zxing.js'),
  ]);
  const ocr = createTesseractOcr();
  try {
    return (await readCardImage(bytes, { qr: zxingQrDecoder, ocr }, options)).card;
  } finally {
    await ocr.close?.();
  }
}
