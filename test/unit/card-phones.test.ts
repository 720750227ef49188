import { describe, expect, it } from 'vitest';
import { findPhones, inferCountry, normalizePhone } from '../../lambdas/domain/cards/card-phones.js';

describe('card phones', () => {
  it('finds several numbers on one line with extensions', () => {
    expect(findPhones('Тел.: +7 (383) 220-30-40, доб. 215; +7 (913) 456-78-90').map((p) => [p.number, p.ext, p.type])).toEqual([
      ['+73832203040', '215', 'work'],
      ['+79134567890', undefined, 'mobile'],
    ]);
  });
  it('keeps phone-shaped numbers the metadata rejects, but not bare digit runs', () => {
    expect(findPhones('+7 000 000-00-00').map((p) => p.number)).toEqual(['+7 000 000-00-00']);
    expect(findPhones('ИНН 01234567890123')).toEqual([]);
  });
  it('drops the (0) trunk prefix of an international number, valid or not', () => {
    expect(findPhones('tel: +44 (0) 20 9876 5432').map((p) => [p.number, p.valid])).toEqual([['+442098765432', false]]);
    expect(findPhones('mob: +44 (0)7911 123456').map((p) => [p.number, p.valid])).toEqual([['+447911123456', true]]);
    expect(normalizePhone('+44 (0) 20 6789 2345')).toMatchObject({ number: '+442067892345', valid: false });
  });
  it('normalises with a default country and without one', () => {
    expect(normalizePhone('0555 123 456', 'KG')).toMatchObject({ number: '+996555123456', valid: true, type: 'mobile' });
    expect(normalizePhone('12125551212')).toMatchObject({ number: '+12125551212', valid: true });
    expect(normalizePhone('12')).toBeUndefined();
  });
  it('infers the country from +codes, places, domains and the sender, in that order', () => {
    expect(inferCountry(['+996 312 66 12 34', 'г. Москва'])).toBe('KG');
    expect(inferCountry(['г. Ош, ул. Ленина'])).toBe('KG');
    expect(inferCountry(['Москве, ул. Тверская'])).toBe('RU');
    expect(inferCountry(['info@navat.kg'])).toBe('KG');
    expect(inferCountry(['Anna'], { senderCountry: 'kz' })).toBe('KZ');
    expect(inferCountry(['Anna'])).toBeUndefined();
  });
});
