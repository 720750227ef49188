import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_ALIASES, detectCommand } from '../../lambdas/domain/bot/commands.js';

describe('detectCommand', () => {
  it.each([
    ['/start', 'start', 'start'],
    ['/help', 'help', 'help'],
    ['/status', 'status', 'status'],
    ['/старт', 'start', 'старт'],
    ['/помощь', 'help', 'помощь'],
    ['/статус', 'status', 'статус'],
    ['/справка', 'help', 'справка'],
    ['/начать', 'start', 'начать'],
  ] as const)('%s -> %s', (text, command, word) => {
    expect(detectCommand(text)).toEqual({ command, word });
  });

  it('ignores case and surrounding whitespace, including Cyrillic capitals', () => {
    expect(detectCommand('  /START \n')).toEqual({ command: 'start', word: 'start' });
    expect(detectCommand('\t/СТАТУС')).toEqual({ command: 'status', word: 'статус' });
    expect(detectCommand('/Помощь')).toEqual({ command: 'help', word: 'помощь' });
  });

  it('keeps trailing text as the argument and tolerates an @botname suffix', () => {
    expect(detectCommand('/start please   ')).toEqual({ command: 'start', word: 'start', arg: 'please' });
    expect(detectCommand('/start@my_bot')).toEqual({ command: 'start', word: 'start' });
    expect(detectCommand('/help@WaBot what now?')).toEqual({ command: 'help', word: 'help', arg: 'what now?' });
    expect(detectCommand('/status\nline two\nline three')).toEqual({ command: 'status', word: 'status', arg: 'line two\nline three' });
  });

  it('tolerates sentence punctuation after the word', () => {
    expect(detectCommand('/help?')).toEqual({ command: 'help', word: 'help' });
    expect(detectCommand('/старт!')).toEqual({ command: 'start', word: 'старт' });
    expect(detectCommand('/status... ok')).toEqual({ command: 'status', word: 'status', arg: 'ok' });
  });

  it('matches a decomposed Cyrillic letter (NFD input) after normalising', () => {
    // "й" typed as "и" + combining breve.
    expect(detectCommand('/язык ru'.normalize('NFD'))).toMatchObject({ command: 'lang', lang: 'ru' });
  });

  it('answers an unknown slash word with `unknown`, keeping the word', () => {
    expect(detectCommand('/foo')).toEqual({ command: 'unknown', word: 'foo' });
    expect(detectCommand('/Ayuda ahora')).toEqual({ command: 'unknown', word: 'ayuda', arg: 'ahora' });
    expect(detectCommand('/стоп')).toEqual({ command: 'unknown', word: 'стоп' });
  });

  it.each([
    ['plain text', 'hello /start'],
    ['full-width slash', '／start'],
    ['space after the slash', '/ start'],
    ['a path', '/home/user/file'],
    ['a fraction', '1/2'],
    ['a lone slash', '/'],
    ['two slashes', '//start'],
    ['a digit first', '/123'],
    ['a smiley', '/-)'],
    ['empty', ''],
    ['whitespace', '   '],
    ['a slash word glued to other symbols', '/start-now'],
  ])('%s is not a command', (_, text) => {
    expect(detectCommand(text)).toBeUndefined();
  });

  it('returns undefined for a message without text', () => {
    expect(detectCommand(undefined)).toBeUndefined();
  });

  describe('language override', () => {
    it.each([
      ['/lang ru', 'ru'],
      ['/lang en', 'en'],
      ['/язык en', 'en'],
      ['/язык ru', 'ru'],
      ['/LANG RU', 'ru'],
      ['/language english', 'en'],
      ['/язык русский', 'ru'],
      ['/язык английский', 'en'],
      ['/lang ru please', 'ru'],
    ] as const)('%s sets %s', (text, lang) => {
      expect(detectCommand(text)).toMatchObject({ command: 'lang', lang });
    });

    it('leaves `lang` unset when the argument is missing or names a language we do not speak', () => {
      expect(detectCommand('/lang')).toEqual({ command: 'lang', word: 'lang' });
      expect(detectCommand('/язык de')).toEqual({ command: 'lang', word: 'язык', arg: 'de' });
      expect(detectCommand('/lang please ru')).toEqual({ command: 'lang', word: 'lang', arg: 'please ru' });
    });
  });

  it('every alias, in any case and with any argument, maps to its command', () => {
    const pairs = Object.entries(COMMAND_ALIASES).flatMap(([name, words]) => words.map((w) => [name, w] as const));
    fc.assert(
      fc.property(
        fc.constantFrom(...pairs),
        fc.boolean(),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        ([name, word], upper, tail) => {
          const typed = upper ? word.toUpperCase() : word;
          const got = detectCommand(`/${typed} ${tail}`);
          expect(got?.command).toBe(name);
          expect(got?.word).toBe(word);
        },
      ),
    );
  });

  it('never reports a command for text that does not start with an ASCII slash', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        fc.pre(!text.normalize('NFC').trim().startsWith('/'));
        expect(detectCommand(text)).toBeUndefined();
      }),
    );
  });
});
