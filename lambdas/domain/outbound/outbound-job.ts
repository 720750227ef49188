// The jobs the outbound queue carries, and their JSON wire form. Pure.
//
// Three kinds arrive at the sender Lambda:
// - `command`: the webhook's WorkJob for a bot command (`/start`, `/помощь` …). The bot decides the reply.
// - `ack`: the webhook's WorkJob acknowledging a card photo at once ("✅ Business card received!"), in the
//   customer's language, quoting the photo; one per message id (key `ack:<wamid>`).
// - `reply`: a ready message for a contact, from any producer (the card worker's summary, a future
//   broadcaster). Producers build it with `replyJob(...)`:
//
//     { "kind": "reply", "contactId": "KG.777", "phoneNumberId": "1065…", "idempotencyKey": "card:wamid.X",
//       "message": { "to": "+996555123456", "kind": "text", "text": "…" }, "replyTo": "wamid.X" }
//
//   `message` is an OutboundMessage (outbound-message.ts); `to` may be omitted, the sender then addresses the
//   contact (phone when known, else BSUID). `idempotencyKey` must be stable across redeliveries of the same
//   logical send (derive it from the message that caused it): an SQS redelivery after a successful Graph call
//   then finds the key recorded and does not send twice.
import { acknowledge, replyToCommand, type BotDeps } from '../bot/bot.js';
import type { AckJob, CommandJob, ContactStore } from '../shared/ports.js';
import { parseOutboundMessage, toRequestShape, type OutboundMessage } from './outbound-message.js';
import { decideRetry, type RetryPolicyOptions } from './retry-policy.js';
import { providerErrorOf, recipientOf, type Sender } from './sender.js';

/** `message` without `to` is addressed to the contact. */
export type ReplyMessage = OutboundMessage | (Omit<OutboundMessage, 'to'> & { to?: undefined });

export interface ReplyJob {
  kind: 'reply';
  contactId: string;
  /** The business number to send from (the one the customer wrote to). */
  phoneNumberId: string;
  message: ReplyMessage;
  /** Quote this inbound message (`context.message_id`). */
  replyTo?: string;
  idempotencyKey: string;
}

export type OutboundJob = CommandJob | AckJob | ReplyJob;

/** Longest key accepted: keys become part of a DynamoDB key and of a synthetic message id. */
export const MAX_IDEMPOTENCY_KEY = 200;

export class InvalidJob extends Error {
  override readonly name = 'InvalidJob';
}

export function replyJob(job: Omit<ReplyJob, 'kind'>): ReplyJob {
  return { kind: 'reply', ...job };
}

/** Idempotency key of the reply to a command: one reply per command message, however often it is delivered. */
export function commandKey(job: CommandJob): string {
  return `cmd:${job.messageId}`;
}

export function jobKey(job: OutboundJob): string {
  if (job.kind === 'command') return commandKey(job);
  if (job.kind === 'ack') return `ack:${job.messageId}`;
  return job.idempotencyKey;
}

export function encodeJob(job: OutboundJob): string {
  return JSON.stringify(job);
}

function nonEmpty(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidJob(`${key} must be a non-empty string`);
  return v;
}

/** Parses a queue body; throws InvalidJob (never retried: the body will not get better) naming what is wrong. */
export function decodeJob(body: string): OutboundJob {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidJob('the body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidJob('the body must be a JSON object');
  const o = parsed as Record<string, unknown>;
  if (o['kind'] === 'command') {
    const args = o['args'] ?? '';
    if (typeof args !== 'string') throw new InvalidJob('args must be a string');
    return {
      kind: 'command',
      command: nonEmpty(o, 'command'),
      args,
      messageId: nonEmpty(o, 'messageId'),
      contactId: nonEmpty(o, 'contactId'),
      phoneNumberId: nonEmpty(o, 'phoneNumberId'),
    };
  }
  if (o['kind'] === 'ack') {
    if (o['what'] !== 'card') throw new InvalidJob(`what must be "card", got ${JSON.stringify(o['what'])}`);
    return {
      kind: 'ack',
      what: 'card',
      messageId: nonEmpty(o, 'messageId'),
      contactId: nonEmpty(o, 'contactId'),
      phoneNumberId: nonEmpty(o, 'phoneNumberId'),
    };
  }
  if (o['kind'] === 'reply') {
    const idempotencyKey = nonEmpty(o, 'idempotencyKey');
    if (idempotencyKey.length > MAX_IDEMPOTENCY_KEY) throw new InvalidJob(`idempotencyKey must be at most ${MAX_IDEMPOTENCY_KEY} characters`);
    const message = o['message'];
    if (typeof message !== 'object' || message === null) throw new InvalidJob('message must be an object');
    const replyTo = o['replyTo'];
    if (replyTo !== undefined && (typeof replyTo !== 'string' || replyTo === '')) throw new InvalidJob('replyTo must be a non-empty string');
    const job: ReplyJob = {
      kind: 'reply',
      contactId: nonEmpty(o, 'contactId'),
      phoneNumberId: nonEmpty(o, 'phoneNumberId'),
      message: message as ReplyMessage,
      idempotencyKey,
    };
    if (replyTo !== undefined) job.replyTo = replyTo as string;
    return job;
  }
  throw new InvalidJob(`kind must be "command", "ack" or "reply", got ${JSON.stringify(o['kind'])}`);
}

/** The job's message addressed to `to`, validated; throws InvalidJob naming the bad field. */
export function addressReply(message: ReplyMessage, to: string, replyTo?: string, opts: { wazzupChat?: boolean } = {}): OutboundMessage {
  const shaped = toRequestShape({ ...message, to: message.to ?? to } as OutboundMessage);
  if (replyTo !== undefined && shaped['replyTo'] === undefined && message.kind !== 'reaction') shaped['replyTo'] = replyTo;
  const checked = parseOutboundMessage(shaped, opts.wazzupChat ? { wazzupChat: true } : {});
  if (!checked.ok) throw new InvalidJob(`message.${checked.error.field}: ${checked.error.message}`);
  return checked.message;
}

// ---------------------------------------------------------------------------------------------------------
// Handling one job (the sender Lambda's use case)

export interface JobDeps {
  sender: Sender;
  contacts: Pick<ContactStore, 'get'>;
  bot: BotDeps;
  /** Marks the command message as read (blue ticks) once answered; failures are only logged. */
  markRead?: (phoneNumberId: string, messageId: string) => Promise<unknown>;
  retry?: RetryPolicyOptions;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export type JobResult =
  | { action: 'done'; outcome: 'sent' | 'duplicate' | 'failed'; wamid?: string; detail?: string }
  /** Report the item failed with the queue message hidden for `delaySeconds` (SQS does the waiting). */
  | { action: 'retry'; delaySeconds: number; detail: string; cause: 'graph' | 'busy' }
  /** Out of attempts: report it failed and make it visible at once, so SQS moves it to the DLQ at its next receive. */
  | { action: 'dead_letter'; detail: string };

/** In-flight claim held by another delivery of the same job: look again after this many seconds. */
export const BUSY_RETRY_SECONDS = 15;

export async function handleOutboundJob(job: OutboundJob, attempt: number, deps: JobDeps): Promise<JobResult> {
  const contact = await deps.contacts.get(job.contactId);
  if (!contact) throw new InvalidJob(`contact ${job.contactId} does not exist`);
  const to = recipientOf(contact);
  if (!to) throw new InvalidJob(`contact ${job.contactId} has neither a phone, a BSUID nor a Wazzup24 chat to send to`);

  // A Wazzup24 contact may live in a messenger without phone numbers (Telegram, Instagram, VK, Avito): its `to`
  // is then its chat key (telegram.123456789), and the Wazzup channel addresses the chat by chatType + chatId.
  const opts = { wazzupChat: contact.channel === 'wazzup24' };
  let message: OutboundMessage;
  if (job.kind === 'command') {
    const reply = await replyToCommand(job, contact, deps.bot);
    message = addressReply({ kind: 'text', text: reply.text }, to, job.messageId, opts);
  } else if (job.kind === 'ack') {
    const ack = await acknowledge(job, contact, deps.bot);
    message = addressReply({ kind: 'text', text: ack.text }, to, job.messageId, opts);
  } else {
    message = addressReply(job.message, to, job.replyTo, opts);
  }
  const request = { message, phoneNumberId: job.phoneNumberId, contactId: contact.id, idempotencyKey: `job:${jobKey(job)}` };
  const { outcome, replayed } = await deps.sender.send(request);

  if (outcome.ok) {
    // The customer's message (a command, a card photo) gets its blue ticks once it is answered.
    if (job.kind !== 'reply' && deps.markRead && !replayed) {
      await deps.markRead(job.phoneNumberId, job.messageId).catch((error: unknown) =>
        deps.log?.('could not mark the command message as read', { messageId: job.messageId, error: String(error) }),
      );
    }
    return { action: 'done', outcome: replayed ? 'duplicate' : 'sent', wamid: outcome.wamid };
  }
  switch (outcome.kind) {
    case 'in_progress':
      return { action: 'retry', delaySeconds: BUSY_RETRY_SECONDS, detail: 'another delivery of this job is sending it', cause: 'busy' };
    case 'key_reused':
      // Another job already used this key: by the key's contract it is the same send, so it is done.
      return { action: 'done', outcome: 'duplicate', detail: 'idempotency key already used for a different message' };
    case 'window_closed':
      if (!replayed) {
        await deps.sender.recordFailure(request, [{ code: 'window_closed', title: 'Customer service window closed', message: outcome.hint }]);
      }
      return { action: 'done', outcome: 'failed', detail: outcome.hint };
    case 'graph': {
      const error = outcome.error;
      if (replayed) return { action: 'done', outcome: 'failed', detail: `${error.code}: ${error.message}` };
      // The Graph client already refreshed the token once on 190: another 190 means the new token is bad too.
      const decision = decideRetry(
        { attempt, retryClass: error.retryClass, ...(error.code === 190 ? { previousRetryClass: 'token' as const } : {}) },
        deps.retry,
      );
      const detail = `Graph error ${error.code}${error.subcode !== undefined ? `/${error.subcode}` : ''}: ${error.message}`;
      if (decision.action === 'retry') return { action: 'retry', delaySeconds: decision.delaySeconds, detail, cause: 'graph' };
      await deps.sender.recordFailure(request, [providerErrorOf(error)], { retriesExhausted: error.retryable });
      if (decision.reason === 'attempts_exhausted') return { action: 'dead_letter', detail: `${detail}; ${decision.detail}` };
      return { action: 'done', outcome: 'failed', detail: `${detail}; ${decision.detail}` };
    }
  }
}
