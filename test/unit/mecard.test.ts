import { describe, expect, it } from 'vitest';
import { parseMecard, splitFields } from '../../lambdas/domain/cards/mecard.js';

describe('MECARD', () => {
  it('reads the published example (ZXing "Barcode Contents" / DoCoMo format)', () => {
    const card = parseMecard('MECARD:N:Owen,Sean;ADR:76 9th Avenue, 4th Floor, New York, NY 10011;TEL:12125551212;EMAIL:srowen@example.com;;');
    expect(card).toMatchObject({
      name: 'Sean Owen',
      address: '76 9th Avenue, 4th Floor, New York, NY 10011',
      emails: ['srowen@example.com'],
      phones: [{ number: '+12125551212' }],
    });
  });
  it('reads the DoCoMo specification example', () => {
    const card = parseMecard('MECARD:N:Doe,John;TEL:13035551212;EMAIL:john.doe@example.com;;');
    expect(card.name).toBe('John Doe');
    expect(card.phones[0]!.number).toBe('+13035551212');
  });
  it('unescapes \\; \\: \\, and \\\\ and keeps escaped commas inside a name part', () => {
    const card = parseMecard('MECARD:N:O\\,Brien\\; Jr,Pat;NOTE:a\\:b;ORG:Smith \\& Co\\; Ltd;URL:http\\://x.io;;');
    expect(card.name).toBe('Pat O,Brien; Jr');
    expect(card.company).toBe('Smith & Co; Ltd');
    expect(card.websites).toEqual(['http://x.io']);
  });
  it('reads Cyrillic names surname first, as Russian and Kyrgyz cards print them, and Kyrgyz numbers', () => {
    const card = parseMecard('MECARD:N:Осмонов,Нурлан;TEL:+996555778899;EMAIL:n@o.kg;;');
    expect(card).toMatchObject({ name: 'Осмонов Нурлан', phones: [{ number: '+996555778899', type: 'mobile' }] });
  });
  it('N with a comma is last,first: given name first in Latin script, family name first in Cyrillic and Japanese', () => {
    expect(parseMecard('MECARD:N:Owen,Sean;;').name).toBe('Sean Owen');
    expect(parseMecard('MECARD:N: Иванова , Анна ;;').name).toBe('Иванова Анна');
    expect(parseMecard('MECARD:N:山田,太郎;;').name).toBe('山田 太郎');
    // One half empty: the other alone.
    expect(parseMecard('MECARD:N:Owen,;;').name).toBe('Owen');
    expect(parseMecard('MECARD:N:,Нурлан;;').name).toBe('Нурлан');
    expect(parseMecard('MECARD:N:,;TEL:+996555778899;;').name).toBeUndefined();
  });
  it('N without a comma is the whole name, kept in the order written', () => {
    expect(parseMecard('MECARD:N:Sean Owen;;').name).toBe('Sean Owen');
    expect(parseMecard('MECARD:N:Осмонов Нурлан;;').name).toBe('Осмонов Нурлан');
    expect(parseMecard('MECARD:N:Нурлан Осмонов;;').name).toBe('Нурлан Осмонов');
  });
  it('splits fields without the scheme', () => {
    expect(splitFields('N:A,B;TEL:1;;')).toEqual([
      { key: 'N', value: 'A,B' },
      { key: 'TEL', value: '1' },
    ]);
  });
  it('rejects other payloads', () => {
    expect(() => parseMecard('BIZCARD:N:x;;')).toThrow(/not a MECARD/);
  });
});
