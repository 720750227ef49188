// Width, height and completeness of an image read from its container structure, before anything decodes a pixel.
// A 427 KB PNG can declare 20000x20000 pixels, which zxing, sharp and tesseract would each expand into gigabytes;
// a JPEG cut short in transfer decodes into an error on every retry. Both are refused here, at once, on every path
// (the card worker, `wa card`). Hand-written because no registry library walks the structure far enough to prove a
// file complete (image-size reads the dimensions only), and the same walk gives both.

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** The structure runs to its end marker (JPEG EOI, PNG IEND, the RIFF size of a WebP, the GIF trailer). */
  complete: boolean;
}

/**
 * 50 megapixels: a full-resolution photo of today's 48 and 50 MP phone cameras (8160x6120 = 49.9 MP) sent as a
 * document still reads; a 200 MP "hi-res mode" shot or a crafted 14000x14000 image is refused. WhatsApp itself
 * sends photos at 1600 px, or 4096 px in HD.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

const u16be = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u16le = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, i: number) => u16le(b, i) | ((b[i + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, i: number) => u16be(b, i) * 0x10000 + u16be(b, i + 2);
const u32le = (b: Uint8Array, i: number) => u16le(b, i) + u16le(b, i + 2) * 0x10000;
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

/** The header of a JPEG, PNG, WebP or GIF; undefined for any other bytes (a PDF, a TIFF, garbage). */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpeg(bytes);
  if (u32be(bytes, 0) === 0x89504e47 && u32be(bytes, 4) === 0x0d0a1a0a) return png(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return webp(bytes);
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return gif(bytes);
  return undefined;
}

/** Chunks from offset 8: length, type, data, CRC; IHDR first, IEND last. */
function png(b: Uint8Array): ImageHeader | undefined {
  if (ascii(b, 12, 4) !== 'IHDR') return undefined;
  const header = { format: 'png' as const, width: u32be(b, 16), height: u32be(b, 20) };
  for (let i = 8; i + 8 <= b.length; ) {
    const type = ascii(b, i + 4, 4);
    i += 12 + u32be(b, i);
    if (type === 'IEND') return { ...header, complete: i <= b.length };
  }
  return { ...header, complete: false };
}

/**
 * Marker segments from SOI: the first SOFn gives the size; SOS is followed by entropy-coded data in which a 0xFF is
 * either stuffed (FF00) or a restart marker (FFD0-FFD7), so the next other marker ends it; EOI ends the image
 * (bytes after it, such as a motion photo's video, are not the image's).
 */
function jpeg(b: Uint8Array): ImageHeader {
  let size = { width: 0, height: 0 };
  let sized = false;
  let i = 2;
  while (i < b.length) {
    if (b[i] !== 0xff) break;
    while (b[i] === 0xff) i++;
    const marker = b[i++];
    if (marker === undefined) break;
    if (marker === 0xd9) return { format: 'jpeg', ...size, complete: true };
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    const length = u16be(b, i);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc && !sized) {
      size = { height: u16be(b, i + 3), width: u16be(b, i + 5) };
      sized = true;
    }
    i += length;
    if (marker === 0xda) {
      while (i + 1 < b.length && !(b[i] === 0xff && b[i + 1] !== 0x00 && !(b[i + 1]! >= 0xd0 && b[i + 1]! <= 0xd7))) i++;
      if (i + 1 >= b.length) break;
    }
  }
  return { format: 'jpeg', ...size, complete: false };
}

/** RIFF size covers the file; the first chunk says lossy (VP8), lossless (VP8L) or extended (VP8X, canvas size). */
function webp(b: Uint8Array): ImageHeader | undefined {
  const complete = b.length >= u32le(b, 4) + 8;
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, complete };
  if (chunk === 'VP8L') {
    const bits = u32le(b, 21);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, complete };
  }
  if (chunk === 'VP8X') return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, complete };
  return undefined;
}

/** The logical screen size; the last byte of a whole GIF is its trailer, 0x3B. */
function gif(b: Uint8Array): ImageHeader {
  return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8), complete: b.length > 13 && b[b.length - 1] === 0x3b };
}

/**
 * Why an image will never be read, or undefined when it may be decoded. PDFs pass (they are read by Textract, not
 * decoded here); anything else that is not one of the four image formats is refused.
 */
export function imageRefusal(bytes: Uint8Array, maxPixels = MAX_IMAGE_PIXELS): string | undefined {
  const header = readImageHeader(bytes);
  if (!header) {
    if (ascii(bytes, 0, 5) === '%PDF-') return undefined;
    return 'the file is not a JPEG, PNG, WebP or GIF image';
  }
  const { format, width, height } = header;
  const name = format.toUpperCase();
  if (!width || !height) return `the ${name} header declares no size (${width}x${height})`;
  if (width * height > maxPixels) {
    return `the ${name} is ${width}x${height} pixels (${megapixels(width * height)} MP); photos are read up to ${megapixels(maxPixels)} MP`;
  }
  if (!header.complete) return `the ${name} file is cut short (${bytes.byteLength} bytes, no end marker): it was not sent whole`;
  return undefined;
}

function megapixels(pixels: number): string {
  return (pixels / 1_000_000).toFixed(pixels < 10_000_000 ? 1 : 0);
}
