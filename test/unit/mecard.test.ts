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
  it('reads Cyrillic names and Kyrgyz numbers', () => {
    const card = parseMecard('MECARD:N:Осмонов,Нурлан;TEL:+996555778899;EMAIL:n@o.kg;;');
    expect(card).toMatchObject({ name: 'Нурлан Осмонов', phones: [{ number: '+996555778899', type: 'mobile' }] });
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
