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
