// Text generators for the card readers: random code points, lone surrogates, the characters the readers'
// regular expressions and splitters care about, real card lines from the labelled set, and structured
// vCard / MECARD / BIZCARD payloads with random fields. Plus the check that a Card is well formed.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Card } from '../../lambdas/domain/cards/card.js';

const CARDS_DIR = new URL('../fixtures/cards/', import.meta.url);

/** Every typed card of the labelled set, as its lines; and the QR payloads. */
export const realCards: string[][] = readdirSync(CARDS_DIR)
  .filter((f) => f.endsWith('.txt') && !f.endsWith('.qr.txt'))
  .sort()
  .map((f) => readFileSync(new URL(f, CARDS_DIR), 'utf8').split('\n').filter((l) => l.trim()));
export const realQrPayloads: string[] = readdirSync(CARDS_DIR)
  .filter((f) => f.endsWith('.qr.txt'))
  .sort()
  .map((f) => readFileSync(new URL(f, CARDS_DIR), 'utf8'));

/** Pieces that steer the readers: separators, phone and e-mail punctuation, labels, escapes, odd code points. */
export const ATOMS = [
  '1', '7', '0', ' ', '  ', '   ', '\t', '+', '@', '.', '-', '(', ')', '/', ',', ';', ':', '\\', '=', '"', '%', '|', '•',
  'a', 'Z', 'а', 'Я', 'ё', 'Ө', 'é', 'ß', '😀', '\u0000', '\u200b', '\ufeff', '\ud800', '\udfff', '\r', '\n', '\r\n', '\n ',
  'Tel:', 'тел.', 'Fax ', 'e-mail:', 'www.', 'http://', 'https://', 'mailto:', 'tel:', '.com', '.kg', '.рф', 'ext. 12', 'доб. 3',
  'ул.', 'Street', '12345', '+996 555 123 456', '+1 (212) 555-0190', 'ООО «Ромашка»', 'LLC', 'Director', 'Иван Петрович',
  'BEGIN:VCARD', 'END:VCARD', 'VERSION:2.1', 'MECARD:', 'BIZCARD:', 'N:', 'TEL;TYPE=cell:', 'ENCODING=QUOTED-PRINTABLE', '=C3=A9', '=\n',
];

const atom = fc.constantFrom(...ATOMS);
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** One line of random text: any code point, lone surrogates, or steering atoms, mixed. */
export const anyText = (maxLength = 120): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: atom, maxLength: Math.ceil(maxLength / 4) }),
    fc.string({ unit: fc.oneof(atom, loneSurrogate, fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })), maxLength: Math.ceil(maxLength / 3) }),
  );

/** A real card's lines with random edits: lines dropped, duplicated, cut, spliced with random text. */
export const mutatedCard: fc.Arbitrary<string[]> = fc
  .tuple(fc.constantFrom(...realCards), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('drop', 'dup', 'cut', 'insert', 'append'), anyText(40)), { maxLength: 6 }))
  .map(([lines, edits]) => {
    const out = [...lines];
    for (const [i, j, op, text] of edits) {
      const at = out.length ? i % out.length : 0;
      const line = out[at] ?? '';
      if (op === 'drop') out.splice(at, 1);
      else if (op === 'dup') out.splice(at, 0, line);
      else if (op === 'cut') out[at] = line.slice(0, j % (line.length + 1));
      else if (op === 'insert') out[at] = line.slice(0, j % (line.length + 1)) + text + line.slice(j % (line.length + 1));
      else out.push(text);
    }
    return out;
  });

/** Lines for parseCardLines: random, real-and-mutated, or many short lines. */
export const cardLines: fc.Arbitrary<string[]> = fc.oneof(
  fc.array(anyText(), { maxLength: 12 }),
  mutatedCard,
  fc.array(fc.string({ unit: atom, maxLength: 6 }), { minLength: 20, maxLength: 120 }),
);

const paramValue = fc.oneof(fc.constantFrom('cell', 'work', 'WORK,VOICE', '"work,voice"', 'pref', 'QUOTED-PRINTABLE', 'UTF-8', 'windows-1251', 'x-unknown'), anyText(12));
const vcardLine = fc
  .tuple(
    fc.option(fc.constantFrom('item1.', 'a.b.'), { nil: '' }),
    fc.constantFrom('FN', 'N', 'TEL', 'EMAIL', 'URL', 'ORG', 'TITLE', 'ROLE', 'ADR', 'LABEL', 'NOTE', 'X-ABLabel', 'BEGIN', 'END', 'VERSION', 'AGENT'),
    fc.array(fc.tuple(fc.constantFrom('TYPE', 'CHARSET', 'ENCODING', 'type', ''), paramValue), { maxLength: 3 }),
    anyText(60),
    fc.constantFrom('\r\n', '\n', '\r\n ', '=\r\n', '\n\t'),
  )
  .map(([group, name, params, value, eol]) => `${group}${name}${params.map(([k, v]) => (k ? `;${k}=${v}` : `;${v}`)).join('')}:${value}${eol}`);

/** A vCard of random properties; usually closed, sometimes truncated or nested. */
export const vcardText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('2.1', '3.0', '4.0', ''), fc.array(vcardLine, { maxLength: 10 }), fc.constantFrom('END:VCARD', 'END:VCARD\r\n', '', 'END:VCARD\nBEGIN:VCARD\n'))
  .map(([version, lines, end]) => `BEGIN:VCARD\r\n${version ? `VERSION:${version}\r\n` : ''}${lines.join('')}${end}`);

const fieldValue = fc.oneof(anyText(40), fc.constantFrom(',', 'Owen,Sean', 'a\\;b', '\\', '+12125551212', '8 (916) 123-45-67;ext=5'));
/** MECARD / BIZCARD / MEBKM payloads: `SCHEME:KEY:value;KEY:value;;` with random keys and values. */
export const fieldsPayload: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('MECARD:', 'BIZCARD:', 'MEBKM:', ' mecard:'),
    fc.array(fc.tuple(fc.constantFrom('N', 'X', 'T', 'C', 'A', 'B', 'M', 'F', 'E', 'TEL', 'TEL-AV', 'EMAIL', 'URL', 'ADR', 'ORG', 'TITLE', 'NOTE', ''), fieldValue), { maxLength: 8 }),
    fc.constantFrom(';;', ';', ''),
  )
  .map(([scheme, fields, end]) => `${scheme}${fields.map(([k, v]) => `${k}:${v}`).join(';')}${end}`);

/** Anything a QR code could say. */
export const qrText: fc.Arbitrary<string> = fc.oneof(
  anyText(200),
  vcardText,
  fieldsPayload,
  fc.constantFrom(...realQrPayloads),
  fc.tuple(fc.constantFrom('tel:', 'mailto:', 'http://', 'https://', 'www.', 'MEBKM:URL:', '\ufeff'), anyText(60)).map(([p, t]) => p + t),
  fc.array(anyText(60), { maxLength: 8 }).map((lines) => lines.join('\n')),
);

const PHONE_TYPES = new Set(['mobile', 'work', 'fax', 'home', 'other']);
const CARD_KEYS = new Set(['name', 'title', 'company', 'department', 'phones', 'emails', 'websites', 'address', 'confidence']);

/** A Card as card.ts promises it: the fields it declares, text fields non-empty, numbers well typed. */
export function expectWellFormedCard(card: Card): void {
  expect(Object.keys(card).filter((k) => !CARD_KEYS.has(k))).toEqual([]);
  for (const key of ['name', 'title', 'company', 'department', 'address'] as const) {
    const v = card[key];
    if (v !== undefined) {
      expect(typeof v, key).toBe('string');
      expect(v.trim(), `${key} is blank: ${JSON.stringify(v)}`).not.toBe('');
    }
  }
  expect(Array.isArray(card.phones)).toBe(true);
  for (const p of card.phones) {
    expect(typeof p.number).toBe('string');
    expect(p.number.replace(/\D/g, '').length, `phone ${JSON.stringify(p.number)}`).toBeGreaterThanOrEqual(5);
    expect(PHONE_TYPES.has(p.type), `phone type ${p.type}`).toBe(true);
    if (p.ext !== undefined) expect(p.ext).toMatch(/^\d+$/);
  }
  for (const list of [card.emails, card.websites]) {
    expect(Array.isArray(list)).toBe(true);
    for (const v of list) {
      expect(typeof v).toBe('string');
      expect(v.trim()).not.toBe('');
    }
    expect(new Set(list).size).toBe(list.length);
  }
  expect(Number.isFinite(card.confidence)).toBe(true);
  expect(card.confidence).toBeGreaterThanOrEqual(0);
  expect(card.confidence).toBeLessThanOrEqual(1);
}
