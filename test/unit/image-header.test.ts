// The image guard: sizes from the container structure agree with sharp's own reading, files cut short are found,
// and what is refused says why, all without decoding a pixel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CARDS_DIR } from '../../bench/cards.js';
import { imageRefusal, MAX_IMAGE_PIXELS, readImageHeader } from '../../lambdas/domain/cards/image-header.js';
import { truncatedJpeg, whitePng } from '../support/images.js';

const card = readFileSync(join(CARDS_DIR, 'ru-romashka.png'));

describe('readImageHeader', () => {
  it.each([
    ['PNG', () => sharp(card).png().toBuffer()],
    ['baseline JPEG', () => sharp(card).jpeg().toBuffer()],
    ['progressive JPEG with EXIF', () => sharp(card).jpeg({ progressive: true }).withMetadata({ orientation: 6 }).toBuffer()],
    ['lossy WebP', () => sharp(card).webp().toBuffer()],
    ['lossless WebP', () => sharp(card).webp({ lossless: true }).toBuffer()],
    ['WebP with alpha (VP8X)', () => sharp(card).ensureAlpha(0.5).webp().toBuffer()],
    ['GIF', () => sharp(card).gif().toBuffer()],
  ])('%s: the size sharp reads, complete; cut short: incomplete', async (_, make) => {
    const bytes = await make();
    const { width, height } = await sharp(bytes).metadata();
    expect(readImageHeader(bytes)).toMatchObject({ width, height, complete: true });
    expect(readImageHeader(bytes.subarray(0, bytes.length - 7))).toMatchObject({ width, height, complete: false });
  });

  it('a JPEG followed by other data (a motion photo\'s video) is complete at its end-of-image marker', async () => {
    const jpeg = await sharp(card).jpeg().toBuffer();
    expect(readImageHeader(Buffer.concat([jpeg, Buffer.from('....ftypmp42 video bytes')]))).toMatchObject({ format: 'jpeg', complete: true });
  });

  it('anything else is no image header', () => {
    expect(readImageHeader(new TextEncoder().encode('%PDF-1.4\n'))).toBeUndefined();
    expect(readImageHeader(new Uint8Array([0x49, 0x49, 0x2a, 0x00]))).toBeUndefined(); // TIFF
    expect(readImageHeader(new Uint8Array())).toBeUndefined();
  });
});

describe('imageRefusal', () => {
  it('passes a card photo and a PDF (Textract reads PDFs; nothing here decodes them)', () => {
    expect(imageRefusal(card)).toBeUndefined();
    expect(imageRefusal(new TextEncoder().encode('%PDF-1.4\n'))).toBeUndefined();
  });

  it('refuses a 14000x14000 PNG of 41 KB that sharp would decode in full, from its header', async () => {
    const big = whitePng(14000, 14000);
    expect(big.length).toBeLessThan(100_000);
    expect(await sharp(big, { limitInputPixels: false }).metadata()).toMatchObject({ width: 14000, height: 14000 });
    expect(imageRefusal(big)).toBe('the PNG is 14000x14000 pixels (196 MP); photos are read up to 50 MP');
  });

  it('the limit: 50 MP passes, one row more does not', () => {
    expect(MAX_IMAGE_PIXELS).toBe(50_000_000);
    expect(imageRefusal(whitePng(10_000, 5_000))).toBeUndefined();
    expect(imageRefusal(whitePng(10_000, 5_001))).toMatch(/10000x5001 pixels \(50 MP\); photos are read up to 50 MP/);
    expect(imageRefusal(whitePng(100, 100), 9_999)).toMatch(/100x100 pixels \(0\.0 MP\)/);
  });

  it('refuses a JPEG cut short in transfer', async () => {
    const { whole, cut } = await truncatedJpeg(card);
    expect(imageRefusal(whole)).toBeUndefined();
    expect(imageRefusal(cut)).toBe(`the JPEG file is cut short (${cut.length} bytes, no end marker): it was not sent whole`);
  });

  it('refuses a header without a size and bytes of no known format', () => {
    expect(imageRefusal(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toBe('the JPEG header declares no size (0x0)');
    expect(imageRefusal(new Uint8Array([0x49, 0x49, 0x2a, 0x00]))).toBe('the file is not a JPEG, PNG, WebP or GIF image');
  });
});
