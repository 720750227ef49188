// `POST /{phone-number-id}/messages` as the Graph sandbox checks it: the rules Meta applies before accepting a
// send (messaging_product, to/recipient, type-specific fields, test-number allowed list, templates), with
// Meta's error codes, and the accepted response shaped like cassette
// messages/send_text_message_with_success_response.yml.
import { randomBytes } from 'node:crypto';
import type { SandboxPhoneNumber, SandboxWaba } from './graph-sandbox-accounts.js';
import {
  errorSpecFor,
  invalidParameter,
  invalidValue,
  missingParameter,
  parameterRequired,
  type GraphErrorSpec,
} from './graph-sandbox-errors.js';

export const MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'template', 'interactive', 'reaction', 'location', 'contacts'] as const;
const MEDIA = new Set(['image', 'audio', 'video', 'document', 'sticker']);
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

export interface AcceptedSend {
  kind: 'send';
  wamid: string;
  type: string;
  /** Digits of `to` (the wa_id), when sent to a phone. */
  waId?: string;
  /** The BSUID, when sent to `recipient`. */
  userId?: string;
  response: Record<string, unknown>;
}

export interface AcceptedRead {
  kind: 'read';
  messageId: string;
  response: { success: true };
}

export type SendCheck = { ok: true; result: AcceptedSend | AcceptedRead } | { ok: false; error: GraphErrorSpec };

export interface SendContext {
  waba: SandboxWaba;
  phone: SandboxPhoneNumber;
  /** Is this wamid one the sandbox sent (outgoing)? Meta refuses to mark those as read. */
  isOutgoing: (wamid: string) => boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const fail = (error: GraphErrorSpec): SendCheck => ({ ok: false, error });

/** A wamid in Meta's style: `wamid.` + base64 of an opaque id. */
export function newWamid(): string {
  return `wamid.${Buffer.concat([Buffer.from('HBgL'), randomBytes(30)]).toString('base64').replace(/=+$/, '')}`;
}

export function checkSend(body: unknown, ctx: SendContext): SendCheck {
  if (!isRecord(body)) return fail(parameterRequired('messaging_product'));
  const product = body['messaging_product'];
  if (product === undefined) return fail(parameterRequired('messaging_product'));
  if (product !== 'whatsapp') {
    return fail({ message: `(#100) Param messaging_product must be one of {WHATSAPP} - got "${String(product)}".`, type: 'OAuthException', code: 100, httpStatus: 400 });
  }

  if (body['status'] !== undefined) return checkRead(body, ctx);

  const recipientType = body['recipient_type'];
  if (recipientType !== undefined && recipientType !== 'individual' && recipientType !== 'group') {
    return fail(invalidValue(`recipient_type must be "individual" or "group", got "${String(recipientType)}".`));
  }

  const to = body['to'];
  const recipient = body['recipient'];
  if (to === undefined && recipient === undefined) return fail(parameterRequired('to'));
  let waId: string | undefined;
  let userId: string | undefined;
  // `to` takes precedence when both are set (facts §2.6).
  if (to !== undefined) {
    const digits = typeof to === 'number' ? String(to) : typeof to === 'string' ? to.replace(/[\s()+-]/g, '') : '';
    if (!/^\d{6,15}$/.test(digits)) {
      return fail({ message: 'Invalid parameter: recipient phone number format is incorrect', type: 'OAuthException', code: 100, httpStatus: 400 });
    }
    waId = digits;
  } else {
    if (typeof recipient !== 'string' || !BSUID.test(recipient)) return fail(invalidValue('recipient must be a business-scoped user id (BSUID).'));
    userId = recipient;
  }

  const type = body['type'] ?? 'text';
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    return fail(invalidValue(`Param type must be one of {${MESSAGE_TYPES.join(', ').toUpperCase()}} - got "${String(type)}".`));
  }
  const typeError = checkTypePayload(type, body[type], ctx);
  if (typeError) return fail(typeError);

  if (waId !== undefined) {
    if (waId === ctx.phone.displayPhoneNumber.replace(/\D/g, '')) return fail(errorSpecFor(131021));
    const allowed = ctx.phone.allowedRecipients;
    if (allowed && !allowed.map((a) => a.replace(/\D/g, '')).includes(waId)) return fail(errorSpecFor(131030));
  }

  const wamid = newWamid();
  const input = to !== undefined ? String(to) : String(recipient);
  const contact: Record<string, unknown> = { input };
  if (waId !== undefined) contact['wa_id'] = waId;
  if (userId !== undefined) contact['user_id'] = userId;
  // Paced template sends answer message_status (cassette send_template_with_success_response_by_passing_components_json.yml).
  const message: Record<string, unknown> = { id: wamid };
  if (type === 'template') message['message_status'] = 'accepted';
  const result: AcceptedSend = {
    kind: 'send',
    wamid,
    type,
    response: { messaging_product: 'whatsapp', contacts: [contact], messages: [message] },
  };
  if (waId !== undefined) result.waId = waId;
  if (userId !== undefined) result.userId = userId;
  return { ok: true, result };
}

/** Cassettes messages/read_message_with_a_valid_response.yml and read_message_with_an_invalid_response.yml. */
function checkRead(body: Record<string, unknown>, ctx: SendContext): SendCheck {
  if (body['status'] !== 'read') return fail(invalidParameter(`Param status must be "read", got "${String(body['status'])}".`));
  const id = body['message_id'];
  if (typeof id !== 'string' || id === '') return fail(parameterRequired('message_id'));
  if (ctx.isOutgoing(id)) {
    return fail(invalidParameter(`Message supplied to mark message as read API with message ID: ${id} is outgoing. Please use an incoming message ID.`));
  }
  if (!id.startsWith('wamid.')) return fail(invalidParameter('Please check the message ID you have provided.'));
  const typing = body['typing_indicator'];
  if (typing !== undefined && (!isRecord(typing) || typing['type'] !== 'text')) {
    return fail(invalidValue('typing_indicator.type must be "text".'));
  }
  return { ok: true, result: { kind: 'read', messageId: id, response: { success: true } } };
}

function checkTypePayload(type: string, payload: unknown, ctx: SendContext): GraphErrorSpec | undefined {
  if (!isRecord(payload) && !(type === 'contacts' && Array.isArray(payload))) return parameterRequired(type);
  const p = payload as Record<string, unknown>;
  if (type === 'text') {
    if (typeof p['body'] !== 'string' || p['body'] === '') return parameterRequired("text['body']");
    if (p['body'].length > 4096) return invalidParameter("Param text['body'] must be at most 4096 characters long.");
    if (p['preview_url'] !== undefined && typeof p['preview_url'] !== 'boolean') return invalidParameter("Param text['preview_url'] must be a boolean.");
    return undefined;
  }
  if (MEDIA.has(type)) {
    const hasLink = typeof p['link'] === 'string' && p['link'] !== '';
    const hasId = typeof p['id'] === 'string' && p['id'] !== '';
    if (!hasLink && !hasId) return missingParameter(`Please provide either 'link' or 'id' for the ${type} object.`);
    if (hasLink && hasId) return invalidValue(`Please provide only one of 'link' or 'id' for the ${type} object.`);
    if (hasLink && !/^https?:\/\//.test(p['link'] as string)) return invalidValue(`${type}['link'] is not a valid URL.`);
    if ((type === 'audio' || type === 'sticker') && p['caption'] !== undefined) return invalidValue(`${type} messages do not support a caption.`);
    return undefined;
  }
  if (type === 'template') return checkTemplate(p, ctx);
  if (type === 'interactive') return checkInteractive(p);
  if (type === 'reaction') {
    if (typeof p['message_id'] !== 'string' || p['message_id'] === '') return parameterRequired("reaction['message_id']");
    if (typeof p['emoji'] !== 'string') return parameterRequired("reaction['emoji']");
    return undefined;
  }
  if (type === 'location') {
    if (typeof p['latitude'] !== 'number' && typeof p['latitude'] !== 'string') return parameterRequired("location['latitude']");
    if (typeof p['longitude'] !== 'number' && typeof p['longitude'] !== 'string') return parameterRequired("location['longitude']");
  }
  return undefined;
}

function checkTemplate(p: Record<string, unknown>, ctx: SendContext): GraphErrorSpec | undefined {
  const name = p['name'];
  if (typeof name !== 'string' || name === '') return parameterRequired("template['name']");
  const language = p['language'];
  const code = isRecord(language) ? language['code'] : undefined;
  if (typeof code !== 'string' || code === '') return parameterRequired("template['language']['code']");
  const components = p['components'];
  if (components !== undefined && !Array.isArray(components)) return invalidParameter("Param template['components'] must be an array.");
  const templates = ctx.waba.templates;
  if (!templates) return undefined;
  const template = templates.find((t) => t.name === name && t.language === code && (t.status ?? 'APPROVED') === 'APPROVED');
  if (!template) {
    return { ...errorSpecFor(132001), details: `template name (${name}) does not exist in ${code}` };
  }
  const bodyParams = (Array.isArray(components) ? components : [])
    .filter((c): c is Record<string, unknown> => isRecord(c) && String(c['type']).toLowerCase() === 'body')
    .reduce((n, c) => n + (Array.isArray(c['parameters']) ? c['parameters'].length : 0), 0);
  const expected = template.bodyParameters ?? 0;
  if (bodyParams !== expected) {
    return { ...errorSpecFor(132000), details: `body: number of localizable_params (${bodyParams}) does not match the expected number of params (${expected})` };
  }
  return undefined;
}

function checkInteractive(p: Record<string, unknown>): GraphErrorSpec | undefined {
  const type = p['type'];
  if (typeof type !== 'string') return parameterRequired("interactive['type']");
  const action = p['action'];
  if (type === 'button' || type === 'list') {
    if (!isRecord(p['body']) || typeof p['body']['text'] !== 'string') return parameterRequired("interactive['body']['text']");
    if (!isRecord(action)) return parameterRequired("interactive['action']");
  }
  if (type === 'button') {
    const buttons = (action as Record<string, unknown>)['buttons'];
    if (!Array.isArray(buttons) || buttons.length === 0) return parameterRequired("interactive['action']['buttons']");
    if (buttons.length > 3) return invalidValue('Interactive message buttons must be between 1 and 3.');
  }
  if (type === 'list') {
    const a = action as Record<string, unknown>;
    if (typeof a['button'] !== 'string') return parameterRequired("interactive['action']['button']");
    const sections = a['sections'];
    if (!Array.isArray(sections) || sections.length === 0) return parameterRequired("interactive['action']['sections']");
    const rows = sections.reduce((n: number, s) => n + (isRecord(s) && Array.isArray(s['rows']) ? s['rows'].length : 0), 0);
    if (rows === 0 || rows > 10) return invalidValue('Total row count exceeded or is zero: a list message must have 1 to 10 rows.');
  }
  return undefined;
}
