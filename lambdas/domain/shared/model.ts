// The normalised model every channel (Meta Cloud API, later Wazzup24) is parsed into.
// Pure types: no AWS, no HTTP. Provider fields we do not model are kept in `raw`, never dropped.

export type Channel = 'meta' | 'wazzup24';
export type Direction = 'in' | 'out';

/** Meta's status strings, kept open: Meta adds values without notice. `accepted` is ours (Graph said 200). */
export type StatusName = 'accepted' | 'sent' | 'delivered' | 'read' | 'played' | 'failed' | (string & {});

export interface ProviderError {
  code: number | string;
  title?: string;
  message?: string;
  details?: string;
  href?: string;
}

/** Who a message came from or went to. BSUID (`userId`) first; the phone (`waId`) may be withheld. */
export interface ProviderUser {
  userId?: string;
  parentUserId?: string;
  waId?: string;
  name?: string;
  username?: string;
  /** Wazzup24: the chat's messenger (`whatsapp`, `telegram`, …); with `chatId` it names the contact (see wazzupContactKey). */
  chatType?: string;
  /** Wazzup24: the chat id (digits of the phone for `whatsapp`/`viber`). */
  chatId?: string;
}

export interface MediaRef {
  id?: string;
  url?: string;
  mimeType?: string;
  sha256?: string;
  filename?: string;
  caption?: string;
  voice?: boolean;
  animated?: boolean;
}

export interface InboundMessage {
  kind: 'message';
  channel: Channel;
  /** Provider message id (`wamid.…` for Meta). */
  id: string;
  /** The business number that received it (`metadata.phone_number_id`). */
  phoneNumberId: string;
  displayPhoneNumber?: string;
  /** `entry[].id`: the WABA id. */
  accountId?: string;
  from: ProviderUser;
  /** ISO 8601. */
  timestamp: string;
  /** Meta's message type string exactly as sent (`text`, `image`, `reaction`, `interactive`, `unsupported`, …). */
  type: string;
  /** Human-readable text: body, caption, button or list title, reaction emoji, order text, system body. */
  text?: string;
  media?: MediaRef;
  /** Reply / forward / reaction / edit / revoke target. */
  context?: { messageId?: string; from?: string; forwarded?: boolean; frequentlyForwarded?: boolean };
  errors?: ProviderError[];
  groupId?: string;
  /** Wazzup24 `isEcho: true`: sent by the business (Wazzup UI, phone or our own API send). Store as outbound, never answer. */
  echo?: boolean;
  /** Set when a provider says which way the message went (Wazzup24 echoes are `out`); absent means inbound. */
  direction?: Direction;
  /** The message object exactly as the provider sent it. */
  raw: Record<string, unknown>;
}

export interface StatusUpdate {
  kind: 'status';
  channel: Channel;
  /** The id of the outbound message this status is about. */
  messageId: string;
  phoneNumberId: string;
  accountId?: string;
  status: StatusName;
  /** ISO 8601. */
  timestamp: string;
  recipient: ProviderUser;
  errors?: ProviderError[];
  raw: Record<string, unknown>;
}

/** One thing Meta's Calling API reported (`calls` field): a call's connect or terminate, or a call status. */
export interface CallEvent {
  /** The `calls[].event` as sent (`connect`, `terminate`, …); `status` for a `statuses[]` entry of type `call`. */
  event: string;
  /** `wacid.…` */
  callId: string;
  /** `USER_INITIATED` (the customer called) or `BUSINESS_INITIATED`. */
  direction?: string;
  /** The customer on the call: the caller of a user-initiated call, the callee of a business-initiated one. */
  user?: ProviderUser;
  from?: string;
  to?: string;
  /** Terminate: `COMPLETED`, `FAILED`; status: `RINGING`, `ACCEPTED`, `REJECTED`, …, as sent. */
  status?: string;
  /** ISO 8601. */
  timestamp?: string;
  startTime?: string;
  endTime?: string;
  durationSeconds?: number;
  bizOpaqueCallbackData?: string;
  errors?: ProviderError[];
}

/** Every other change: template, phone number, account and user-preference updates, `value.errors`, unknown fields. */
export interface AccountEvent {
  kind: 'event';
  channel: Channel;
  /** Meta's `changes[].field` (`message_template_status_update`, `account_update`, `errors`, …). */
  field: string;
  accountId?: string;
  phoneNumberId?: string;
  /** ISO 8601 when the provider gave a time. */
  timestamp?: string;
  /** Stable across redeliveries of the same change: a hash of field, entry id, time and value. */
  dedupeKey: string;
  raw: unknown;
  /** Field `calls`: the call event read out of `raw`. */
  call?: CallEvent;
}

export interface ParsedDelivery {
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  events: AccountEvent[];
}

/** A message as the admin API shows it (`GET /messages/{id}`). */
export interface MessageView {
  id: string;
  direction: Direction;
  type: string;
  contactId: string;
  timestamp: string;
  text?: string;
  status?: StatusName;
  statuses?: { status: StatusName; timestamp: string; errors?: ProviderError[] }[];
  /** The business number it was received on or sent from. */
  phoneNumberId?: string;
  media?: MediaRef;
  context?: InboundMessage['context'];
  errors?: ProviderError[];
}

/** A contact as the admin API shows it (`GET /contacts/{id}`). */
export interface ContactView {
  id: string;
  waId?: string;
  userId?: string;
  name?: string;
  username?: string;
  phones: string[];
  emails: string[];
  createdAt: string;
  lastInboundAt?: string;
  /** Business card fields (GET /contacts, `wa contacts export`). */
  title?: string;
  company?: string;
  department?: string;
  address?: string;
  websites?: string[];
  /** Set on contacts created from a business card: who sent it, in which message. */
  sourceContactId?: string;
  sourceMessageId?: string;
}
