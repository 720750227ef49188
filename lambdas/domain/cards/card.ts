// What a business card becomes, whichever way it was read (QR payload, OCR lines, typed text).
// Pure types: the readers live in vcard.ts, mecard.ts, bizcard.ts, qr-payload.ts and card-parser.ts.

export type PhoneType = 'mobile' | 'work' | 'fax' | 'home' | 'other';

export interface CardPhone {
  /** E.164 (`+996555123456`) when libphonenumber-js says the number is valid; otherwise as printed. */
  number: string;
  type: PhoneType;
  /** Extension (`ext. 102`, `доб. 123`), kept apart so `number` stays E.164. */
  ext?: string;
}

export interface Card {
  name?: string;
  title?: string;
  company?: string;
  department?: string;
  phones: CardPhone[];
  emails: string[];
  websites: string[];
  address?: string;
  /** 0..1: how much to trust this card (1 for a structured QR payload or typed text with a name and a contact). */
  confidence: number;
}

/** How the card was read: a QR payload, OCR of the picture, or typed text lines. */
export type CardSource = 'qr' | 'ocr' | 'text';

/** One line of card text; OCR engines give a 0..1 confidence, typed text has none (trusted). */
export interface CardLine {
  text: string;
  confidence?: number;
}

/** A card together with where it came from; `lines` are the OCR or text lines it was parsed from. */
export interface ReadCard extends Card {
  source: CardSource;
  lines?: string[];
}

export function emptyCard(confidence = 0): Card {
  return { phones: [], emails: [], websites: [], confidence };
}

/** True when the card holds something a contact can be made of. */
export function hasContactData(card: Card): boolean {
  return Boolean(card.name || card.company || card.phones.length || card.emails.length);
}
