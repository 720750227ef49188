// What a status entry keeps of Meta's status object. Meta echoes `biz_opaque_callback_data` (up to 512
// characters documented, but nothing enforces it on a replayed or hand-built delivery) on every status of a
// message: stored as is, a few statuses would fill the message item. We sent that data ourselves, so a hash
// (to match it) and a prefix (to read it) are enough; the rest of the object is cut to a small bound.
import { createHash } from 'node:crypto';
import type { AccountEvent, StatusUpdate } from '../shared/model.js';

const CALLBACK_FIELD = 'biz_opaque_callback_data';
export const CALLBACK_PREFIX_CHARS = 64;
/** Bytes of raw JSON one status entry keeps (Meta's status objects are about 500 bytes with pricing). */
export const STATUS_RAW_BYTES = 2 * 1024;

export interface CallbackDigest {
  sha256: string;
  prefix: string;
  bytes: number;
}

export function callbackDigest(value: string): CallbackDigest {
  return { sha256: createHash('sha256').update(value).digest('hex'), prefix: value.slice(0, CALLBACK_PREFIX_CHARS), bytes: Buffer.byteLength(value) };
}

/** Meta's status object with the callback data replaced by its digest. */
export function storableStatusRaw(raw: StatusUpdate['raw']): Record<string, unknown> {
  const value = raw[CALLBACK_FIELD];
  if (typeof value !== 'string' || value.length <= CALLBACK_PREFIX_CHARS) return raw;
  return { ...raw, [CALLBACK_FIELD]: callbackDigest(value) };
}

/** A stored raw JSON string within `limit` bytes: an older, larger entry is cut (and still parses as a prefix). */
export function boundRawString(raw: string, limit = STATUS_RAW_BYTES): string {
  if (Buffer.byteLength(raw, 'utf8') <= limit) return raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const again = JSON.stringify(storableStatusRaw(parsed as Record<string, unknown>));
      if (Buffer.byteLength(again, 'utf8') <= limit) return again;
    }
  } catch {
    // Already a cut prefix: cut further below.
  }
  return Buffer.from(raw, 'utf8').subarray(0, limit).toString('utf8').replace(/\uFFFD+$/, '');
}

/** Field of the event a status the store refused is kept as (messages table, `event#<key>`, 90 days). */
export const UNSTORED_STATUS_FIELD = 'statuses.unstored';

/**
 * A status the message store refused for good, as an account event: parked where an operator finds it (with the
 * reason), stable across redeliveries so a resent status is parked once.
 */
export function unstoredStatusEvent(update: StatusUpdate, reason: string): AccountEvent {
  const dedupeKey = createHash('sha256')
    .update(JSON.stringify([UNSTORED_STATUS_FIELD, update.channel, update.messageId, update.status, update.timestamp]))
    .digest('hex');
  const event: AccountEvent = {
    kind: 'event',
    channel: update.channel,
    field: UNSTORED_STATUS_FIELD,
    dedupeKey,
    phoneNumberId: update.phoneNumberId,
    timestamp: update.timestamp,
    raw: { messageId: update.messageId, status: storableStatusRaw(update.raw), reason: reason.slice(0, 500) },
  };
  if (update.accountId) event.accountId = update.accountId;
  return event;
}
