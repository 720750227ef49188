// Meta webhook deliveries as Meta sends them (shape of the recorded corpus in test/fixtures/meta-webhooks),
// for `wa simulate` and tests: envelope, metadata, contacts block, BSUID fields, signed bytes.
import { randomBytes } from 'node:crypto';
import { signMetaBody } from '../../lambdas/domain/inbound/signature.js';

export interface Business {
  phoneNumberId: string;
  displayPhoneNumber?: string;
  /** WABA id (`entry[].id`). */
  wabaId?: string;
}

export interface Customer {
  /** Phone `wa_id` digits; withheld for some username users (then give `userId`). */
  waId?: string;
  /** BSUID, e.g. `US.13491208655302741918`. */
  userId?: string;
  name?: string;
  username?: string;
}

export interface TextOptions extends Business, Customer {
  text: string;
  id?: string;
  timestamp?: Date;
  /** Reply context: the id of the message replied to. */
  replyTo?: string;
}

export interface StatusOptions extends Business {
  messageId: string;
  status: string;
  recipient?: Customer;
  timestamp?: Date;
  errors?: { code: number; title: string; message?: string; details?: string }[];
}

export interface MetaDelivery {
  object: 'whatsapp_business_account';
  entry: { id: string; changes: { field: string; value: Record<string, unknown> }[] }[];
}

/** A fresh message id in Meta's form (`wamid.` + base64 of an opaque id), URL-path safe. */
export function newWamid(): string {
  return `wamid.HBgM${randomBytes(24).toString('base64').replace(/[+/]/g, 'A')}`;
}

const unix = (d: Date | undefined) => String(Math.floor((d ?? new Date()).getTime() / 1000));

function metadata(b: Business) {
  return { display_phone_number: b.displayPhoneNumber ?? '15550000000', phone_number_id: b.phoneNumberId };
}

function envelope(b: Business, value: Record<string, unknown>): MetaDelivery {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: b.wabaId ?? '100000000000000', changes: [{ value, field: 'messages' }] }],
  };
}

function contactBlock(c: Customer): Record<string, unknown> {
  return {
    profile: { name: c.name ?? 'Local Customer', ...(c.username ? { username: c.username } : {}) },
    ...(c.waId ? { wa_id: c.waId } : {}),
    ...(c.userId ? { user_id: c.userId } : {}),
  };
}

export function textDelivery(o: TextOptions): { delivery: MetaDelivery; messageId: string } {
  if (!o.waId && !o.userId) throw new Error('a text needs a sender: waId (phone) or userId (BSUID)');
  const messageId = o.id ?? newWamid();
  const message: Record<string, unknown> = {
    ...(o.waId ? { from: o.waId } : {}),
    ...(o.userId ? { from_user_id: o.userId } : {}),
    id: messageId,
    timestamp: unix(o.timestamp),
    ...(o.replyTo ? { context: { from: o.displayPhoneNumber ?? '15550000000', id: o.replyTo } } : {}),
    text: { body: o.text },
    type: 'text',
  };
  return {
    delivery: envelope(o, { messaging_product: 'whatsapp', metadata: metadata(o), contacts: [contactBlock(o)], messages: [message] }),
    messageId,
  };
}

export interface MediaMessageOptions extends Business, Customer {
  /** `image`, or `document` (a file sent as is: PDFs, uncompressed photos). */
  kind: 'image' | 'document';
  /** The media id Graph knows the file by (the sandbox's, after a local upload). */
  mediaId: string;
  mimeType: string;
  /** Hex SHA-256 of the file; the webhook carries it base64-encoded, as Meta does. */
  sha256Hex?: string;
  caption?: string;
  /** Documents only. */
  filename?: string;
  id?: string;
  timestamp?: Date;
}

/** An inbound image or document message as Meta delivers it (`messages[].image` / `.document`). */
export function mediaDelivery(o: MediaMessageOptions): { delivery: MetaDelivery; messageId: string } {
  if (!o.waId && !o.userId) throw new Error('a media message needs a sender: waId (phone) or userId (BSUID)');
  const messageId = o.id ?? newWamid();
  const media: Record<string, unknown> = {
    ...(o.caption ? { caption: o.caption } : {}),
    ...(o.kind === 'document' ? { filename: o.filename ?? 'card' } : {}),
    mime_type: o.mimeType,
    ...(o.sha256Hex ? { sha256: Buffer.from(o.sha256Hex, 'hex').toString('base64') } : {}),
    id: o.mediaId,
  };
  const message: Record<string, unknown> = {
    ...(o.waId ? { from: o.waId } : {}),
    ...(o.userId ? { from_user_id: o.userId } : {}),
    id: messageId,
    timestamp: unix(o.timestamp),
    type: o.kind,
    [o.kind]: media,
  };
  return {
    delivery: envelope(o, { messaging_product: 'whatsapp', metadata: metadata(o), contacts: [contactBlock(o)], messages: [message] }),
    messageId,
  };
}

export function statusDelivery(o: StatusOptions): MetaDelivery {
  const r = o.recipient ?? {};
  const status: Record<string, unknown> = {
    id: o.messageId,
    status: o.status,
    timestamp: unix(o.timestamp),
    ...(r.waId ? { recipient_id: r.waId } : {}),
    ...(r.userId ? { recipient_user_id: r.userId } : {}),
  };
  if (o.status === 'sent' || o.status === 'delivered' || o.status === 'read') {
    status.pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' };
  }
  if (o.errors?.length) {
    status.errors = o.errors.map((e) => ({
      code: e.code,
      title: e.title,
      message: e.message ?? e.title,
      error_data: { details: e.details ?? e.title },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    }));
  }
  const value: Record<string, unknown> = { messaging_product: 'whatsapp', metadata: metadata(o), statuses: [status] };
  // Meta omits the contacts block on failed statuses.
  if (o.status !== 'failed' && (r.waId || r.userId)) value.contacts = [contactBlock(r)];
  return envelope(o, value);
}

/** JSON as Meta serialises it: non-ASCII escaped as \uXXXX (the signature covers these exact bytes). */
export function metaJson(value: unknown): Buffer {
  const json = JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Buffer.from(json, 'utf8');
}

/** The body bytes and headers of a signed delivery POST. */
export function signedRequest(body: unknown, appSecret: string): { body: Buffer; headers: Record<string, string> } {
  const raw = Buffer.isBuffer(body) ? body : metaJson(body);
  return {
    body: raw,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'facebookexternalua',
      'x-hub-signature-256': signMetaBody(raw, appSecret),
    },
  };
}
