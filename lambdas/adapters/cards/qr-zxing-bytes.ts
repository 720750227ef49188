// QR codes in the Lambda: zxing-wasm decodes the encoded JPEG/PNG itself (its built-in stb_image), so the
// bundle needs no sharp, whose native binary cannot be built for Lambda's arm64 from this project's x86 machine.
// zxing's own tryHarder/tryRotate/tryInvert/tryDownscale stand in for image-prep.ts's variants; locally and in
// `wa qr` the sharp pipeline of qr-zxing.ts (which decodes more real photos) is used instead.
import { readBarcodes } from 'zxing-wasm/reader';
import type { QrCode, QrDecoder } from '../../domain/cards/qr-payload.js';
import { prepareZxing, QR_READER_OPTIONS, toCodes } from './zxing-reader.js';

export class UndecodableImage extends Error {
  override readonly name = 'UnreadableImageError';
}

export async function decodeQrBytes(image: Uint8Array): Promise<{ codes: QrCode[] }> {
  prepareZxing();
  const results = await readBarcodes(image, QR_READER_OPTIONS);
  // stb_image could not decode the file at all: no retry or OCR engine will do better with these bytes.
  const loadError = results.find((r) => !r.isValid && /failed to load image/i.test(r.error));
  if (loadError) throw new UndecodableImage(`not a readable image: ${loadError.error}`);
  return { codes: toCodes(results) };
}

export const zxingBytesDecoder: QrDecoder = { decode: decodeQrBytes };
