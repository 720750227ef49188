// A QR code as PNG bytes, from zxing-wasm's writer with its .wasm read from node_modules (never a CDN).
// Used by the card renderer and the card benchmark.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';

let writerReady = false;

export async function writeQrPng(text: string, scale = 4): Promise<Buffer> {
  if (!writerReady) {
    const wasm = readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/writer/zxing_writer.wasm'));
    prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer } });
    writerReady = true;
  }
  const out = await writeBarcode(text, { format: 'QRCode', scale, options: 'ecLevel=M' });
  if (!out.image) throw new Error(`zxing-wasm could not encode: ${out.error}`);
  return Buffer.from(await out.image.arrayBuffer());
}
