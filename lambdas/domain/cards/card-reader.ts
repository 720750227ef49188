// The card pipeline behind one call, over the two ports: QR first (a structured payload is exact), OCR
// otherwise. The card worker and `wa card` both use it; neither knows which QR or OCR engine runs.
import { hasContactData, type CardLine, type ReadCard } from './card.js';
import { mergeCards, parseCardLines, type ParseCardOptions } from './card-parser.js';
import { CardUnreadable } from './card-pipeline.js';
import { imageRefusal } from './image-header.js';
import type { OcrEngine, OcrLine } from './ocr.js';
import { cardFromCodes, type QrCode, type QrDecoder } from './qr-payload.js';

export interface CardReaderPorts {
  qr: QrDecoder;
  /** Absent: QR only (the card is unread when no code holds a contact). */
  ocr?: OcrEngine;
}

export interface ReadImageOptions extends ParseCardOptions {
  /** Where the image is stored, for engines that read from S3 (Textract). */
  s3?: { bucket: string; key: string };
  /** Largest image read, in pixels (default MAX_IMAGE_PIXELS of image-header.ts). */
  maxPixels?: number;
}

export interface ImageReadResult {
  card: ReadCard;
  /** Every code found, contact or not. */
  codes: QrCode[];
}

/**
 * Image -> card: a contact QR payload wins outright; else OCR, with a URL-only QR merged in (QR wins). An image too
 * large or cut short is refused from its header (CardUnreadable) before any engine decodes it.
 */
export async function readCardImage(image: Uint8Array, ports: CardReaderPorts, options: ReadImageOptions = {}): Promise<ImageReadResult> {
  const refusal = imageRefusal(image, options.maxPixels);
  if (refusal) throw new CardUnreadable(refusal);
  const { codes } = await ports.qr.decode(image);
  const payload = cardFromCodes(codes, options);
  if (payload && payload.kind !== 'url' && hasContactData(payload.card)) {
    return { card: { ...payload.card, source: 'qr' }, codes };
  }
  if (!ports.ocr) {
    return { card: { ...(payload?.card ?? { phones: [], emails: [], websites: [], confidence: 0 }), source: 'qr' }, codes };
  }
  const { lines } = await ports.ocr.recognize({ bytes: image, ...(options.s3 ? { s3: options.s3 } : {}) });
  const card = readCardLines(lines, 'ocr', options);
  return { card: payload ? { ...mergeCards(payload.card, card), source: 'ocr', lines: card.lines ?? [] } : card, codes };
}

/** OCR or typed lines -> card. */
export function readCardLines(lines: (OcrLine | CardLine | string)[], source: 'ocr' | 'text', options: ParseCardOptions = {}): ReadCard {
  const cardLines: CardLine[] = lines.map((l) => (typeof l === 'string' ? { text: l } : { text: l.text, ...(l.confidence !== undefined ? { confidence: l.confidence } : {}) }));
  const card = parseCardLines(cardLines, options);
  return { ...card, source, lines: cardLines.map((l) => l.text) };
}

/** Typed card text (one field per line) -> card. */
export function readCardText(text: string, options: ParseCardOptions = {}): ReadCard {
  return readCardLines(text.split(/\r?\n/).filter((l) => l.trim()), 'text', options);
}
