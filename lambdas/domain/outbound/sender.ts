// The one sender everything outbound goes through (admin API synchronously, the outbound queue asynchronously):
// resolve the recipient's contact, apply the 24-hour window, call Graph once, record the sent message as
// `accepted` with its wamid. Retrying is the caller's business (the queue handler turns a retryable error into
// a visibility delay; the admin API hands it to the caller with `retryable`), so this file never sleeps.
//
// Idempotency: a send with a key claims it first; the outcome (and the record it wrote) is stored under the
// key, so a second send with the key returns the first outcome without calling Graph, and re-writes the
// record in case the first attempt died between Graph's answer and the store write.
import { createHash, randomUUID } from 'node:crypto';
import type { MappedGraphError, RetryClass } from './graph-errors.js';
import { noMetrics, type MetricSink } from '../shared/metric-catalog.js';
import type { Channel, MediaRef, ProviderError } from '../shared/model.js';
import { MEDIA_KINDS, isBsuid, type OutboundKind, type OutboundMessage } from './outbound-message.js';
import { describeContacts, describeLocation } from './location-contacts.js';
import type { ContactRecord, ContactStore } from '../shared/ports.js';
import { checkSendAllowed, windowState, WINDOW_MS, type SendKind } from './window.js';
import { wazzupUser } from '../inbound/wazzup-webhook.js';

/** Graph's `POST /{phone-number-id}/messages`. A failure throws an error carrying the mapped Graph error as `.error`. */
export interface GraphSender {
  sendMessage(phoneNumberId: string, message: OutboundMessage): Promise<{ messageId: string }>;
}

/**
 * A provider error in the shape both channels map to (graph-errors.ts, wazzup-errors.ts): Graph codes are
 * numbers, Wazzup24 codes strings (`BAD_CONTACT`).
 */
export interface ChannelError {
  code: number | string;
  subcode?: number;
  message: string;
  details?: string;
  title?: string;
  retryable: boolean;
  retryClass: RetryClass;
  hint: string;
}

/** What one channel needs to send: where from, the message, the contact it goes to, and an idempotency id. */
export interface ChannelSendRequest {
  /** Meta: the phone number id; Wazzup24: the channel id. */
  from: string;
  message: OutboundMessage;
  contact: ContactRecord;
  /** Stable across retries of the same logical send (Wazzup24's crmMessageId: a repeat is never sent twice). */
  sendId: string;
}

/**
 * One channel's send (Meta Cloud API, Wazzup24). Resolves with the provider's message id; a provider failure
 * throws an error carrying a ChannelError as `.error`; a send refused because the 24-hour window is closed
 * throws ChannelWindowClosed.
 */
export interface ChannelSender {
  send(request: ChannelSendRequest): Promise<{ messageId: string }>;
}

/** The provider said the customer service window is closed (Wazzup24 `24_HOURS_EXCEEDED`). */
export class ChannelWindowClosed extends Error {
  override readonly name = 'ChannelWindowClosed';
  constructor(readonly hint: string) {
    super(hint);
  }
}

/** Meta's channel: Graph's send with the phone number id. */
export function graphChannel(graph: GraphSender): ChannelSender {
  return { send: ({ from, message }) => graph.sendMessage(from, message) };
}

/** An outbound message as stored: direction `out`, one initial status (`accepted`, or `failed` when never sent). */
export interface OutboundRecord {
  id: string;
  channel: Channel;
  contactId: string;
  phoneNumberId: string;
  /** Meta's type (`text`, `template`, `image`, …). */
  type: string;
  /** ISO 8601, when Graph accepted it (or when the send was given up). */
  timestamp: string;
  text?: string;
  media?: MediaRef;
  template?: { name: string; language: string };
  /** The inbound message this one answers. */
  replyTo?: string;
  status: 'accepted' | 'failed';
  /** ISO 8601 of `status`, whole seconds like Meta's own status times, so `accepted` sorts before `sent`. */
  statusAt: string;
  errors?: ProviderError[];
  idempotencyKey?: string;
}

export interface OutboundStore {
  /** Writes the record; when status webhooks got there first, fills in the fields and merges the status history. */
  recordOutbound(record: OutboundRecord): Promise<void>;
  /** The newest inbound message time of the contact at or after `since` (ISO 8601), from the messages themselves:
   *  the window check asks when the contact's stored lastInboundAt, which may lag (contactRefreshMinutes), says closed. */
  latestInboundSince?(contactId: string, since: string): Promise<string | undefined>;
}

export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'done'; answer: StoredSend }
  | { state: 'busy' }
  | { state: 'mismatch' };

export interface IdempotencyStore {
  /** Claims `key` for a request with this fingerprint, or says what became of the earlier claim. */
  begin(key: string, fingerprint: string): Promise<IdempotencyBegin>;
  finish(key: string, answer: StoredSend): Promise<void>;
  /** Releases a claim whose attempt failed in a way worth retrying. */
  abandon(key: string): Promise<void>;
}

export interface StoredSend {
  outcome: SendOutcome;
  record?: OutboundRecord;
}

export type SendOutcome =
  | { ok: true; wamid: string; contactId: string }
  | { ok: false; kind: 'window_closed'; hint: string; contactId: string }
  /** The provider refused (Graph or Wazzup24, mapped alike; the name stays for the stored answers' sake). */
  | { ok: false; kind: 'graph'; error: ChannelError; contactId: string }
  /** The key is held by a request still in flight (or one that died less than a minute ago). */
  | { ok: false; kind: 'in_progress' }
  /** The key was first used for a different message. */
  | { ok: false; kind: 'key_reused' };

export interface SendRequest {
  message: OutboundMessage;
  phoneNumberId: string;
  /** The contact, when the caller knows it (queued replies); otherwise found or created from `message.to`. */
  contactId?: string;
  idempotencyKey?: string;
  /** Which channel to send through; default: the contact's channel (the one the customer wrote from), else Meta. */
  channel?: Channel;
}

export interface SenderDeps {
  /** Meta's channel (the same as `channels.meta: graphChannel(graph)`). */
  graph?: GraphSender;
  /** Channel senders by channel; a contact of a channel without one gets a clear error. */
  channels?: Partial<Record<Channel, ChannelSender>>;
  contacts: Pick<ContactStore, 'get' | 'upsert'>;
  messages: OutboundStore;
  idempotency: IdempotencyStore;
  metrics?: MetricSink;
  now?: () => Date;
  /** Failures that are survived rather than thrown (an accepted send whose answer could not be stored). */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export interface SendResult {
  outcome: SendOutcome;
  /** True when the outcome is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

export interface Sender {
  send(request: SendRequest): Promise<SendResult>;
  /** Records a send that was given up before Graph accepted it, as a `failed` message `unsent.<key>`.
   *  `retriesExhausted`: the last error was retryable, so `send` did not count it as a final result yet. */
  recordFailure(
    request: SendRequest & { contactId: string; idempotencyKey: string },
    errors: ProviderError[],
    options?: { retriesExhausted?: boolean },
  ): Promise<OutboundRecord>;
}

/** The mapped error a failed provider call carries (GraphError, WazzupError from the adapters), found structurally. */
export function graphErrorOf(error: unknown): ChannelError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const mapped = (error as { error?: unknown }).error;
  if (typeof mapped !== 'object' || mapped === null) return undefined;
  const m = mapped as Partial<ChannelError>;
  return (typeof m.code === 'number' || typeof m.code === 'string') && typeof m.retryClass === 'string' && typeof m.hint === 'string'
    ? (mapped as ChannelError)
    : undefined;
}

/** Longest send id passed on (Wazzup24's crmMessageId takes 200 characters; a caption send appends `.caption`). */
const MAX_SEND_ID = 190;

/** A send's provider idempotency id: the key when there is one (hashed when long), else a fresh one. */
export function sendIdOf(idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  if (idempotencyKey.length <= MAX_SEND_ID) return idempotencyKey;
  return `h.${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}

/** The user a recipient stands for on a channel (a first send creates the contact). */
function userFor(channel: Channel, to: string) {
  if (isBsuid(to)) return { userId: to };
  const digits = to.replace(/\D/g, '');
  // Wazzup24 keys WhatsApp chats by the phone digits (wazzupContactKey), the same contact an inbound message makes.
  return channel === 'wazzup24' ? wazzupUser('whatsapp', digits) : { waId: digits };
}

export function sendKindOf(kind: OutboundKind): SendKind {
  if ((MEDIA_KINDS as readonly string[]).includes(kind)) return 'media';
  return kind as SendKind;
}

/** Where to reach a contact: the phone when known (every message type works), else the BSUID. */
export function recipientOf(contact: ContactRecord): string | undefined {
  if (contact.waId && /^\d{6,15}$/.test(contact.waId)) return `+${contact.waId}`;
  if (contact.userId) return contact.userId;
  return contact.phones[0];
}

export function fingerprintOf(message: OutboundMessage, phoneNumberId: string): string {
  return createHash('sha256').update(JSON.stringify({ phoneNumberId, message })).digest('hex');
}

export function wholeSecond(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();
}

/** The human-readable part of a message, as stored and shown by the admin API. */
export function textOf(m: OutboundMessage): string | undefined {
  switch (m.kind) {
    case 'text':
      return m.text;
    case 'interactive': {
      const body = (m.interactive as { body?: { text?: unknown } }).body;
      return typeof body?.text === 'string' ? body.text : undefined;
    }
    case 'reaction':
      return m.reaction.emoji;
    case 'template':
      return undefined;
    case 'location':
      return describeLocation(m.location);
    case 'contacts':
      return describeContacts(m.contacts);
    default:
      return m.media.caption;
  }
}

function baseRecord(m: OutboundMessage, fields: Pick<OutboundRecord, 'id' | 'channel' | 'contactId' | 'phoneNumberId' | 'timestamp'>): OutboundRecord {
  const record: OutboundRecord = { ...fields, type: m.kind, status: 'accepted', statusAt: fields.timestamp };
  const text = textOf(m);
  if (text !== undefined && text !== '') record.text = text;
  if (m.kind === 'template') record.template = { name: m.template.name, language: m.template.language };
  if ((MEDIA_KINDS as readonly string[]).includes(m.kind) && 'media' in m) {
    const media: MediaRef = {};
    if (m.media.id !== undefined) media.id = m.media.id;
    if (m.media.link !== undefined) media.url = m.media.link;
    if (m.media.caption !== undefined) media.caption = m.media.caption;
    if (m.media.filename !== undefined) media.filename = m.media.filename;
    record.media = media;
  }
  if (m.replyTo !== undefined) record.replyTo = m.replyTo;
  return record;
}

export function createSender(deps: SenderDeps): Sender {
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? noMetrics;

  async function resolveContact(request: SendRequest): Promise<ContactRecord> {
    if (request.contactId) {
      const found = await deps.contacts.get(request.contactId);
      if (!found) throw new Error(`contact ${request.contactId} does not exist`);
      return found;
    }
    const to = request.message.to;
    const channel = request.channel ?? 'meta';
    // Creates the contact on a first send (no lastInboundAt: the window is closed until they write).
    const id = await deps.contacts.upsert({ channel, user: userFor(channel, to), seenAt: now().toISOString() });
    if (!id) throw new Error(`recipient ${to} gives no contact identifier`);
    const contact = await deps.contacts.get(id);
    if (!contact) throw new Error(`contact ${id} vanished after it was created`);
    return contact;
  }

  const channelSenders: Partial<Record<Channel, ChannelSender>> = {
    ...(deps.graph ? { meta: graphChannel(deps.graph) } : {}),
    ...deps.channels,
  };

  async function attempt(request: SendRequest): Promise<StoredSend & { retryable: boolean }> {
    const contact = await resolveContact(request);
    const channel = request.channel ?? contact.channel ?? 'meta';
    const channelSender = channelSenders[channel];
    if (!channelSender) throw new Error(`no sender is configured for channel ${channel} (contact ${contact.id})`);
    const at = now();
    let window = windowState(contact.lastInboundAt, at);
    if (!window.open && contact.lastInboundAt && deps.messages.latestInboundSince) {
      // The stored time may lag the newest message by up to contactRefreshMinutes: the messages decide.
      const latest = await deps.messages.latestInboundSince(contact.id, new Date(at.getTime() - WINDOW_MS).toISOString());
      if (latest && latest > contact.lastInboundAt) window = windowState(latest, at);
    }
    const check = checkSendAllowed(sendKindOf(request.message.kind), window, { to: request.message.to });
    if (!check.ok) {
      metrics.emit('Outbound', 1, { result: 'rejected', code: 'window' });
      return { outcome: { ok: false, kind: 'window_closed', hint: check.hint, contactId: contact.id }, retryable: false };
    }
    let wamid: string;
    try {
      let sendId: string | undefined;
      const sent = await channelSender.send({
        from: request.phoneNumberId,
        message: request.message,
        contact,
        // Made on first read, then kept: only Wazzup24 uses it, and a keyless send would otherwise mint a UUID for nothing.
        get sendId() {
          return (sendId ??= sendIdOf(request.idempotencyKey));
        },
      });
      wamid = sent.messageId;
    } catch (error) {
      if (error instanceof ChannelWindowClosed) {
        metrics.emit('Outbound', 1, { result: 'rejected', code: 'window' });
        return { outcome: { ok: false, kind: 'window_closed', hint: error.hint, contactId: contact.id }, retryable: false };
      }
      const mapped = graphErrorOf(error);
      if (!mapped) throw error;
      // A retryable error is not a result yet: the caller retries, and counts the final one (recordFailure).
      if (!mapped.retryable) metrics.emit('Outbound', 1, { result: 'failed', code: String(mapped.code) });
      return { outcome: { ok: false, kind: 'graph', error: mapped, contactId: contact.id }, retryable: mapped.retryable };
    }
    const record = baseRecord(request.message, {
      id: wamid,
      channel,
      contactId: contact.id,
      phoneNumberId: request.phoneNumberId,
      timestamp: at.toISOString(),
    });
    record.statusAt = wholeSecond(at);
    if (request.idempotencyKey !== undefined) record.idempotencyKey = request.idempotencyKey;
    metrics.emit('Outbound', 1, { result: 'sent', code: 'none' });
    return { outcome: { ok: true, wamid, contactId: contact.id }, record, retryable: false };
  }

  /** Stores the answer, trying twice (a throttled or briefly failing write); the last error when both fail. */
  async function finishOrError(key: string, answer: StoredSend): Promise<unknown> {
    let last: unknown;
    for (let i = 0; i < 2; i++) {
      try {
        await deps.idempotency.finish(key, answer);
        return undefined;
      } catch (error) {
        last = error;
      }
    }
    return last ?? new Error('finish failed');
  }

  return {
    async send(request) {
      const key = request.idempotencyKey;
      if (key === undefined) {
        const result = await attempt(request);
        if (result.record) await deps.messages.recordOutbound(result.record);
        return { outcome: result.outcome, replayed: false };
      }
      const begun = await deps.idempotency.begin(key, fingerprintOf(request.message, request.phoneNumberId));
      if (begun.state === 'busy') return { outcome: { ok: false, kind: 'in_progress' }, replayed: false };
      if (begun.state === 'mismatch') return { outcome: { ok: false, kind: 'key_reused' }, replayed: false };
      if (begun.state === 'done') {
        if (begun.answer.record) await deps.messages.recordOutbound(begun.answer.record);
        return { outcome: begun.answer.outcome, replayed: true };
      }
      let result: StoredSend & { retryable: boolean };
      try {
        result = await attempt(request);
      } catch (error) {
        await deps.idempotency.abandon(key).catch(() => undefined);
        throw error;
      }
      if (result.retryable) {
        await deps.idempotency.abandon(key);
        return { outcome: result.outcome, replayed: false };
      }
      // The answer first: if the record write fails, a retry finds the answer and writes the record then,
      // instead of calling Graph a second time.
      const { retryable: _ignored, ...answer } = result;
      const finishError = await finishOrError(key, answer);
      if (finishError !== undefined && result.outcome.ok) {
        // Graph accepted the message but its answer could not be kept: failing now would make the caller retry,
        // and the retry would take the claim over once it is stale and send the message a second time. The send
        // is done, so it is reported done; the record is written if it can be (status webhooks would create it).
        deps.log?.('the answer of an accepted send could not be stored under its idempotency key', {
          idempotencyKey: key,
          wamid: result.outcome.wamid,
          error: String(finishError),
        });
        if (result.record) {
          await deps.messages.recordOutbound(result.record).catch((error: unknown) =>
            deps.log?.('the record of an accepted send could not be written', { wamid: result.record?.id, error: String(error) }),
          );
        }
        return { outcome: result.outcome, replayed: false };
      }
      if (finishError !== undefined) throw finishError;
      if (result.record) await deps.messages.recordOutbound(result.record);
      return { outcome: result.outcome, replayed: false };
    },

    async recordFailure(request, errors, options = {}) {
      const at = now();
      const record = baseRecord(request.message, {
        id: `unsent.${request.idempotencyKey}`,
        channel: request.channel ?? (await deps.contacts.get(request.contactId))?.channel ?? 'meta',
        contactId: request.contactId,
        phoneNumberId: request.phoneNumberId,
        timestamp: at.toISOString(),
      });
      record.status = 'failed';
      record.statusAt = wholeSecond(at);
      record.errors = errors;
      record.idempotencyKey = request.idempotencyKey;
      await deps.messages.recordOutbound(record);
      if (options.retriesExhausted) metrics.emit('Outbound', 1, { result: 'failed', code: String(errors[0]?.code ?? 'none') });
      return record;
    },
  };
}

/** A mapped provider error as a stored ProviderError (the shape status webhooks use). */
export function providerErrorOf(error: ChannelError | MappedGraphError): ProviderError {
  const out: ProviderError = { code: error.code, message: error.message };
  if (error.title !== undefined) out.title = error.title;
  if (error.details !== undefined) out.details = error.details;
  return out;
}
