// Images made to order for the image-guard tests and the guard benchmark: a real, valid PNG of any size that stays
// small on disk (1-bit white, deflated: 14000x14000 is about 25 KB, yet decodes to 196 million pixels), and a JPEG
// cut short the way an interrupted transfer leaves it.
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A white PNG of `width` x `height` pixels that any decoder reads in full. */
export function whitePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  const rowBytes = 1 + Math.ceil(width / 8);
  const raw = Buffer.alloc(rowBytes * height, 0xff);
  for (let y = 0; y < height; y++) raw[y * rowBytes] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A card photo as a JPEG, and the same bytes cut at `fraction` of their length (no end-of-image marker). */
export async function truncatedJpeg(png: Uint8Array, fraction = 0.6): Promise<{ whole: Buffer; cut: Buffer }> {
  const whole = await sharp(png).jpeg({ quality: 80 }).toBuffer();
  return { whole, cut: whole.subarray(0, Math.floor(whole.length * fraction)) };
}
