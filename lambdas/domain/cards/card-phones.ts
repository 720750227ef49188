// Phone numbers on cards: libphonenumber-js (max metadata, so getType() can tell mobiles from landlines)
// finds and validates them; the card decides the default country for numbers printed without +code.
import {
  findPhoneNumbersInText,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import type { CardPhone, PhoneType } from './card.js';

export type { CountryCode };

export interface FoundPhone extends CardPhone {
  /** Where the number sits in the text it was found in. */
  start: number;
  end: number;
  /** Extension (`доб. 123`, `ext. 12`, vCard `;ext=`), kept apart so `number` stays E.164. */
  ext?: string;
  valid: boolean;
}

/** Type a labelled-nothing number from what the numbering plan says it is. */
export function typeFromNumber(phone: PhoneNumber): PhoneType {
  switch (phone.getType()) {
    case 'MOBILE':
      return 'mobile';
    case 'FIXED_LINE':
    case 'TOLL_FREE':
    case 'SHARED_COST':
    case 'UAN':
      return 'work';
    default:
      return 'other';
  }
}

/**
 * One number as printed (or a vCard `tel:` URI) -> E.164 when valid, else the printed digits tidied.
 * Undefined when the text holds no phone-like digits at all.
 */
export function normalizePhone(raw: string, country?: CountryCode): { number: string; ext?: string; valid: boolean; type: PhoneType } | undefined {
  const text = raw.trim().replace(/^tel:/i, '');
  const uriExt = /;ext=([0-9]+)/i.exec(text)?.[1];
  const body = text.replace(/;.*$/, '');
  const digits = body.replace(/\D/g, '');
  if (digits.length < 5) return undefined;
  let parsed = parsePhoneNumberFromString(body, country ? { defaultCountry: country } : undefined);
  // MECARD and BIZCARD examples write international numbers without the +: accept them only if valid.
  if (!parsed?.isValid() && !body.includes('+') && digits.length >= 10) parsed = parsePhoneNumberFromString(`+${digits}`);
  if (parsed?.isValid()) {
    const ext = uriExt ?? parsed.ext;
    return { number: parsed.number, ...(ext ? { ext } : {}), valid: true, type: typeFromNumber(parsed) };
  }
  return { number: tidy(body), ...(uriExt ? { ext: uriExt } : {}), valid: false, type: 'other' };
}

function tidy(printed: string): string {
  // `+44 (0) 20 ...`: the (0) is the trunk prefix dialled at home, never part of the international number, so the
  // writer meant +44 20 ...; such a number is written in E.164 even when the metadata does not know its range.
  const trunk = /^\s*\+\s?(\d{1,3})\s*\(0\)/.exec(printed);
  if (trunk) return `+${printed.replace(/\(0\)/, '').replace(/\D/g, '')}`;
  return printed.replace(/[^\d+()\-\s.]/g, '').replace(/\s+/g, ' ').trim();
}

// Digits that look like a phone to a person: optional +, 7..15 digits with the usual separators.
const PHONE_LIKE = /(?:\+\s?)?(?:\(?\d[\d\s().-]{5,22}\d)/g;

/** Every phone number in one line of text, valid ones as E.164, the rest as printed when they look like phones. */
export function findPhones(text: string, country?: CountryCode): FoundPhone[] {
  const found: FoundPhone[] = [];
  for (const hit of findPhoneNumbersInText(text, country ? { defaultCountry: country } : undefined)) {
    if (!hit.number.isValid()) continue;
    found.push({
      number: hit.number.number,
      type: typeFromNumber(hit.number),
      start: hit.startsAt,
      end: hit.endsAt,
      ...(hit.number.ext ? { ext: hit.number.ext } : {}),
      valid: true,
    });
  }
  // Numbers the metadata rejects (new ranges, fictional 555s, typos) are still what the card says: keep
  // the ones shaped like phones rather than drop them.
  for (const m of text.matchAll(PHONE_LIKE)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (found.some((f) => start < f.end && end > f.start)) continue;
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    // A bare run of digits with no separators and no + is more often an account or tax number.
    if (!/[+\s().-]/.test(m[0].trim())) continue;
    found.push({ number: tidy(m[0]), type: 'other', start, end, valid: false });
  }
  return found.sort((a, b) => a.start - b.start);
}

export function countryOfPhone(number: string): CountryCode | undefined {
  if (!number.startsWith('+')) return undefined;
  return parsePhoneNumberFromString(number)?.country;
}

// Place names that settle the country of numbers printed without +code. `\b` knows no Cyrillic, hence the
// explicit letter lookarounds.
const place = (list: string) => new RegExp(`(?<![A-Za-zА-Яа-яЁёӨөҮүҢң])(?:${list})`, 'i');
const PLACE_COUNTRIES: [RegExp, CountryCode][] = [
  [place('бишкек|bishkek|кыргыз|киргиз|kyrgyz|ош(?![а-яё])|osh(?![a-z])|каракол|karakol|джалал-абад|жалал-абад|jalal-abad|токмок|tokmok|чуй|chui'), 'KG'],
  [place('москва|москве|moscow|moskva|санкт-петербург|st\\.? ?petersburg|росси|russia|рф(?![а-яё])|новосибирск|екатеринбург|казань|kazan|нижний новгород|краснодар|самара|хабаровск|владивосток'), 'RU'],
  [place('алматы|almaty|астана|astana|казахстан|kazakhstan|шымкент'), 'KZ'],
  [place('ташкент|tashkent|узбекистан|uzbekistan'), 'UZ'],
  [place('минск|minsk|беларус|belarus'), 'BY'],
  [place('киев|київ|kyiv|kiev|украин|ukraine'), 'UA'],
  [place('london|united kingdom|u\\.k\\.(?![a-z])|uk(?![a-z])|england'), 'GB'],
  [place('berlin|münchen|munich|germany|deutschland'), 'DE'],
  [/(\busa\b|united states|new york|california|\b[A-Z]{2} \d{5}(-\d{4})?\b)/, 'US'],
];
// Country-code top-level domains of the card's e-mail and website, after places.
const TLD_COUNTRIES: Record<string, CountryCode> = {
  kg: 'KG', ru: 'RU', 'рф': 'RU', kz: 'KZ', uz: 'UZ', by: 'BY', ua: 'UA', tj: 'TJ', uk: 'GB', de: 'DE', fr: 'FR', it: 'IT', es: 'ES', au: 'AU', cz: 'CZ', pl: 'PL', tr: 'TR', cn: 'CN', in: 'IN', ca: 'CA',
};

export interface CountryHints {
  /** The country the card was sent from (the WhatsApp sender's number), used last. */
  senderCountry?: string;
  senderPhone?: string;
}

/**
 * The default country for numbers printed without +code: the country most numbers with +code on the card
 * belong to, else a place named on the card, else the country domain of its e-mail or website, else a
 * North American number shape, else the sender's own country.
 */
export function inferCountry(lines: string[], hints: CountryHints = {}): CountryCode | undefined {
  const votes = new Map<CountryCode, number>();
  for (const line of lines) {
    for (const hit of findPhoneNumbersInText(line)) {
      const c = hit.number.country;
      if (c && hit.number.isValid()) votes.set(c, (votes.get(c) ?? 0) + 1);
    }
  }
  const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
  if (best) return best[0];
  const text = lines.join('\n');
  for (const [re, c] of PLACE_COUNTRIES) if (re.test(text)) return c;
  const tlds = new Map<CountryCode, number>();
  for (const m of text.matchAll(/[a-zа-я0-9-]\.([a-zа-я]{2,3})(?![a-zа-я0-9.-])/gi)) {
    const c = TLD_COUNTRIES[m[1]!.toLowerCase()];
    if (c) tlds.set(c, (tlds.get(c) ?? 0) + 1);
  }
  const byTld = [...tlds.entries()].sort((a, b) => b[1] - a[1])[0];
  if (byTld) return byTld[0];
  // `(202) 555-0111` and `415.555.0175` are North American shapes nobody else prints.
  if (/(?:^|[^\d])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?!\d)/.test(text)) return 'US';
  const sender = hints.senderCountry?.toUpperCase();
  if (sender && isSupportedCountry(sender)) return sender;
  if (hints.senderPhone) return countryOfPhone(hints.senderPhone.startsWith('+') ? hints.senderPhone : `+${hints.senderPhone}`);
  return undefined;
}

/** Same number? Compares E.164 or, for unvalidated numbers, the digits. */
export function samePhone(a: string, b: string): boolean {
  return a.replace(/\D/g, '') === b.replace(/\D/g, '');
}
