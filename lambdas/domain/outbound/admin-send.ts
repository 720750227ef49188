// What an admin's `POST /messages` body asks for: the channel and business number it goes from, the
// recipient (given, or the contact's), and the message itself, validated. Pure over the contact store port;
// the handler only turns the plan and the send outcome into HTTP.
import type { CountryCode } from 'libphonenumber-js/min';
import type { Channel } from '../shared/model.js';
import { parseOutboundMessage } from './outbound-message.js';
import type { ContactStore } from '../shared/ports.js';
import { recipientOf, type SendRequest } from './sender.js';

export interface AdminSendDefaults {
  /** The Meta business number to send from when the body names none. */
  phoneNumberId?: string;
  /** The Wazzup24 channel to send from when the body names none. */
  wazzupChannelId?: string;
  /** Country for national-format numbers in `to`; unset = international only. */
  defaultCountry?: CountryCode;
}

export type AdminSendPlan =
  | { ok: true; request: SendRequest }
  | { ok: false; status: 400 | 404; field: string; error: string };

/** Fields of the body that are about routing, not the message. */
const ROUTING_FIELDS: readonly string[] = ['channel', 'phoneNumberId', 'contactId'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = (field: string, message: string): AdminSendPlan => ({
  ok: false,
  status: 400,
  field,
  error: field ? `${field}: ${message}` : message,
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function planAdminSend(
  body: unknown,
  deps: { contacts?: Pick<ContactStore, 'get'>; defaults: AdminSendDefaults },
): Promise<AdminSendPlan> {
  if (!isRecord(body)) return invalid('', 'the body must be a JSON object');
  const given = body['channel'];
  if (given !== undefined && given !== 'meta' && given !== 'wazzup24') {
    return invalid('channel', 'must be "meta" (the Meta Cloud API) or "wazzup24"');
  }
  // `contactId`: send to a known contact through the channel it wrote from (unless `channel` says otherwise).
  const contactId = body['contactId'];
  let contact;
  if (contactId !== undefined) {
    if (typeof contactId !== 'string' || contactId === '') return invalid('contactId', 'must be a non-empty string');
    contact = await deps.contacts?.get(contactId);
    if (!contact) return { ok: false, status: 404, field: 'contactId', error: `contactId: contact ${JSON.stringify(contactId)} does not exist` };
  }
  const channel: Channel = given ?? contact?.channel ?? 'meta';
  const from = body['phoneNumberId'] ?? (channel === 'wazzup24' ? deps.defaults.wazzupChannelId : deps.defaults.phoneNumberId);
  if (channel === 'wazzup24') {
    if (from === undefined) return invalid('phoneNumberId', 'is required: no default Wazzup24 channel is configured (context wazzupChannelId, WAZZUP_CHANNEL_ID)');
    if (typeof from !== 'string' || !UUID.test(from)) return invalid('phoneNumberId', 'must be the Wazzup24 channel id (a UUID, see npx wa wazzup channels)');
  } else {
    if (from === undefined) return invalid('phoneNumberId', 'is required: no default business number is configured (PHONE_NUMBER_ID)');
    if (typeof from !== 'string' || !/^\d{5,20}$/.test(from)) return invalid('phoneNumberId', "must be Meta's numeric phone number id");
  }
  const message = Object.fromEntries(Object.entries(body).filter(([k]) => !ROUTING_FIELDS.includes(k)));
  // A Wazzup24 contact's own chat key (telegram.123456789) is a valid address for it: Telegram has no phone.
  let wazzupChat = false;
  if (contact && message['to'] === undefined) {
    const to = recipientOf(contact);
    if (!to) return invalid('to', `contact ${contact.id} has neither a phone nor a BSUID to send to`);
    message['to'] = to;
    wazzupChat = contact.channel === 'wazzup24' && channel === 'wazzup24';
  }
  const parsed = parseOutboundMessage(message, {
    ...(deps.defaults.defaultCountry ? { defaultCountry: deps.defaults.defaultCountry } : {}),
    ...(wazzupChat ? { wazzupChat } : {}),
  });
  if (!parsed.ok) return invalid(parsed.error.field, parsed.error.message);
  return {
    ok: true,
    request: { message: parsed.message, phoneNumberId: from, channel, ...(contact ? { contactId: contact.id } : {}) },
  };
}
