// Meta's Calling API webhooks (`field: "calls"`): `calls[]` entries (connect, terminate, …) and `statuses[]`
// entries of `type: "call"` (ringing, accepted, rejected), read into CallEvents. Shapes: pywa
// tests/data/updates/call_connect.json, call_terminate.json, call_status.json and meta-whatsapp-rs
// fields/calls_created.json (test/fixtures/meta-webhooks). Permissive like the rest of the parser: an entry
// without an id or an event comes back undefined and is kept raw by the caller.
import { idOf, isObject, prop, str, unixToIso } from '../shared/json.js';
import type { CallEvent, ProviderError, ProviderUser } from '../shared/model.js';
import { unstorableCall } from '../shared/storable.js';
import { providerErrors } from './meta-message.js';

/** Completes a user with what the value's `contacts[]` says about them (name, BSUID, phone). */
export type ContactLookup = (user: ProviderUser) => ProviderUser;

function user(fields: { waId?: string; userId?: string; parentUserId?: string }, lookup: ContactLookup): ProviderUser | undefined {
  const u: ProviderUser = {};
  if (fields.waId) u.waId = fields.waId;
  if (fields.userId) u.userId = fields.userId;
  if (fields.parentUserId) u.parentUserId = fields.parentUserId;
  return u.waId || u.userId ? lookup(u) : undefined;
}

function numberOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function finish(call: CallEvent, errors: ProviderError[] | undefined): CallEvent | undefined {
  if (errors?.length) call.errors = errors;
  return unstorableCall(call) ? undefined : call;
}

/**
 * One `calls[]` entry. `valueErrors`: the value's own `errors[]`, which are about its call; `business`: the
 * business's display number (metadata), which tells the customer's side of the call when the direction does not.
 */
export function parseCall(c: unknown, lookup: ContactLookup, valueErrors?: unknown, business?: string): CallEvent | undefined {
  if (!isObject(c)) return undefined;
  const callId = idOf(c, 'id');
  const event = str(c, 'event');
  if (!callId || !event) return undefined;
  const call: CallEvent = { event, callId };
  const direction = str(c, 'direction');
  const from = idOf(c, 'from');
  const to = idOf(c, 'to');
  if (direction) call.direction = direction;
  if (from) call.from = from;
  if (to) call.to = to;
  // The customer is whoever is not the business: the side that is not its own number, else by direction (the
  // caller when they called, the callee when we did). Meta's own examples do not always agree with the direction.
  const digits = business?.replace(/\D/g, '');
  const customerIsCallee = digits && from === digits ? true : digits && to === digits ? false : direction === 'BUSINESS_INITIATED';
  const customer = customerIsCallee
    ? user({ waId: to, userId: str(c, 'to_user_id'), parentUserId: str(c, 'to_parent_user_id') }, lookup)
    : user({ waId: from, userId: str(c, 'from_user_id'), parentUserId: str(c, 'from_parent_user_id') }, lookup);
  if (customer) call.user = customer;
  const set = (key: 'status' | 'bizOpaqueCallbackData', value: string | undefined) => {
    if (value) call[key] = value;
  };
  set('status', str(c, 'status'));
  set('bizOpaqueCallbackData', str(c, 'biz_opaque_callback_data'));
  const timestamp = unixToIso(prop(c, 'timestamp'));
  const startTime = unixToIso(prop(c, 'start_time'));
  const endTime = unixToIso(prop(c, 'end_time'));
  const duration = numberOf(prop(c, 'duration'));
  if (timestamp) call.timestamp = timestamp;
  if (startTime) call.startTime = startTime;
  if (endTime) call.endTime = endTime;
  if (duration !== undefined) call.durationSeconds = duration;
  return finish(call, providerErrors(prop(c, 'errors')) ?? providerErrors(valueErrors));
}

/** One `statuses[]` entry of `type: "call"`: the call's progress as the customer's phone reports it. */
export function parseCallStatus(s: unknown, lookup: ContactLookup): CallEvent | undefined {
  if (!isObject(s)) return undefined;
  const callId = idOf(s, 'id');
  const status = str(s, 'status');
  if (!callId || !status) return undefined;
  const call: CallEvent = { event: 'status', callId, status };
  const customer = user(
    {
      waId: idOf(s, 'recipient_id'),
      userId: str(s, 'recipient_user_id'),
      parentUserId: str(s, 'recipient_parent_user_id') ?? str(s, 'parent_recipient_user_id'),
    },
    lookup,
  );
  if (customer) call.user = customer;
  const timestamp = unixToIso(prop(s, 'timestamp'));
  if (timestamp) call.timestamp = timestamp;
  const biz = str(s, 'biz_opaque_callback_data');
  if (biz) call.bizOpaqueCallbackData = biz;
  return finish(call, providerErrors(prop(s, 'errors')));
}

/**
 * The customer who called, when an event is a user-initiated call connecting: Meta opens the 24-hour customer
 * service window when a user "messages you or calls you", so the caller is a sighting like a message's sender.
 */
export function callerOf(event: { call?: CallEvent }): { user: ProviderUser; at: string } | undefined {
  const call = event.call;
  if (call?.event !== 'connect' || call.direction !== 'USER_INITIATED' || !call.user || !call.timestamp) return undefined;
  return { user: call.user, at: call.timestamp };
}

/** A `statuses[]` entry about a call rather than a message (Meta may send those on the `messages` field too). */
export function isCallStatus(s: unknown): boolean {
  return str(s, 'type') === 'call';
}
