// What an admin's `POST /messages` body asks for: the channel and business number it goes from, the
// recipient (given, or the contact's), and the message itself, validated. Pure over the contact store port;
// the handler only turns the plan and the send outcome into HTTP.
import type { CountryCode } from 'libphonenumber-js/min';
import type { Channel } from '../shared/model.js';
import { parseOutboundMessage } from './outbound-message.js';
import type { ContactStore } from '../shared/ports.js';
import { graphErrorOf, recipientOf, type SendRequest } from './sender.js';
import type { WazzupChannelPick } from './default-wazzup-channel.js';

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
  | { ok: false; status: 400 | 404 | 502; field: string; error: string };

export interface AdminSendDeps {
  contacts?: Pick<ContactStore, 'get'>;
  defaults: AdminSendDefaults;
  /** The account's only active Wazzup24 channel, for a Wazzup24 send when no channel is named or configured. */
  defaultWazzupChannel?: () => Promise<WazzupChannelPick>;
}

/** Fields of the body that are about routing, not the message. */
const ROUTING_FIELDS: readonly string[] = ['channel', 'phoneNumberId', 'contactId'];
/** What Wazzup24's `POST /v3/message` can carry besides text and files by link: nothing of these. */
const NOT_ON_WAZZUP: readonly string[] = ['location', 'contacts'];
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

/**
 * The card bot this system replaces took `{ "to", "message" }`: `message` is read as `text`, so its callers
 * keep working unchanged.
 */
function withTextSynonym(body: Record<string, unknown>): { body: Record<string, unknown> } | { refused: AdminSendPlan } {
  if (body['message'] === undefined) return { body };
  if (body['text'] !== undefined) return { refused: invalid('message', 'is another name for text: give one of them, not both') };
  if (typeof body['message'] !== 'string') {
    return { refused: invalid('message', 'must be the text to send (a string); use text, template, image, ... for other messages') };
  }
  const { message, ...rest } = body;
  return { body: { ...rest, text: message } };
}

export async function planAdminSend(input: unknown, deps: AdminSendDeps): Promise<AdminSendPlan> {
  if (!isRecord(input)) return invalid('', 'the body must be a JSON object');
  const renamed = withTextSynonym(input);
  if ('refused' in renamed) return renamed.refused;
  const body = renamed.body;
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
  let from = body['phoneNumberId'] ?? (channel === 'wazzup24' ? deps.defaults.wazzupChannelId : deps.defaults.phoneNumberId);
  if (channel === 'wazzup24') {
    const unsupported = NOT_ON_WAZZUP.find((k) => body[k] !== undefined);
    if (unsupported) return invalid(unsupported, 'cannot be sent through Wazzup24 (text and files by link only); send it through Meta ("channel": "meta")');
    if (from === undefined && deps.defaultWazzupChannel) {
      const pick = await lookUp(deps.defaultWazzupChannel);
      if (!pick.ok) return pick.plan;
      from = pick.channelId;
    }
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
  if (!parsed.ok) {
    // A bad `message` is named as the caller wrote it.
    const field = input['message'] !== undefined && parsed.error.field.startsWith('text') ? parsed.error.field.replace(/^text/, 'message') : parsed.error.field;
    return invalid(field, parsed.error.message);
  }
  return {
    ok: true,
    request: { message: parsed.message, phoneNumberId: from, channel, ...(contact ? { contactId: contact.id } : {}) },
  };
}

async function lookUp(find: () => Promise<WazzupChannelPick>): Promise<{ ok: true; channelId: string } | { ok: false; plan: AdminSendPlan }> {
  let pick: WazzupChannelPick;
  try {
    pick = await find();
  } catch (error) {
    // Wazzup24 refused or did not answer the channel list: the send cannot be routed, and the caller is told why.
    const mapped = graphErrorOf(error);
    if (!mapped) throw error;
    // No key: Wazzup24 is not set up here, so there is nothing to look up and the channel must be named.
    if (mapped.code === 'API_KEY_MISSING') {
      return { ok: false, plan: invalid('phoneNumberId', `is required: no default Wazzup24 channel is configured (context wazzupChannelId, WAZZUP_CHANNEL_ID) and no API key to list the channels with. ${mapped.hint}`) };
    }
    return {
      ok: false,
      plan: { ok: false, status: 502, field: 'phoneNumberId', error: `phoneNumberId: no Wazzup24 channel is configured and the channel list could not be read: ${mapped.message}. ${mapped.hint}` },
    };
  }
  return pick.ok ? pick : { ok: false, plan: invalid('phoneNumberId', `is required: ${pick.error}`) };
}
