// QR codes in the Lambda: zxing-wasm decodes the encoded JPEG/PNG itself (its built-in stb_image), so the
// bundle needs no sharp, whose native binary cannot be built for Lambda's arm64 from this project's x86 machine.
// zxing's own tryHarder/tryRotate/tryInvert/tryDownscale stand in for image-prep.ts's variants; locally and in
// `wa qr` the sharp pipeline of qr-zxing.ts (which decodes more real photos) is used instead.
// The .wasm comes from ZXING_WASM_PATH (the card construct ships it in a layer at /opt) or the installed package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import type { QrCode, QrDecoder } from '../domain/qr-payload.js';

let prepared = false;

function prepare(): void {
  if (prepared) return;
  const path = process.env.ZXING_WASM_PATH ?? createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
  const bytes = readFileSync(path);
  prepareZXingModule({
    overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
  });
  prepared = true;
}

/** Same choices as qr-zxing.ts: the QR family only, exact payload characters. */
const OPTIONS: ReaderOptions = {
  formats: ['QRCode', 'MicroQRCode', 'RMQRCode'],
  textMode: 'Plain',
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
};

export class UndecodableImage extends Error {
  override readonly name = 'UnreadableImageError';
}

export async function decodeQrBytes(image: Uint8Array): Promise<{ codes: QrCode[] }> {
  prepare();
  const results = await readBarcodes(image, OPTIONS);
  // stb_image could not decode the file at all: no retry or OCR engine will do better with these bytes.
  const loadError = results.find((r) => !r.isValid && /failed to load image/i.test(r.error));
  if (loadError) throw new UndecodableImage(`not a readable image: ${loadError.error}`);
  const seen = new Set<string>();
  const codes: QrCode[] = [];
  for (const r of results) {
    if (!r.isValid) continue;
    const key = `${r.format}\u0000${r.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    codes.push({ format: r.format, text: r.text });
  }
  return { codes };
}

export const zxingBytesDecoder: QrDecoder = { decode: decodeQrBytes };
