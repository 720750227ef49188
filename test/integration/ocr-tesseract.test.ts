import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CARDS_DIR, loadLabelledSet } from '../../bench/cards.js';
import { loadPhotoSet } from '../../bench/card-photos.js';
import { createTesseractOcr } from '../../lambdas/adapters/cards/ocr-tesseract.js';
import { zxingQrDecoder } from '../../lambdas/adapters/cards/qr-zxing.js';
import { readCardImage } from '../../lambdas/domain/cards/card-reader.js';

// Real tesseract.js with Kyrgyz + English data from @tesseract.js-data on disk; one worker for the whole file.
const ocr = createTesseractOcr();
afterAll(() => ocr.close?.());
const set = loadLabelledSet();

describe('tesseract.js OCR on phone-like photos (kir+eng, card outline and perspective undone)', () => {
  const photos = loadPhotoSet();
  // Cyrillic and Latin, at an angle: ru-romashka turned by 90 degrees, en-consultant-nolabels by 180, ru-caps-name
  // printed light on dark.
  for (const id of ['ru-romashka', 'kg-bank', 'ru-caps-name', 'en-acme-classic', 'en-consultant-nolabels']) {
    it(`${id}: name, phones and e-mail right`, async () => {
      const photo = photos.find((p) => p.id === id)!;
      const { card } = await readCardImage(new Uint8Array(readFileSync(photo.file)), { qr: zxingQrDecoder, ocr });
      expect(card.source).toBe('ocr');
      expect(card.name).toBe(photo.expected.name);
      expect(card.emails).toEqual(photo.expected.emails);
      expect(card.phones.map((p) => p.number)).toEqual(photo.expected.phones.map((p) => p.number));
    });
  }

  it('real-contoso-avery (a real photo at an angle): name, title, e-mail and the mobile number right', async () => {
    const photo = photos.find((p) => p.id === 'real-contoso-avery')!;
    const { card } = await readCardImage(new Uint8Array(readFileSync(photo.file)), { qr: zxingQrDecoder, ocr });
    expect(card.name).toBe('Dr. Avery Smith');
    expect(card.title).toBe('Senior Researcher');
    expect(card.emails).toEqual(['avery.smith@contoso.com']);
    // The UK numbers printed with a (0) trunk prefix are the parser's to split; the mobile one is plain.
    expect(card.phones.map((p) => p.number)).toContain('+447911123456');
  });
});

describe('tesseract.js OCR on rendered Latin cards', () => {
  for (const id of ['en-acme-classic', 'en-hotel', 'en-northwind-dept']) {
    it(`${id}: name, phones and e-mail right`, async () => {
      const labelled = set.find((c) => c.id === id)!;
      const image = new Uint8Array(readFileSync(join(CARDS_DIR, `${id}.png`)));
      const { card } = await readCardImage(image, { qr: zxingQrDecoder, ocr });
      expect(card.source).toBe('ocr');
      expect(card.name).toBe(labelled.expected.name);
      expect(card.emails).toEqual(labelled.expected.emails);
      expect(card.phones.map((p) => p.number)).toEqual(labelled.expected.phones.map((p) => p.number));
    });
  }

  it('returns lines with 0..1 confidence and page-relative boxes in reading order', async () => {
    const image = new Uint8Array(readFileSync(join(CARDS_DIR, 'en-acme-classic.png')));
    const { lines } = await ocr.recognize({ bytes: image });
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const l of lines) {
      expect(l.confidence).toBeGreaterThan(0);
      expect(l.confidence).toBeLessThanOrEqual(1);
      expect(l.box.left).toBeGreaterThanOrEqual(0);
      expect(l.box.left + l.box.width).toBeLessThanOrEqual(1.0001);
      expect(l.box.top + l.box.height).toBeLessThanOrEqual(1.0001);
    }
    const tops = lines.map((l) => l.box.top);
    expect(tops).toEqual([...tops].sort((a, b) => a - b));
    expect(lines.map((l) => l.text)).toContain('john.smith@acme.com');
  });

  it('refuses an S3 reference without bytes', async () => {
    await expect(ocr.recognize({ s3: { bucket: 'b', key: 'k' } })).rejects.toThrow(/needs the image bytes/);
  });
});
