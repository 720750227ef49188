import { describe, expect, it } from 'vitest';
import { components, decodeQuotedPrintable, parseVCard, parseVCards, unescapeText } from '../../lambdas/domain/cards/vcard.js';

// RFC 6350 section 8, verbatim (CRLF, folded lines, quoted TYPE lists, tel: URIs with ext).
const RFC6350 = [
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:Simon Perreault',
  'N:Perreault;Simon;;;ing. jr,M.Sc.',
  'BDAY:--0203',
  'ANNIVERSARY:20090808T1430-0500',
  'GENDER:M',
  'LANG;PREF=1:fr',
  'LANG;PREF=2:en',
  'ORG;TYPE=work:Viagenie',
  'ADR;TYPE=work:;Suite D2-630;2875 Laurier;',
  ' Quebec;QC;G1V 2M2;Canada',
  'TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+1-418-656-9254;ext=102',
  'TEL;VALUE=uri;TYPE="work,cell,voice,video,text":tel:+1-418-262-6501',
  'EMAIL;TYPE=work:simon.perreault@viagenie.ca',
  'GEO;TYPE=work:geo:46.772673,-71.282945',
  'KEY;TYPE=work;VALUE=uri:',
  ' http://www.viagenie.ca/simon.perreault/simon.asc',
  'TZ:-0500',
  'URL;TYPE=home:http://nomis80.org',
  'END:VCARD',
  '',
].join('\r\n');

// RFC 2426 section 7, both examples in one stream, LF line ends as they often arrive in QR payloads.
const RFC2426 = `BEGIN:vCard
VERSION:3.0
FN:Frank Dawson
ORG:Lotus Development Corporation
ADR;TYPE=WORK,POSTAL,PARCEL:;;6544 Battleford Drive
 ;Raleigh;NC;27613-3502;U.S.A.
TEL;TYPE=VOICE,MSG,WORK:+1-919-676-9515
TEL;TYPE=FAX,WORK:+1-919-676-9564
EMAIL;TYPE=INTERNET,PREF:Frank_Dawson@Lotus.com
EMAIL;TYPE=INTERNET:fdawson@earthlink.net
URL:http://home.earthlink.net/~fdawson
END:vCard

BEGIN:vCard
VERSION:3.0
FN:Tim Howes
ORG:Netscape Communications Corp.
ADR;TYPE=WORK:;;501 E. Middlefield Rd.;Mountain View;
 CA; 94043;U.S.A.
TEL;TYPE=VOICE,MSG,WORK:+1-415-937-3419
TEL;TYPE=FAX,WORK:+1-415-528-4164
EMAIL;TYPE=INTERNET:howes@netscape.com
END:vCard
`;

// vCard 2.1 specification, section 3.1.1 example, plus its quoted-printable LABEL example (section 2.1.3).
const VCARD21 = `BEGIN:VCARD
VERSION:2.1
N:Smith;John;M.;Mr.;Esq.
TEL;WORK;VOICE;MSG:+1 (919) 555-1234
TEL;CELL:+1 (919) 554-6758
TEL;WORK;FAX:+1 (919) 555-9876
PHOTO;GIF;MIME:<<JOHNSMITH.part3.960129T083020.xyzMail@host3.com>
ADR;WORK;PARCEL;POSTAL;DOM:Suite 101;1 Central St.;Any Town;NC;27654
LABEL;ENCODING=QUOTED-PRINTABLE:Mr. John Q. Public, Esq.=0D=0A=
Mail Drop: TNE QB=0D=0A=
123 Main Street=0D=0A=
Any Town, CA  91921-1234=0D=0A=
U.S.A.
END:VCARD
`;

describe('vCard 4.0 (RFC 6350 example)', () => {
  const card = parseVCard(RFC6350)!;
  it('reads name, company and e-mail', () => {
    expect(card.name).toBe('Simon Perreault');
    expect(card.company).toBe('Viagenie');
    expect(card.emails).toEqual(['simon.perreault@viagenie.ca']);
    expect(card.websites).toEqual(['http://nomis80.org']);
  });
  it('unfolds the folded ADR and joins its parts', () => {
    expect(card.address).toBe('Suite D2-630, 2875 Laurier, Quebec, QC, G1V 2M2, Canada');
  });
  it('reads tel: URIs to E.164 with the extension apart and types from quoted TYPE lists', () => {
    expect(card.phones).toEqual([
      { number: '+14186569254', type: 'work', ext: '102' },
      { number: '+14182626501', type: 'mobile' },
    ]);
  });
});

describe('vCard 3.0 (RFC 2426 examples)', () => {
  const cards = parseVCards(RFC2426);
  it('finds both cards, case-insensitive BEGIN', () => {
    expect(cards).toHaveLength(2);
  });
  it('maps Frank Dawson', () => {
    const card = parseVCard(RFC2426)!;
    expect(card).toMatchObject({
      name: 'Frank Dawson',
      company: 'Lotus Development Corporation',
      address: '6544 Battleford Drive, Raleigh, NC, 27613-3502, U.S.A.',
      emails: ['Frank_Dawson@Lotus.com', 'fdawson@earthlink.net'],
      websites: ['http://home.earthlink.net/~fdawson'],
    });
    expect(card.phones).toEqual([
      { number: '+19196769515', type: 'work' },
      { number: '+19196769564', type: 'fax' },
    ]);
  });
  it('maps Tim Howes, with the fold inside ADR', () => {
    const tim = parseVCard(RFC2426.slice(RFC2426.indexOf('BEGIN:vCard', 10)))!;
    expect(tim.name).toBe('Tim Howes');
    expect(tim.address).toBe('501 E. Middlefield Rd., Mountain View, CA, 94043, U.S.A.');
    expect(tim.phones.map((p) => p.type)).toEqual(['work', 'fax']);
  });
});

describe('vCard 2.1 (specification examples)', () => {
  const card = parseVCard(VCARD21)!;
  it('builds the name from N (given-first) when FN is absent', () => {
    expect(card.name).toBe('John M. Smith');
  });
  it('builds a Cyrillic name from N surname first (Фамилия Имя Отчество) when FN is absent', () => {
    const ru = parseVCard('BEGIN:VCARD\nVERSION:3.0\nN:Иванов;Иван;Иванович;;\nTEL:+79161234567\nEND:VCARD')!;
    expect(ru.name).toBe('Иванов Иван Иванович');
    // FN, when present, is the name as written, whatever N says.
    const fn = parseVCard('BEGIN:VCARD\nVERSION:3.0\nFN:Иван Иванов\nN:Иванов;Иван;;;\nEND:VCARD')!;
    expect(fn.name).toBe('Иван Иванов');
  });
  it('reads bare 2.1 TYPE parameters', () => {
    expect(card.phones).toEqual([
      { number: '+19195551234', type: 'work' },
      { number: '+19195546758', type: 'mobile' },
      { number: '+19195559876', type: 'fax' },
    ]);
  });
  it('prefers ADR over the quoted-printable LABEL', () => {
    expect(card.address).toBe('Suite 101, 1 Central St., Any Town, NC, 27654');
  });
  it('decodes the quoted-printable LABEL with soft line breaks when there is no ADR', () => {
    const onlyLabel = parseVCard(VCARD21.replace(/^ADR.*\n/m, ''))!;
    expect(onlyLabel.address).toBe('Mr. John Q. Public, Esq., Mail Drop: TNE QB, 123 Main Street, Any Town, CA  91921-1234, U.S.A.');
  });
});

describe('quoted-printable and charsets', () => {
  it('decodes UTF-8 Cyrillic split across soft line breaks (Android export)', () => {
    const text = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;=D0=9A=D0=BE=D0=BC=D0=BC=D0=B5=D1=80=D1=87=D0=B5=D1=81=D0=BA=D0=B8=D0=',
      '=B9=20=D0=90=D0=B2=D1=82=D0=BE=D0=B1=D1=83=D1=81;;;',
      'TEL;CELL:+996555123456',
      'END:VCARD',
    ].join('\r\n');
    const card = parseVCard(text)!;
    expect(card.name).toBe('Коммерческий Автобус');
    expect(card.phones).toEqual([{ number: '+996555123456', type: 'mobile' }]);
  });
  it('decodes a windows-1251 CHARSET and the bare QUOTED-PRINTABLE parameter', () => {
    const text = 'BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=WINDOWS-1251;QUOTED-PRINTABLE:=C8=E2=E0=ED =CF=E5=F2=F0=EE=E2\nEND:VCARD\n';
    expect(parseVCard(text)!.name).toBe('Иван Петров');
  });
  it('falls back to UTF-8 when CHARSET is missing', () => {
    expect(decodeQuotedPrintable('=D0=91=D0=B8=D1=88=D0=BA=D0=B5=D0=BA')).toBe('Бишкек');
  });
});

describe('escaping', () => {
  it('3.0/4.0 unescape \\, \\; \\n and \\\\', () => {
    expect(unescapeText('a\\, b\\; c\\nd\\\\e', '3.0')).toBe('a, b; c\nd\\e');
  });
  it('2.1 keeps \\n literal', () => {
    expect(unescapeText('a\\nb\\;c', '2.1')).toBe('a\\nb;c');
  });
  it('splits compound values on unescaped semicolons only', () => {
    expect(components('Smith\\; Jr;John;;;', '3.0')).toEqual(['Smith; Jr', 'John', '', '', '']);
  });
  it('reads ORG units as the department and escaped commas in titles', () => {
    const card = parseVCard('BEGIN:VCARD\nVERSION:3.0\nFN:A B\nORG:ABC\\, Inc.;North American Division;Marketing\nTITLE:Director\\, Research and Development\nEND:VCARD')!;
    expect(card.company).toBe('ABC, Inc.');
    expect(card.department).toBe('North American Division, Marketing');
    expect(card.title).toBe('Director, Research and Development');
  });
});

describe('errors and edge cases', () => {
  it('throws on a truncated vCard', () => {
    expect(() => parseVCards('BEGIN:VCARD\nVERSION:3.0\nFN:Cut Off')).toThrow(/without END:VCARD/);
  });
  it('ignores Apple item groups and unescapes http\\:', () => {
    const card = parseVCard('BEGIN:VCARD\nVERSION:3.0\nFN:Apple\nitem2.URL;type=pref:http\\://www.apple.nl\nEND:VCARD')!;
    expect(card.websites).toEqual(['http://www.apple.nl']);
  });
  it('keeps a number libphonenumber rejects as printed rather than dropping it', () => {
    const card = parseVCard('BEGIN:VCARD\nVERSION:3.0\nFN:X Y\nTEL;TYPE=CELL:+7 000 000-00-00\nEND:VCARD')!;
    expect(card.phones).toEqual([{ number: '+7 000 000-00-00', type: 'mobile' }]);
  });
});
