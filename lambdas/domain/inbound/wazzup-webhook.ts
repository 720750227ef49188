// Wazzup24 (API v3) webhook body -> the same normalised messages, statuses and events as Meta's.
// Shapes: ../shared/reference/wazzup24-api-facts.md §1.5-§1.7. Permissive like the Meta parser: only a body
// that is not a JSON object throws; a malformed element becomes a `wazzup.*.invalid` event, an unknown key a
// `wazzup.<key>` event, so nothing Wazzup sent is dropped.
import { createHash } from 'node:crypto';
import { canonicalJson, idOf, isObject, prop, str } from '../shared/json.js';
import type { AccountEvent, InboundMessage, MediaRef, ParsedDelivery, ProviderError, ProviderUser, StatusUpdate } from '../shared/model.js';
import { fitsKey, MAX_JSON_DEPTH, nestedDeeperThan, unstorableMessage, unstorableStatus } from '../shared/storable.js';

export class UnparseableWazzupDelivery extends Error {
  constructor(reason: string) {
    super(`Unparseable Wazzup24 delivery: ${reason}`);
    this.name = 'UnparseableWazzupDelivery';
  }
}

/**
 * The parse result. `test` is Wazzup's registration probe `{ "test": true }` (sent on `PATCH /v3/webhooks`,
 * which fails unless the endpoint answers 200): answer 200 and store nothing.
 */
export type WazzupParsed = { kind: 'test' } | ({ kind: 'delivery' } & ParsedDelivery);

/** Top-level keys this parser turns into messages, statuses or named events. */
const KNOWN_KEYS = new Set(['messages', 'statuses', 'channelsUpdates', 'createContact', 'createDeal', 'templateStatus', 'test']);

/**
 * Wazzup message types (§1.7) in the vocabulary the rest of the system already speaks (Meta's), so the work
 * planner, views and card pipeline need no second table. Types not listed keep Wazzup's name.
 */
const TYPE_MAP: Readonly<Record<string, string>> = {
  text: 'text',
  image: 'image',
  video: 'video',
  audio: 'audio',
  document: 'document',
  vcard: 'contacts',
  geo: 'location',
  wapi_template: 'template',
  missing_call: 'missed_call',
  unsupported: 'unsupported',
};

/**
 * `map[key]`, or the key itself when the map has no own entry: a type or status named `constructor` or
 * `toString` must not pick up Object.prototype's function (it was stored as no status at all, and the next
 * status of that message failed to write).
 */
function mapped(map: Readonly<Record<string, string>>, key: string): string {
  return Object.hasOwn(map, key) ? map[key]! : key;
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document']);

/** Wazzup's `error` status is terminal like Meta's `failed`; the status order only knows the latter. */
const STATUS_MAP: Readonly<Record<string, string>> = { error: 'failed' };

/**
 * The key a Wazzup contact is stored under: the chat type and the chat id together, since the same id can
 * mean different people in different messengers (a Telegram id vs a WhatsApp number). URL-safe, so it can be
 * part of a contact id in `/contacts/{id}`.
 */
export function wazzupContactKey(chatType: string, chatId: string): string {
  const type = chatType.trim().toLowerCase();
  const id = chatId.trim();
  if (!/^[a-z][a-z0-9_]*$/.test(type)) throw new TypeError(`invalid Wazzup chatType: ${JSON.stringify(chatType)}`);
  if (id === '') throw new TypeError('a Wazzup chatId is required');
  return `${type}.${encodeURIComponent(id)}`;
}

/** The user a Wazzup chat stands for. `userId` carries the contact key so the contact store keys on it as is. */
export function wazzupUser(chatType: string, chatId: string, contact?: unknown): ProviderUser {
  const user: ProviderUser = { userId: wazzupContactKey(chatType, chatId), chatType: chatType.trim().toLowerCase(), chatId: chatId.trim() };
  // 1:1 WhatsApp chats are keyed by the phone digits: that is the wa_id, and gives the E.164 alias card dedupe uses.
  if (user.chatType === 'whatsapp' && /^\d{8,15}$/.test(user.chatId!)) user.waId = user.chatId!;
  const name = str(contact, 'name');
  const username = str(contact, 'username');
  if (name) user.name = name;
  if (username) user.username = username;
  return user;
}

/**
 * ISO 8601 from Wazzup's times: `dateTime` is documented as `yyyy-mm-ddThh:mm:ss.ms`; a zone-less value is
 * read as UTC (never as the Lambda's local time). Epoch seconds or milliseconds are accepted too.
 */
export function wazzupTime(v: unknown): string | undefined {
  let ms: number;
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v))) {
    const n = Number(v);
    ms = n > 1e11 ? n : n * 1000;
  } else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) {
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(v.trim());
    ms = Date.parse(zoned ? v.trim() : `${v.trim().replace(' ', 'T')}Z`);
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  return new Date(ms).toISOString();
}

function event(field: string, raw: unknown, channelId?: string, timestamp?: string): AccountEvent {
  const e: AccountEvent = {
    kind: 'event',
    channel: 'wazzup24',
    field,
    // No envelope id or time exists in a Wazzup body: the element itself is the identity of a redelivery.
    dedupeKey: createHash('sha256').update(canonicalJson([field, raw])).digest('hex'),
    raw,
  };
  // An id too long to store is left in `raw` only (the event itself must stay storable).
  if (channelId && fitsKey(channelId)) e.phoneNumberId = channelId;
  if (timestamp) e.timestamp = timestamp;
  return e;
}

/** `error` of a message or status: `{ error, description }` (peers also send `code`/`message`), or a bare code. */
export function wazzupErrors(error: unknown): ProviderError[] | undefined {
  if (error === undefined || error === null || error === false) return undefined;
  if (typeof error === 'string' || typeof error === 'number') return [{ code: error }];
  if (!isObject(error)) return [{ code: 'unknown', details: canonicalJson(error) }];
  const code = str(error, 'error') ?? str(error, 'code') ?? idOf(error, 'code') ?? 'unknown';
  const out: ProviderError = { code };
  const message = str(error, 'description') ?? str(error, 'message');
  if (message) out.message = message;
  const data = prop(error, 'data');
  if (data !== undefined) out.details = typeof data === 'string' ? data : canonicalJson(data);
  return [out];
}

function mediaOf(type: string, uri: string | undefined, caption: string | undefined): MediaRef | undefined {
  if (!uri && !MEDIA_TYPES.has(type)) return undefined;
  const m: MediaRef = {};
  if (uri) m.url = uri;
  if (caption) m.caption = caption;
  if (uri && type === 'document') {
    const name = fileNameOf(uri);
    if (name) m.filename = name;
  }
  return m;
}

function fileNameOf(uri: string): string | undefined {
  try {
    const last = new URL(uri).pathname.split('/').filter(Boolean).at(-1);
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

function parseMessage(m: unknown): InboundMessage | undefined {
  if (!isObject(m)) return undefined;
  const id = idOf(m, 'messageId');
  const channelId = idOf(m, 'channelId');
  const chatType = str(m, 'chatType');
  const chatId = idOf(m, 'chatId');
  const wazzupType = str(m, 'type');
  const timestamp = wazzupTime(prop(m, 'dateTime'));
  if (!id || !channelId || !chatType || !chatId || !wazzupType || !timestamp) return undefined;
  let from: ProviderUser;
  try {
    from = wazzupUser(chatType, chatId, prop(m, 'contact'));
  } catch {
    return undefined;
  }
  const type = mapped(TYPE_MAP, wazzupType);
  const msg: InboundMessage = { kind: 'message', channel: 'wazzup24', id, phoneNumberId: channelId, from, timestamp, type, raw: m };
  const text = str(m, 'text');
  if (text) msg.text = text;
  const media = mediaOf(type, str(m, 'contentUri'), text);
  if (media) msg.media = media;
  const quoted = prop(m, 'quotedMessage');
  const quotedId = idOf(quoted, 'messageId');
  if (quotedId) msg.context = { messageId: quotedId };
  const errors = wazzupErrors(prop(m, 'error'));
  if (errors) msg.errors = errors;
  if (prop(m, 'isEcho') === true) {
    msg.echo = true;
    msg.direction = 'out';
  }
  if (chatType === 'whatsgroup' || chatType === 'telegroup' || chatType === 'maxgroup') msg.groupId = chatId;
  return unstorableMessage(msg) ? undefined : msg;
}

function parseStatus(s: unknown): StatusUpdate | undefined {
  if (!isObject(s)) return undefined;
  const messageId = idOf(s, 'messageId');
  const status = str(s, 'status');
  const timestamp = wazzupTime(prop(s, 'timestamp'));
  if (!messageId || !status || !timestamp) return undefined;
  const chatType = str(s, 'chatType');
  const chatId = idOf(s, 'chatId');
  let recipient: ProviderUser = {};
  if (chatType && chatId) {
    try {
      recipient = wazzupUser(chatType, chatId);
    } catch {
      recipient = {};
    }
  }
  // Statuses carry no channel id in the documented shape; the message they are about already has it.
  const out: StatusUpdate = {
    kind: 'status',
    channel: 'wazzup24',
    messageId,
    phoneNumberId: idOf(s, 'channelId') ?? '',
    status: mapped(STATUS_MAP, status),
    timestamp,
    recipient,
    raw: s,
  };
  const errors = wazzupErrors(prop(s, 'error'));
  if (errors) out.errors = errors;
  return unstorableStatus(out) ? undefined : out;
}

/** True for exactly the registration probe: `test: true` and nothing to store beside it. */
export function isWazzupTestRequest(json: unknown): boolean {
  return isObject(json) && json['test'] === true && Object.keys(json).every((k) => k === 'test');
}

/**
 * Parse a Wazzup24 webhook body (already JSON-decoded). Throws UnparseableWazzupDelivery only when the body is
 * not a JSON object; every element inside is parsed or kept as an event.
 */
export function parseWazzupDelivery(json: unknown): WazzupParsed {
  if (!isObject(json)) throw new UnparseableWazzupDelivery('body is not a JSON object');
  if (nestedDeeperThan(json)) throw new UnparseableWazzupDelivery(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (isWazzupTestRequest(json)) return { kind: 'test' };
  const out: ParsedDelivery = { messages: [], statuses: [], events: [] };

  const list = (key: string): unknown[] | undefined => {
    const v = prop(json, key);
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v;
    out.events.push(event(`wazzup.${key}.invalid`, v));
    return undefined;
  };

  for (const m of list('messages') ?? []) {
    const parsed = parseMessage(m);
    if (!parsed) out.events.push(event('wazzup.messages.invalid', m));
    // An edit or deletion reuses the original messageId, so as a message it would be an idempotent no-op:
    // keep it as an event instead, where it is stored.
    else if (prop(m, 'isEdited') === true) out.events.push(event('wazzup.messages.edited', m, parsed.phoneNumberId, parsed.timestamp));
    else if (prop(m, 'isDeleted') === true) out.events.push(event('wazzup.messages.deleted', m, parsed.phoneNumberId, parsed.timestamp));
    else out.messages.push(parsed);
  }
  for (const s of list('statuses') ?? []) {
    const parsed = parseStatus(s);
    if (parsed) out.statuses.push(parsed);
    else out.events.push(event('wazzup.statuses.invalid', s));
  }
  for (const c of list('channelsUpdates') ?? []) {
    out.events.push(event('wazzup.channelsUpdates', c, idOf(c, 'channelId')));
  }
  for (const key of ['createContact', 'createDeal', 'templateStatus']) {
    const v = prop(json, key);
    if (v !== undefined) out.events.push(event(`wazzup.${key}`, v));
  }
  // A `test` flag that is not the bare probe (beside content, or not `true`) is kept so nothing is silently ignored.
  for (const [key, value] of Object.entries(json)) {
    if (KNOWN_KEYS.has(key) && key !== 'test') continue;
    // A key too long to be a field name is kept with its value.
    if (fitsKey(key)) out.events.push(event(`wazzup.${key}`, value));
    else out.events.push(event('wazzup.invalid-key', { [key]: value }));
  }
  if (Object.keys(json).length === 0) out.events.push(event('wazzup.empty', json));
  return { kind: 'delivery', ...out };
}

/** A channel's new state from a `wazzup.channelsUpdates` event (for the channel-state metric and alarm). */
export function wazzupChannelState(e: AccountEvent): { channelId: string; state: string } | undefined {
  if (e.channel !== 'wazzup24' || e.field !== 'wazzup.channelsUpdates') return undefined;
  const channelId = idOf(e.raw, 'channelId');
  const state = str(e.raw, 'state');
  return channelId && state ? { channelId, state } : undefined;
}

/** The channel state changes a delivery reports; `active` drives the WazzupChannelActive metric (0 alarms). */
export function wazzupChannelChanges(events: readonly AccountEvent[]): { channelId: string; state: string; active: boolean }[] {
  return events.flatMap((e) => {
    const change = wazzupChannelState(e);
    return change ? [{ ...change, active: change.state === 'active' }] : [];
  });
}
