// Wazzup24 webhook deliveries as the v3 API sends them (../shared/reference/wazzup24-api-facts.md §1.5-§1.7),
// for the Wazzup sandbox, `wa simulate` and tests. Wazzup signs nothing: a delivery is plain JSON, with
// `Authorization: Bearer <crmKey>` only when the account has a crmKey (§1.6).
import { randomUUID } from 'node:crypto';

export type WazzupMessageType =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'vcard'
  | 'geo'
  | 'wapi_template'
  | 'unsupported'
  | 'missing_call'
  | (string & {});

export interface WazzupMessageOptions {
  channelId: string;
  /** Default `whatsapp`. */
  chatType?: string;
  /** Phone digits for WhatsApp. */
  chatId: string;
  /** Default `text`, or `image` when only contentUri is given. */
  type?: WazzupMessageType;
  text?: string;
  contentUri?: string;
  messageId?: string;
  dateTime?: Date;
  /** True = sent by the business (Wazzup UI, phone or API); default false (incoming). */
  isEcho?: boolean;
  /** Default `inbound` for incoming, `sent` for echoes. */
  status?: string;
  contact?: { name?: string; avatarUri?: string; username?: string; phone?: string };
  authorName?: string;
  authorId?: string;
  quotedMessageId?: string;
}

export interface WazzupStatusOptions {
  messageId: string;
  /** `sent`, `delivered`, `read`, `error`, `edited`. */
  status: string;
  timestamp?: Date;
  /** For `error`: `{ error: 'BAD_CONTACT', description }`. */
  error?: { error: string; description?: string; data?: unknown };
}

export interface WazzupDelivery {
  messages?: Record<string, unknown>[];
  statuses?: Record<string, unknown>[];
  channelsUpdates?: Record<string, unknown>[];
}

/** The body Wazzup POSTs to a webhook address when it is registered (§1.4). */
export const WAZZUP_TEST_REQUEST = Object.freeze({ test: true as const });

export function newWazzupMessageId(): string {
  return randomUUID();
}

/** §1.7 documents `dateTime` as `yyyy-mm-ddThh:mm:ss.ms`: UTC, without a zone suffix. */
export function wazzupDateTime(d: Date = new Date()): string {
  return d.toISOString().slice(0, 23);
}

export function wazzupMessage(o: WazzupMessageOptions): Record<string, unknown> {
  const isEcho = o.isEcho ?? false;
  const type = o.type ?? (o.contentUri && o.text === undefined ? 'image' : 'text');
  const m: Record<string, unknown> = {
    messageId: o.messageId ?? newWazzupMessageId(),
    dateTime: wazzupDateTime(o.dateTime),
    channelId: o.channelId,
    chatType: o.chatType ?? 'whatsapp',
    chatId: o.chatId,
    type,
    isEcho,
    status: o.status ?? (isEcho ? 'sent' : 'inbound'),
  };
  if (o.text !== undefined) m['text'] = o.text;
  if (o.contentUri !== undefined) m['contentUri'] = o.contentUri;
  if (o.contact) m['contact'] = { ...o.contact };
  if (o.authorName !== undefined) m['authorName'] = o.authorName;
  if (o.authorId !== undefined) m['authorId'] = o.authorId;
  if (o.quotedMessageId !== undefined) m['quotedMessage'] = { messageId: o.quotedMessageId };
  return m;
}

export function wazzupStatus(o: WazzupStatusOptions): Record<string, unknown> {
  const s: Record<string, unknown> = { messageId: o.messageId, timestamp: wazzupDateTime(o.timestamp), status: o.status };
  if (o.error) s['error'] = { ...o.error };
  return s;
}

export function wazzupChannelsUpdate(channel: { channelId: string; state: string; transport?: string; plainId?: string }): Record<string, unknown> {
  return { ...channel };
}

/** One POST body; `messages` and `statuses` may travel together (§1.5). */
export function wazzupDelivery(parts: WazzupDelivery): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (parts.messages?.length) body['messages'] = parts.messages;
  if (parts.statuses?.length) body['statuses'] = parts.statuses;
  if (parts.channelsUpdates?.length) body['channelsUpdates'] = parts.channelsUpdates;
  if (Object.keys(body).length === 0) throw new Error('a Wazzup delivery needs at least one message, status or channel update');
  return body;
}

/** Headers of a delivery POST: the JSON content type Wazzup sends and the crmKey bearer when there is one. */
export function wazzupDeliveryHeaders(crmKey?: string): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    ...(crmKey ? { authorization: `Bearer ${crmKey}` } : {}),
  };
}
