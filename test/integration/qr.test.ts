import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CARDS_DIR, QR_CORPUS } from '../../bench/cards.js';
import { decodeQr, decodeQrRaw, zxingQrDecoder } from '../../lambdas/adapters/cards/qr-zxing.js';
import { UnreadableImageError } from '../../lambdas/adapters/cards/image-prep.js';
import { readCardImage } from '../../lambdas/domain/cards/card-reader.js';
import { run as qrCli } from '../../lib/cli/qr.js';

const corpus = (name: string) => ({
  image: new Uint8Array(readFileSync(join(QR_CORPUS, `${name}.png`))),
  text: readFileSync(join(QR_CORPUS, `${name}.txt`), 'utf8'),
});

describe('zxing-wasm QR pipeline on the shared corpus', () => {
  for (const name of ['q1-1', 'q2-5', 'q3-16']) {
    it(`${name} decodes to the exact expected text`, async () => {
      const { image, text } = corpus(name);
      const { codes } = await decodeQr(image);
      expect(codes.map((c) => c.text)).toContain(text);
      expect(codes[0]!.format).toBe('QRCode');
    });
  }
  it('keeps control characters exact where raw zxing-wasm escapes them (q2-33)', async () => {
    const { image, text } = corpus('q2-33');
    expect((await decodeQr(image)).codes.map((c) => c.text)).toContain(text);
    expect((await decodeQrRaw(image)).codes.map((c) => c.text)).not.toContain(text);
  });
  it('decodes a code printed on a textured surface that raw zxing-wasm misses (q2-28, median step)', async () => {
    const { image, text } = corpus('q2-28');
    const trace: { step?: string } = {};
    expect((await decodeQr(image, trace)).codes.map((c) => c.text)).toContain(text);
    expect(trace.step).toBe('median');
    expect((await decodeQrRaw(image)).codes).toEqual([]);
  });
  it('decodes a code in a downscaled, EXIF-rotated JPEG photo', async () => {
    const { image, text } = corpus('q1-1');
    // 4000x3000 noise with the code in it, stored sideways with EXIF orientation 6 as phones do.
    const code = await sharp(image).resize(900).png().toBuffer();
    const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#8a8a8a', noise: { type: 'gaussian', mean: 128, sigma: 25 } } })
      .composite([{ input: code, left: 1500, top: 900 }])
      .rotate(-90)
      .jpeg({ quality: 85 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await decodeQr(new Uint8Array(photo))).codes.map((c) => c.text)).toContain(text);
  });
  it('finds nothing in an image without a code', async () => {
    const blank = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ffffff' } }).png().toBuffer();
    expect(await decodeQr(new Uint8Array(blank))).toEqual({ codes: [] });
  });
  it('rejects bytes that are not an image with a clear error', async () => {
    await expect(decodeQr(new TextEncoder().encode('not an image'))).rejects.toBeInstanceOf(UnreadableImageError);
  });
});

describe('rendered cards with QR codes', () => {
  it('a vCard 2.1 quoted-printable QR becomes the contact (source qr)', async () => {
    const image = new Uint8Array(readFileSync(join(CARDS_DIR, 'kg-vcard-qr.png')));
    const { card, codes } = await readCardImage(image, { qr: zxingQrDecoder });
    expect(codes).toHaveLength(1);
    expect(card).toMatchObject({
      source: 'qr',
      name: 'Мамытова Чолпон Бекболотовна',
      title: 'Юрист',
      phones: [
        { number: '+996312621010', type: 'work' },
        { number: '+996555621011', type: 'mobile' },
      ],
      emails: ['ch.mamytova@adilet.kg'],
    });
  });
  it('a MECARD QR with a Cyrillic name', async () => {
    const image = new Uint8Array(readFileSync(join(CARDS_DIR, 'kg-mecard-qr.png')));
    const { card } = await readCardImage(image, { qr: zxingQrDecoder });
    expect(card).toMatchObject({ source: 'qr', name: 'Осмонов Нурлан', company: 'ИП Осмонов Н.', phones: [{ number: '+996555778899' }] });
  });
});

describe('wa qr', () => {
  afterEach(() => vi.restoreAllMocks());
  it('prints {"codes":[{format,text}]} with --json', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    const { text } = corpus('q1-1');
    expect(await qrCli([join(QR_CORPUS, 'q1-1.png'), '--json'])).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ codes: [{ format: 'QRCode', text }] });
  });
  it('exits 1 with a clear message for a missing file', async () => {
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
    expect(await qrCli(['/nonexistent.png', '--json'])).toBe(1);
    expect(err.join('')).toMatch(/cannot read \/nonexistent\.png: ENOENT/);
  });
});

describe('large photos', () => {
  it('re-reads at full size when a small code vanished in the downscaled photo', async () => {
    const { smallCodePhoto } = await import('../../bench/cards.js');
    const { image, text } = await smallCodePhoto();
    const trace: { step?: string } = {};
    expect((await decodeQr(image, trace)).codes.map((c) => c.text)).toContain(text);
    expect(trace.step).toBe('full-size');
  });
});
