import { describe, expect, it } from 'vitest';
import { cardFromCodes, parseQrPayload } from '../../lambdas/domain/cards/qr-payload.js';

describe('parseQrPayload', () => {
  it('dispatches vCard, MECARD and BIZCARD', () => {
    expect(parseQrPayload('BEGIN:VCARD\nVERSION:3.0\nFN:A B\nEND:VCARD')!.kind).toBe('vcard');
    expect(parseQrPayload('MECARD:N:B,A;;')!.kind).toBe('mecard');
    expect(parseQrPayload('bizcard:N:A;X:B;;')!.kind).toBe('bizcard');
  });
  it('reads a bare URL and a MEBKM bookmark as a website', () => {
    expect(parseQrPayload('https://example.kg/card')).toMatchObject({ kind: 'url', card: { websites: ['https://example.kg/card'] } });
    expect(parseQrPayload('MEBKM:TITLE:Wiki;URL:http\\://en.wikipedia.org/wiki/Main_Page;;')!.card.websites).toEqual([
      'http://en.wikipedia.org/wiki/Main_Page',
    ]);
  });
  it('reads tel: and mailto:', () => {
    expect(parseQrPayload('tel:+996555123456')!.card.phones).toEqual([{ number: '+996555123456', type: 'mobile' }]);
    expect(parseQrPayload('mailto:a%2Bb@x.kg?subject=hi')!.card.emails).toEqual(['a+b@x.kg']);
  });
  it('reads plain text with contact lines through the card parser', () => {
    const parsed = parseQrPayload('Иванов Иван\nтел.: +7 (495) 123-45-67\nivanov@romashka.ru');
    expect(parsed).toMatchObject({
      kind: 'text',
      card: { name: 'Иванов Иван', phones: [{ number: '+74951234567' }], emails: ['ivanov@romashka.ru'] },
    });
  });
  it('uses the default country for numbers without +code', () => {
    expect(parseQrPayload('MECARD:N:A,B;TEL:0555123456;;', { defaultCountry: 'KG' })!.card.phones[0]!.number).toBe('+996555123456');
  });
  it('infers the country of a number without +code from the e-mail or website domain, then the sender', () => {
    const vcard = (...lines: string[]) => ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Aida Asanova', ...lines, 'END:VCARD'].join('\r\n');
    const numberOf = (payload: string, options = {}) => parseQrPayload(payload, options)!.card.phones[0]!.number;
    expect(numberOf(vcard('TEL;TYPE=CELL:0555 123 456', 'EMAIL:aida@firm.kg'))).toBe('+996555123456');
    expect(numberOf(vcard('TEL;TYPE=CELL:8 777 356 00 12', 'URL:https://kds.kz'))).toBe('+77773560012');
    expect(numberOf(vcard('TEL:8 (916) 123-45-67', 'EMAIL;TYPE=INTERNET:s@firm.ru'))).toBe('+79161234567');
    expect(numberOf('MECARD:N:Ivanov,Sergey;TEL:8 (916) 123-45-67;EMAIL:s@firm.ru;;')).toBe('+79161234567');
    // The domain wins over the sender; without one, the sender's number decides; without either, as printed.
    expect(numberOf(vcard('TEL:8 777 356 00 12', 'EMAIL:e@kds.kz'), { senderPhone: '996700111222' })).toBe('+77773560012');
    expect(numberOf(vcard('TEL:0555 123 456'), { senderPhone: '996700111222' })).toBe('+996555123456');
    expect(numberOf(vcard('TEL:0555 123 456'))).toBe('0555 123 456');
  });
  it('is undefined for an empty payload and throws on a truncated vCard', () => {
    expect(parseQrPayload('  ')).toBeUndefined();
    expect(() => parseQrPayload('BEGIN:VCARD\nFN:x')).toThrow();
  });
});

describe('cardFromCodes', () => {
  it('prefers a contact payload over a URL, whatever the order', () => {
    const picked = cardFromCodes([
      { format: 'QRCode', text: 'https://acme.com' },
      { format: 'QRCode', text: 'MECARD:N:Smith,John;TEL:+14155550134;;' },
    ]);
    expect(picked).toMatchObject({ kind: 'mecard', card: { name: 'John Smith' } });
  });
  it('skips a malformed code next to a good one', () => {
    const picked = cardFromCodes([
      { format: 'QRCode', text: 'BEGIN:VCARD\nFN:cut' },
      { format: 'QRCode', text: 'https://acme.com' },
    ]);
    expect(picked!.kind).toBe('url');
  });
});
