// Every customer-facing string, in Russian and English, one typed function per text. Pure and deterministic:
// dates are formatted from numeric Intl parts with our own month names, so the words do not change with the
// ICU version of the runtime (Node 20 locally, 22 on Lambda). Every text fits WhatsApp's 4096-character body.
import type { Card, PhoneType } from '../cards/card.js';
import type { Lang } from './language.js';

/** Meta's maximum `text.body` length. JS length counts UTF-16 units, never fewer than characters: safe. */
export const WHATSAPP_TEXT_MAX = 4096;
/** One field of a card (an OCR'd address, say) never crowds out the rest of the summary. */
const FIELD_MAX = 300;
const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts text to at most `max` UTF-16 units on a grapheme boundary (never halves an emoji or a flag), marking the cut. */
export function fitText(text: string, max = WHATSAPP_TEXT_MAX): string {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${String(max)}`);
  if (text.length <= max) return text;
  const budget = max - ELLIPSIS.length;
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    if (out.length + segment.length > budget) break;
    out += segment;
  }
  return out.trimEnd() + ELLIPSIS;
}

/** A value from outside (profile name, OCR line, typed command) on one line, without control characters. */
function clean(value: string, max = FIELD_MAX): string {
  const oneLine = value
    .split(/[\r\n\u2028\u2029]+/)
    .map((part) =>
      part
        .replace(/\p{Cc}/gu, ' ')
        // Invisible format characters go (bidi overrides, soft hyphens), except the ones emoji are built from:
        // the zero-width joiner and the tag characters of subdivision flags.
        .replace(/(?![\u200d\u{E0020}-\u{E007F}])\p{Cf}/gu, '')
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/\s*[,;]$/, ''),
    )
    .filter(Boolean)
    .join(', ');
  return fitText(oneLine, max);
}

function pick<T>(lang: Lang, texts: Record<Lang, T>): T {
  const t = texts[lang];
  if (t === undefined) throw new RangeError(`Unsupported language "${String(lang)}": use ru or en`);
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// Dates

const MONTHS: Record<Lang, readonly string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  ru: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'],
};

export interface TextOptions {
  /** IANA zone for dates shown to the customer. Default UTC. */
  timeZone?: string;
}

/** `5 March 2026, 14:05 UTC` / `5 марта 2026 г., 14:05 UTC+3`. */
export function formatWhen(lang: Lang, iso: string, timeZone = 'UTC'): string {
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO 8601 timestamp: ${JSON.stringify(iso)}`);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const n = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const [year, month, day, hour, minute, second] = [n('year'), n('month'), n('day'), n('hour'), n('minute'), n('second')];
  const offsetMin = Math.round((Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(ms / 1000) * 1000) / 60_000);
  const hhmm = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  const monthName = pick(lang, MONTHS)[month - 1];
  const date = lang === 'ru' ? `${day} ${monthName} ${year} г.` : `${day} ${monthName} ${year}`;
  return `${date}, ${hhmm} ${utcLabel(offsetMin)}`;
}

function utcLabel(offsetMin: number): string {
  if (offsetMin === 0) return 'UTC';
  const sign = offsetMin > 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// Commands

const COMMAND_LIST: Record<Lang, string> = {
  en: [
    'Commands:',
    '/start — welcome message',
    '/help — this help',
    '/status — contacts created from your cards and how your last card went',
    '/lang ru or /lang en — reply language (отвечать по-русски: /lang ru)',
  ].join('\n'),
  ru: [
    'Команды:',
    '/старт — приветствие',
    '/помощь — эта справка',
    '/статус — контакты из ваших визиток и что с последней визиткой',
    '/язык ru или /язык en — язык ответов (reply in English: /lang en)',
    'Английские /start, /help, /status тоже работают.',
  ].join('\n'),
};

const CARD_PITCH: Record<Lang, string> = {
  en: 'Send me a photo of a business card (or the card as an image or PDF file): I read its QR code or its text, create a contact and reply with what I found.',
  ru: 'Пришлите фото визитки (или файл с картинкой или PDF): я прочитаю QR-код или текст, создам контакт и пришлю, что удалось распознать.',
};

export function startText(lang: Lang, who: { name?: string } = {}): string {
  const name = who.name ? clean(who.name, 60) : '';
  const hello = pick(lang, { en: name ? `Hello, ${name}! 👋` : 'Hello! 👋', ru: name ? `Здравствуйте, ${name}! 👋` : 'Здравствуйте! 👋' });
  return fitText(`${hello}\n${pick(lang, CARD_PITCH)}\n\n${pick(lang, COMMAND_LIST)}`);
}

export function helpText(lang: Lang): string {
  const title = pick(lang, { en: 'What I can do:', ru: 'Что я умею:' });
  return fitText(`${title}\n${pick(lang, CARD_PITCH)}\n\n${pick(lang, COMMAND_LIST)}`);
}

/** `/foo`: say so, then the help. `word` is the command as typed, without the slash. */
export function unknownCommandText(lang: Lang, word: string): string {
  const cmd = `/${clean(word, 40)}`;
  const intro = pick(lang, { en: `I don't know the command ${cmd}.`, ru: `Я не знаю команду ${cmd}.` });
  return fitText(`${intro}\n\n${helpText(lang)}`);
}

/** Reply to a successful `/lang`, written in the newly chosen language. */
export function languageChangedText(lang: Lang): string {
  return pick(lang, {
    en: 'OK, I will reply in English from now on. (По-русски: /язык ru)',
    ru: 'Хорошо, теперь я отвечаю по-русски. (In English: /lang en)',
  });
}

/** `/lang` with no language or one we do not speak. */
export function languageUsageText(lang: Lang, asked?: string): string {
  const what = asked ? clean(asked, 40) : '';
  return fitText(
    pick(lang, {
      en: `${what ? `I can't reply in "${what}". ` : ''}I can reply in Russian or English: send /lang ru or /lang en.`,
      ru: `${what ? `Язык «${what}» я не знаю. ` : ''}Я могу отвечать по-русски или по-английски: отправьте /язык ru или /язык en.`,
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Status

/** What happened to a card, as the card pipeline records it; other values are shown as they are. */
export type CardOutcome = 'received' | 'processing' | 'created' | 'merged' | 'unreadable' | 'limited' | (string & {});

const OUTCOME_WORDS: Record<Lang, Readonly<Record<string, string>>> = {
  en: {
    received: 'received, waiting to be read',
    processing: 'being read',
    created: 'contact created',
    merged: 'added to an existing contact',
    unreadable: 'could not be read',
    limited: 'not read: over the hourly limit of cards',
  },
  ru: {
    received: 'получена, ждёт распознавания',
    processing: 'распознаётся',
    created: 'контакт создан',
    merged: 'добавлена к существующему контакту',
    unreadable: 'не удалось прочитать',
    limited: 'не прочитана: превышен часовой лимит визиток',
  },
};

export interface StatusFacts {
  /** Contacts created from this customer's cards. */
  cardContacts: number;
  lastCard?: { status: CardOutcome; at: string; name?: string };
}

export function statusText(lang: Lang, facts: StatusFacts, options: TextOptions = {}): string {
  if (!Number.isSafeInteger(facts.cardContacts) || facts.cardContacts < 0) {
    throw new RangeError(`cardContacts must be a non-negative integer, got ${String(facts.cardContacts)}`);
  }
  const last = facts.lastCard;
  if (!last && facts.cardContacts === 0) {
    return pick(lang, {
      en: "You haven't sent me any business cards yet. Send a photo of one and I'll create a contact from it.",
      ru: 'Вы ещё не присылали мне визиток. Пришлите фото визитки, и я создам из неё контакт.',
    });
  }
  const lines = [pick(lang, { en: `Contacts created from your cards: ${facts.cardContacts}`, ru: `Контактов из ваших визиток: ${facts.cardContacts}` })];
  if (last) {
    const words = pick(lang, OUTCOME_WORDS);
    const status = clean(Object.hasOwn(words, last.status) ? (words[last.status] ?? last.status) : last.status, 80);
    const when = formatWhen(lang, last.at, options.timeZone);
    const name = last.name ? `${clean(last.name, 80)} — ` : '';
    lines.push(pick(lang, { en: `Last card: ${name}${status} (${when})`, ru: `Последняя визитка: ${name}${status} (${when})` }));
  }
  return fitText(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------------------
// Cards

export type CardSummary = Pick<Card, 'name' | 'title' | 'company' | 'department' | 'address' | 'emails' | 'websites'> & {
  phones: { number: string; type?: PhoneType; ext?: string }[];
};

const LABELS: Record<Lang, Record<'name' | 'title' | 'company' | 'department' | 'email' | 'website' | 'address' | 'fax' | 'ext', string>> = {
  en: { name: 'Name', title: 'Title', company: 'Company', department: 'Department', email: 'Email', website: 'Website', address: 'Address', fax: 'Fax', ext: 'ext.' },
  ru: { name: 'Имя', title: 'Должность', company: 'Компания', department: 'Отдел', email: 'E-mail', website: 'Сайт', address: 'Адрес', fax: 'Факс', ext: 'доб.' },
};

const PHONE_LABELS: Record<Lang, Record<Exclude<PhoneType, 'fax'> | 'plain', string>> = {
  en: { plain: 'Phone', mobile: 'Mobile', work: 'Work phone', home: 'Home phone', other: 'Phone' },
  ru: { plain: 'Телефон', mobile: 'Мобильный', work: 'Рабочий телефон', home: 'Домашний телефон', other: 'Телефон' },
};

export interface CardReadOptions {
  /** What became of the contact: a new one, or merged into one we had (same phone or e-mail). */
  outcome?: 'created' | 'merged';
}

/** The reply after a card was read: every field that exists, labelled. A card with nothing in it gets the
 *  could-not-read text instead, since a header over an empty list tells the customer nothing. */
export function cardReadText(lang: Lang, card: CardSummary, options: CardReadOptions = {}): string {
  const l = pick(lang, LABELS);
  const lines: string[] = [];
  const field = (label: string, value: string | undefined): void => {
    const v = value === undefined ? '' : clean(value);
    if (v) lines.push(`${label}: ${v}`);
  };
  field(l.name, card.name);
  field(l.title, card.title);
  field(l.company, card.company);
  field(l.department, card.department);
  for (const phone of card.phones) {
    const label = phone.type === 'fax' ? l.fax : pick(lang, PHONE_LABELS)[phone.type ?? 'plain'];
    field(label, phone.ext ? `${phone.number} ${l.ext} ${phone.ext}` : phone.number);
  }
  for (const email of card.emails) field(l.email, email);
  for (const site of card.websites) field(l.website, site);
  field(l.address, card.address);
  if (lines.length === 0) return cardUnreadableText(lang);
  const header = pick(lang, {
    en: { created: 'I read the business card and created a contact:', merged: 'I read the business card and added it to an existing contact:', none: 'Here is what I read on the business card:' },
    ru: { created: 'Визитка прочитана, контакт создан:', merged: 'Визитка прочитана и добавлена к существующему контакту:', none: 'Вот что удалось прочитать на визитке:' },
  })[options.outcome ?? 'none'];
  return fitText(`${header}\n${lines.join('\n')}`);
}

/** A card over the customer's hourly limit (cardsPerSenderPerHour): not read; they may send it again later. */
export function cardLimitText(lang: Lang, limit: number): string {
  return pick(lang, {
    en: `I read at most ${limit} business cards an hour from one person, and this one is over that. Please send it again in an hour.`,
    ru: `Я читаю не больше ${limit} визиток в час от одного человека, а эта — сверх лимита. Пришлите её ещё раз через час.`,
  });
}

export function cardUnreadableText(lang: Lang): string {
  return pick(lang, {
    en: "Sorry, I couldn't read this business card. Please send a sharper photo: good light, the card filling the frame, no glare. A QR code on the card reads best.",
    ru: 'К сожалению, не удалось прочитать визитку. Пришлите, пожалуйста, более чёткое фото: хорошее освещение, визитка на весь кадр, без бликов. Лучше всего читается QR-код на визитке.',
  });
}
