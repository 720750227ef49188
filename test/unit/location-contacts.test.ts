// Locations and contact cards as outbound messages: Meta's bodies, the checks a 400 names, and the card a stored
// contact becomes (`wa send --contact-id`).
import { describe, expect, it } from 'vitest';
import { contactCardOf, describeContacts, describeLocation } from '../../lambdas/domain/outbound/location-contacts.js';
import { parseOutboundMessage, toGraphMessageBody, toRequestShape, validateOutboundMessage } from '../../lambdas/domain/outbound/outbound-message.js';
import type { ContactView } from '../../lambdas/domain/shared/model.js';

const to = '+996555123456';

describe('location', () => {
  it('parses numbers or numeric strings into the Graph body (cassette send_location_message_with_success_response)', () => {
    const r = parseOutboundMessage({ to, location: { latitude: '75.6972', longitude: 45.4215, name: 'nacho', address: '141 cooper street' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(toGraphMessageBody(r.message)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'location',
      location: { latitude: 75.6972, longitude: 45.4215, name: 'nacho', address: '141 cooper street' },
    });
    // Built in code (a queued job) it survives the round trip through the request shape.
    expect(validateOutboundMessage({ to, kind: 'location', location: { latitude: -90, longitude: 180 } }).ok).toBe(true);
    expect(toRequestShape(r.message)).toEqual({ to, location: { latitude: 75.6972, longitude: 45.4215, name: 'nacho', address: '141 cooper street' } });
  });

  it.each([
    [{ latitude: 90.0001, longitude: 0 }, 'location.latitude', 'must be a number from -90 to 90'],
    [{ latitude: 0, longitude: 181 }, 'location.longitude', 'must be a number from -180 to 180'],
    [{ latitude: Number.NaN, longitude: 0 }, 'location.latitude', 'must be a number from -90 to 90'],
    [{ latitude: '1e3', longitude: 0 }, 'location.latitude', 'must be a number from -90 to 90'],
    [{ latitude: 1 }, 'location.longitude', 'is required'],
  ])('%j -> %s', (location, field, message) => {
    const r = parseOutboundMessage({ to, location });
    expect(r.ok ? undefined : r.error).toEqual({ field, message });
  });

  it('is stored as its name, address and coordinates', () => {
    expect(describeLocation({ latitude: 1.5, longitude: -2, name: 'Office' })).toBe('Office (1.5, -2)');
    expect(describeLocation({ latitude: 1.5, longitude: -2 })).toBe('1.5, -2');
  });
});

describe('contact cards', () => {
  it('need a formatted name and a phone or e-mail', () => {
    expect(parseOutboundMessage({ to, contacts: [{ name: { formatted_name: 'A' }, emails: [{ email: 'a@b.co' }] }] }).ok).toBe(true);
    const r = parseOutboundMessage({ to, contacts: [{ name: { formatted_name: 'A' }, urls: [{ url: 'https://a.example' }] }] });
    expect(r.ok ? undefined : r.error).toEqual({ field: 'contacts.0.phones', message: 'a contact card needs at least one phone or e-mail' });
    expect(describeContacts([{ name: { formatted_name: 'A' } }, { name: { formatted_name: 'B' } }])).toBe('A, B');
  });

  const stored: ContactView = {
    id: '996555123456',
    waId: '996555123456',
    name: 'Айгуль Асанова',
    phones: ['+996555123456', '+996312000111'],
    emails: ['aigul@example.kg'],
    company: 'Tengri LLC',
    title: 'Director',
    websites: ['tengri.kg', 'not a url at all'],
    address: 'Bishkek, Chuy 1',
    createdAt: '2026-05-01T10:00:00.000Z',
  };

  it('a stored contact becomes a card Meta takes: WhatsApp id on its number, a bare website made a URL', () => {
    const card = contactCardOf(stored)!;
    expect(card).toEqual({
      name: { formatted_name: 'Айгуль Асанова' },
      phones: [{ phone: '+996555123456', wa_id: '996555123456' }, { phone: '+996312000111' }],
      emails: [{ email: 'aigul@example.kg' }],
      org: { company: 'Tengri LLC', title: 'Director' },
      urls: [{ url: 'https://tengri.kg' }],
      addresses: [{ street: 'Bishkek, Chuy 1' }],
    });
    expect(parseOutboundMessage({ to, contacts: [card] }).ok).toBe(true);
  });

  it('is titled by the company or the number when the contact has no name, and is no card without phone or e-mail', () => {
    expect(contactCardOf({ ...stored, name: undefined })?.name.formatted_name).toBe('Tengri LLC');
    expect(contactCardOf({ id: 'x', phones: ['+12025550100'], emails: [], createdAt: '' })?.name.formatted_name).toBe('+12025550100');
    expect(contactCardOf({ id: 'x', phones: [], emails: [], createdAt: '' })).toBeUndefined();
  });
});
