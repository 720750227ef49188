// The card worker's use case: a card job (an image or PDF message) becomes a contact and a reply.
//
// Stages, each recorded on the card message before the next starts, so a retried or redelivered job resumes
// where the last attempt stopped and the picture is never lost once downloaded:
//
//   received -> media_stored -> read -> contact_upserted -> replied
//                     \____________\_____________\______ failed (unreadable: final, the customer is told)
//
// - media_stored: Graph media id -> bytes (size cap, MIME check by content) -> object store under the message id;
//   later attempts read the stored copy and never ask Graph again (its URL lives five minutes, the media 30 days).
// - read: QR first, OCR otherwise (CardImageReader). The card read is recorded, so a retry never OCRs twice.
// - contact_upserted: dedupe and merge per domain/cards/card-contact.ts; the contact id of a new card is derived
//   from the message id, so writing it twice writes the same contact.
// - replied: the summary goes to the outbound queue as a reply job with a key derived from the message id,
//   so the sender sends it once however often it is enqueued.
//
// Failures: a card that cannot be read (wrong type, too large, nothing on it) is final at once: recorded, the
// customer told, the job done. Anything else (Graph, storage, OCR service, queue) is retried by the queue;
// the last attempt records the failure and tells the customer before the job goes to the dead-letter queue.
// The stage reached stays recorded, so an operator who redrives the job from the DLQ resumes it.
import type { Card, CardPhone, ReadCard } from './card.js';
import { hasContactData } from './card.js';
import { cardContactFields, dedupeKeys, planCardContact, type CardContactOutcome, type CardContactPlan } from './card-contact.js';
import { guessLanguage, type Lang } from '../bot/language.js';
import type { MetricSink } from '../shared/metric-catalog.js';
import type { MediaRef } from '../shared/model.js';
import type { ReplyJob } from '../outbound/outbound-job.js';
import type { ContactRecord, ContactStore, WorkJob } from '../shared/ports.js';
import { cardLimitText, cardReadText, cardUnreadableText, type CardOutcome } from '../bot/texts.js';

export type CardJob = Extract<WorkJob, { kind: 'card' }>;

export const CARD_STAGES = ['received', 'media_stored', 'read', 'contact_upserted', 'replied', 'failed'] as const;
export type CardStage = (typeof CARD_STAGES)[number];

const RANK: Record<CardStage, number> = { received: 0, media_stored: 1, read: 2, contact_upserted: 3, replied: 4, failed: 4 };

/** Meta's limit for images; documents may be 100 MB, but a business card is never that (and OCR would choke). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

export type CardMediaType = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

/** What the pipeline has recorded on the card message. */
export interface CardState {
  stage: CardStage;
  mediaKey?: string;
  mimeType?: CardMediaType;
  card?: ReadCard;
  contactId?: string;
  outcome?: CardContactOutcome;
  /** Set by a final failure (`failed` stage) or when the last attempt gave up (stage kept for a redrive). */
  failure?: { reason: string; at: string; final: boolean };
}

/** The card message as stored by the webhook, with the pipeline's state. */
export interface CardMessage {
  id: string;
  contactId?: string;
  /** ISO 8601: when the customer sent it (the start of CardEndToEndTime). */
  timestamp: string;
  /** The caption, which says which language the customer writes in. */
  text?: string;
  state?: CardState;
}

/** One stage's record: the stage, what it produced, and the status the bot's `/status` shows. */
export interface CardProgress {
  stage: CardStage;
  at: string;
  status: CardOutcome;
  /** The name read from the card (for `/status`). */
  name?: string;
  mediaKey?: string;
  mimeType?: CardMediaType;
  card?: ReadCard;
  contactId?: string;
  outcome?: CardContactOutcome;
  failure?: CardState['failure'];
}

export interface CardProgressStore {
  load(messageId: string): Promise<CardMessage | undefined>;
  /** Records a stage; a stage never moves backwards (a late, slower attempt cannot undo a later stage). */
  record(messageId: string, progress: CardProgress): Promise<void>;
}

export interface FetchedMedia {
  bytes: Uint8Array;
  /** What Graph says the file is. */
  mimeType: string;
}

export interface MediaSource {
  /** Graph `GET /{media-id}` then the download; refuses more than `maxBytes` (throws CardUnreadable). */
  fetch(mediaId: string, options: { maxBytes: number; phoneNumberId: string }): Promise<FetchedMedia>;
}

/** Media a channel gives as a link (Wazzup24's contentUri): downloaded as is, without Graph. */
export interface UrlMediaSource {
  /** Refuses more than `maxBytes` and what no retry will fetch (4xx) with CardUnreadable. */
  fetch(url: string, options: { maxBytes: number }): Promise<FetchedMedia>;
}

export interface StoredObject {
  bucket: string;
  key: string;
}

export interface MediaStore {
  /** Where a message's media lives: one object per message id. */
  keyFor(messageId: string): string;
  put(key: string, bytes: Uint8Array, contentType: string): Promise<StoredObject>;
  get(key: string): Promise<Uint8Array>;
  locate(key: string): StoredObject;
}

export interface CardReadRequest {
  mimeType: CardMediaType;
  stored: StoredObject;
  /** The sender's number (E.164 or wa_id digits): the last resort for numbers printed without a country code. */
  senderPhone?: string;
}

/** QR first, OCR otherwise; throws CardUnreadable for what no retry will read (a PDF where only images are read). */
export interface CardImageReader {
  read(bytes: Uint8Array, request: CardReadRequest): Promise<ReadCard>;
}

export interface CardContactWriter {
  findByPhone: ContactStore['findByPhone'];
  findByEmail: ContactStore['findByEmail'];
  upsertCardContact(plan: CardContactPlan): Promise<void>;
}

export interface ReplySink {
  enqueue(job: ReplyJob): Promise<void>;
}

/** A card no retry will read: the customer is told at once. `reason` is for people (logs, the stored record). */
export class CardUnreadable extends Error {
  override readonly name = 'CardUnreadable';
}

/** The job itself is wrong (no such message): retrying cannot help; it goes to the dead-letter queue. */
export class InvalidCardJob extends Error {
  override readonly name = 'InvalidCardJob';
}

/** Cards one customer may have read per hour (Textract is billed per page): `admit` is false over the limit. */
export interface CardQuota {
  readonly limit: number;
  /** Idempotent per message: the same card admitted again is not counted again. `at`: ISO 8601. */
  admit(contactId: string, messageId: string, at: string): Promise<boolean>;
}

export interface CardPipelineDeps {
  progress: CardProgressStore;
  /** Absent: no limit. */
  quota?: CardQuota;
  media: MediaSource;
  /** Card jobs of channel `wazzup24` carry a URL; absent = such jobs cannot be read (InvalidCardJob). */
  urlMedia?: UrlMediaSource;
  store: MediaStore;
  reader: CardImageReader;
  contacts: CardContactWriter & Pick<ContactStore, 'get'>;
  replies: ReplySink;
  metrics?: MetricSink;
  now?: () => Date;
  /** Receives before the queue gives up (its redrive policy): the last one tells the customer. */
  maxAttempts: number;
  /** Seconds before the next attempt, by attempt number (1-based); the last entry repeats. */
  retryDelaysSeconds?: readonly number[];
  /** Reply language when nothing about the customer says (BOT_DEFAULT_LANG). */
  defaultLang?: Lang;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export type CardJobResult =
  | { action: 'done'; outcome: CardContactOutcome | 'unreadable' | 'duplicate' | 'limited'; detail?: string }
  | { action: 'retry'; delaySeconds: number; detail: string }
  /** Out of attempts: the customer was told; report the item failed and let the redrive policy park it. */
  | { action: 'dead_letter'; detail: string };

export const DEFAULT_RETRY_DELAYS_SECONDS = [20, 60] as const;

/** Idempotency keys of the two replies a card can get. */
export const cardReplyKey = (messageId: string) => `card:${messageId}`;
export const cardFailureReplyKey = (messageId: string) => `card-failed:${messageId}`;
export const cardLimitReplyKey = (messageId: string) => `card-limited:${messageId}`;

/** The file type by its first bytes: what was sent matters, not what it claims to be. */
export function sniffMediaType(bytes: Uint8Array): CardMediaType | undefined {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'image/png';
  if (String.fromCharCode(b(0), b(1), b(2), b(3)) === 'RIFF' && String.fromCharCode(b(8), b(9), b(10), b(11)) === 'WEBP') return 'image/webp';
  if (String.fromCharCode(b(0), b(1), b(2), b(3), b(4)) === '%PDF-') return 'application/pdf';
  return undefined;
}

/** The job's media, checked: a Graph media id (Meta) or a URL (Wazzup24). */
function mediaOf(job: CardJob): { id: string } | { url: string } {
  if (job.channel === 'wazzup24') {
    if (!job.media.url) throw new InvalidCardJob(`Wazzup24 card job for ${job.messageId} has no media url`);
    return { url: job.media.url };
  }
  if (!job.media.id) throw new InvalidCardJob(`card job for ${job.messageId} has no media id`);
  return { id: job.media.id };
}

export function decodeCardJob(body: string): CardJob {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidCardJob('the body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidCardJob('the body must be a JSON object');
  const o = parsed as Record<string, unknown>;
  if (o['kind'] !== 'card') throw new InvalidCardJob(`kind must be "card", got ${JSON.stringify(o['kind'])}`);
  const str = (k: string) => {
    const v = o[k];
    if (typeof v !== 'string' || !v.trim()) throw new InvalidCardJob(`${k} must be a non-empty string`);
    return v;
  };
  const media = o['media'];
  if (typeof media !== 'object' || media === null || Array.isArray(media)) throw new InvalidCardJob('media must be an object');
  const m = media as Record<string, unknown>;
  const channel = o['channel'];
  if (channel !== undefined && channel !== 'meta' && channel !== 'wazzup24') throw new InvalidCardJob(`channel must be "meta" or "wazzup24", got ${JSON.stringify(channel)}`);
  if (channel === 'wazzup24') {
    if (typeof m['url'] !== 'string' || !/^https?:\/\//.test(m['url'])) throw new InvalidCardJob('media.url must be an http(s) URL for a Wazzup24 card job');
  } else if (typeof m['id'] !== 'string' || !m['id']) throw new InvalidCardJob('media.id must be a non-empty string');
  const job: CardJob = {
    kind: 'card',
    messageId: str('messageId'),
    contactId: str('contactId'),
    phoneNumberId: str('phoneNumberId'),
    type: str('type'),
    media: media as MediaRef,
  };
  if (channel === 'wazzup24') job.channel = 'wazzup24';
  return job;
}

/**
 * A card becomes a contact only with a way to reach the person: a phone or an e-mail. A name alone is what OCR
 * makes of any text on a photo (a poster, a receipt), and it gives dedupe nothing to match on; the customer is
 * asked for a sharper photo instead.
 */
export function isUsableCard(card: Card): boolean {
  return hasContactData(card) && (card.phones.length > 0 || card.emails.length > 0);
}

function summaryOf(card: ReadCard): Parameters<typeof cardReadText>[1] {
  const phones = card.phones.map((p: CardPhone) => ({ number: p.number, type: p.type, ...(p.ext ? { ext: p.ext } : {}) }));
  return {
    phones,
    emails: card.emails,
    websites: card.websites,
    ...(card.name ? { name: card.name } : {}),
    ...(card.title ? { title: card.title } : {}),
    ...(card.company ? { company: card.company } : {}),
    ...(card.department ? { department: card.department } : {}),
    ...(card.address ? { address: card.address } : {}),
  };
}

export async function processCardJob(job: CardJob, attempt: number, deps: CardPipelineDeps): Promise<CardJobResult> {
  const now = () => (deps.now?.() ?? new Date()).toISOString();
  const message = await deps.progress.load(job.messageId);
  if (!message) throw new InvalidCardJob(`message ${job.messageId} is not stored`);
  const state: CardState = message.state ?? { stage: 'received' };
  if (state.stage === 'replied' || state.stage === 'failed') {
    return { action: 'done', outcome: 'duplicate', detail: `already ${state.stage}` };
  }

  const customer = await deps.contacts.get(job.contactId);
  const lang = languageFor(customer, message, deps.defaultLang);
  const record = (progress: Omit<CardProgress, 'at'>) => deps.progress.record(job.messageId, { ...progress, at: now() });

  try {
    // Counted before anything is downloaded or read; a retry past the download was counted already.
    if (deps.quota && RANK[state.stage] < RANK.media_stored && !(await deps.quota.admit(job.contactId, job.messageId, now()))) {
      return await refuseOverLimit(job, lang, deps.quota.limit, deps, record, now);
    }
    // `/status` shows the card as being read from the first attempt on.
    if (!message.state) await record({ stage: 'received', status: 'processing' });
    return await advance(job, message, state, customer, lang, deps, record, now);
  } catch (error) {
    if (error instanceof InvalidCardJob) throw error;
    if (error instanceof CardUnreadable) {
      await tellUnreadable(job, lang, deps);
      await record({ stage: 'failed', status: 'unreadable', failure: { reason: error.message, at: now(), final: true } });
      deps.metrics?.emit('CardResults', 1, { result: 'failed' });
      return { action: 'done', outcome: 'unreadable', detail: error.message };
    }
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (attempt < deps.maxAttempts) {
      const delays = deps.retryDelaysSeconds ?? DEFAULT_RETRY_DELAYS_SECONDS;
      const delaySeconds = delays[Math.min(attempt, delays.length) - 1] ?? 0;
      return { action: 'retry', delaySeconds, detail };
    }
    // The last attempt: the customer hears about it now, not never. The stage reached stays as it is.
    const latest = (await deps.progress.load(job.messageId))?.state ?? state;
    await tellUnreadable(job, lang, deps);
    await record({
      stage: latest.stage,
      status: 'unreadable',
      failure: { reason: detail, at: now(), final: false },
      ...(latest.card?.name ? { name: latest.card.name } : {}),
    });
    deps.metrics?.emit('CardResults', 1, { result: 'failed' });
    return { action: 'dead_letter', detail: `attempt ${attempt} of ${deps.maxAttempts}: ${detail}` };
  }
}

async function advance(
  job: CardJob,
  message: CardMessage,
  state: CardState,
  customer: ContactRecord | undefined,
  lang: Lang,
  deps: CardPipelineDeps,
  record: (progress: Omit<CardProgress, 'at'>) => Promise<void>,
  now: () => string,
): Promise<CardJobResult> {
  let { mediaKey, mimeType, card, contactId, outcome } = state;
  let bytes: Uint8Array | undefined;

  if (RANK[state.stage] < RANK.media_stored || !mediaKey || !mimeType) {
    const media = mediaOf(job);
    const maxBytes = job.type === 'image' ? MAX_IMAGE_BYTES : MAX_DOCUMENT_BYTES;
    let fetched: FetchedMedia;
    if ('url' in media) {
      if (!deps.urlMedia) throw new InvalidCardJob(`card job for ${job.messageId} has a media URL, and this worker has no URL downloader`);
      fetched = await deps.urlMedia.fetch(media.url, { maxBytes });
    } else {
      fetched = await deps.media.fetch(media.id, { maxBytes, phoneNumberId: job.phoneNumberId });
    }
    const sniffed = sniffMediaType(fetched.bytes);
    if (!sniffed) {
      throw new CardUnreadable(`the file is not a JPEG, PNG, WebP image or a PDF (Graph says ${fetched.mimeType}, ${fetched.bytes.byteLength} bytes)`);
    }
    bytes = fetched.bytes;
    mimeType = sniffed;
    mediaKey = deps.store.keyFor(job.messageId);
    await deps.store.put(mediaKey, bytes, mimeType);
    await record({ stage: 'media_stored', status: 'processing', mediaKey, mimeType });
  }

  if (RANK[state.stage] < RANK.read || !card) {
    bytes ??= await deps.store.get(mediaKey);
    const senderPhone = customer?.waId ?? customer?.phones[0];
    card = await deps.reader.read(bytes, {
      mimeType,
      stored: deps.store.locate(mediaKey),
      ...(senderPhone ? { senderPhone } : {}),
    });
    if (!isUsableCard(card)) {
      throw new CardUnreadable(`no phone number or e-mail address read on the card (read by ${card.source}${card.name ? `; name "${card.name}"` : ''})`);
    }
    await record({ stage: 'read', status: 'processing', card, ...(card.name ? { name: card.name } : {}) });
  }

  if (RANK[state.stage] < RANK.contact_upserted || !contactId || !outcome) {
    const fields = cardContactFields(card);
    const keys = dedupeKeys(fields);
    const found = await Promise.all([...keys.phones.map((p) => deps.contacts.findByPhone(p)), ...keys.emails.map((e) => deps.contacts.findByEmail(e))]);
    const plan = planCardContact(fields, found.flat(), { contactId: job.contactId, messageId: job.messageId, at: now() });
    if (plan.otherMatches.length) {
      deps.log?.('card matches several contacts: merged into the oldest', { messageId: job.messageId, contactId: plan.contactId, others: plan.otherMatches });
    }
    await deps.contacts.upsertCardContact(plan);
    contactId = plan.contactId;
    outcome = plan.outcome;
    await record({ stage: 'contact_upserted', status: outcome, contactId, outcome, ...(card.name ? { name: card.name } : {}) });
  }

  await deps.replies.enqueue({
    kind: 'reply',
    contactId: job.contactId,
    phoneNumberId: job.phoneNumberId,
    message: { kind: 'text', text: cardReadText(lang, summaryOf(card), { outcome }) },
    replyTo: job.messageId,
    idempotencyKey: cardReplyKey(job.messageId),
  });
  await record({ stage: 'replied', status: outcome, ...(card.name ? { name: card.name } : {}) });

  deps.metrics?.emit('CardResults', 1, { result: card.source === 'qr' ? 'qr' : 'ocr' });
  const sentAt = Date.parse(message.timestamp);
  if (Number.isFinite(sentAt)) deps.metrics?.emit('CardEndToEndTime', Math.max(0, Date.parse(now()) - sentAt));
  return { action: 'done', outcome, detail: `contact ${contactId}` };
}

async function refuseOverLimit(
  job: CardJob,
  lang: Lang,
  limit: number,
  deps: CardPipelineDeps,
  record: (progress: Omit<CardProgress, 'at'>) => Promise<void>,
  now: () => string,
): Promise<CardJobResult> {
  const reason = `over the limit of ${limit} cards an hour from this customer`;
  await deps.replies.enqueue({
    kind: 'reply',
    contactId: job.contactId,
    phoneNumberId: job.phoneNumberId,
    message: { kind: 'text', text: cardLimitText(lang, limit) },
    replyTo: job.messageId,
    idempotencyKey: cardLimitReplyKey(job.messageId),
  });
  await record({ stage: 'failed', status: 'limited', failure: { reason, at: now(), final: true } });
  deps.log?.('card refused: customer over the hourly limit', { messageId: job.messageId, contactId: job.contactId, limit });
  return { action: 'done', outcome: 'limited', detail: reason };
}

async function tellUnreadable(job: CardJob, lang: Lang, deps: CardPipelineDeps): Promise<void> {
  await deps.replies.enqueue({
    kind: 'reply',
    contactId: job.contactId,
    phoneNumberId: job.phoneNumberId,
    message: { kind: 'text', text: cardUnreadableText(lang) },
    replyTo: job.messageId,
    idempotencyKey: cardFailureReplyKey(job.messageId),
  });
}

/** The customer's language: their `/lang` choice, the caption, their profile name, their number. */
export function languageFor(customer: ContactRecord | undefined, message: Pick<CardMessage, 'text'>, defaultLang: Lang = 'en'): Lang {
  return guessLanguage({
    ...(customer?.lang ? { override: customer.lang } : {}),
    ...(message.text ? { text: message.text } : {}),
    ...(customer?.name ? { profileName: customer.name } : {}),
    ...(customer?.waId ? { phone: customer.waId } : {}),
    ...(customer?.userId ? { userId: customer.userId } : {}),
    defaultLang,
  }).lang;
}
