import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../lambdas/domain/bot/language.js';
import {
  WHATSAPP_TEXT_MAX,
  cardReadText,
  cardUnreadableText,
  fitText,
  formatWhen,
  helpText,
  languageChangedText,
  languageUsageText,
  startText,
  statusText,
  unknownCommandText,
  type CardSummary,
} from '../../lambdas/domain/bot/texts.js';

const LANGS: Lang[] = ['ru', 'en'];

const card: CardSummary = {
  name: 'Айбек Абдыкадыров',
  title: 'Sales Director',
  company: 'ОсОО «Ала-Тоо Трейд»',
  phones: [
    { number: '+996555123456', type: 'mobile' },
    { number: '+996312654321', type: 'work', ext: '102' },
    { number: '+996312654322', type: 'fax' },
  ],
  emails: ['aibek@alatoo.kg'],
  websites: ['alatoo.kg'],
  address: 'г. Бишкек,\nул. Киевская, 95',
};

describe('statusText', () => {
  const facts = { cardContacts: 3, lastCard: { status: 'created', at: '2026-03-05T14:05:09Z', name: 'Айбек Абдыкадыров' } };

  it('English, exactly', () => {
    expect(statusText('en', facts)).toBe(
      'Contacts created from your cards: 3\nLast card: Айбек Абдыкадыров — contact created (5 March 2026, 14:05 UTC)',
    );
  });

  it('Russian, exactly, in a configured time zone', () => {
    expect(statusText('ru', facts, { timeZone: 'Asia/Bishkek' })).toBe(
      'Контактов из ваших визиток: 3\nПоследняя визитка: Айбек Абдыкадыров — контакт создан (5 марта 2026 г., 20:05 UTC+6)',
    );
  });

  it('has a "nothing yet" variant in both languages', () => {
    expect(statusText('en', { cardContacts: 0 })).toBe(
      "You haven't sent me any business cards yet. Send a photo of one and I'll create a contact from it.",
    );
    expect(statusText('ru', { cardContacts: 0 })).toBe(
      'Вы ещё не присылали мне визиток. Пришлите фото визитки, и я создам из неё контакт.',
    );
  });

  it('reports an unreadable last card even when no contact was ever created, without a name', () => {
    expect(statusText('en', { cardContacts: 0, lastCard: { status: 'unreadable', at: '2026-01-02T03:04:00Z' } })).toBe(
      'Contacts created from your cards: 0\nLast card: could not be read (2 January 2026, 03:04 UTC)',
    );
    expect(statusText('ru', { cardContacts: 2, lastCard: { status: 'processing', at: '2026-01-02T03:04:00Z' } })).toBe(
      'Контактов из ваших визиток: 2\nПоследняя визитка: распознаётся (2 января 2026 г., 03:04 UTC)',
    );
  });

  it('shows a status it has no words for as it is, never dropping it (even one named like an Object method)', () => {
    expect(statusText('en', { cardContacts: 1, lastCard: { status: 'ocr_retrying', at: '2026-01-02T03:04:00Z' } })).toContain(
      'Last card: ocr_retrying (',
    );
    expect(statusText('ru', { cardContacts: 1, lastCard: { status: 'constructor', at: '2026-01-02T03:04:00Z' } })).toContain(
      'Последняя визитка: constructor (',
    );
  });

  it('rejects a nonsensical count or time, naming it', () => {
    expect(() => statusText('en', { cardContacts: -1 })).toThrow(/cardContacts must be a non-negative integer, got -1/);
    expect(() => statusText('en', { cardContacts: 1, lastCard: { status: 'created', at: 'yesterday' } })).toThrow(/"yesterday"/);
  });
});

describe('formatWhen', () => {
  it.each([
    ['en', '2026-12-31T23:59:59Z', 'UTC', '31 December 2026, 23:59 UTC'],
    ['ru', '2026-12-31T23:59:59Z', 'Europe/Moscow', '1 января 2027 г., 02:59 UTC+3'],
    ['en', '2026-07-01T00:30:00Z', 'UTC', '1 July 2026, 00:30 UTC'], // midnight is 00, not 24
    ['en', '2026-07-01T12:00:00Z', 'Asia/Kolkata', '1 July 2026, 17:30 UTC+5:30'],
    ['ru', '2026-07-01T12:00:00Z', 'America/New_York', '1 июля 2026 г., 08:00 UTC-4'],
    ['ru', '2026-01-15T12:00:00Z', 'America/New_York', '15 января 2026 г., 07:00 UTC-5'],
  ] as const)('%s %s in %s -> %s', (lang, iso, zone, expected) => {
    expect(formatWhen(lang, iso, zone)).toBe(expected);
  });

  it('rejects an unknown time zone', () => {
    expect(() => formatWhen('en', '2026-01-01T00:00:00Z', 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('card texts', () => {
  it('card read, English, exactly: every field present, labelled, multi-line address on one line', () => {
    expect(cardReadText('en', card, { outcome: 'created' })).toBe(
      [
        'I read the business card and created a contact:',
        'Name: Айбек Абдыкадыров',
        'Title: Sales Director',
        'Company: ОсОО «Ала-Тоо Трейд»',
        'Mobile: +996555123456',
        'Work phone: +996312654321 ext. 102',
        'Fax: +996312654322',
        'Email: aibek@alatoo.kg',
        'Website: alatoo.kg',
        'Address: г. Бишкек, ул. Киевская, 95',
      ].join('\n'),
    );
  });

  it('card read, Russian, exactly, merged into an existing contact', () => {
    expect(cardReadText('ru', card, { outcome: 'merged' })).toBe(
      [
        'Визитка прочитана и добавлена к существующему контакту:',
        'Имя: Айбек Абдыкадыров',
        'Должность: Sales Director',
        'Компания: ОсОО «Ала-Тоо Трейд»',
        'Мобильный: +996555123456',
        'Рабочий телефон: +996312654321 доб. 102',
        'Факс: +996312654322',
        'E-mail: aibek@alatoo.kg',
        'Сайт: alatoo.kg',
        'Адрес: г. Бишкек, ул. Киевская, 95',
      ].join('\n'),
    );
  });

  it('shows only the fields that exist, and a phone without a type as a plain phone', () => {
    expect(cardReadText('en', { phones: [{ number: '+14155552671' }], emails: [], websites: [] })).toBe(
      'Here is what I read on the business card:\nPhone: +14155552671',
    );
    expect(cardReadText('ru', { company: 'ACME', department: 'R&D', phones: [], emails: ['a@b.c', 'd@e.f'], websites: [] })).toBe(
      'Вот что удалось прочитать на визитке:\nКомпания: ACME\nОтдел: R&D\nE-mail: a@b.c\nE-mail: d@e.f',
    );
  });

  it('a card with nothing readable (or only blanks) gets the could-not-read text', () => {
    for (const lang of LANGS) {
      expect(cardReadText(lang, { name: '  \n ', phones: [], emails: [''], websites: [] })).toBe(cardUnreadableText(lang));
    }
  });

  it('could-not-read, both languages, exactly', () => {
    expect(cardUnreadableText('en')).toBe(
      "Sorry, I couldn't read this business card. Please send a sharper photo: good light, the card filling the frame, no glare. A QR code on the card reads best.",
    );
    expect(cardUnreadableText('ru')).toBe(
      'К сожалению, не удалось прочитать визитку. Пришлите, пожалуйста, более чёткое фото: хорошее освещение, визитка на весь кадр, без бликов. Лучше всего читается QR-код на визитке.',
    );
  });

  it('cleans values from OCR: control and invisible characters go, emoji built with joiners stay', () => {
    const text = cardReadText('en', {
      name: 'Ива\u00adнов\u202e И.\tИ.\u0007',
      title: 'Chief 👩‍💻 Officer',
      phones: [],
      emails: [],
      websites: [],
    });
    expect(text).toBe('Here is what I read on the business card:\nName: Иванов И. И.\nTitle: Chief 👩‍💻 Officer');
  });

  it('caps each field so a runaway OCR line cannot crowd out the others', () => {
    const text = cardReadText('en', { name: 'N', address: 'x'.repeat(5000), phones: [], emails: ['a@b.c'], websites: [] });
    const address = text.split('\n').find((l) => l.startsWith('Address: '))!;
    expect(address.length).toBeLessThanOrEqual('Address: '.length + 300);
    expect(address.endsWith('…')).toBe(true);
    expect(text).toContain('Email: a@b.c');
  });
});

describe('command texts', () => {
  it('start greets by name and lists the commands in the right language', () => {
    const en = startText('en', { name: 'John' });
    expect(en.startsWith('Hello, John! 👋\nSend me a photo of a business card')).toBe(true);
    for (const cmd of ['/start', '/help', '/status', '/lang ru']) expect(en).toContain(cmd);
    const ru = startText('ru');
    expect(ru.startsWith('Здравствуйте! 👋\nПришлите фото визитки')).toBe(true);
    for (const cmd of ['/старт', '/помощь', '/статус', '/язык ru']) expect(ru).toContain(cmd);
  });

  it('help says a photo of a business card creates a contact, and lists every command', () => {
    expect(helpText('en')).toMatch(/^What I can do:\nSend me a photo of a business card .* create a contact/);
    expect(helpText('ru')).toMatch(/^Что я умею:\nПришлите фото визитки .* создам контакт/);
    expect(helpText('ru')).toContain('Английские /start, /help, /status тоже работают.');
  });

  it('unknown command names the word and then helps', () => {
    expect(unknownCommandText('en', 'foo')).toBe(`I don't know the command /foo.\n\n${helpText('en')}`);
    expect(unknownCommandText('ru', 'стоп')).toBe(`Я не знаю команду /стоп.\n\n${helpText('ru')}`);
  });

  it('language changed and usage, both languages', () => {
    expect(languageChangedText('en')).toBe('OK, I will reply in English from now on. (По-русски: /язык ru)');
    expect(languageChangedText('ru')).toBe('Хорошо, теперь я отвечаю по-русски. (In English: /lang en)');
    expect(languageUsageText('en', 'de')).toBe('I can\'t reply in "de". I can reply in Russian or English: send /lang ru or /lang en.');
    expect(languageUsageText('ru')).toBe('Я могу отвечать по-русски или по-английски: отправьте /язык ru или /язык en.');
  });

  it('rejects a language it has no texts for', () => {
    expect(() => helpText('de' as Lang)).toThrow(/Unsupported language "de"/);
  });
});

describe('fitText and the 4096-character limit', () => {
  it('leaves short text alone and cuts long text to the limit with an ellipsis', () => {
    expect(fitText('hello')).toBe('hello');
    const long = fitText('a'.repeat(5000));
    expect(long.length).toBe(WHATSAPP_TEXT_MAX);
    expect(long.endsWith('a…')).toBe(true);
  });

  it('never splits a surrogate pair, a flag or a joined emoji', () => {
    expect(fitText('ab🇰🇬🇷🇺', 4)).toBe('ab…');
    expect(fitText('👨‍👩‍👧‍👦👨‍👩‍👧‍👦', 12)).toBe('👨‍👩‍👧‍👦…');
  });

  it('property: the result fits, is a prefix of the input on a grapheme boundary, and has no lone surrogate', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (text, max) => {
        const out = fitText(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (text.length <= max) {
          expect(out).toBe(text);
          return;
        }
        expect(out.endsWith('…')).toBe(true);
        const kept = out.slice(0, -1);
        expect(text.startsWith(kept)).toBe(true);
        expect(/\p{Surrogate}/u.test(kept)).toBe(false); // a lone surrogate is only matchable on its own
        const boundaries = new Set([...segmenter.segment(text)].map((s) => s.index));
        boundaries.add(text.length);
        // trimEnd may drop trailing spaces, which are their own graphemes: the cut is still a boundary.
        expect(boundaries.has(kept.length) || /\s/.test(text[kept.length] ?? '')).toBe(true);
      }),
    );
  });

  it('property: every customer-facing text fits WhatsApp, whatever we are given', () => {
    const big = fc.string({ unit: 'grapheme', maxLength: 2000 });
    fc.assert(
      fc.property(fc.constantFrom(...LANGS), big, big, fc.array(big, { maxLength: 30 }), (lang, a, b, many) => {
        const texts = [
          startText(lang, { name: a }),
          unknownCommandText(lang, a),
          languageUsageText(lang, b),
          statusText(lang, { cardContacts: many.length, lastCard: { status: a, at: '2026-01-01T00:00:00Z', name: b } }),
          cardReadText(lang, {
            name: a,
            title: b,
            company: a,
            address: b,
            phones: many.map((number) => ({ number, type: 'mobile' as const })),
            emails: many,
            websites: many,
          }),
        ];
        for (const t of texts) expect(t.length).toBeLessThanOrEqual(WHATSAPP_TEXT_MAX);
      }),
      { numRuns: 50 },
    );
  });
});
