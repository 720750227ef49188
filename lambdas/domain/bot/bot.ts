// The bot: which text answers a command job, in the customer's language. Pure decisions over small ports;
// the reply itself goes out through the sender like every other message.
import { detectCommand, type Command } from './commands.js';
import { guessLanguage, type Lang } from './language.js';
import type { AckJob, CommandJob, ContactRecord, MessageStore } from '../shared/ports.js';
import {
  cardReceivedText,
  helpText,
  languageChangedText,
  languageUsageText,
  startText,
  statusText,
  unknownCommandText,
  type StatusFacts,
} from './texts.js';

/**
 * What the system knows about a customer's business cards. The card pipeline writes it:
 * - a contact created from a card carries `sourceContactId` (the customer's contact id) and `sourceMessageId`
 *   (the card message's wamid), plus an alias item `pk = "source#<sourceContactId>"`, `sk = "contact#<id>"`;
 * - the card message (inbound, in the messages table) carries `cardStatus` (a CardOutcome: received,
 *   processing, created, merged, unreadable), `cardStatusAt` (ISO 8601) and, once read, `cardName`.
 */
export interface CardHistory {
  facts(contactId: string): Promise<StatusFacts>;
}

export interface LanguageStore {
  /** Stores the customer's `/lang` choice on the contact; it then wins over every guess. */
  setLanguage(contactId: string, lang: Lang): Promise<void>;
}

export interface BotDeps {
  contacts: LanguageStore;
  messages: Pick<MessageStore, 'get'>;
  cards: CardHistory;
  /** When nothing else says which language: `en` unless configured (BOT_DEFAULT_LANG). */
  defaultLang?: Lang;
  /** IANA zone for dates in `/status` (BOT_TIME_ZONE). Default UTC. */
  timeZone?: string;
}

export interface BotReply {
  text: string;
  lang: Lang;
  command: Command['command'];
}

/** The command as the job names it, re-read through detectCommand so every alias (`старт`, `справка`) counts. */
export function commandOf(job: Pick<CommandJob, 'command' | 'args'>): Command {
  const typed = `/${job.command}${job.args ? ` ${job.args}` : ''}`;
  return detectCommand(typed) ?? { command: 'unknown', word: job.command.toLowerCase() };
}

/** The customer's language from everything known: their `/lang` choice, the message, profile name, number. */
function languageOf(contact: ContactRecord, deps: BotDeps, said: { text?: string; commandWord?: string }): Lang {
  return guessLanguage({
    ...(contact.lang ? { override: contact.lang } : {}),
    ...(said.text ? { text: said.text } : {}),
    ...(contact.name ? { profileName: contact.name } : {}),
    ...(said.commandWord ? { commandWord: said.commandWord } : {}),
    ...(contact.waId ? { phone: contact.waId } : {}),
    ...(contact.userId ? { userId: contact.userId } : {}),
    defaultLang: deps.defaultLang ?? 'en',
  }).lang;
}

/** The acknowledgement of a card photo, in the customer's language (a caption, if any, is the best evidence). */
export async function acknowledge(job: AckJob, contact: ContactRecord, deps: BotDeps): Promise<{ text: string; lang: Lang }> {
  const inbound = await deps.messages.get(job.messageId);
  const lang = languageOf(contact, deps, inbound?.text ? { text: inbound.text } : {});
  return { text: cardReceivedText(lang), lang };
}

export async function replyToCommand(job: CommandJob, contact: ContactRecord, deps: BotDeps): Promise<BotReply> {
  const command = commandOf(job);
  const inbound = await deps.messages.get(job.messageId);
  let lang = languageOf(contact, deps, { text: inbound?.text ?? `/${job.command}`, commandWord: command.word });
  let text: string;
  switch (command.command) {
    case 'start':
      text = startText(lang, contact.name ? { name: contact.name } : {});
      break;
    case 'help':
      text = helpText(lang);
      break;
    case 'status':
      text = statusText(lang, await deps.cards.facts(contact.id), deps.timeZone ? { timeZone: deps.timeZone } : {});
      break;
    case 'lang':
      if (command.lang) {
        await deps.contacts.setLanguage(contact.id, command.lang);
        lang = command.lang;
        text = languageChangedText(lang);
      } else {
        text = languageUsageText(lang, command.arg);
      }
      break;
    default:
      text = unknownCommandText(lang, command.word);
  }
  return { text, lang, command: command.command };
}
