import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CARDS_DIR } from '../../bench/cards.js';
import { run } from '../../lib/cli/card.js';
import { truncatedJpeg, whitePng } from '../support/images.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  return { out, err };
}
afterEach(() => vi.restoreAllMocks());

describe('wa card', () => {
  it('reads a .txt of card lines to the documented JSON', async () => {
    const { out } = capture();
    expect(await run([join(CARDS_DIR, 'ru-romashka.txt'), '--json'])).toBe(0);
    const json = JSON.parse(out.join(''));
    expect(json).toEqual({
      source: 'text',
      name: 'Иванов Иван Иванович',
      title: 'Генеральный директор',
      company: 'ООО «Ромашка»',
      phones: [
        { number: '+74951234567', type: 'work' },
        { number: '+79161234567', type: 'mobile' },
      ],
      emails: ['ivanov@romashka.ru'],
      websites: ['www.romashka.ru'],
      address: '123056, г. Москва, ул. Тверская, д. 12, офис 305',
      lines: expect.arrayContaining(['Иванов Иван Иванович']),
    });
  });
  it('reads a saved Textract response', async () => {
    const { out } = capture();
    expect(await run([join(import.meta.dirname, '../fixtures/textract/en-acme-classic.detect-document-text.json'), '--json'])).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ source: 'ocr', name: 'John A. Smith', emails: ['john.smith@acme.com'] });
  });
  it('applies --country to numbers without +code and prints a readable summary', async () => {
    const { out } = capture();
    expect(await run([join(CARDS_DIR, 'kg-tld-country.txt'), '--country', 'kg'])).toBe(0);
    expect(out.join('\n')).toMatch(/name {7}Султанова Айжан/);
    expect(out.join('\n')).toMatch(/phone {6}\+996555443322 \(mobile\)/);
  });
  it('refuses a 14000x14000 PNG and a JPEG cut short from their headers, saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa-card-'));
    try {
      writeFileSync(join(dir, 'huge.png'), whitePng(14000, 14000));
      writeFileSync(join(dir, 'cut.jpg'), (await truncatedJpeg(readFileSync(join(CARDS_DIR, 'en-acme-classic.png')))).cut);
      const { err } = capture();
      expect(await run([join(dir, 'huge.png')])).toBe(1);
      expect(err.at(-1)).toBe(`wa card: ${join(dir, 'huge.png')}: the PNG is 14000x14000 pixels (196 MP); photos are read up to 50 MP`);
      expect(await run([join(dir, 'cut.jpg'), '--json'])).toBe(1);
      expect(err.at(-1)).toMatch(/cut\.jpg: the JPEG file is cut short \(\d+ bytes, no end marker\): it was not sent whole$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails clearly on unreadable input', async () => {
    const { err } = capture();
    expect(await run([join(CARDS_DIR, 'ru-romashka.expected.json')])).toBe(1);
    expect(err.join('')).toMatch(/not a Textract DetectDocumentText response/);
    expect(await run([join(CARDS_DIR, 'missing.png')])).toBe(1);
    expect(err.join('')).toMatch(/ENOENT/);
    expect(await run(['x.txt', '--country', 'XX'])).toBe(2);
    expect(await run([])).toBe(2);
  });
});
