// What a QR code on a card says, as a Card: vCard, MECARD, BIZCARD, a bare URL (or tel:/mailto:), or plain
// text with contact lines (read by the card parser). Also the QR port the adapters implement.
import { emptyCard, type Card } from './card.js';
import { parseBizcard, isBizcard } from './bizcard.js';
import { parseCardLines, type ParseCardOptions } from './card-parser.js';
import { inferCountry, normalizePhone, type CountryCode } from './card-phones.js';
import { isMecard, parseMecard, splitFields, unescapeField } from './mecard.js';
import { isVCard, parseVCard } from './vcard.js';

export interface QrCode {
  /** zxing-wasm's format name: `QRCode`, `MicroQRCode`, `DataMatrix`, … */
  format: string;
  text: string;
}

export interface QrResult {
  codes: QrCode[];
}

/** The QR port: lambdas/adapters/cards/qr-zxing.ts implements it. */
export interface QrDecoder {
  decode(image: Uint8Array): Promise<QrResult>;
}

export type PayloadKind = 'vcard' | 'mecard' | 'bizcard' | 'url' | 'text';

export interface ParsedPayload {
  kind: PayloadKind;
  card: Card;
}

const URL_ONLY = /^(?:https?:\/\/|www\.)\S+$/i;
const SCHEMES = /^(?:MEBKM|tel|mailto):/i;

/** Reads one QR payload; undefined for an empty payload. Malformed structured payloads throw. */
export function parseQrPayload(text: string, options: ParseCardOptions = {}): ParsedPayload | undefined {
  const payload = text.replace(/^\uFEFF/, '').trim();
  if (!payload) return undefined;
  const structured = parseStructured(payload, options.defaultCountry);
  if (structured) {
    // Numbers without +code (`TEL:0555 123 456`) take the country the payload itself points to (an international
    // number beside them, a city in ADR, the domain of its e-mail or website: .kg is +996, .kz and .ru +7), else the
    // sender's: the same inference as for printed cards, over the parsed fields (bounded), not the raw payload.
    if (options.defaultCountry || structured.card.phones.every((p) => p.number.startsWith('+'))) return structured;
    const country = inferCountry(countryHints(structured.card), options);
    return country ? parseStructured(payload, country) : structured;
  }
  if (URL_ONLY.test(payload)) return { kind: 'url', card: { ...emptyCard(1), websites: [payload] } };
  // MEBKM (DoCoMo bookmark): a URL with a title.
  if (/^MEBKM:/i.test(payload)) {
    const url = splitFields(payload.slice(6))
      .filter((f) => f.key === 'URL')
      .map((f) => unescapeField(f.value).trim())
      .find(Boolean);
    if (url) return { kind: 'url', card: { ...emptyCard(1), websites: [url] } };
  }
  const tel = /^tel:(.+)$/i.exec(payload);
  if (tel) {
    const phone = normalizePhone(tel[1]!, options.defaultCountry ?? inferCountry([], options));
    if (phone) return { kind: 'text', card: { ...emptyCard(1), phones: [{ number: phone.number, type: phone.type }] } };
  }
  const mailto = /^mailto:([^?]+)/i.exec(payload);
  const email = mailto ? percentDecoded(mailto[1]!).trim() : '';
  if (email) return { kind: 'text', card: { ...emptyCard(1), emails: [email] } };
  return { kind: 'text', card: parseCardLines(payload.split(/\r?\n/), options) };
}

/** MECARD, BIZCARD and vCard name themselves; anything else is undefined here. */
function parseStructured(payload: string, defaultCountry: CountryCode | undefined): ParsedPayload | undefined {
  const phoneOptions = defaultCountry ? { defaultCountry } : {};
  // MECARD, BIZCARD, MEBKM, tel: and mailto: name themselves in their first characters; a vCard may start
  // anywhere, so it is tried after them (a MECARD value that happens to hold a `BEGIN:VCARD` line is a MECARD).
  if (isMecard(payload)) return { kind: 'mecard', card: parseMecard(payload, phoneOptions) };
  if (isBizcard(payload)) return { kind: 'bizcard', card: parseBizcard(payload, phoneOptions) };
  if (!SCHEMES.test(payload) && isVCard(payload)) {
    const card = parseVCard(payload, phoneOptions);
    if (!card) throw new Error('vCard payload holds no card');
    return { kind: 'vcard', card };
  }
  return undefined;
}

/** What in a parsed card says its country: its international numbers, address, e-mail and website domains. */
function countryHints(card: Card): string[] {
  const clip = (s: string) => s.slice(0, 200);
  return [...card.phones.map((p) => p.number).filter((n) => n.startsWith('+')), card.address ?? '', ...card.emails, ...card.websites].map(clip);
}

/** The first code whose payload is a contact (vCard, MECARD, BIZCARD first; then text; then a URL). */
export function cardFromCodes(codes: QrCode[], options: ParseCardOptions = {}): ParsedPayload | undefined {
  const parsed: ParsedPayload[] = [];
  for (const code of codes) {
    try {
      const p = parseQrPayload(code.text, options);
      if (p) parsed.push(p);
    } catch {
      // A malformed code next to a good one should not hide the good one; the caller sees the raw codes.
    }
  }
  const rank: Record<PayloadKind, number> = { vcard: 0, mecard: 0, bizcard: 0, text: 1, url: 2 };
  return parsed.sort((a, b) => rank[a.kind] - rank[b.kind])[0];
}

/** `%40` decoded; a stray `%` (not an escape) is kept as written rather than refusing the whole code. */
function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
