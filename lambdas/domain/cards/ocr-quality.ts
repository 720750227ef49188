// How good one OCR read is, judged from its lines alone: which script it is in, whether it already makes a usable
// contact, and a score to compare two reads of the same card. The card worker's `auto` engine asks a second reader
// (Textract) only when the first read is weak and the second can do better (adapters/cards/ocr-auto.ts).
import { hasContactData, type Card } from './card.js';
import { parseCardLines } from './card-parser.js';
import type { OcrLine } from './ocr.js';

export type Script = 'cyrillic' | 'latin' | 'none';

/**
 * Cyrillic when most letters are, each weighted by its line's confidence. Measured with kir+eng on the labelled
 * renders (test/fixtures/cards): the Cyrillic share of a clean read is at most 0.09 on Latin cards and at least 0.35
 * on Cyrillic ones (whose e-mails and websites are Latin); on blurred reads the two overlap (Latin up to 0.48, a
 * model that knows Cyrillic fills an unsure read with Cyrillic-looking letters), which is what the weights are for.
 * A weak read is only judged to decide on a second reader, so the line is drawn where a doubtful read still gets one.
 */
export function scriptOf(lines: readonly (Pick<OcrLine, 'text'> & { confidence?: number })[]): Script {
  let latin = 0;
  let cyrillic = 0;
  for (const { text, confidence = 1 } of lines) {
    latin += (text.match(/[A-Za-z]/g)?.length ?? 0) * confidence;
    cyrillic += (text.match(/[\u0400-\u04FF]/g)?.length ?? 0) * confidence;
  }
  if (!latin && !cyrillic) return 'none';
  return cyrillic >= latin ? 'cyrillic' : 'latin';
}

export interface ReadAssessment {
  script: Script;
  /** A phone or an e-mail: the card worker can make a contact of it. */
  usable: boolean;
  /** Not usable, or no name and no company: a second reader may do better. */
  weak: boolean;
  /** Fields read, contact data counting double: what decides between two reads of one card. */
  score: number;
}

export function assessRead(lines: readonly OcrLine[]): ReadAssessment {
  const card = parseCardLines(lines.map((l) => ({ text: l.text, confidence: l.confidence })));
  const usable = hasContactData(card) && (card.phones.length > 0 || card.emails.length > 0);
  return { script: scriptOf(lines), usable, weak: !usable || !(card.name || card.company), score: usable ? score(card) : 0 };
}

function score(card: Card): number {
  const one = (v: unknown) => (v ? 1 : 0);
  return (
    2 * Math.min(card.phones.length, 3) +
    2 * Math.min(card.emails.length, 2) +
    one(card.name) +
    one(card.company) +
    one(card.title) +
    Math.min(card.websites.length, 1) +
    one(card.address)
  );
}
