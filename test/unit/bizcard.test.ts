import { describe, expect, it } from 'vitest';
import { parseBizcard } from '../../lambdas/domain/cards/bizcard.js';

describe('BIZCARD', () => {
  it('reads the ZXing example', () => {
    const card = parseBizcard(
      'BIZCARD:N:Sean;X:Owen;T:Software Engineer;C:Google;A:76 9th Avenue, New York, NY 10011;B:+12125551212;E:srowen@example.com;;',
    );
    expect(card).toEqual({
      name: 'Sean Owen',
      title: 'Software Engineer',
      company: 'Google',
      address: '76 9th Avenue, New York, NY 10011',
      phones: [{ number: '+12125551212', type: 'work' }],
      emails: ['srowen@example.com'],
      websites: [],
      confidence: 1,
    });
  });
  it('types M as mobile and F as fax, and joins repeated A lines', () => {
    const card = parseBizcard('BIZCARD:N:Anna;X:Lee;M:+14155550151;F:+14155550152;A:1 Main St;A:Springfield;;');
    expect(card.phones).toEqual([
      { number: '+14155550151', type: 'mobile' },
      { number: '+14155550152', type: 'fax' },
    ]);
    expect(card.address).toBe('1 Main St, Springfield');
  });
  it('puts a Cyrillic X (last name) first, as Russian cards print it', () => {
    expect(parseBizcard('BIZCARD:N:Нурлан;X:Осмонов;M:+996555778899;;').name).toBe('Осмонов Нурлан');
    expect(parseBizcard('BIZCARD:X:Осмонов;M:+996555778899;;').name).toBe('Осмонов');
  });
  it('rejects other payloads', () => {
    expect(() => parseBizcard('MECARD:N:x;;')).toThrow(/not a BIZCARD/);
  });
});
