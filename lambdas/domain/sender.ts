// The one sender everything outbound goes through (admin API synchronously, the outbound queue asynchronously):
// resolve the recipient's contact, apply the 24-hour window, call Graph once, record the sent message as
// `accepted` with its wamid. Retrying is the caller's business (the queue handler turns a retryable error into
// a visibility delay; the admin API hands it to the caller with `retryable`), so this file never sleeps.
//
// Idempotency: a send with a key claims it first; the outcome (and the record it wrote) is stored under the
// key, so a second send with the key returns the first outcome without calling Graph, and re-writes the
// record in case the first attempt died between Graph's answer and the store write.
import { createHash } from 'node:crypto';
import type { MappedGraphError } from './graph-errors.js';
import { noMetrics, type MetricSink } from './metric-catalog.js';
import type { Channel, MediaRef, ProviderError } from './model.js';
import { MEDIA_KINDS, isBsuid, type OutboundKind, type OutboundMessage } from './outbound-message.js';
import type { ContactRecord, ContactStore } from './ports.js';
import { checkSendAllowed, windowState, type SendKind } from './window.js';

/** Graph's `POST /{phone-number-id}/messages`. A failure throws an error carrying the mapped Graph error as `.error`. */
export interface GraphSender {
  sendMessage(phoneNumberId: string, message: OutboundMessage): Promise<{ messageId: string }>;
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
  | { ok: false; kind: 'graph'; error: MappedGraphError; contactId: string }
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
  channel?: Channel;
}

export interface SenderDeps {
  graph: GraphSender;
  contacts: Pick<ContactStore, 'get' | 'upsert'>;
  messages: OutboundStore;
  idempotency: IdempotencyStore;
  metrics?: MetricSink;
  now?: () => Date;
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

/** The mapped Graph error a failed Graph call carries (GraphError from the adapter), found structurally. */
export function graphErrorOf(error: unknown): MappedGraphError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const mapped = (error as { error?: unknown }).error;
  if (typeof mapped !== 'object' || mapped === null) return undefined;
  const m = mapped as Partial<MappedGraphError>;
  return typeof m.code === 'number' && typeof m.retryClass === 'string' && typeof m.hint === 'string' ? (mapped as MappedGraphError) : undefined;
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
    const user = isBsuid(to) ? { userId: to } : { waId: to.replace(/\D/g, '') };
    // Creates the contact on a first send (no lastInboundAt: the window is closed until they write).
    const id = await deps.contacts.upsert({ channel: request.channel ?? 'meta', user, seenAt: now().toISOString() });
    if (!id) throw new Error(`recipient ${to} gives no contact identifier`);
    const contact = await deps.contacts.get(id);
    if (!contact) throw new Error(`contact ${id} vanished after it was created`);
    return contact;
  }

  async function attempt(request: SendRequest): Promise<StoredSend & { retryable: boolean }> {
    const contact = await resolveContact(request);
    const at = now();
    const window = windowState(contact.lastInboundAt, at);
    const check = checkSendAllowed(sendKindOf(request.message.kind), window, { to: request.message.to });
    if (!check.ok) {
      metrics.emit('Outbound', 1, { result: 'rejected', code: 'window' });
      return { outcome: { ok: false, kind: 'window_closed', hint: check.hint, contactId: contact.id }, retryable: false };
    }
    let wamid: string;
    try {
      wamid = (await deps.graph.sendMessage(request.phoneNumberId, request.message)).messageId;
    } catch (error) {
      const mapped = graphErrorOf(error);
      if (!mapped) throw error;
      // A retryable error is not a result yet: the caller retries, and counts the final one (recordFailure).
      if (!mapped.retryable) metrics.emit('Outbound', 1, { result: 'failed', code: String(mapped.code) });
      return { outcome: { ok: false, kind: 'graph', error: mapped, contactId: contact.id }, retryable: mapped.retryable };
    }
    const record = baseRecord(request.message, {
      id: wamid,
      channel: request.channel ?? 'meta',
      contactId: contact.id,
      phoneNumberId: request.phoneNumberId,
      timestamp: at.toISOString(),
    });
    record.statusAt = wholeSecond(at);
    if (request.idempotencyKey !== undefined) record.idempotencyKey = request.idempotencyKey;
    metrics.emit('Outbound', 1, { result: 'sent', code: 'none' });
    return { outcome: { ok: true, wamid, contactId: contact.id }, record, retryable: false };
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
      await deps.idempotency.finish(key, answer);
      if (result.record) await deps.messages.recordOutbound(result.record);
      return { outcome: result.outcome, replayed: false };
    },

    async recordFailure(request, errors, options = {}) {
      const at = now();
      const record = baseRecord(request.message, {
        id: `unsent.${request.idempotencyKey}`,
        channel: request.channel ?? 'meta',
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

/** A mapped Graph error as a stored ProviderError (the shape status webhooks use). */
export function providerErrorOf(error: MappedGraphError): ProviderError {
  const out: ProviderError = { code: error.code, message: error.message };
  if (error.title !== undefined) out.title = error.title;
  if (error.details !== undefined) out.details = error.details;
  return out;
}
