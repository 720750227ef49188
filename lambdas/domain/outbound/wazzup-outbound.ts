// What we send through Wazzup24, validated, as the body of `POST /v3/message`, and the webhook subscription
// body of `PATCH /v3/webhooks`. Shapes: ../shared/reference/wazzup24-api-facts.md §1.2 and §1.4.
// `crmMessageId` is always our own message id: Wazzup refuses a second send with the same one, so a retried
// job never reaches the customer twice.
import type { OutboundMessage } from './outbound-message.js';

export interface WazzupTarget {
  /** Channel uuid from `GET /v3/channels` (the `phoneNumberId` of a Wazzup message in our model). */
  channelId: string;
  chatType: string;
  chatId: string;
}

export interface WazzupSendBody extends WazzupTarget {
  text?: string;
  contentUri?: string;
  crmMessageId: string;
  refMessageId?: string;
  /** `false` keeps the chat "unanswered" in the Wazzup UI: right for automated replies. */
  clearUnanswered?: boolean;
}

export interface WazzupSendInput extends WazzupTarget {
  text?: string;
  contentUri?: string;
  crmMessageId: string;
  refMessageId?: string;
  clearUnanswered?: boolean;
}

export class WazzupOutboundError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'WazzupOutboundError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** §1.2: `chatType` values (the Russian page lists all of them). */
export const WAZZUP_CHAT_TYPES = ['whatsapp', 'whatsgroup', 'viber', 'instagram', 'telegram', 'telegroup', 'vk', 'avito', 'max', 'maxgroup'] as const;
const DIGITS_ONLY = new Set(['whatsapp', 'viber']);

/**
 * Text limits per chat type (§1.2, EN page). WABA's 4096 cannot be told from `chatType` alone (a WABA chat is
 * `whatsapp` too), so WhatsApp gets the larger limit here and Wazzup's TOO_LONG_TEXT covers the rest.
 */
const TEXT_LIMIT: Readonly<Record<string, number>> = { whatsapp: 10_000, instagram: 1_000, telegram: 4_096, telegroup: 4_096 };
const DEFAULT_TEXT_LIMIT = 10_000;
/** crmMessageId has no documented limit; ours are short ids, so anything huge is a bug upstream. */
const MAX_CRM_ID = 200;

/** Validates and builds one `POST /v3/message` body. Throws WazzupOutboundError naming the bad field. */
export function toWazzupSendBody(input: WazzupSendInput): WazzupSendBody {
  const channelId = input.channelId?.trim();
  if (!channelId || !UUID.test(channelId)) throw new WazzupOutboundError('channelId', 'must be the channel uuid from GET /v3/channels');
  const chatType = input.chatType?.trim().toLowerCase();
  if (!chatType || !/^[a-z][a-z0-9_]*$/.test(chatType)) throw new WazzupOutboundError('chatType', `must be one of ${WAZZUP_CHAT_TYPES.join(', ')}`);
  let chatId = input.chatId?.trim();
  if (!chatId) throw new WazzupOutboundError('chatId', 'is required');
  if (DIGITS_ONLY.has(chatType)) {
    chatId = chatId.replace(/^\+/, '');
    if (!/^\d{5,15}$/.test(chatId)) throw new WazzupOutboundError('chatId', `must be the phone digits only for ${chatType} (e.g. 79011112233)`);
  }
  const crmMessageId = input.crmMessageId?.trim();
  if (!crmMessageId) throw new WazzupOutboundError('crmMessageId', 'is required: it makes the send idempotent');
  if (crmMessageId.length > MAX_CRM_ID) throw new WazzupOutboundError('crmMessageId', `must be at most ${MAX_CRM_ID} characters`);
  const hasText = typeof input.text === 'string' && input.text.length > 0;
  const hasContent = typeof input.contentUri === 'string' && input.contentUri.length > 0;
  if (hasText === hasContent) throw new WazzupOutboundError(hasText ? 'contentUri' : 'text', 'exactly one of text and contentUri is required (Wazzup does not take both)');
  const body: WazzupSendBody = { channelId, chatType, chatId, crmMessageId };
  if (hasText) {
    const limit = (Object.hasOwn(TEXT_LIMIT, chatType) ? TEXT_LIMIT[chatType] : undefined) ?? DEFAULT_TEXT_LIMIT;
    if ([...input.text!].length > limit) throw new WazzupOutboundError('text', `is longer than ${limit} characters, the ${chatType} limit`);
    body.text = input.text!;
  } else {
    let url: URL;
    try {
      url = new URL(input.contentUri!);
    } catch {
      throw new WazzupOutboundError('contentUri', 'must be an absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WazzupOutboundError('contentUri', 'must be an http(s) URL Wazzup can download');
    body.contentUri = input.contentUri!;
  }
  if (input.refMessageId) body.refMessageId = input.refMessageId;
  if (input.clearUnanswered !== undefined) body.clearUnanswered = input.clearUnanswered;
  return body;
}

/**
 * The Wazzup sends for one of our outbound messages: text -> one text send; media by link -> one contentUri
 * send, and a caption (Wazzup takes text or a file, never both) as a second text send whose crmMessageId is
 * `<id>.caption`. Templates, interactive messages, reactions and media by Meta media id have no Wazzup
 * equivalent here and are refused, never silently dropped.
 */
export function toWazzupSendBodies(message: OutboundMessage, target: WazzupTarget, crmMessageId: string, opts: { clearUnanswered?: boolean } = {}): WazzupSendBody[] {
  const base: WazzupSendInput = { ...target, crmMessageId };
  if (message.replyTo) base.refMessageId = message.replyTo;
  if (opts.clearUnanswered !== undefined) base.clearUnanswered = opts.clearUnanswered;
  switch (message.kind) {
    case 'text':
      return [toWazzupSendBody({ ...base, text: message.text })];
    case 'image':
    case 'document':
    case 'audio':
    case 'video':
    case 'sticker': {
      if (!message.media.link) throw new WazzupOutboundError(`${message.kind}.link`, 'Wazzup sends files by public URL only (no uploaded media id)');
      const out = [toWazzupSendBody({ ...base, contentUri: message.media.link })];
      if (message.media.caption) {
        const caption: WazzupSendInput = { ...target, crmMessageId: `${crmMessageId}.caption`, text: message.media.caption };
        if (opts.clearUnanswered !== undefined) caption.clearUnanswered = opts.clearUnanswered;
        out.push(toWazzupSendBody(caption));
      }
      return out;
    }
    default:
      throw new WazzupOutboundError('kind', `${message.kind} messages cannot be sent through Wazzup24 (text and media by link only)`);
  }
}

export interface WazzupSubscriptions {
  messagesAndStatuses: boolean;
  contactsAndDealsCreation: boolean;
  channelsUpdates: boolean;
  templateStatus: boolean;
}

/** What this system needs: messages and statuses, and channel state changes for the channel alarm. */
export const DEFAULT_SUBSCRIPTIONS: WazzupSubscriptions = {
  messagesAndStatuses: true,
  contactsAndDealsCreation: false,
  channelsUpdates: true,
  templateStatus: false,
};

/** §1.4: `webhooksUri` is at most 200 characters and may carry a query string. */
export const MAX_WEBHOOK_URI = 200;

export function toWebhookRegistrationBody(webhooksUri: string, subscriptions: Partial<WazzupSubscriptions> = {}): { webhooksUri: string; subscriptions: WazzupSubscriptions } {
  let url: URL;
  try {
    url = new URL(webhooksUri);
  } catch {
    throw new WazzupOutboundError('webhooksUri', 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WazzupOutboundError('webhooksUri', 'must be an http(s) URL');
  if (webhooksUri.length > MAX_WEBHOOK_URI) throw new WazzupOutboundError('webhooksUri', `is ${webhooksUri.length} characters; Wazzup takes at most ${MAX_WEBHOOK_URI}`);
  return { webhooksUri, subscriptions: { ...DEFAULT_SUBSCRIPTIONS, ...subscriptions } };
}
