// How good one OCR read is, judged from its lines alone: which script it is in, whether it already makes a usable
// contact, and a score to compare two reads of the same card. The card worker's `auto` engine asks a second reader
// (Textract) only when the first read is weak and the second can do better (adapters/cards/ocr-auto.ts).
import { hasContactData, type Card } from './card.js';
import { parseCardLines } from './card-parser.js';
import type { OcrLine } from './ocr.js';

export type Script = 'cyrillic' | 'latin' | 'none';

/**
 * Cyrillic when at least a quarter of the letters are: Russian and Kyrgyz cards carry Latin e-mails and websites,
 * so the Latin letters of a Cyrillic card are often the larger part of what little was read.
 */
export function scriptOf(lines: readonly Pick<OcrLine, 'text'>[]): Script {
  let latin = 0;
  let cyrillic = 0;
  for (const { text } of lines) {
    latin += text.match(/[A-Za-z]/g)?.length ?? 0;
    cyrillic += text.match(/[\u0400-\u04FF]/g)?.length ?? 0;
  }
  if (!latin && !cyrillic) return 'none';
  return cyrillic * 4 >= latin + cyrillic ? 'cyrillic' : 'latin';
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
