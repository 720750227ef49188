import { describe, expect, it } from 'vitest';
import { displayName, nameParts } from '../../lambdas/domain/cards/person-name.js';

describe('displayName (structured name parts -> one name)', () => {
  it('writes Latin names given name first, middle names before the family name', () => {
    expect(displayName({ family: 'Owen', given: 'Sean' })).toBe('Sean Owen');
    expect(displayName({ family: 'Smith', given: 'John', additional: 'M.' })).toBe('John M. Smith');
  });
  it('writes Cyrillic names family name first, the patronymic last (ФИО)', () => {
    expect(displayName({ family: 'Осмонов', given: 'Нурлан' })).toBe('Осмонов Нурлан');
    expect(displayName({ family: 'Бекова', given: 'Назгүл', additional: 'Өмүрбековна' })).toBe('Бекова Назгүл Өмүрбековна');
    // A Cyrillic given name beside a transliterated family name is still written in the Cyrillic order.
    expect(displayName({ family: 'Osmonov', given: 'Нурлан' })).toBe('Osmonov Нурлан');
  });
  it('writes Chinese, Japanese and Korean names family name first', () => {
    expect(displayName({ family: '山田', given: '太郎' })).toBe('山田 太郎');
    expect(displayName({ family: '김', given: '민준' })).toBe('김 민준');
  });
  it('skips empty parts and gives undefined when nothing is left', () => {
    expect(displayName({ family: ' ', given: 'Anna' })).toBe('Anna');
    expect(displayName({ family: 'Иванова' })).toBe('Иванова');
    expect(displayName({})).toBeUndefined();
    expect(displayName({ family: '', given: '  ', additional: '' })).toBeUndefined();
  });
});

describe('nameParts (a display name -> vCard N on export)', () => {
  it('reads Фамилия Имя Отчество and a surname-shaped first word as family name first', () => {
    expect(nameParts('Иванов Иван Иванович')).toEqual({ family: 'Иванов', given: 'Иван', additional: 'Иванович' });
    expect(nameParts('Осмонов Нурлан')).toEqual({ family: 'Осмонов', given: 'Нурлан', additional: '' });
    expect(nameParts('Лебедева Мария')).toEqual({ family: 'Лебедева', given: 'Мария', additional: '' });
  });
  it('reads a Kyrgyz patronymic surname (`Талантбек кызы`) as the family name after the given name', () => {
    expect(nameParts('Айгерим Талантбек кызы')).toEqual({ family: 'Талантбек кызы', given: 'Айгерим', additional: '' });
  });
  it('reads everything else given name first, family name last', () => {
    expect(nameParts('Нурлан Осмонов')).toEqual({ family: 'Осмонов', given: 'Нурлан', additional: '' });
    // Both words surname-shaped (`Марина` ends like `Иванова`): nothing says which is which; given first.
    expect(nameParts('Марина Иванова')).toEqual({ family: 'Иванова', given: 'Марина', additional: '' });
    expect(nameParts('John A. Smith')).toEqual({ family: 'Smith', given: 'John', additional: 'A.' });
    // A Latin name is not reordered by its endings.
    expect(nameParts('Ivanov Sergey')).toEqual({ family: 'Sergey', given: 'Ivanov', additional: '' });
    expect(nameParts('Cher')).toEqual({ family: '', given: 'Cher', additional: '' });
  });
});
