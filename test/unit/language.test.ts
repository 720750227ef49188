import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countScripts,
  guessLanguage,
  languageOfText,
  parseLang,
  phoneLeansRussian,
  RUSSIAN_LEANING_CALLING_CODES,
} from '../../lambdas/domain/bot/language.js';

describe('languageOfText', () => {
  it.each([
    ['Здравствуйте, хочу заказать iPhone 15 Pro', 'ru'],
    ['Hi, my name is John and I need a quote', 'en'],
    ['Hi, I am Иван, nice to meet you', 'en'], // English sentence, Russian name
    ['Привет, my friend', 'ru'], // 6 Cyrillic of 14 letters: Cyrillic is the stronger signal
    ['ок', 'ru'], // two Cyrillic letters are enough: English speakers do not type them
    ['я', 'ru'],
    ['Пpивeт', 'ru'], // Latin p and e inside a Cyrillic word (homoglyphs)
    ['Сәлем, қалайсыз?', 'ru'], // Kazakh Cyrillic still reads as the Russian-speaking side
    ['Thanks!!! 🙏🙏', 'en'],
  ] as const)('%s -> %s', (text, lang) => {
    expect(languageOfText(text)).toBe(lang);
  });

  it.each([
    ['emoji only', '👍🏽🔥❤️'],
    ['digits and punctuation', '+7 (916) 123-45-67, 12:30!'],
    ['too little Latin to tell', 'ok'],
    ['a Latin bot command', '/start'],
    ['a Latin command with @bot and an argument of digits', '/status@bot 42'],
    ['a link', 'https://example.com/some/long/path?q=1'],
    ['an e-mail address', 'ivan.petrov@example.com'],
    ['a mention', '@johnsmith'],
    ['CJK only', '你好世界'],
    ['empty', ''],
    ['undefined', undefined],
  ])('%s gives no signal', (_, text) => {
    expect(languageOfText(text)).toBeUndefined();
  });

  it('counts a Cyrillic command as Russian evidence but not a Latin one', () => {
    expect(languageOfText('/старт')).toBe('ru');
    expect(countScripts('/start /help')).toEqual({ cyrillic: 0, latin: 0 });
    expect(countScripts('Мой сайт https://example.com')).toEqual({ cyrillic: 7, latin: 0 });
  });

  it('any text with a Cyrillic majority is Russian, any with only Latin (3+ letters) is English', () => {
    const cyr = fc.constantFrom(...'абвгдеёжзийклмнопрстуфхцчшщъыьэюя');
    const lat = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz');
    fc.assert(
      fc.property(fc.array(cyr, { minLength: 1, maxLength: 30 }), fc.array(lat, { maxLength: 30 }), (c, l) => {
        fc.pre(c.length >= l.length);
        expect(languageOfText(`${c.join('')} ${l.join('')}`)).toBe('ru');
      }),
    );
    fc.assert(
      fc.property(fc.array(lat, { minLength: 3, maxLength: 30 }), (l) => {
        expect(languageOfText(l.join(''))).toBe('en');
      }),
    );
  });
});

describe('phoneLeansRussian', () => {
  it.each([
    ['79161234567', true], // wa_id, Russia
    ['77011234567', true], // Kazakhstan shares +7
    ['+996 555 123 456', true],
    ['+375291234567', true],
    ['998901234567', true],
    ['+992 93 123 4567', true],
    ['+993 65 123456', true],
    ['+994 50 123 45 67', true],
    ['+374 77 123456', true],
    ['+995 555 12 34 56', true],
    ['+14155552671', false],
    ['447700900123', false],
    ['+380501234567', false], // not in the list
    ['+99512', undefined], // too short to be a number
    ['8 (916) 123-45-67', undefined], // national format: the country is not knowable here
    ['not a phone', undefined],
    [undefined, undefined],
  ] as const)('%s -> %s', (phone, expected) => {
    expect(phoneLeansRussian(phone)).toBe(expected);
  });

  it('covers exactly the calling codes in the brief', () => {
    expect([...RUSSIAN_LEANING_CALLING_CODES].sort()).toEqual(['374', '375', '7', '992', '993', '994', '995', '996', '998']);
  });
});

describe('parseLang', () => {
  it.each([
    ['ru', 'ru'],
    ['RU', 'ru'],
    ['Russian', 'ru'],
    ['русский', 'ru'],
    ['рус.', 'ru'],
    ['ru-RU', 'ru'],
    ['en', 'en'],
    ['ENG', 'en'],
    ['english!', 'en'],
    ['английский', 'en'],
    ['en_US', 'en'],
    ['de', undefined],
    ['', undefined],
    [undefined, undefined],
  ] as const)('%s -> %s', (input, lang) => {
    expect(parseLang(input)).toBe(lang);
  });
});

describe('guessLanguage', () => {
  it('an override always wins, whatever the other evidence says', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ru' as const, 'en' as const),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.stringMatching(/^\+?\d{8,15}$/), { nil: undefined }),
        (override, text, profileName, phone) => {
          expect(guessLanguage({ override, text, profileName, phone })).toEqual({ lang: override, source: 'override' });
        },
      ),
    );
  });

  it('the text decides before the profile and the phone', () => {
    expect(guessLanguage({ text: 'Good morning', profileName: 'Иван', phone: '79161234567' })).toEqual({ lang: 'en', source: 'text' });
    expect(guessLanguage({ text: 'Доброе утро', profileName: 'John', phone: '14155552671' })).toEqual({ lang: 'ru', source: 'text' });
  });

  it('with no signal in the text, a Cyrillic profile name says Russian even on a foreign number', () => {
    expect(guessLanguage({ text: '/start', profileName: 'Айбек', phone: '+14155552671' })).toEqual({ lang: 'ru', source: 'profile' });
  });

  it('with no signal in the text, a Russian-leaning phone beats a Latin profile name', () => {
    expect(guessLanguage({ text: '👍', profileName: 'Dmitry', phone: '996555123456' })).toEqual({ lang: 'ru', source: 'phone' });
    expect(guessLanguage({ text: '/help', profileName: 'Dmitry', phone: '+14155552671' })).toEqual({ lang: 'en', source: 'profile' });
  });

  it('a foreign phone says English, even when the deployment defaults to Russian', () => {
    expect(guessLanguage({ text: '123', phone: '+4915112345678', defaultLang: 'ru' })).toEqual({ lang: 'en', source: 'phone' });
  });

  it("falls back to the BSUID's country when Meta withholds the phone", () => {
    expect(guessLanguage({ text: '/start', userId: 'KG.13491208655302741918' })).toEqual({ lang: 'ru', source: 'user_id' });
    expect(guessLanguage({ text: '/start', commandWord: 'start', userId: 'KG.13491208655302741918' })).toEqual({ lang: 'en', source: 'command' });
    expect(guessLanguage({ text: '/старт', commandWord: 'старт', phone: '14155552671' })).toEqual({ lang: 'ru', source: 'text' });
    expect(guessLanguage({ commandWord: 'статус', phone: '14155552671' })).toEqual({ lang: 'ru', source: 'command' });
    expect(guessLanguage({ commandWord: 'start', profileName: 'Айбек' })).toEqual({ lang: 'ru', source: 'profile' });
    expect(guessLanguage({ text: '/start', userId: 'US.13491208655302741918' })).toEqual({ lang: 'en', source: 'user_id' });
    // The phone, when present, is the better evidence.
    expect(guessLanguage({ text: '/start', phone: '14155552671', userId: 'KZ.1' })).toEqual({ lang: 'en', source: 'phone' });
  });

  it('with nothing to go on, uses the default (English unless configured)', () => {
    expect(guessLanguage({ text: '🙂' })).toEqual({ lang: 'en', source: 'default' });
    expect(guessLanguage({ defaultLang: 'ru' })).toEqual({ lang: 'ru', source: 'default' });
  });

  it('rejects an override or default we do not speak, naming it', () => {
    expect(() => guessLanguage({ override: 'de' as never })).toThrow(/"de"/);
    expect(() => guessLanguage({ defaultLang: 'fr' as never })).toThrow(/"fr"/);
  });

  it('is deterministic and total: any evidence gives ru or en', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            text: fc.string({ unit: 'grapheme' }),
            profileName: fc.string({ unit: 'grapheme' }),
            phone: fc.string(),
            userId: fc.string(),
          },
          { requiredKeys: [] },
        ),
        (evidence) => {
          const a = guessLanguage(evidence);
          expect(['ru', 'en']).toContain(a.lang);
          expect(guessLanguage(evidence)).toEqual(a);
        },
      ),
    );
  });
});
