// QR codes with zxing-wasm (ZXing-C++). The .wasm comes from the installed package on disk, never a CDN:
// ZXING_WASM_PATH points elsewhere when a bundler copied it (Lambda), otherwise it is resolved in node_modules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes, type ReaderOptions, type ReadResult } from 'zxing-wasm/reader';
import type { QrCode, QrDecoder, QrResult } from '../domain/qr-payload.js';
import { decodeImage, toPixmap, variantsFor, type Pixmap } from './image-prep.js';

let prepared = false;

function wasmPath(): string {
  return process.env.ZXING_WASM_PATH ?? createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

/** Loads the reader's .wasm from disk once per process. */
export function prepareZxing(): void {
  if (prepared) return;
  const bytes = readFileSync(wasmPath());
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
const OPTIONS: ReaderOptions = {
  formats: ['QRCode', 'MicroQRCode', 'RMQRCode'],
  textMode: 'Plain',
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
};

function toCodes(results: ReadResult[]): QrCode[] {
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

async function read(pixmap: Pixmap): Promise<QrCode[]> {
  return toCodes(await readBarcodes({ ...pixmap, colorSpace: 'srgb' } as unknown as ImageData, OPTIONS));
}

export interface DecodeTrace {
  /** The step that found the codes (`plain`, or a QR_VARIANTS name), or undefined when none did. */
  step?: string;
}

/** The pipeline: EXIF-rotated grayscale (downscaled when huge), then the variants until one decodes. */
export async function decodeQr(image: Uint8Array, trace: DecodeTrace = {}): Promise<QrResult> {
  prepareZxing();
  const decoded = await decodeImage(image);
  let codes = await read(await toPixmap(decoded.image));
  if (codes.length) {
    trace.step = 'plain';
    return { codes };
  }
  for (const variant of variantsFor(decoded)) {
    codes = await read(await toPixmap(variant.make(decoded, image)));
    if (codes.length) {
      trace.step = variant.name;
      return { codes };
    }
  }
  return { codes: [] };
}

/** zxing-wasm with its default options on the encoded file: the baseline the pipeline is measured against. */
export async function decodeQrRaw(image: Uint8Array): Promise<QrResult> {
  prepareZxing();
  return { codes: toCodes(await readBarcodes(image)) };
}

export const zxingQrDecoder: QrDecoder = { decode: (image) => decodeQr(image) };
