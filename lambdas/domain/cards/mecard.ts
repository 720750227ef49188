// MECARD (NTT DoCoMo; what most phone QR generators write for contacts):
// `MECARD:N:Owen,Sean;TEL:+12125551212;EMAIL:a@b.c;;` with `\` escaping `\ ; : ,`.
import { emptyCard, type Card } from './card.js';
import { normalizePhone, type CountryCode } from './card-phones.js';
import { displayName } from './person-name.js';

export interface FieldEntry {
  key: string;
  /** Still escaped: `unescapeField` it, or split it on unescaped commas first (MECARD `N`). */
  value: string;
}

export function unescapeField(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** Splits on unescaped `sep`, leaving escapes in place. */
export function splitUnescaped(value: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      cur += c + value[++i];
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** Splits `KEY:value;KEY:value;;` (after the scheme prefix); escaped `;` and `:` stay inside values. */
export function splitFields(body: string): FieldEntry[] {
  const entries: FieldEntry[] = [];
  let key = '';
  let value = '';
  let inValue = false;
  const flush = () => {
    if (key.trim()) entries.push({ key: key.trim().toUpperCase(), value });
    key = '';
    value = '';
    inValue = false;
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      const escaped = c + body[++i]!;
      if (inValue) value += escaped;
      else key += escaped;
    } else if (c === ';') flush();
    else if (c === ':' && !inValue) inValue = true;
    else if (inValue) value += c;
    else key += c;
  }
  flush();
  return entries;
}

export function isMecard(text: string): boolean {
  return /^\s*MECARD:/i.test(text);
}

/** Parses a MECARD payload; throws when the text is not one. */
export function parseMecard(text: string, options: { defaultCountry?: CountryCode } = {}): Card {
  const m = /^\s*MECARD:/i.exec(text);
  if (!m) throw new Error('not a MECARD payload');
  const card = emptyCard(1);
  for (const { key, value } of splitFields(text.slice(m[0].length))) {
    const v = unescapeField(value).trim();
    if (!v) continue;
    switch (key) {
      case 'N': {
        // `N:Last,First` (DoCoMo: the first half is the last name; an escaped `\,` is part of a name, not the
        // separator). Without a comma the value is the whole name as written. `N:,` names nobody: no name.
        const parts = splitUnescaped(value, ',').map((s) => unescapeField(s).trim());
        const name = parts.length === 1 ? parts[0] : displayName({ family: parts[0], given: parts.slice(1).join(' ') });
        if (name) card.name ??= name;
        break;
      }
      case 'TEL':
      case 'TEL-AV': {
        const phone = normalizePhone(v, options.defaultCountry);
        if (phone && !card.phones.some((p) => p.number === phone.number)) {
          card.phones.push({ number: phone.number, type: phone.type, ...(phone.ext ? { ext: phone.ext } : {}) });
        }
        break;
      }
      case 'EMAIL':
        if (!card.emails.includes(v)) card.emails.push(v);
        break;
      case 'URL':
        if (!card.websites.includes(v)) card.websites.push(v);
        break;
      case 'ADR':
        card.address ??= v;
        break;
      case 'ORG':
        card.company ??= v;
        break;
      case 'TITLE':
        card.title ??= v;
        break;
      default:
        break; // SOUND, NOTE, BDAY, NICKNAME: nothing a contact card shows
    }
  }
  return card;
}
