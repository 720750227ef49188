// BIZCARD (ZXing's contact format): `BIZCARD:N:Sean;X:Owen;T:Title;C:Company;A:Address;B:+1...;M:...;F:...;E:...;;`
// N is the first name, X the last; B business phone, M mobile, F fax. Same escaping as MECARD.
import { emptyCard, type Card, type PhoneType } from './card.js';
import { normalizePhone, type CountryCode } from './card-phones.js';
import { splitFields, unescapeField } from './mecard.js';
import { displayName } from './person-name.js';

export function isBizcard(text: string): boolean {
  return /^\s*BIZCARD:/i.test(text);
}

const PHONE_KEYS: Record<string, PhoneType> = { B: 'work', M: 'mobile', F: 'fax' };

/** Parses a BIZCARD payload; throws when the text is not one. */
export function parseBizcard(text: string, options: { defaultCountry?: CountryCode } = {}): Card {
  const m = /^\s*BIZCARD:/i.exec(text);
  if (!m) throw new Error('not a BIZCARD payload');
  const card = emptyCard(1);
  let first = '';
  let last = '';
  const address: string[] = [];
  for (const { key, value } of splitFields(text.slice(m[0].length))) {
    const v = unescapeField(value).trim();
    if (!v) continue;
    const phoneType = PHONE_KEYS[key];
    if (phoneType) {
      const phone = normalizePhone(v, options.defaultCountry);
      if (phone && !card.phones.some((p) => p.number === phone.number)) {
        card.phones.push({ number: phone.number, type: phoneType, ...(phone.ext ? { ext: phone.ext } : {}) });
      }
      continue;
    }
    switch (key) {
      case 'N':
        first ||= v;
        break;
      case 'X':
        last ||= v;
        break;
      case 'T':
        card.title ??= v;
        break;
      case 'C':
        card.company ??= v;
        break;
      case 'A':
        address.push(v);
        break;
      case 'E':
        if (!card.emails.includes(v)) card.emails.push(v);
        break;
      default:
        break;
    }
  }
  const name = displayName({ family: last, given: first });
  if (name) card.name = name;
  if (address.length) card.address = address.join(', ');
  return card;
}
