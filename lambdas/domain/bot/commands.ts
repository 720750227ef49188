// Bot commands in an inbound text: `/start`, `/help`, `/status`, `/lang xx` and their Russian names.
// Pure. A message is a command only when it starts with an ASCII slash followed at once by a word that ends
// the text or is followed by whitespace, punctuation or a Telegram-style `@botname` suffix; so "/home/user/x", "1/2",
// "/ hello" and a full-width "／start" are ordinary text, and "/foo" is an `unknown` command (answered with help).
import { parseLang, type Lang } from './language.js';

export type CommandName = 'start' | 'help' | 'status' | 'lang' | 'unknown';

export interface Command {
  command: CommandName;
  /** Text after the command word, trimmed; absent when there is none. */
  arg?: string;
  /** `lang` only: the language the argument names, when it names one we speak. */
  lang?: Lang;
  /** The command word as typed, lower-cased, without the slash (`старт`, `foo`). */
  word: string;
}

/** Every spelling we answer to. Russian names are what a Russian speaker would guess; `language` and
 *  `справка` are the usual synonyms. */
export const COMMAND_ALIASES: Readonly<Record<Exclude<CommandName, 'unknown'>, readonly string[]>> = {
  start: ['start', 'старт', 'начать'],
  help: ['help', 'помощь', 'справка'],
  status: ['status', 'статус'],
  lang: ['lang', 'language', 'язык'],
};

const BY_WORD: ReadonlyMap<string, Exclude<CommandName, 'unknown'>> = new Map(
  Object.entries(COMMAND_ALIASES).flatMap(([name, words]) =>
    words.map((w) => [w, name as Exclude<CommandName, 'unknown'>] as const),
  ),
);

// A letter first (so "/123" and "/-)" are not commands), then letters, digits, `_`; optional `@botname`;
// sentence punctuation people add ("/help?", "/start!"); then the end or whitespace and the argument.
const COMMAND = /^\/(\p{L}[\p{L}\p{N}_]*)(?:@[\p{L}\p{N}_]+)?[.!?,;:…]*(?:\s+([\s\S]*))?$/u;

export function detectCommand(text: string | undefined): Command | undefined {
  if (typeof text !== 'string') return undefined;
  // NFC so a decomposed "й" matches; never NFKC, which would turn a full-width slash into "/".
  const match = COMMAND.exec(text.normalize('NFC').trim());
  const typed = match?.[1];
  if (!match || !typed) return undefined;
  const word = typed.toLowerCase();
  const arg = match[2]?.trim() || undefined;
  const command = BY_WORD.get(word) ?? 'unknown';
  const out: Command = { command, word };
  if (arg !== undefined) out.arg = arg;
  if (command === 'lang') {
    // `/lang ru please` still means ru: only the first word names the language.
    const lang = parseLang(arg?.split(/\s+/)[0]);
    if (lang) out.lang = lang;
  }
  return out;
}
