// Meta webhook body -> normalised messages, statuses and account events.
// Permissive by design: only an unrecognisable envelope throws. Anything malformed inside it
// becomes an AccountEvent (`messages.invalid`, `statuses.invalid`, `entry.invalid`, ...) so it is
// still stored; nothing Meta sent is dropped.
import { createHash } from 'node:crypto';
import { arr, canonicalJson, idOf, isObject, prop, str, unixToIso, type JsonObject } from '../shared/json.js';
import { messageContent, providerErrors } from './meta-message.js';
import { isCallStatus, parseCall, parseCallStatus, type ContactLookup } from './meta-calls.js';
import type { AccountEvent, CallEvent, InboundMessage, ParsedDelivery, ProviderUser, StatusUpdate } from '../shared/model.js';
import { fitsKey, MAX_JSON_DEPTH, nestedDeeperThan, unstorableMessage, unstorableStatus } from '../shared/storable.js';

export class UnparseableDelivery extends Error {
  constructor(reason: string) {
    super(`Unparseable Meta delivery: ${reason}`);
    this.name = 'UnparseableDelivery';
  }
}

/** Keys of a `messages` change value this parser understands; any other key is kept as an event. */
const KNOWN_MESSAGES_KEYS = new Set(['messaging_product', 'metadata', 'contacts', 'messages', 'statuses', 'errors']);
/** Keys of a `calls` change value this parser understands. */
const KNOWN_CALLS_KEYS = new Set(['messaging_product', 'metadata', 'contacts', 'calls', 'statuses', 'errors']);

interface EntryCtx {
  accountId?: string;
  /** `entry[].time` as sent (seconds), part of the dedupe key. */
  time?: unknown;
  timestamp?: string;
}

function dedupeKey(field: string, ctx: EntryCtx, phoneNumberId: string | undefined, raw: unknown): string {
  const time = typeof ctx.time === 'number' || typeof ctx.time === 'string' ? ctx.time : null;
  return createHash('sha256')
    .update(canonicalJson([field, ctx.accountId ?? null, time, phoneNumberId ?? null, raw]))
    .digest('hex');
}

function event(field: string, ctx: EntryCtx, raw: unknown, phoneNumberId?: string): AccountEvent {
  const e: AccountEvent = { kind: 'event', channel: 'meta', field, dedupeKey: dedupeKey(field, ctx, phoneNumberId, raw), raw };
  if (ctx.accountId) e.accountId = ctx.accountId;
  // An id too long to store is left in `raw` only (the event itself must stay storable).
  if (phoneNumberId && fitsKey(phoneNumberId)) e.phoneNumberId = phoneNumberId;
  if (ctx.timestamp) e.timestamp = ctx.timestamp;
  return e;
}

/** A call, kept as a `calls` event with its reading beside the raw entry; stamped with the call's own time. */
function callEvent(ctx: EntryCtx, raw: unknown, phoneNumberId: string | undefined, call: CallEvent | undefined): AccountEvent {
  if (!call) return event('calls.invalid', ctx, raw, phoneNumberId);
  const e = event('calls', ctx, raw, phoneNumberId);
  e.call = call;
  if (call.timestamp) e.timestamp = call.timestamp;
  return e;
}

function assign<T extends object>(target: T, values: Partial<T>): T {
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') (target as JsonObject)[k] = v;
  return target;
}

/** The `contacts[]` element describing a user, matched by BSUID first, then phone. */
function findContact(contacts: unknown[], userId: string | undefined, waId: string | undefined): unknown {
  return (
    (userId && contacts.find((c) => str(c, 'user_id') === userId)) ||
    (waId && contacts.find((c) => str(c, 'wa_id') === waId)) ||
    undefined
  );
}

const contactLookup = (contacts: unknown[]): ContactLookup => (user) => fromContact(user, findContact(contacts, user.userId, user.waId));

function fromContact(user: ProviderUser, contact: unknown): ProviderUser {
  if (!isObject(contact)) return user;
  const profile = prop(contact, 'profile');
  return assign(user, {
    userId: user.userId ?? str(contact, 'user_id'),
    parentUserId: user.parentUserId ?? str(contact, 'parent_user_id'),
    waId: user.waId ?? str(contact, 'wa_id'),
    name: str(profile, 'name'),
    username: str(profile, 'username'),
  });
}

interface ValueCtx extends EntryCtx {
  phoneNumberId: string;
  displayPhoneNumber?: string;
  contacts: unknown[];
  /** Only with exactly one message and one contact may an unmatched contact be assumed to be the sender. */
  soleContact?: unknown;
}

function parseMessage(m: unknown, v: ValueCtx): InboundMessage | undefined {
  if (!isObject(m)) return undefined;
  const id = idOf(m, 'id');
  const type = str(m, 'type');
  const timestamp = unixToIso(prop(m, 'timestamp'));
  const base: ProviderUser = assign({}, { userId: str(m, 'from_user_id'), waId: str(m, 'from'), parentUserId: str(m, 'from_parent_user_id') });
  if (!base.userId && !base.waId && type === 'system') {
    // `user_changed_user_id` system messages carry no `from`: the thread is the user's previous identity.
    const sys = prop(m, 'system');
    assign(base, {
      userId: str(sys, 'previous_user_id') ?? str(sys, 'user_id'),
      parentUserId: str(sys, 'previous_parent_user_id'),
    });
  }
  const from = fromContact(base, findContact(v.contacts, base.userId, base.waId) ?? v.soleContact);
  if (!id || !type || !timestamp || (!from.userId && !from.waId)) return undefined;
  const msg: InboundMessage = { kind: 'message', channel: 'meta', id, phoneNumberId: v.phoneNumberId, from, timestamp, type, raw: m };
  assign(msg, { displayPhoneNumber: v.displayPhoneNumber, accountId: v.accountId, groupId: str(m, 'group_id') });
  Object.assign(msg, messageContent(m, type));
  return unstorableMessage(msg) ? undefined : msg;
}

function parseStatus(s: unknown, v: ValueCtx): StatusUpdate | undefined {
  if (!isObject(s)) return undefined;
  const messageId = idOf(s, 'id');
  const status = str(s, 'status');
  const timestamp = unixToIso(prop(s, 'timestamp'));
  if (!messageId || !status || !timestamp) return undefined;
  const group = str(s, 'recipient_type') === 'group';
  const participant = str(s, 'recipient_participant_id') ?? str(s, 'participant_recipient_id');
  const base: ProviderUser = assign({}, {
    userId: (group ? str(s, 'recipient_participant_user_id') : undefined) ?? str(s, 'recipient_user_id'),
    parentUserId: str(s, 'recipient_parent_user_id') ?? str(s, 'parent_recipient_user_id'),
    // In a group `recipient_id` is the group; the person is the participant.
    waId: group ? participant : str(s, 'recipient_id'),
  });
  const recipient = fromContact(base, findContact(v.contacts, base.userId, base.waId));
  const out: StatusUpdate = { kind: 'status', channel: 'meta', messageId, phoneNumberId: v.phoneNumberId, status, timestamp, recipient, raw: s };
  assign(out, { accountId: v.accountId, errors: providerErrors(prop(s, 'errors')) });
  return unstorableStatus(out) ? undefined : out;
}

function parseMessagesValue(value: unknown, ctx: EntryCtx, out: ParsedDelivery): void {
  const metadata = prop(value, 'metadata');
  const phoneNumberId = idOf(metadata, 'phone_number_id');
  if (!isObject(value) || !phoneNumberId || !fitsKey(phoneNumberId)) {
    out.events.push(event('messages.invalid', ctx, value));
    return;
  }
  const messages = prop(value, 'messages');
  const statuses = prop(value, 'statuses');
  const errors = prop(value, 'errors');
  const contacts = arr(value, 'contacts') ?? [];
  const v: ValueCtx = { ...ctx, phoneNumberId, contacts };
  assign(v, { displayPhoneNumber: str(metadata, 'display_phone_number') });
  if (Array.isArray(messages) && messages.length === 1 && contacts.length === 1) v.soleContact = contacts[0];

  const each = (list: unknown, kind: 'messages' | 'statuses', parse: (x: unknown) => void) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) out.events.push(event(`${kind}.invalid`, ctx, list, phoneNumberId));
    else list.forEach(parse);
  };
  each(messages, 'messages', (m) => {
    const parsed = parseMessage(m, v);
    if (parsed) out.messages.push(parsed);
    else out.events.push(event('messages.invalid', ctx, { metadata, contacts, message: m }, phoneNumberId));
  });
  each(statuses, 'statuses', (s) => {
    // A call's status on the messages field is about a call, not a message: kept with the other call events.
    if (isCallStatus(s)) {
      out.events.push(callEvent(ctx, { metadata, contacts, statuses: [s] }, phoneNumberId, parseCallStatus(s, contactLookup(contacts))));
      return;
    }
    const parsed = parseStatus(s, v);
    if (parsed) out.statuses.push(parsed);
    else out.events.push(event('statuses.invalid', ctx, { metadata, status: s }, phoneNumberId));
  });
  if (errors !== undefined) {
    const list = Array.isArray(errors) ? errors : [errors];
    for (const e of list) out.events.push(event('errors', ctx, e, phoneNumberId));
  }
  // A value with nothing we recognise, or with keys we do not know, is kept whole.
  const unknownKeys = Object.keys(value).some((k) => !KNOWN_MESSAGES_KEYS.has(k));
  if (unknownKeys || (messages === undefined && statuses === undefined && errors === undefined)) {
    out.events.push(event('messages', ctx, value, phoneNumberId));
  }
}

/** A `calls` change: one event per call entry and per call status, each with the value narrowed to that entry. */
function parseCallsValue(value: unknown, ctx: EntryCtx, out: ParsedDelivery): void {
  const metadata = prop(value, 'metadata');
  const phoneNumberId = idOf(metadata, 'phone_number_id');
  if (!isObject(value)) {
    out.events.push(event('calls', ctx, value, phoneNumberId));
    return;
  }
  const business = str(metadata, 'display_phone_number');
  const lookup = contactLookup(arr(value, 'contacts') ?? []);
  const { calls, statuses, ...rest } = value;
  if (Array.isArray(calls)) {
    for (const c of calls) out.events.push(callEvent(ctx, { ...rest, calls: [c] }, phoneNumberId, parseCall(c, lookup, rest['errors'], business)));
  }
  if (Array.isArray(statuses)) {
    for (const s of statuses) {
      out.events.push(callEvent(ctx, { ...rest, statuses: [s] }, phoneNumberId, isCallStatus(s) ? parseCallStatus(s, lookup) : undefined));
    }
  }
  // Nothing we can read, or keys we do not know: the whole value is kept as well.
  if ((!Array.isArray(calls) && !Array.isArray(statuses)) || Object.keys(value).some((k) => !KNOWN_CALLS_KEYS.has(k))) {
    out.events.push(event('calls', ctx, value, phoneNumberId));
  }
}

/**
 * Parse a Meta webhook body (already JSON-decoded). Throws UnparseableDelivery only when the
 * envelope itself is unrecognisable; every element inside is either parsed or kept as an event.
 */
export function parseMetaDelivery(json: unknown): ParsedDelivery {
  if (!isObject(json)) throw new UnparseableDelivery('body is not a JSON object');
  if (nestedDeeperThan(json)) throw new UnparseableDelivery(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  const entries = prop(json, 'entry');
  if (!Array.isArray(entries)) throw new UnparseableDelivery('`entry` is not an array');
  const out: ParsedDelivery = { messages: [], statuses: [], events: [] };
  for (const entry of entries) {
    const ctx: EntryCtx = assign({}, { accountId: idOf(entry, 'id'), time: prop(entry, 'time'), timestamp: unixToIso(prop(entry, 'time')) });
    const changes = arr(entry, 'changes');
    if (!changes || !fitsKey(ctx.accountId)) {
      if (!fitsKey(ctx.accountId)) delete ctx.accountId;
      out.events.push(event('entry.invalid', ctx, entry));
      continue;
    }
    for (const change of changes) {
      const field = str(change, 'field');
      const value = prop(change, 'value');
      if (!field || !fitsKey(field)) out.events.push(event('change.invalid', ctx, change));
      else if (field === 'messages') parseMessagesValue(value, ctx, out);
      else if (field === 'calls') parseCallsValue(value, ctx, out);
      else out.events.push(event(field, ctx, value, idOf(prop(value, 'metadata'), 'phone_number_id')));
    }
  }
  return out;
}
