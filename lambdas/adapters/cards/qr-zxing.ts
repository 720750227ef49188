// QR codes with zxing-wasm (ZXing-C++), with sharp preprocessing for real photos (image-prep.ts): locally, in
// `wa qr` and in the card worker Lambda (whose asset ships sharp's linux-arm64 build).
import { readBarcodes } from 'zxing-wasm/reader';
import type { QrCode, QrDecoder, QrResult } from '../../domain/cards/qr-payload.js';
import { decodeImage, toPixmap, variantsFor, type Pixmap } from './image-prep.js';
import { prepareZxing, QR_READER_OPTIONS, toCodes } from './zxing-reader.js';

async function read(pixmap: Pixmap): Promise<QrCode[]> {
  return toCodes(await readBarcodes({ ...pixmap, colorSpace: 'srgb' } as unknown as ImageData, QR_READER_OPTIONS));
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
