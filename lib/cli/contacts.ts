// `wa contacts export --format vcf|csv`: every contact through GET /contacts (page by page, newest first) as
// vCard 3.0 (RFC 2426) or CSV (RFC 4180, with a header), to stdout or --out <file>.
import { writeFile } from 'node:fs/promises';
import { nameParts } from '../../lambdas/domain/cards/person-name.js';
import type { ContactView } from '../../lambdas/domain/shared/model.js';
import { adminRequest, type AdminOptions } from './admin-request.js';
import { adminTarget, parseCommand, TARGET_OPTIONS, usageError, UsageError, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';

const USAGE = `usage: wa contacts export --format vcf|csv [--out <file>] [--local | --api <url> | --aws [--stack <name>]]
  vcf: vCard 3.0, one card per contact (UTF-8, CRLF, folded at 75 octets)
  csv: a header, then one row per contact; several phones, e-mails or websites are joined by "; "
Target: the flag, else $WA_API, else the local runner if one answers (127.0.0.1:$PORT), else the deployed stack.`;

const options = {
  format: { type: 'string', value: 'vcf|csv', description: 'the file format (required)' },
  out: { type: 'string', value: '<file>', description: 'write there instead of stdout' },
  'page-size': { type: 'string', value: '<n>', description: 'contacts per GET /contacts request (1-200, default 200)' },
  ...TARGET_OPTIONS,
} as const satisfies Flags;

class ApiError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// vCard 3.0

/** RFC 2426 text escaping: backslash, comma, semicolon, newline. */
export function escapeVCard(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line at 75 octets without splitting a UTF-8 character; continuation lines start with a space. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const bytes = Buffer.byteLength(ch, 'utf8');
    const limit = parts.length ? 74 : 75;
    if (size + bytes > limit) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += bytes;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

export function toVCard(c: ContactView): string {
  const fn = c.name ?? c.company ?? c.emails[0] ?? c.phones[0] ?? c.id;
  const n = c.name ? nameParts(c.name) : { family: '', given: '', additional: '' };
  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${escapeVCard(fn)}`,
    `N:${[n.family, n.given, n.additional, '', ''].map(escapeVCard).join(';')}`,
  ];
  if (c.company || c.department) lines.push(`ORG:${[c.company ?? '', ...(c.department ? [c.department] : [])].map(escapeVCard).join(';')}`);
  if (c.title) lines.push(`TITLE:${escapeVCard(c.title)}`);
  for (const phone of c.phones) lines.push(`TEL;TYPE=VOICE:${escapeVCard(phone)}`);
  for (const email of c.emails) lines.push(`EMAIL;TYPE=INTERNET:${escapeVCard(email)}`);
  for (const url of c.websites ?? []) lines.push(`URL:${escapeVCard(url)}`);
  // The address is one printed line; it goes into the street component, the rest is not known apart.
  if (c.address) lines.push(`ADR;TYPE=WORK:;;${escapeVCard(c.address)};;;;`);
  if (c.sourceContactId) lines.push(`NOTE:${escapeVCard(`From a business card sent by WhatsApp contact ${c.sourceContactId}`)}`);
  lines.push(`UID:${escapeVCard(c.id)}`, `REV:${c.createdAt}`, 'END:VCARD');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------------------
// CSV

export const CSV_COLUMNS = [
  'id', 'name', 'title', 'company', 'department', 'phones', 'emails', 'websites', 'address',
  'waId', 'userId', 'createdAt', 'lastInboundAt', 'sourceContactId', 'sourceMessageId',
] as const;

/**
 * One field, quoted when it has to be. A value a spreadsheet would run as a formula (`=`, `@`, tab, CR, or
 * `+`/`-` not followed by a phone number) gets a leading apostrophe: contacts come from photos of strangers' cards.
 */
export function csvField(value: string): string {
  let v = value;
  if (/^[=@\t\r]/.test(v) || (/^[+-]/.test(v) && !/^\+?[\d\s().-]+(?:; \+?[\d\s().-]+)*$/.test(v))) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvRow(c: ContactView): string {
  const cell = (k: (typeof CSV_COLUMNS)[number]): string => {
    const v = c[k];
    if (Array.isArray(v)) return v.join('; ');
    return v ?? '';
  };
  return CSV_COLUMNS.map((k) => csvField(cell(k))).join(',');
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

// ---------------------------------------------------------------------------------------------------------
// Fetching

export interface ContactPage {
  items: ContactView[];
  nextCursor?: string;
}

/** Every page of GET /contacts, in order. */
export async function* allContacts(admin: AdminOptions, pageSize: number): AsyncGenerator<ContactView[]> {
  let cursor: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: String(pageSize), ...(cursor ? { cursor } : {}) });
    const res = await adminRequest('GET', `/contacts?${query}`, admin);
    if (res.status !== 200) {
      const error = (res.body as { error?: string } | undefined)?.error ?? JSON.stringify(res.body);
      throw new ApiError(`GET /contacts answered ${res.status}: ${error}`);
    }
    const page = res.body as ContactPage;
    if (!Array.isArray(page?.items)) throw new ApiError('GET /contacts answered without an items list');
    yield page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: true, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  try {
    if (positionals[0] !== 'export' || positionals.length > 1) throw new UsageError(positionals[0] ? `unknown subcommand "${positionals.join(' ')}"` : 'say what to do: export');
    const format = v.format;
    if (format !== 'vcf' && format !== 'csv') throw new UsageError(`--format must be vcf or csv${format ? `, got "${format}"` : ''}`);
    const sizeText = v['page-size'] ?? '200';
    if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1 || Number(sizeText) > 200) throw new UsageError(`--page-size must be 1 to 200, got "${sizeText}"`);
    const admin = await adminTarget(v, env);
    const chunks: string[] = format === 'csv' ? [`${csvHeader()}\r\n`] : [];
    let count = 0;
    for await (const items of allContacts(admin, Number(sizeText))) {
      for (const c of items) chunks.push(format === 'csv' ? `${csvRow(c)}\r\n` : toVCard(c));
      count += items.length;
    }
    const text = chunks.join('');
    if (v.out) {
      await writeFile(v.out, text, 'utf8');
      console.error(`${count} contact(s) written to ${v.out}`);
    } else {
      process.stdout.write(text);
      console.error(`${count} contact(s) exported`);
    }
    return EXIT.done;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, USAGE);
    if (error instanceof ApiError) {
      console.error(error.message);
      return EXIT.failed;
    }
    console.error(`wa contacts: ${(error as Error).message}`);
    return EXIT.usage;
  }
}
