// vCard 2.1, 3.0 and 4.0 -> Card. Written here because the maintained JS parsers (ical.js, vcf) read 3.0/4.0
// only: none decodes 2.1 quoted-printable with CHARSET, which old phones still put in QR codes.
// Covers what a card needs: unfolding, QP soft line breaks, escaping per version, TYPE in every form.
import { emptyCard, type Card, type CardPhone, type PhoneType } from './card.js';
import { normalizePhone, type CountryCode } from './card-phones.js';
import { displayName } from './person-name.js';

export interface VCardProperty {
  group?: string;
  /** Upper case: `TEL`, `FN`, `X-SOCIALPROFILE`. */
  name: string;
  /** Upper-case parameter names; 2.1 bare parameters (`WORK;VOICE`) land in TYPE, bare encodings in ENCODING. */
  params: Record<string, string[]>;
  /** Decoded (QP, charset) but still escaped: compound values are split by `components`. */
  value: string;
}

export interface VCard {
  version: string;
  properties: VCardProperty[];
}

const utf8 = new TextEncoder();
const ENCODINGS = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT']);

/** True when the text holds a vCard (QR payloads are often nothing else). */
export function isVCard(text: string): boolean {
  // Blanks within the line only: `\s` would also match newlines, and from each of n blank lines rescan the rest
  // (quadratic: a payload of 16,000 newlines took 100 ms).
  return /^[ \t]*BEGIN:VCARD[ \t\r]*$/im.test(text);
}

/** Every vCard in the text, in order. Throws on a BEGIN without END: a truncated payload is not a card. */
export function parseVCards(text: string): VCard[] {
  const lines = unfold(text);
  const cards: VCard[] = [];
  let current: VCardProperty[] | undefined;
  let depth = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    const prop = parseLine(line);
    if (!prop) continue;
    if (prop.name === 'BEGIN' && prop.value.trim().toUpperCase() === 'VCARD') {
      depth++;
      // A nested vCard (2.1 AGENT) stays inside its parent as text we ignore.
      if (depth === 1) current = [];
      continue;
    }
    if (prop.name === 'END' && prop.value.trim().toUpperCase() === 'VCARD') {
      depth--;
      if (depth === 0 && current) {
        const version = current.find((p) => p.name === 'VERSION')?.value.trim() ?? '3.0';
        cards.push({ version, properties: current.map(decode) });
        current = undefined;
      }
      continue;
    }
    if (current && depth === 1) current.push(prop);
  }
  if (current) throw new Error('vCard has BEGIN:VCARD without END:VCARD');
  return cards;
}

/** Joins folded lines: CRLF/LF + one space or tab continues a line; a QP value ending in `=` continues too. */
function unfold(text: string): string[] {
  const raw = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (const line of raw) {
    const prev = out.length ? out[out.length - 1]! : undefined;
    if (prev !== undefined && isQpSoftBreak(prev)) {
      out[out.length - 1] = prev.slice(0, -1) + line.replace(/^[ \t]/, '');
    } else if (prev !== undefined && /^[ \t]/.test(line)) {
      out[out.length - 1] = prev + line.slice(1);
    } else {
      out.push(line);
    }
  }
  return out;
}

function isQpSoftBreak(line: string): boolean {
  if (!line.endsWith('=')) return false;
  const colon = valueStart(line);
  if (colon < 0) return false;
  return /(^|;)\s*(ENCODING=)?QUOTED-PRINTABLE\s*(;|$)/i.test(line.slice(0, colon));
}

/** Index of the colon that ends the name and parameters (colons inside quoted parameter values don't count). */
function valueStart(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return i;
  }
  return -1;
}

function parseLine(line: string): VCardProperty | undefined {
  const colon = valueStart(line);
  if (colon < 0) return undefined;
  const head = splitUnquoted(line.slice(0, colon), ';');
  const nameWithGroup = head.shift()!.trim();
  const dot = nameWithGroup.lastIndexOf('.');
  const group = dot > 0 ? nameWithGroup.slice(0, dot) : undefined;
  const name = (dot > 0 ? nameWithGroup.slice(dot + 1) : nameWithGroup).toUpperCase();
  const params: Record<string, string[]> = {};
  for (const p of head) {
    const eq = p.indexOf('=');
    let key: string;
    let values: string[];
    if (eq < 0) {
      // vCard 2.1 bare parameter: `TEL;WORK;VOICE:` or `NOTE;QUOTED-PRINTABLE:`
      const bare = p.trim().toUpperCase();
      key = ENCODINGS.has(bare) ? 'ENCODING' : 'TYPE';
      values = [bare];
    } else {
      key = p.slice(0, eq).trim().toUpperCase();
      values = splitUnquoted(p.slice(eq + 1), ',').map((v) => v.trim().replace(/^"(.*)"$/, '$1'));
    }
    // 4.0 quotes lists: TYPE="work,voice"
    values = values.flatMap((v) => (key === 'TYPE' ? v.split(',') : [v])).filter(Boolean);
    (params[key] ??= []).push(...values);
  }
  return { ...(group ? { group } : {}), name, params, value: line.slice(colon + 1) };
}

function splitUnquoted(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let cur = '';
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function decode(prop: VCardProperty): VCardProperty {
  const encoding = prop.params.ENCODING?.[0]?.toUpperCase();
  if (encoding !== 'QUOTED-PRINTABLE') return prop;
  const charset = prop.params.CHARSET?.[0] ?? 'UTF-8';
  return { ...prop, value: decodeQuotedPrintable(prop.value, charset) };
}

/** RFC 2045 quoted-printable (soft breaks already joined by unfold) in the given charset. */
export function decodeQuotedPrintable(text: string, charset = 'UTF-8'): string {
  const bytes: number[] = [];
  const withoutSoftBreaks = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < withoutSoftBreaks.length; i++) {
    const c = withoutSoftBreaks[i]!;
    const hex = withoutSoftBreaks.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of utf8.encode(c)) bytes.push(b);
    }
  }
  const data = Uint8Array.from(bytes);
  try {
    return new TextDecoder(charset.toLowerCase(), { fatal: true }).decode(data);
  } catch {
    // An unknown or wrong CHARSET: UTF-8 if the bytes are UTF-8, else Windows-1252 like old phones wrote.
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      return new TextDecoder('windows-1252').decode(data);
    }
  }
}

/** Splits a compound value (N, ADR, ORG) on unescaped `;` and unescapes each part. */
export function components(value: string, version: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      cur += c + value[i + 1];
      i++;
    } else if (c === ';') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.map((p) => unescapeText(p, version));
}

/** 3.0/4.0: `\\ \, \; \n \N`; 2.1 escapes only `;` (and `\\`), and `\n` there is literal text. */
export function unescapeText(value: string, version: string): string {
  if (version.startsWith('2')) return value.replace(/\\([;\\])/g, '$1');
  return value.replace(/\\([\\,;nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function phoneType(types: string[]): PhoneType {
  const t = new Set(types.map((x) => x.toLowerCase()));
  if (t.has('fax')) return 'fax';
  if (t.has('cell') || t.has('mobile') || t.has('iphone')) return 'mobile';
  if (t.has('home')) return 'home';
  if (t.has('work')) return 'work';
  return 'other';
}

/** The first vCard in the text as a Card; undefined when there is none. */
export function parseVCard(text: string, options: { defaultCountry?: CountryCode } = {}): Card | undefined {
  const vcard = parseVCards(text)[0];
  return vcard ? vcardToCard(vcard, options) : undefined;
}

export function vcardToCard(vcard: VCard, options: { defaultCountry?: CountryCode } = {}): Card {
  const card = emptyCard(1);
  const { version } = vcard;
  const text = (p: VCardProperty) => unescapeText(p.value, version).trim();
  const first = (name: string) => vcard.properties.find((p) => p.name === name);

  const fn = first('FN');
  const n = first('N');
  if (fn && text(fn)) card.name = text(fn);
  else if (n) {
    // N is family;given;additional;prefix;suffix; the order it is written in depends on the script.
    const [family = '', given = '', additional = ''] = components(n.value, version);
    const name = displayName({ family, given, additional });
    if (name) card.name = name;
  }
  const title = first('TITLE') ?? first('ROLE');
  if (title && text(title)) card.title = text(title);
  const org = first('ORG');
  if (org) {
    const [company = '', ...units] = components(org.value, version).map((s) => s.trim());
    if (company) card.company = company;
    const department = units.filter(Boolean).join(', ');
    if (department) card.department = department;
  }
  const adr = first('ADR');
  const label = first('LABEL');
  if (adr) {
    const parts = components(adr.value, version)
      .flatMap((s) => s.split('\n'))
      .map((s) => s.trim())
      .filter(Boolean);
    if (parts.length) card.address = parts.join(', ');
  } else if (label) {
    const address = text(label).split(/\r?\n/).map((s) => s.trim()).filter(Boolean).join(', ');
    if (address) card.address = address;
  }

  for (const p of vcard.properties) {
    if (p.name === 'TEL') {
      const phone = toPhone(text(p), p.params.TYPE ?? [], options.defaultCountry);
      if (phone && !card.phones.some((x) => x.number === phone.number)) card.phones.push(phone);
    } else if (p.name === 'EMAIL') {
      const email = text(p).replace(/^mailto:/i, '');
      if (email && !card.emails.includes(email)) card.emails.push(email);
    } else if (p.name === 'URL') {
      // Apple writes `http\://`: unescaping a colon is harmless in every version.
      const url = text(p).replace(/\\:/g, ':');
      if (url && !card.websites.includes(url)) card.websites.push(url);
    }
  }
  return card;
}

function toPhone(value: string, types: string[], country?: CountryCode): CardPhone | undefined {
  const normalized = normalizePhone(value, country);
  if (!normalized) return undefined;
  const type = types.length && phoneType(types) !== 'other' ? phoneType(types) : normalized.type;
  return { number: normalized.number, type, ...(normalized.ext ? { ext: normalized.ext } : {}) };
}
