import { describe, expect, it } from 'vitest';
import { F1_TARGETS, FIELDS, loadLabelledSet, scoreField } from '../../bench/cards.js';
import { mergeCards, parseCardLines } from '../../lambdas/domain/cards/card-parser.js';
import { emptyCard } from '../../lambdas/domain/cards/card.js';

const set = loadLabelledSet();
const byId = (id: string) => {
  const c = set.find((x) => x.id === id);
  if (!c) throw new Error(`no labelled card ${id}`);
  return c;
};

describe('labelled set', () => {
  it('has at least 40 cards, 15 of them Cyrillic, each with lines and a rendered image', () => {
    expect(set.length).toBeGreaterThanOrEqual(40);
    expect(set.filter((c) => /[А-Яа-яЁё]/.test(c.lines.join(' '))).length).toBeGreaterThanOrEqual(15);
    for (const c of set) {
      expect(c.lines.length, c.id).toBeGreaterThan(0);
      expect(c.png, c.id).toBeDefined();
    }
  });

  const pairs = set.map((c) => ({ expected: c.expected, actual: parseCardLines(c.lines) }));
  for (const field of FIELDS) {
    const target = F1_TARGETS[field] ?? 0.8;
    it(`${field} F1 on typed text >= ${target}`, () => {
      const s = scoreField(pairs, field);
      expect(s.f1, JSON.stringify(s)).toBeGreaterThanOrEqual(target);
    });
  }
});

describe('specific cards, every field', () => {
  it('a Kyrgyz card with local numbers, labels in Russian and a city', () => {
    const c = byId('kg-kts');
    expect(parseCardLines(c.lines)).toEqual({ ...c.expected, confidence: 1 });
  });
  it('a Russian card with a registry (INN) line that must not become a phone', () => {
    const c = byId('kg-bank');
    const card = parseCardLines(c.lines);
    expect(card.phones).toEqual(c.expected.phones);
    expect(card).toMatchObject({ name: c.expected.name, department: c.expected.department, address: c.expected.address });
  });
  it('an English card with the company first, fax and a two-line address', () => {
    const c = byId('en-acme-classic');
    expect(parseCardLines(c.lines)).toEqual({ ...c.expected, confidence: 1 });
  });
  it('explicit Russian field labels (ФИО, Должность, Компания, Адрес)', () => {
    const c = byId('ru-labels-fio');
    expect(parseCardLines(c.lines)).toEqual({ ...c.expected, confidence: 1 });
  });
  it('pipes and bullets separating fields on one line', () => {
    const c = byId('ru-kazan-pipes');
    expect(parseCardLines(c.lines)).toEqual({ ...c.expected, confidence: 1 });
  });
});

describe('names and titles printed in capitals', () => {
  const phone = '+7 (912) 345-67-89';
  it('a surname in capitals above the given name and patronymic is one name, as printed', () => {
    expect(parseCardLines(['ООО «СтройМонтаж»', 'ИВАНОВ', 'Сергей Петрович', 'ПРОРАБ', phone, 'ivanov@stroymontazh.ru'])).toMatchObject({
      name: 'ИВАНОВ Сергей Петрович',
      title: 'ПРОРАБ',
      company: 'ООО «СтройМонтаж»',
    });
    // Below it, Kyrgyz patronymic, no company line.
    expect(parseCardLines(['Бакыт Асанович', 'ЖАПАРОВ', phone])).toMatchObject({ name: 'Бакыт Асанович ЖАПАРОВ' });
    expect(parseCardLines(['ИВАНОВА', 'Анна Сергеевна', phone]).name).toBe('ИВАНОВА Анна Сергеевна');
  });

  it('a capitals word that is not surname-shaped stays the company, unless the company is already known', () => {
    expect(parseCardLines(['РОМАШКА', 'Сергей Петрович', phone])).toMatchObject({ name: 'Сергей Петрович', company: 'РОМАШКА' });
    expect(parseCardLines(['ООО «Ромашка»', 'ЦОЙ', 'Виктор Робертович', phone])).toMatchObject({ name: 'ЦОЙ Виктор Робертович', company: 'ООО «Ромашка»' });
    // A given name without a patronymic is not joined: nothing says the word beside it is a surname.
    expect(parseCardLines(['ИВАНОВ', 'Сергей Волков', phone]).name).toBe('Сергей Волков');
  });

  it('reads a title in capitals, whether a known word or a capitals line under the name beside a known company', () => {
    expect(parseCardLines(['ПРОРАБ', 'Иванов Сергей Петрович', phone])).toMatchObject({ name: 'Иванов Сергей Петрович', title: 'ПРОРАБ' });
    expect(parseCardLines(['Иванов Сергей Петрович', 'Прораб', 'СТРОЙМОНТАЖ', phone])).toMatchObject({ title: 'Прораб', company: 'СТРОЙМОНТАЖ' });
    expect(parseCardLines(['ООО «Ромашка»', 'Иванов Сергей Петрович', 'ТОВАРОВЕД', phone])).toMatchObject({ title: 'ТОВАРОВЕД', company: 'ООО «Ромашка»' });
  });
});

describe('a role or contact label before the name (`Водитель: Алексей`)', () => {
  const phone = '+7 999 123-45-67';
  it('a title label gives the title and the name after the colon, even a given name alone', () => {
    expect(parseCardLines(['ТАКСИ «ЛИДЕР»', 'Водитель: Алексей', phone])).toMatchObject({ name: 'Алексей', title: 'Водитель', company: 'ТАКСИ «ЛИДЕР»' });
    expect(parseCardLines(['Менеджер по продажам: Ольга Смирнова', phone])).toMatchObject({ name: 'Ольга Смирнова', title: 'Менеджер по продажам' });
    expect(parseCardLines(['City Cab', 'Driver: Mike', '+1 415 555 0151'])).toMatchObject({ name: 'Mike', title: 'Driver', company: 'City Cab' });
    expect(parseCardLines(['Account Manager：Anna Lee', 'anna@acme.com'])).toMatchObject({ name: 'Anna Lee', title: 'Account Manager' });
  });
  it('a contact-person label gives the name and no title', () => {
    const contact = parseCardLines(['ООО «Ромашка»', 'Контактное лицо: Иванова Мария', phone]);
    expect(contact).toMatchObject({ name: 'Иванова Мария', company: 'ООО «Ромашка»' });
    expect(contact.title).toBeUndefined();
    expect(parseCardLines(['Контакт: Азамат', phone]).name).toBe('Азамат');
    expect(parseCardLines(['Contact person: John Smith', phone]).name).toBe('John Smith');
    expect(parseCardLines(['Contact: Dana', phone]).name).toBe('Dana');
  });
  it('leaves lines whose label is no role, or whose value is no name', () => {
    // A value that is a place, a department or a company is not a person.
    expect(parseCardLines(['Head office: London', phone]).name).toBeUndefined();
    expect(parseCardLines(['Контакт: Отдел продаж', phone]).name).toBeUndefined();
    expect(parseCardLines(['Manager: Acme Holding', phone]).name).toBeUndefined();
    // Not a role label: the colon line stays what it was.
    expect(parseCardLines(['Режим работы: Круглосуточно', phone]).name).toBeUndefined();
    // Lower case after the colon is no name.
    expect(parseCardLines(['Водитель: опытный', phone]).name).toBeUndefined();
    // An explicit `Name:` label or a name line elsewhere on the card still wins.
    expect(parseCardLines(['ФИО: Петров Иван', 'Контакт: Азамат', phone]).name).toBe('Петров Иван');
  });
});

describe('country inference', () => {
  it('uses a place on the card for numbers without +code', () => {
    expect(parseCardLines(['Асель Маматова', 'моб.: 0700 123 456', 'г. Бишкек']).phones).toEqual([{ number: '+996700123456', type: 'mobile' }]);
  });
  it('uses other +code numbers on the card', () => {
    const card = parseCardLines(['Иван Петров', 'тел.: +7 495 123-45-67', 'моб.: 8 916 123-45-67']);
    expect(card.phones.map((p) => p.number)).toEqual(['+74951234567', '+79161234567']);
  });
  it("falls back to the sender's country, and keeps the number as printed when there is none", () => {
    const lines = ['Айгуль Асанова', '0555 123 456'];
    expect(parseCardLines(lines, { senderCountry: 'KG' }).phones[0]!.number).toBe('+996555123456');
    expect(parseCardLines(lines, { senderPhone: '+996700000001' }).phones[0]!.number).toBe('+996555123456');
    expect(parseCardLines(lines).phones[0]!.number).toBe('0555 123 456');
  });
});

describe('OCR lines', () => {
  it('drops the specks OCR puts at the edge of a line (`_Касымалиева Жылдыз`, as read from a photo)', () => {
    const card = parseCardLines([
      { text: '_Касымалиева Жылдыз', confidence: 0.91 },
      { text: 'Директор по маркетингу', confidence: 0.93 },
      { text: '~ ЗАО «Кумтор Голд» *', confidence: 0.93 },
      { text: 'Mob.: +996 772 90 07 08 _', confidence: 0.95 },
    ]);
    expect(card).toMatchObject({ name: 'Касымалиева Жылдыз', title: 'Директор по маркетингу', company: 'ЗАО «Кумтор Голд»' });
    expect(card.phones).toEqual([{ number: '+996772900708', type: 'mobile' }]);
  });
  it('ignores lines below 0.5 confidence', () => {
    const card = parseCardLines([
      { text: 'Anna Lee', confidence: 0.98 },
      { text: 'M +1 415 555 0151', confidence: 0.95 },
      { text: '+1 415 555 O159', confidence: 0.31 },
      { text: 'Bogus Name', confidence: 0.2 },
    ]);
    expect(card.name).toBe('Anna Lee');
    expect(card.phones).toEqual([{ number: '+14155550151', type: 'mobile' }]);
    expect(card.confidence).toBeCloseTo(0.97, 2);
  });
  it('returns an empty card with zero confidence for nothing readable', () => {
    expect(parseCardLines([{ text: '~~', confidence: 0.9 }])).toEqual(emptyCard(0));
  });
});

describe('mergeCards', () => {
  const qr = { ...emptyCard(1), name: 'Priya Raman', phones: [{ number: '+447911123456', type: 'mobile' as const }], emails: ['priya@lumenlabs.ai'] };
  it('keeps QR fields over OCR ones and adds what only OCR saw', () => {
    const ocr = {
      ...emptyCard(0.9),
      name: 'Priya Rarnan',
      title: 'Co-Founder & CEO',
      phones: [
        { number: '+447911123466', type: 'mobile' as const }, // one digit misread: the QR number already covers it
        { number: '+442079460958', type: 'fax' as const },
      ],
      emails: ['PRIYA@lumenlabs.ai'],
      websites: ['lumenlabs.ai'],
    };
    expect(mergeCards(qr, ocr)).toEqual({
      name: 'Priya Raman',
      title: 'Co-Founder & CEO',
      phones: [
        { number: '+447911123456', type: 'mobile' },
        { number: '+442079460958', type: 'fax' },
      ],
      emails: ['priya@lumenlabs.ai'],
      websites: ['lumenlabs.ai'],
      confidence: 1,
    });
  });
});
