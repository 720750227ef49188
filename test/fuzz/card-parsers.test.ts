// The card readers on random and adversarial text: parseCardLines (OCR and typed lines), parseQrPayload (vCard
// 2.1/3.0/4.0, MECARD, BIZCARD, MEBKM, tel:, mailto:, URLs, plain text), cardFromCodes and mergeCards never
// throw (except the documented refusals of a malformed vCard), always return a well-formed Card, and take time
// that grows linearly with the input: no regular expression may backtrack super-linearly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeCards, parseCardLines } from '../../lambdas/domain/cards/card-parser.js';
import { findPhones, inferCountry, normalizePhone } from '../../lambdas/domain/cards/card-phones.js';
import { parseMecard } from '../../lambdas/domain/cards/mecard.js';
import { parseBizcard } from '../../lambdas/domain/cards/bizcard.js';
import { cardFromCodes, parseQrPayload, type ParsedPayload } from '../../lambdas/domain/cards/qr-payload.js';
import { parseVCards, vcardToCard } from '../../lambdas/domain/cards/vcard.js';
import { ATOMS, anyText, cardLines, expectWellFormedCard, fieldsPayload, qrText, realCards, vcardText } from './card-arbitraries.js';
import { fuzzParams, fuzzTimeout } from './fuzz-settings.js';
import { measureGrowth, type Growth } from './time-growth.js';

const COUNTRIES = ['KG', 'RU', 'US', 'GB', 'DE', 'KZ'] as const;
const options = fc.record(
  {
    defaultCountry: fc.constantFrom(...COUNTRIES),
    minConfidence: fc.double({ min: 0, max: 1, noNaN: true }),
    senderCountry: fc.oneof(fc.constantFrom('KG', 'RU', 'zz', ''), fc.string({ maxLength: 3 })),
    senderPhone: fc.oneof(fc.constantFrom('996555123456', '+79161234567', '1'), anyText(20)),
  },
  { requiredKeys: [] },
);

/** parseQrPayload refuses exactly these (a truncated vCard, or one with no card in it); anything else is a bug. */
const DOCUMENTED_QR_REFUSAL = /^vCard (has BEGIN:VCARD without END:VCARD|payload holds no card)$/;

function qrOrRefusal(text: string): ParsedPayload | undefined | Error {
  try {
    return parseQrPayload(text);
  } catch (error) {
    return error as Error;
  }
}

describe('parseCardLines', () => {
  it(
    'never throws and returns a well-formed card, for any lines, confidences and options',
    () => {
      fc.assert(
        fc.property(cardLines, fc.array(fc.option(fc.double({ min: -1, max: 2 }), { nil: undefined })), options, (lines, confidences, opts) => {
          const input = lines.map((text, i) => (confidences[i] === undefined ? text : { text, confidence: confidences[i]! }));
          const card = parseCardLines(input, opts);
          expectWellFormedCard(card);
          // Pure: the same input gives the same card.
          expect(parseCardLines(input, opts)).toEqual(card);
        }),
        fuzzParams(4),
      );
    },
    fuzzTimeout(5, 4),
  );

  it(
    'the phone helpers never throw on any text',
    () => {
      fc.assert(
        fc.property(anyText(200), fc.option(fc.constantFrom(...COUNTRIES), { nil: undefined }), (text, country) => {
          for (const p of findPhones(text, country)) {
            expect(p.start).toBeGreaterThanOrEqual(0);
            expect(p.end).toBeLessThanOrEqual(text.length);
            expect(p.start).toBeLessThan(p.end);
          }
          const n = normalizePhone(text, country);
          if (n) expect(n.number.replace(/\D/g, '').length).toBeGreaterThanOrEqual(5);
          inferCountry(text.split('\n'), { senderPhone: text });
        }),
        fuzzParams(4),
      );
    },
    fuzzTimeout(3, 4),
  );
});

describe('QR payloads', () => {
  it(
    'parseQrPayload returns a well-formed card or one of its documented refusals; cardFromCodes never throws',
    () => {
      fc.assert(
        fc.property(qrText, fc.option(fc.constantFrom(...COUNTRIES), { nil: undefined }), (text, defaultCountry) => {
          const opts = defaultCountry ? { defaultCountry } : {};
          const result = qrOrRefusal(text);
          if (result instanceof Error) {
            expect(result.message).toMatch(DOCUMENTED_QR_REFUSAL);
          } else if (result === undefined) {
            expect(text.replace(/^\uFEFF/, '').trim()).toBe('');
          } else {
            expect(['vcard', 'mecard', 'bizcard', 'url', 'text']).toContain(result.kind);
            expectWellFormedCard(result.card);
          }
          const best = cardFromCodes([{ format: 'QRCode', text }, { format: 'QRCode', text: text.slice(0, 40) }], opts);
          if (best) expectWellFormedCard(best.card);
        }),
        fuzzParams(4),
      );
    },
    fuzzTimeout(5, 4),
  );

  it(
    'vCards: every closed vCard parses to a well-formed card; a truncated one is refused, never half read',
    () => {
      fc.assert(
        fc.property(vcardText, (text) => {
          let cards;
          try {
            cards = parseVCards(text);
          } catch (error) {
            expect((error as Error).message).toBe('vCard has BEGIN:VCARD without END:VCARD');
            return;
          }
          for (const v of cards) expectWellFormedCard(vcardToCard(v));
        }),
        fuzzParams(4),
      );
    },
    fuzzTimeout(3, 4),
  );

  it(
    'MECARD and BIZCARD payloads with random fields give well-formed cards',
    () => {
      fc.assert(
        fc.property(fieldsPayload, (text) => {
          if (/^\s*MECARD:/i.test(text)) expectWellFormedCard(parseMecard(text));
          if (/^\s*BIZCARD:/i.test(text)) expectWellFormedCard(parseBizcard(text));
          const result = qrOrRefusal(text);
          if (result instanceof Error) throw result;
          if (result) expectWellFormedCard(result.card);
        }),
        fuzzParams(4),
      );
    },
    fuzzTimeout(3, 4),
  );

  it(
    'mergeCards of any two read cards is well formed and keeps every QR value',
    () => {
      fc.assert(
        fc.property(qrText, cardLines, (qr, lines) => {
          const fromQr = qrOrRefusal(qr);
          if (!fromQr || fromQr instanceof Error) return;
          const merged = mergeCards(fromQr.card, parseCardLines(lines));
          expectWellFormedCard(merged);
          for (const e of fromQr.card.emails) expect(merged.emails).toContain(e);
          for (const p of fromQr.card.phones) expect(merged.phones).toContainEqual(p);
        }),
        fuzzParams(2),
      );
    },
    fuzzTimeout(5, 2),
  );
});

// ----- bounded time

/** Typical input: the labelled set's real card texts, one after another, cut to `length`. */
function realText(length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += realCards[i % realCards.length]!.join('\n') + '\n';
  return out.slice(0, length);
}

const N = 4000;
const baseline = realText(4 * N);
const readers: Record<string, (text: string) => unknown> = {
  parseCardLines: (text) => parseCardLines(text.split(/\r?\n/)),
  parseQrPayload: (text) => qrOrRefusal(text),
};
/** Linear work grows ~4x from n to 4n and quadratic 16x; and nothing may be 50x slower than real cards. */
const bounded = (g: Growth) => g.big <= 10 * g.small + 3 && g.big <= 50 * g.baseline + 5;
const describeGrowth = (g: Growth) =>
  `${g.small.toFixed(1)} ms at ${N} chars, ${g.big.toFixed(1)} ms at ${4 * N} (${(g.big / Math.max(g.small, 0.01)).toFixed(1)}x); real cards of ${4 * N} chars: ${g.baseline.toFixed(1)} ms`;

/** A run of `unit` cut to n characters, after a prefix that picks the reader (and a suffix that closes it). */
const shape = (prefix: string, unit: string, suffix = '') => (n: number) => prefix + unit.repeat(Math.ceil(n / unit.length)).slice(0, n) + suffix;

describe('bounded time', () => {
  // Each of these took quadratic time before: e-mail and website patterns rescanning a long run from each of its
  // characters (8,000 characters: 28 ms; 32,000: 450 ms), the vCard test rescanning blank lines from each line.
  it.each([
    ['newlines', '\n'],
    ['blank lines', ' \r\n'],
    ['latin letters', 'a'],
    ['dots', '.'],
    ['dashes', '-'],
    ['plus signs', '+'],
    ['digits', '1'],
    ['Cyrillic letters', 'а'],
    ['dotted words', 'a.'],
    ['e-mail without a domain', 'a@'],
    ['Cyrillic dotted words', 'аб.'],
  ])('a line of %s grows linearly', (_what, unit) => {
    for (const [name, run] of Object.entries(readers)) {
      const g = measureGrowth(run, shape('', unit), baseline, N, bounded);
      expect(bounded(g), `${name}: ${describeGrowth(g)}`).toBe(true);
    }
  });

  const PREFIXES: [string, string][] = [
    ['', ''],
    ['', '\n'],
    ['BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE:', '\r\nEND:VCARD'],
    ['BEGIN:VCARD\r\nVERSION:3.0\r\nFN:', '\r\nEND:VCARD'],
    ['BEGIN:VCARD\r\nVERSION:4.0\r\nTEL;TYPE="work,voice":', '\r\nEND:VCARD'],
    ['MECARD:N:', ';;'],
    ['BIZCARD:N:', ';;'],
    ['MEBKM:URL:', ''],
    ['tel:', ''],
    ['mailto:', ''],
    ['http://', ''],
  ];
  it(
    'random adversarial shapes grow linearly in every reader',
    () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...PREFIXES),
          fc.array(fc.constantFrom(...ATOMS), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          ([prefix, suffix], atoms, newlines) => {
            const unit = atoms.join('') + (newlines ? '\n' : '');
            for (const [name, run] of Object.entries(readers)) {
              if (prefix && name === 'parseCardLines') continue;
              const g = measureGrowth(run, shape(prefix, unit, suffix), baseline, N, bounded);
              expect(bounded(g), `${name} on ${JSON.stringify(prefix)} + ${JSON.stringify(unit)}...: ${describeGrowth(g)}`).toBe(true);
            }
          },
        ),
        fuzzParams(0.02, 5),
      );
    },
    fuzzTimeout(3_000, 0.02, 5),
  );
});
