// Location pins and contact cards the system can send (`type: "location"`, `type: "contacts"`): their schemas,
// with Meta's shapes (OpenAPI v23.0 LocationMessage, ContactsMessage/ContactObject; cassettes
// messages/send_location_message_with_success_response.yml and send_contacts_with_success_response.yml), and
// the card a stored contact becomes. outbound-message.ts parses them with the rest of a message body.
import * as v from 'valibot';
import type { ContactView } from '../shared/model.js';

export interface LocationPin {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

/** Meta's contact object, as sent: only `name.formatted_name` is always there. */
export interface ContactCard {
  name: { formatted_name: string; first_name?: string; last_name?: string; middle_name?: string; suffix?: string; prefix?: string };
  phones?: { phone: string; type?: string; wa_id?: string }[];
  emails?: { email: string; type?: string }[];
  addresses?: { street?: string; city?: string; state?: string; zip?: string; country?: string; country_code?: string; type?: string }[];
  org?: { company?: string; department?: string; title?: string };
  urls?: { url: string; type?: string }[];
  /** YYYY-MM-DD */
  birthday?: string;
}

/** Meta takes 1 to 5 cards in one message (ContactsMessage.contacts minItems/maxItems). */
export const MAX_CONTACT_CARDS = 5;

const text = (max: number) =>
  v.pipe(
    v.string('must be a string'),
    v.check((s: string) => s.trim().length > 0, 'must not be empty'),
    v.maxLength(max, `must be at most ${max} characters`),
  );
const optionalText = (max: number) => v.optional(text(max));

/** A coordinate as a number or a numeric string (Meta's schema types them as strings, its examples as numbers). */
const coordinate = (limit: number) =>
  v.pipe(
    v.union(
      [v.number(), v.pipe(v.string(), v.trim(), v.regex(/^[+-]?\d+(?:\.\d+)?$/), v.transform(Number))],
      `must be a number from -${limit} to ${limit}`,
    ),
    v.finite(`must be a number from -${limit} to ${limit}`),
    v.minValue(-limit, `must be a number from -${limit} to ${limit}`),
    v.maxValue(limit, `must be a number from -${limit} to ${limit}`),
  );

export const locationSchema = v.strictObject({
  latitude: coordinate(90),
  longitude: coordinate(180),
  name: optionalText(1000),
  address: optionalText(1000),
});

const kind = (values: readonly string[]) =>
  v.optional(
    v.pipe(
      v.string('must be a string'),
      v.check((s: string) => values.includes(s.toUpperCase()), `must be one of ${values.join(', ')}`),
    ),
  );
const HOME_WORK = ['HOME', 'WORK'] as const;
// Phones also carry WhatsApp's older standard values, which inbound contact cards still use.
const PHONE_KINDS = ['CELL', 'MAIN', 'IPHONE', 'HOME', 'WORK'] as const;
const list = <T extends v.GenericSchema>(item: T) =>
  v.optional(v.pipe(v.array(item, 'must be an array'), v.maxLength(20, 'allows at most 20 entries')));

const contactSchema = v.strictObject({
  name: v.strictObject({
    formatted_name: text(512),
    first_name: optionalText(256),
    last_name: optionalText(256),
    middle_name: optionalText(256),
    suffix: optionalText(64),
    prefix: optionalText(64),
  }),
  phones: list(
    v.strictObject({
      phone: v.pipe(text(64), v.regex(/^\+?[\d\s().-]*\d[\d\s().-]*$/, 'must be a phone number (digits, spaces, + ( ) . -)')),
      type: kind(PHONE_KINDS),
      wa_id: v.optional(v.pipe(v.string('must be a string'), v.regex(/^\d{5,20}$/, 'must be the WhatsApp id: digits only'))),
    }),
  ),
  emails: list(v.strictObject({ email: v.pipe(text(320), v.email('must be an e-mail address')), type: kind(HOME_WORK) })),
  addresses: list(
    v.strictObject({
      street: optionalText(1000),
      city: optionalText(256),
      state: optionalText(256),
      zip: optionalText(32),
      country: optionalText(256),
      country_code: v.optional(v.pipe(v.string('must be a string'), v.regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO country code'))),
      type: kind(HOME_WORK),
    }),
  ),
  org: v.optional(v.strictObject({ company: optionalText(256), department: optionalText(256), title: optionalText(256) })),
  urls: list(
    v.strictObject({
      url: v.pipe(text(2000), v.url('must be an absolute URL'), v.check((s: string) => /^https?:\/\//i.test(s), 'must be an http(s) URL')),
      type: kind(HOME_WORK),
    }),
  ),
  birthday: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.isoDate('must be a date as YYYY-MM-DD'),
      v.check((s: string) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'must be a real date'),
    ),
  ),
});

export const contactsSchema = v.pipe(
  v.array(contactSchema, 'must be an array of contact cards'),
  v.minLength(1, 'needs at least 1 contact card'),
  v.maxLength(MAX_CONTACT_CARDS, `allows at most ${MAX_CONTACT_CARDS} contact cards`),
);

/** What the schema cannot say: a card a customer can act on has a number to call or an address to write to. */
export function checkContactCards(cards: readonly ContactCard[]): { field: string; message: string } | undefined {
  for (const [i, card] of cards.entries()) {
    if (!card.phones?.length && !card.emails?.length) {
      return { field: `contacts.${i}.phones`, message: 'a contact card needs at least one phone or e-mail' };
    }
  }
  return undefined;
}

/** The stored text of a sent location: its name and address, then the coordinates. */
export function describeLocation(pin: LocationPin): string {
  const words = [pin.name, pin.address].filter((s): s is string => !!s).join(', ');
  const where = `${pin.latitude}, ${pin.longitude}`;
  return words ? `${words} (${where})` : where;
}

/** The stored text of sent contact cards: their names. */
export function describeContacts(cards: readonly ContactCard[]): string {
  return cards.map((c) => c.name.formatted_name).join(', ');
}

/**
 * A stored contact as a contact card (what `wa send --contact-id` sends): its name (else its company, else its
 * first phone or e-mail, since WhatsApp titles the card with it), phones (the WhatsApp id marked on the number it
 * belongs to), e-mails, company, title, department, websites and address. Undefined when it has no phone or e-mail.
 */
export function contactCardOf(contact: ContactView): ContactCard | undefined {
  const phones = unique([...(contact.waId ? [`+${contact.waId}`] : []), ...contact.phones]);
  const emails = unique(contact.emails);
  if (!phones.length && !emails.length) return undefined;
  const title = contact.name?.trim() || contact.company?.trim() || phones[0] || emails[0]!;
  const card: ContactCard = { name: { formatted_name: title.slice(0, 512) } };
  if (phones.length) {
    card.phones = phones.slice(0, 20).map((phone) => {
      const digits = phone.replace(/\D/g, '');
      return { phone, ...(contact.waId && digits === contact.waId ? { wa_id: contact.waId } : {}) };
    });
  }
  if (emails.length) card.emails = emails.slice(0, 20).map((email) => ({ email }));
  const org = { company: contact.company?.trim(), department: contact.department?.trim(), title: contact.title?.trim() };
  if (org.company || org.department || org.title) card.org = Object.fromEntries(Object.entries(org).filter(([, x]) => x)) as ContactCard['org'];
  // A website read off a card may be a bare host (`example.com`); one that is no URL at all is left out.
  const urls = unique(contact.websites ?? [])
    .map((url) => (/^https?:\/\//i.test(url) ? url : `https://${url}`))
    .filter((url) => URL.canParse(url) && url.length <= 2000);
  if (urls.length) card.urls = urls.slice(0, 20).map((url) => ({ url }));
  if (contact.address?.trim()) card.addresses = [{ street: contact.address.trim().slice(0, 1000) }];
  return card;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.map((x) => x.trim()).filter(Boolean))];
}
