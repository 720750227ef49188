// Which language to answer a customer in: Russian or English. Pure and deterministic.
//
// Evidence, strongest first:
//   1. an explicit override the customer set with `/lang` (stored on the contact) always wins;
//   2. the message text: Cyrillic letters are strong evidence of Russian (English speakers practically never
//      type them), Latin letters are weaker (Russian speakers type "ok", brand names, translit), so English
//      needs a few Latin letters and a clear majority;
//   3. a Cyrillic profile name;
//   4. the bot command word as typed: `/старт` was chosen in Russian, `/start` in English (the customer
//      could have typed either, so the choice says more than where their phone is registered);
//   5. the phone's country code (or a BSUID's country prefix when the phone is withheld) in the
//      Russian-speaking region;
//   6. a Latin profile name;
//   7. the configured default.

export type Lang = 'ru' | 'en';
export const LANGS: readonly Lang[] = ['ru', 'en'];

export type LanguageSource = 'override' | 'text' | 'profile' | 'command' | 'phone' | 'user_id' | 'default';

export interface LanguageEvidence {
  /** The contact's stored `/lang` choice. */
  override?: Lang;
  /** The inbound message text (or caption). */
  text?: string;
  /** WhatsApp profile name. */
  profileName?: string;
  /** The bot command word as typed, without the slash (`start`, `старт`). */
  commandWord?: string;
  /** `wa_id` (digits) or an E.164 number (`+79161234567`). National formats are not guessed at. */
  phone?: string;
  /** BSUID (`KG.1349…`): its ISO country prefix stands in for the phone when Meta withholds it. */
  userId?: string;
  /** Answer when nothing else decides; `en` unless the deployment says otherwise. */
  defaultLang?: Lang;
}

export interface LanguageGuess {
  lang: Lang;
  source: LanguageSource;
}

/** Calling codes where Russian is widely understood (the ex-USSR states that share the customer base). */
export const RUSSIAN_LEANING_CALLING_CODES: readonly string[] = ['7', '996', '375', '998', '992', '993', '994', '374', '995'];
/** The same region as ISO 3166 alpha-2 codes, for BSUID prefixes (+7 is both Russia and Kazakhstan). */
const RUSSIAN_LEANING_COUNTRIES: ReadonlySet<string> = new Set(['RU', 'KZ', 'KG', 'BY', 'UZ', 'TJ', 'TM', 'AZ', 'AM', 'GE']);

/** Latin letters needed before the text alone can say "English" ("ok", "hi" say nothing). */
const MIN_LATIN_LETTERS = 3;
/** Cyrillic share of the letters at which the text says "Russian"; below it (with enough Latin) "English". */
const CYRILLIC_SHARE_FOR_RU = 0.4;

const CYRILLIC = /\p{Script=Cyrillic}/gu;
const LATIN = /\p{Script=Latin}/gu;
// Tokens that are Latin by nature whatever the writer's language: links, e-mail addresses, @mentions,
// and Latin bot commands (`/start` is typed from menus and habit by everyone).
const LATIN_BY_NATURE = /(?:https?:\/\/|www\.)\S+|\S+@\S+\.\S+|(?:^|\s)@\w+|(?:^|\s)\/[A-Za-z]\w*(?:@\w+)?/gu;

export interface ScriptCounts {
  cyrillic: number;
  latin: number;
}

/** Counts Cyrillic and Latin letters, ignoring links, e-mail addresses, mentions and Latin bot commands. */
export function countScripts(text: string): ScriptCounts {
  const cleaned = text.normalize('NFC').replace(LATIN_BY_NATURE, ' ');
  return {
    cyrillic: cleaned.match(CYRILLIC)?.length ?? 0,
    latin: cleaned.match(LATIN)?.length ?? 0,
  };
}

/** What a piece of text says about its language, or undefined when it says nothing (emoji, digits, "ok"). */
export function languageOfText(text: string | undefined): Lang | undefined {
  if (!text) return undefined;
  const { cyrillic, latin } = countScripts(text);
  const letters = cyrillic + latin;
  if (letters === 0) return undefined;
  if (cyrillic > 0 && cyrillic / letters >= CYRILLIC_SHARE_FOR_RU) return 'ru';
  if (latin >= MIN_LATIN_LETTERS) return 'en';
  return undefined;
}

/** A single word's script: any Cyrillic letter makes it Russian, Latin letters alone English. */
function scriptOfWord(word: string | undefined): Lang | undefined {
  if (!word) return undefined;
  const { cyrillic, latin } = countScripts(word);
  if (cyrillic > 0) return 'ru';
  return latin > 0 ? 'en' : undefined;
}

/** True when an international number (`+7…`, `996…`) has a Russian-leaning calling code. */
export function phoneLeansRussian(phone: string | undefined): boolean | undefined {
  if (!phone) return undefined;
  const trimmed = phone.trim();
  // wa_id is bare digits; anything else must be written internationally, or the country is unknowable.
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 8) return undefined;
  if (!trimmed.startsWith('+') && !/^\d+$/.test(trimmed)) return undefined;
  // Calling codes are prefix-free, so a prefix match is exact.
  return RUSSIAN_LEANING_CALLING_CODES.some((code) => digits.startsWith(code));
}

function userIdLeansRussian(userId: string | undefined): boolean | undefined {
  const country = /^([A-Z]{2})\./.exec(userId ?? '')?.[1];
  return country === undefined ? undefined : RUSSIAN_LEANING_COUNTRIES.has(country);
}

/** Reads a language name or code as typed by a person: `ru`, `RU`, `rus`, `russian`, `русский`, `en`, `англ`… */
export function parseLang(input: string | undefined): Lang | undefined {
  const word = input?.trim().toLowerCase().normalize('NFC').replace(/[.!]+$/, '');
  if (!word) return undefined;
  if (/^(ru|rus|russian|ру|рус|русский|по-русски|ru[-_]ru)$/.test(word)) return 'ru';
  if (/^(en|eng|english|ан|англ|английский|по-английски|en[-_](us|gb))$/.test(word)) return 'en';
  return undefined;
}

export function isLang(value: unknown): value is Lang {
  return value === 'ru' || value === 'en';
}

export function guessLanguage(evidence: LanguageEvidence): LanguageGuess {
  if (evidence.override !== undefined) {
    if (!isLang(evidence.override)) throw new RangeError(`Unsupported language override "${String(evidence.override)}": use ru or en`);
    return { lang: evidence.override, source: 'override' };
  }
  const fromText = languageOfText(evidence.text);
  if (fromText) return { lang: fromText, source: 'text' };
  const fromProfile = languageOfText(evidence.profileName);
  if (fromProfile === 'ru') return { lang: 'ru', source: 'profile' };
  const fromCommand = scriptOfWord(evidence.commandWord);
  if (fromCommand) return { lang: fromCommand, source: 'command' };
  const phone = phoneLeansRussian(evidence.phone);
  if (phone === true) return { lang: 'ru', source: 'phone' };
  if (phone === undefined && userIdLeansRussian(evidence.userId) === true) return { lang: 'ru', source: 'user_id' };
  if (fromProfile === 'en') return { lang: 'en', source: 'profile' };
  if (phone === false) return { lang: 'en', source: 'phone' };
  if (userIdLeansRussian(evidence.userId) === false) return { lang: 'en', source: 'user_id' };
  const fallback = evidence.defaultLang ?? 'en';
  if (!isLang(fallback)) throw new RangeError(`Unsupported default language "${String(fallback)}": use ru or en`);
  return { lang: fallback, source: 'default' };
}
