// zxing-wasm's reader for qr-zxing.ts (locally, in `wa qr` and `wa card`, and in the card worker Lambda). The .wasm
// comes from disk, never a CDN: ZXING_WASM_PATH when a bundler moved it (the card worker's layer ships it at /opt),
// otherwise the installed package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, type ReaderOptions, type ReadResult } from 'zxing-wasm/reader';
import type { QrCode } from '../../domain/cards/qr-payload.js';

let prepared = false;

/** Loads the reader's .wasm once per process. */
export function prepareZxing(): void {
  if (prepared) return;
  const path = process.env.ZXING_WASM_PATH ?? createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
  const bytes = readFileSync(path);
  prepareZXingModule({
    overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
  });
  prepared = true;
}

/**
 * QR family only: a card may carry an EAN or Code128 nobody wants as a contact, and fewer formats is faster.
 * textMode Plain gives the payload's exact characters (the default HRI mode rewrites control characters as
 * `<GS>`-style escapes, which breaks exact payloads).
 */
export const QR_READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode', 'MicroQRCode', 'RMQRCode'],
  textMode: 'Plain',
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
};

/** Valid results, each payload once. */
export function toCodes(results: readonly ReadResult[]): QrCode[] {
  const seen = new Set<string>();
  const codes: QrCode[] = [];
  for (const r of results) {
    if (!r.isValid) continue;
    const key = `${r.format}\u0000${r.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    codes.push({ format: r.format, text: r.text });
  }
  return codes;
}
