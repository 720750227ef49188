// The bot's decisions: which command a job names (every alias, through detectCommand), and which text in which
// language answers it, over plain in-memory ports (the DynamoDB adapters are covered by the integration tests).
import { describe, expect, it } from 'vitest';
import { commandOf, replyToCommand, type BotDeps } from '../../lambdas/domain/bot/bot.js';
import type { InboundMessage } from '../../lambdas/domain/shared/model.js';
import type { CommandJob } from '../../lambdas/domain/shared/ports.js';
import type { ContactRecord, MessageRecord } from '../../lambdas/domain/shared/ports.js';
import { helpText, languageChangedText, languageUsageText, startText, statusText, unknownCommandText, type StatusFacts } from '../../lambdas/domain/bot/texts.js';
import { planWork } from '../../lambdas/domain/inbound/work-plan.js';

const inbound = (text: string): InboundMessage => ({
  kind: 'message', channel: 'meta', id: 'wamid.IN1', phoneNumberId: '111', from: { waId: '14155550100' },
  timestamp: '2026-05-01T10:00:00.000Z', type: 'text', text, raw: {},
});

/** The job the webhook plans for `text`, as the sender receives it. */
function jobFor(text: string): CommandJob {
  const [job] = planWork(inbound(text), 'c1');
  if (job?.kind !== 'command') throw new Error(`"${text}" planned no command`);
  return job;
}

function world(options: { contact?: Partial<ContactRecord>; text: string; facts?: StatusFacts }) {
  const contact: ContactRecord = { id: 'c1', channel: 'meta', phones: [], emails: [], createdAt: '2026-01-01T00:00:00.000Z', ...options.contact };
  const stored: MessageRecord = { id: 'wamid.IN1', channel: 'meta', direction: 'in', type: 'text', timestamp: '2026-05-01T10:00:00.000Z', text: options.text, statuses: [] };
  const languages: string[] = [];
  const deps: BotDeps = {
    contacts: { setLanguage: async (id, lang) => void languages.push(`${id}=${lang}`) },
    messages: { get: async (id) => (id === stored.id ? stored : undefined) },
    cards: { facts: async () => options.facts ?? { cardContacts: 0 } },
  };
  return { contact, deps, languages };
}

async function answer(text: string, contact: Partial<ContactRecord> = {}, facts?: StatusFacts) {
  const w = world({ contact, text, ...(facts ? { facts } : {}) });
  return { ...(await replyToCommand(jobFor(text), w.contact, w.deps)), languages: w.languages };
}

describe('planWork + commandOf: every spelling reaches the same command', () => {
  it.each([
    ['/start', 'start'],
    ['/Start ref42', 'start'],
    ['/старт', 'start'],
    ['/начать', 'start'],
    ['/помощь', 'help'],
    ['/справка', 'help'],
    ['/help?', 'help'],
    ['/статус', 'status'],
    ['/язык en', 'lang'],
    ['/foo', 'unknown'],
  ])('%s -> %s', (text, command) => {
    expect(commandOf(jobFor(text)).command).toBe(command);
  });

  it('keeps an unknown word and the arguments', () => {
    expect(jobFor('/foo bar baz')).toMatchObject({ command: 'foo', args: 'bar baz' });
    expect(commandOf(jobFor('/foo bar'))).toMatchObject({ command: 'unknown', word: 'foo' });
    expect(commandOf(jobFor('/lang ru please'))).toMatchObject({ command: 'lang', lang: 'ru' });
  });

  it('does not treat paths or fractions as commands', () => {
    expect(planWork(inbound('/home/user/x'), 'c1')).toEqual([]);
    expect(planWork(inbound('1/2'), 'c1')).toEqual([]);
  });
});

describe('replyToCommand', () => {
  it('answers /start in English to a US number with a Latin name, greeting by name', async () => {
    const r = await answer('/start', { waId: '14155550100', name: 'John Smith' });
    expect(r).toMatchObject({ lang: 'en', command: 'start', text: startText('en', { name: 'John Smith' }) });
  });

  it('answers /помощь in Russian whatever the phone says (the text is Cyrillic)', async () => {
    const r = await answer('/помощь', { waId: '14155550100', name: 'John' });
    expect(r).toMatchObject({ lang: 'ru', text: helpText('ru') });
  });

  // The command word the customer chose says more than where the phone is registered: /start from a +7 or
  // +996 number with nothing else to go on is answered in English, /старт in Russian.
  it('answers a Latin /start in English and /старт in Russian to a +7 number with no other evidence', async () => {
    expect((await answer('/start', { waId: '79161234567' })).lang).toBe('en');
    expect((await answer('/старт', { waId: '79161234567' })).lang).toBe('ru');
  });

  it('answers a Latin /start in Russian when the profile name is Cyrillic', async () => {
    expect((await answer('/start', { waId: '996555123456', name: 'Айбек' })).lang).toBe('ru');
  });

  it('the stored /lang override wins over every guess', async () => {
    const r = await answer('/помощь', { waId: '79161234567', name: 'Иван', lang: 'en' });
    expect(r).toMatchObject({ lang: 'en', text: helpText('en') });
  });

  it('/lang ru stores the override and confirms in Russian', async () => {
    const r = await answer('/lang ru', { waId: '14155550100' });
    expect(r).toMatchObject({ lang: 'ru', text: languageChangedText('ru') });
    expect(r.languages).toEqual(['c1=ru']);
  });

  it('/lang with a language we do not speak explains, and stores nothing', async () => {
    const r = await answer('/lang klingon', { waId: '14155550100' });
    expect(r.text).toBe(languageUsageText('en', 'klingon'));
    expect(r.languages).toEqual([]);
  });

  it('/status shows the card facts', async () => {
    const facts = { cardContacts: 2, lastCard: { status: 'unreadable', at: '2026-03-05T14:05:00.000Z' } };
    expect((await answer('/status', { waId: '14155550100' }, facts)).text).toBe(statusText('en', facts));
    expect((await answer('/статус', { waId: '14155550100' })).text).toBe(statusText('ru', { cardContacts: 0 }));
  });

  it('an unknown command gets the help with its name', async () => {
    expect((await answer('/foo', { waId: '14155550100' })).text).toBe(unknownCommandText('en', 'foo'));
  });
});
