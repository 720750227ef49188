// What the system can send to a WhatsApp user, validated, and turned into the body of Meta's
// `POST /{phone-number-id}/messages` (shapes: Meta's OpenAPI v23.0 send examples and the recorded cassettes in
// ../shared/reference/graph-cassettes/messages). The admin API's body ({ to, text } / { to, template } /
// { to, image } / { to, interactive } / { to, reaction } / { to, location } / { to, contacts }) parses straight into an OutboundMessage, and every
// validation error names the field, so a 400 can say exactly what is wrong.
import * as v from 'valibot';
// `min` metadata is enough for isPossible() and E.164 formatting, and keeps ~70 KB out of the send Lambda.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { checkContactCards, contactsSchema, locationSchema, type ContactCard, type LocationPin } from './location-contacts.js';

export const MEDIA_KINDS = ['image', 'document', 'audio', 'video', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export interface MediaObject {
  link?: string;
  id?: string;
  caption?: string;
  /** Documents only: the name the recipient sees. */
  filename?: string;
}

/** Meta's template parameter object (`text`, `currency`, `date_time`, `image`, `payload`, …), passed through. */
export interface TemplateParameter {
  type: string;
  [key: string]: unknown;
}

export interface TemplateComponent {
  /** `header`, `body`, `button`, … */
  type: string;
  sub_type?: string;
  index?: number | string;
  parameters?: TemplateParameter[];
  [key: string]: unknown;
}

export interface TemplateMessage {
  name: string;
  /** Language code exactly as the template was approved (`en_US`, `ru`). */
  language: string;
  /** `deterministic` (the only policy Meta documents); omitted by default. */
  languagePolicy?: string;
  components?: TemplateComponent[];
}

export interface ReplyButton {
  type: 'reply';
  reply: { id: string; title: string };
}

export interface InteractiveText {
  text: string;
}

export interface InteractiveButtons {
  type: 'button';
  header?: { type: string; [key: string]: unknown };
  body: InteractiveText;
  footer?: InteractiveText;
  action: { buttons: ReplyButton[] };
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

export interface InteractiveList {
  type: 'list';
  header?: { type: 'text'; text: string };
  body: InteractiveText;
  footer?: InteractiveText;
  action: { button: string; sections: { title?: string; rows: ListRow[] }[] };
}

/** Any other `interactive` type Meta defines (cta_url, flow, product, …): passed through unchanged. */
export interface InteractiveOther {
  type: string;
  [key: string]: unknown;
}

export type Interactive = InteractiveButtons | InteractiveList | InteractiveOther;

interface Envelope {
  /** E.164 phone (`+14155550100`) or a business-scoped user id (`US.13491208655302741918`). */
  to: string;
  /** Reply in the context of this message (`context.message_id`). */
  replyTo?: string;
  /** Echoed back in the status webhooks of this message. */
  bizOpaqueCallbackData?: string;
}

export type OutboundMessage = Envelope &
  (
    | { kind: 'text'; text: string; previewUrl?: boolean }
    | { kind: 'template'; template: TemplateMessage }
    | { kind: MediaKind; media: MediaObject }
    | { kind: 'interactive'; interactive: Interactive }
    | { kind: 'reaction'; reaction: { messageId: string; emoji: string } }
    | { kind: 'location'; location: LocationPin }
    | { kind: 'contacts'; contacts: ContactCard[] }
  );

export type OutboundKind = OutboundMessage['kind'];

export interface ValidationError {
  /** Dot path of the offending field in the request body (`template.language`, `interactive.action.buttons.3`). */
  field: string;
  message: string;
}

declare const validBrand: unique symbol;
/** A message parseOutboundMessage accepted (and froze): the Graph body builder takes it without parsing it again. */
export type ValidOutboundMessage = OutboundMessage & { readonly [validBrand]: true };

export type ParseResult = { ok: true; message: ValidOutboundMessage } | { ok: false; error: ValidationError };

export class OutboundValidationError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'OutboundValidationError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Recipient

/** `<ISO country>.<up to 128 alphanumerics>`, parent BSUIDs `US.ENT.…` (facts §2.6). */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

export function isBsuid(to: string): boolean {
  return BSUID.test(to);
}

/**
 * A recipient in E.164 (any common written form: spaces, dashes, brackets, a bare international number such as a
 * `wa_id`, or a national number when `defaultCountry` is given) or a BSUID, as Meta should receive it.
 */
export function normaliseRecipient(input: string, defaultCountry?: CountryCode): string | undefined {
  const raw = input.trim();
  if (isBsuid(raw)) return raw;
  if (!/^[+\d\s().-]+$/.test(raw)) return undefined;
  // Written with + or 00, or bare digits as in a wa_id: try it as international first.
  const international = `+${raw.replace(/\D/g, '').replace(/^00/, '')}`;
  const phone = parsePhoneNumberFromString(international);
  if (phone?.isPossible()) return phone.number;
  if (defaultCountry && !raw.startsWith('+')) {
    const national = parsePhoneNumberFromString(raw, defaultCountry);
    if (national?.isPossible()) return national.number;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Schemas. Limits are Meta's documented ones; strict objects so a misspelt key is an error, not silently dropped.

const notBlank = v.check((s: string) => s.trim().length > 0, 'must not be empty');
const str = (max: number) =>
  v.pipe(v.string('must be a string'), notBlank, v.maxLength(max, `must be at most ${max} characters`));
const httpUrl = v.pipe(
  v.string('must be a string'),
  v.url('must be an absolute URL'),
  v.check((s: string) => /^https?:\/\//i.test(s), 'must be an http(s) URL'),
);

const caption = v.optional(v.pipe(v.string('must be a string'), v.maxLength(1024, 'must be at most 1024 characters')));
const mediaId = v.optional(str(128));
const link = v.optional(httpUrl);
// Captions are not allowed on audio and stickers; filenames only on documents.
const MEDIA_SCHEMAS = {
  image: v.strictObject({ link, id: mediaId, caption }),
  video: v.strictObject({ link, id: mediaId, caption }),
  document: v.strictObject({ link, id: mediaId, caption, filename: v.optional(str(240)) }),
  audio: v.strictObject({ link, id: mediaId }),
  sticker: v.strictObject({ link, id: mediaId }),
} as const;

const templateParameter = v.looseObject({ type: v.pipe(v.string('must be a string'), notBlank) });

const templateSchema = v.strictObject({
  name: v.pipe(
    str(512),
    v.regex(/^[a-z0-9_]+$/, 'must be the approved template name: lowercase letters, digits and underscores'),
  ),
  language: v.union(
    [
      v.pipe(v.string(), v.regex(/^[a-z]{2,3}(?:_[A-Za-z0-9]{2,4})?$/, 'must be a language code such as en_US or ru')),
      v.strictObject({
        code: v.pipe(v.string(), v.regex(/^[a-z]{2,3}(?:_[A-Za-z0-9]{2,4})?$/, 'must be a language code such as en_US or ru')),
        policy: v.optional(v.literal('deterministic')),
      }),
    ],
    'must be a language code such as en_US or ru',
  ),
  components: v.optional(
    v.array(
      v.looseObject({
        type: v.pipe(v.string('must be a string'), notBlank),
        sub_type: v.optional(v.string()),
        index: v.optional(v.union([v.number(), v.string()])),
        parameters: v.optional(v.array(templateParameter)),
      }),
    ),
  ),
});

const interactiveText = (max: number) => v.strictObject({ text: str(max) });

const buttonsSchema = v.strictObject({
  type: v.literal('button'),
  header: v.optional(v.looseObject({ type: v.picklist(['text', 'image', 'video', 'document']) })),
  body: interactiveText(1024),
  footer: v.optional(interactiveText(60)),
  action: v.strictObject({
    buttons: v.pipe(
      v.array(v.strictObject({ type: v.literal('reply'), reply: v.strictObject({ id: str(256), title: str(20) }) })),
      v.minLength(1, 'needs at least 1 button'),
      v.maxLength(3, 'allows at most 3 buttons'),
    ),
  }),
});

const listSchema = v.strictObject({
  type: v.literal('list'),
  header: v.optional(v.strictObject({ type: v.literal('text'), text: str(60) })),
  body: interactiveText(4096),
  footer: v.optional(interactiveText(60)),
  action: v.strictObject({
    button: str(20),
    sections: v.pipe(
      v.array(
        v.strictObject({
          title: v.optional(str(24)),
          rows: v.pipe(
            v.array(v.strictObject({ id: str(200), title: str(24), description: v.optional(str(72)) })),
            v.minLength(1, 'needs at least 1 row'),
          ),
        }),
      ),
      v.minLength(1, 'needs at least 1 section'),
      v.maxLength(10, 'allows at most 10 sections'),
    ),
  }),
});

const otherInteractiveSchema = v.looseObject({ type: v.pipe(v.string('must be a string'), notBlank) });

const reactionSchema = v.strictObject({
  messageId: str(256),
  // An empty emoji removes an earlier reaction (Meta's documented way to un-react).
  emoji: v.pipe(v.string('must be a string'), v.maxLength(16)),
});

const textSchema = v.union(
  [v.pipe(str(4096)), v.strictObject({ body: str(4096), preview_url: v.optional(v.boolean()) })],
  'must be a string of 1 to 4096 characters',
);

const CONTENT_KEYS = ['text', 'template', ...MEDIA_KINDS, 'interactive', 'reaction', 'location', 'contacts'] as const;
const ENVELOPE_KEYS = ['to', 'replyTo', 'bizOpaqueCallbackData', 'previewUrl'] as const;

// ---------------------------------------------------------------------------------------------------------
// Parsing

// The messages parseOutboundMessage produced. The send API and the outbound job parse a message first (a 400 or
// an InvalidJob naming the field), so the Graph client would otherwise parse every message a second time
// (libphonenumber, valibot) on the send path. A type brand alone cannot cross the sender's GraphSender
// interface, hence the runtime set; a frozen message cannot change after its check.
const validated = new WeakSet<object>();

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

/** `mark`: false when the body builder checks a message only to build its body (the copy dies with the call). */
function accepted(mark: boolean, message: OutboundMessage): ParseResult {
  if (mark) {
    deepFreeze(message);
    validated.add(message);
  }
  return { ok: true, message: message as ValidOutboundMessage };
}

/** True for a message parseOutboundMessage (or validateOutboundMessage) returned. */
export function isValidOutboundMessage(m: OutboundMessage): m is ValidOutboundMessage {
  return validated.has(m);
}

function fail(field: string, message: string): ParseResult {
  return { ok: false, error: { field, message } };
}

function firstIssue(prefix: string, issues: readonly v.BaseIssue<unknown>[]): ValidationError {
  const issue = issues[0];
  if (!issue) return { field: prefix, message: 'is invalid' };
  // A union failing reports its branches' issues nested: the deepest one names the field best.
  const nested = issue.issues?.find((i) => i.path?.length);
  const chosen = issue.path?.length || !nested ? issue : nested;
  const path = v.getDotPath(chosen);
  const field = path ? `${prefix}.${path}` : prefix;
  const message =
    chosen.type === 'strict_object' && chosen.expected === 'never'
      ? 'is not a known field'
      : chosen.received === 'undefined'
        ? 'is required'
        : chosen.message;
  return { field, message: normaliseMessage(message) };
}

function normaliseMessage(m: string): string {
  // valibot's built-in messages read "Invalid type: Expected string but received 3"; keep them, minus the prefix.
  return m.replace(/^Invalid (?:type|key|length|value): /, '').replace(/^Expected/, 'expected');
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export interface ParseOptions {
  /** Country for national-format phone numbers (`8 916 …` with RU); without it `to` must be international. */
  defaultCountry?: CountryCode;
  /**
   * Also accept a Wazzup24 chat key as `to` (`telegram.123456789`, `instagram.some_user`: chatType + `.` +
   * chatId, see wazzupContactKey). Only for a message addressed to a known Wazzup24 contact: its chat may be a
   * messenger without phone numbers. The Wazzup channel sends to the contact's chat; Meta never sees such a `to`.
   */
  wazzupChat?: boolean;
}

/** A Wazzup24 contact key: lower-case chat type, a dot, the URL-encoded chat id (never a BSUID: those are upper case). */
const WAZZUP_CHAT_KEY = /^[a-z][a-z0-9_]*\.[A-Za-z0-9%._~-]{1,256}$/;

/** Parses an admin API body (or any untrusted input) into an OutboundMessage, or names the invalid field. */
export function parseOutboundMessage(input: unknown, opts: ParseOptions = {}): ParseResult {
  return parseMessage(input, opts, true);
}

function parseMessage(input: unknown, opts: ParseOptions, mark: boolean): ParseResult {
  if (!isRecord(input)) return fail('', 'the body must be a JSON object');
  for (const key of Object.keys(input)) {
    if (!(CONTENT_KEYS as readonly string[]).includes(key) && !(ENVELOPE_KEYS as readonly string[]).includes(key)) {
      return fail(key, 'is not a known field');
    }
  }
  const present = CONTENT_KEYS.filter((k) => input[k] !== undefined);
  if (present.length === 0) return fail('', `one of ${CONTENT_KEYS.join(', ')} is required`);
  if (present.length > 1) return fail(present[1]!, `only one of ${present.join(', ')} may be given`);
  const kind = present[0]!;

  const rawTo = input['to'];
  if (rawTo === undefined || rawTo === null || rawTo === '') return fail('to', 'is required');
  if (typeof rawTo !== 'string' && typeof rawTo !== 'number') return fail('to', 'must be a phone number or a BSUID');
  const to =
    normaliseRecipient(String(rawTo), opts.defaultCountry) ??
    (opts.wazzupChat && WAZZUP_CHAT_KEY.test(String(rawTo)) ? String(rawTo) : undefined);
  if (!to) return fail('to', 'must be a phone number in international format (+ and country code) or a BSUID such as US.13491208655302741918');

  const envelope: Envelope = { to };
  for (const key of ['replyTo', 'bizOpaqueCallbackData'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') return fail(key, 'must be a non-empty string');
    if (key === 'bizOpaqueCallbackData' && value.length > 512) return fail(key, 'must be at most 512 characters');
    envelope[key] = value;
  }
  if (input['previewUrl'] !== undefined && kind !== 'text') return fail('previewUrl', 'only applies to text messages');
  if (kind === 'reaction' && envelope.replyTo) return fail('replyTo', 'does not apply to reactions');

  const payload = input[kind];
  switch (kind) {
    case 'text': {
      const r = v.safeParse(textSchema, payload);
      if (!r.success) return { ok: false, error: firstIssue('text', r.issues) };
      const previewUrl = input['previewUrl'];
      if (previewUrl !== undefined && typeof previewUrl !== 'boolean') return fail('previewUrl', 'must be true or false');
      const body = typeof r.output === 'string' ? r.output : r.output.body;
      const preview = typeof r.output === 'string' ? previewUrl : (r.output.preview_url ?? previewUrl);
      return accepted(mark, { ...envelope, kind: 'text', text: body, ...(preview !== undefined ? { previewUrl: preview } : {}) });
    }
    case 'template': {
      const r = v.safeParse(templateSchema, payload);
      if (!r.success) return { ok: false, error: firstIssue('template', r.issues) };
      const componentError = checkTemplateComponents(r.output.components as TemplateComponent[] | undefined);
      if (componentError) return { ok: false, error: componentError };
      const lang = r.output.language;
      const template: TemplateMessage = {
        name: r.output.name,
        language: typeof lang === 'string' ? lang : lang.code,
        ...(typeof lang !== 'string' && lang.policy ? { languagePolicy: lang.policy } : {}),
        ...(r.output.components ? { components: r.output.components as TemplateComponent[] } : {}),
      };
      return accepted(mark, { ...envelope, kind: 'template', template });
    }
    case 'interactive': {
      if (!isRecord(payload)) return fail('interactive', 'must be an object');
      const schema = payload['type'] === 'button' ? buttonsSchema : payload['type'] === 'list' ? listSchema : otherInteractiveSchema;
      const r = v.safeParse(schema, payload);
      if (!r.success) return { ok: false, error: firstIssue('interactive', r.issues) };
      const interactiveError = checkInteractive(r.output as Interactive);
      if (interactiveError) return { ok: false, error: interactiveError };
      return accepted(mark, { ...envelope, kind: 'interactive', interactive: r.output as Interactive });
    }
    case 'reaction': {
      const r = v.safeParse(reactionSchema, payload);
      if (!r.success) return { ok: false, error: firstIssue('reaction', r.issues) };
      return accepted(mark, { ...envelope, kind: 'reaction', reaction: r.output });
    }
    case 'location': {
      const r = v.safeParse(locationSchema, payload);
      if (!r.success) return { ok: false, error: firstIssue('location', r.issues) };
      return accepted(mark, { ...envelope, kind: 'location', location: r.output });
    }
    case 'contacts': {
      const r = v.safeParse(contactsSchema, payload);
      if (!r.success) return { ok: false, error: firstIssue('contacts', r.issues) };
      const cardError = checkContactCards(r.output);
      if (cardError) return { ok: false, error: cardError };
      return accepted(mark, { ...envelope, kind: 'contacts', contacts: r.output });
    }
    default: {
      const r = v.safeParse(MEDIA_SCHEMAS[kind], payload);
      if (!r.success) return { ok: false, error: firstIssue(kind, r.issues) };
      const media = r.output as MediaObject;
      if ((media.link === undefined) === (media.id === undefined)) return fail(`${kind}.link`, 'exactly one of link or id is required');
      return accepted(mark, { ...envelope, kind, media });
    }
  }
}

function checkTemplateComponents(components: TemplateComponent[] | undefined): ValidationError | undefined {
  for (const [i, c] of (components ?? []).entries()) {
    const at = `template.components.${i}`;
    if (c.type.toLowerCase() === 'button') {
      if (typeof c.sub_type !== 'string' || c.sub_type === '') return { field: `${at}.sub_type`, message: 'is required for button components' };
      if (c.index === undefined) return { field: `${at}.index`, message: 'is required for button components' };
    }
    for (const [j, p] of (c.parameters ?? []).entries()) {
      const type = p.type.toLowerCase();
      const value = p[type];
      if (type === 'text' && typeof value !== 'string') return { field: `${at}.parameters.${j}.text`, message: 'must be a string' };
      if (['image', 'video', 'document'].includes(type)) {
        if (!isRecord(value) || (typeof value['link'] !== 'string' && typeof value['id'] !== 'string')) {
          return { field: `${at}.parameters.${j}.${type}`, message: 'needs a link or an id' };
        }
      } else if (type !== 'text' && value === undefined && type !== 'payload') {
        return { field: `${at}.parameters.${j}.${type}`, message: `is required for a ${type} parameter` };
      }
      if (type === 'payload' && typeof p['payload'] !== 'string') return { field: `${at}.parameters.${j}.payload`, message: 'must be a string' };
    }
  }
  return undefined;
}

function checkInteractive(i: Interactive): ValidationError | undefined {
  if (i.type === 'button') {
    const buttons = (i as InteractiveButtons).action.buttons;
    const dup = firstDuplicate(buttons.map((b) => b.reply.id));
    if (dup !== undefined) return { field: `interactive.action.buttons.${dup}.reply.id`, message: 'must be unique' };
    const dupTitle = firstDuplicate(buttons.map((b) => b.reply.title));
    if (dupTitle !== undefined) return { field: `interactive.action.buttons.${dupTitle}.reply.title`, message: 'must be unique' };
  }
  if (i.type === 'list') {
    const sections = (i as InteractiveList).action.sections;
    const rows = sections.flatMap((s) => s.rows);
    if (rows.length > 10) return { field: 'interactive.action.sections', message: 'allow at most 10 rows in total' };
    const dup = firstDuplicate(rows.map((r) => r.id));
    if (dup !== undefined) return { field: 'interactive.action.sections', message: `row ids must be unique (${rows[dup]!.id} repeats)` };
    if (sections.length > 1) {
      const untitled = sections.findIndex((s) => !s.title);
      if (untitled >= 0) return { field: `interactive.action.sections.${untitled}.title`, message: 'is required when there is more than one section' };
    }
  }
  return undefined;
}

function firstDuplicate(values: string[]): number | undefined {
  const seen = new Set<string>();
  for (const [i, value] of values.entries()) {
    if (seen.has(value)) return i;
    seen.add(value);
  }
  return undefined;
}

/** The admin-body form of a message: the inverse of parseOutboundMessage. */
export function toRequestShape(m: OutboundMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { to: m.to };
  if (m.replyTo !== undefined) out['replyTo'] = m.replyTo;
  if (m.bizOpaqueCallbackData !== undefined) out['bizOpaqueCallbackData'] = m.bizOpaqueCallbackData;
  switch (m.kind) {
    case 'text':
      out['text'] = m.text;
      if (m.previewUrl !== undefined) out['previewUrl'] = m.previewUrl;
      break;
    case 'template':
      out['template'] = {
        name: m.template.name,
        language: m.template.languagePolicy ? { code: m.template.language, policy: m.template.languagePolicy } : m.template.language,
        ...(m.template.components ? { components: m.template.components } : {}),
      };
      break;
    case 'interactive':
      out['interactive'] = m.interactive;
      break;
    case 'reaction':
      out['reaction'] = m.reaction;
      break;
    case 'location':
      out['location'] = m.location;
      break;
    case 'contacts':
      out['contacts'] = m.contacts;
      break;
    default:
      out[m.kind] = m.media;
  }
  return out;
}

/** Validates a message built in code (the bot's replies, queued jobs); a message already parsed is returned as is. */
export function validateOutboundMessage(m: OutboundMessage): ParseResult {
  if (validated.has(m)) return { ok: true, message: m as ValidOutboundMessage };
  return parseOutboundMessage(toRequestShape(m));
}

// ---------------------------------------------------------------------------------------------------------
// Meta's request bodies

/**
 * The body of `POST /{phone-number-id}/messages` for a message. A message not parsed before (built in code) is
 * validated here, once; throws OutboundValidationError if it is invalid.
 */
export function toGraphMessageBody(message: OutboundMessage): Record<string, unknown> {
  let m: OutboundMessage = message;
  if (!validated.has(message)) {
    const checked = parseMessage(toRequestShape(message), {}, false);
    if (!checked.ok) throw new OutboundValidationError(checked.error.field, checked.error.message);
    m = checked.message;
  }
  const body: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual' };
  // A BSUID goes in `recipient` (`to` would take precedence and is a phone field): facts §2.6.
  if (isBsuid(m.to)) body['recipient'] = m.to;
  else body['to'] = m.to;
  body['type'] = m.kind;
  switch (m.kind) {
    case 'text':
      body['text'] = { body: m.text, ...(m.previewUrl !== undefined ? { preview_url: m.previewUrl } : {}) };
      break;
    case 'template':
      body['template'] = {
        name: m.template.name,
        language: { code: m.template.language, ...(m.template.languagePolicy ? { policy: m.template.languagePolicy } : {}) },
        ...(m.template.components ? { components: m.template.components } : {}),
      };
      break;
    case 'interactive':
      body['interactive'] = m.interactive;
      break;
    case 'reaction':
      body['reaction'] = { message_id: m.reaction.messageId, emoji: m.reaction.emoji };
      break;
    case 'location':
      body['location'] = m.location;
      break;
    case 'contacts':
      body['contacts'] = m.contacts;
      break;
    default: {
      const media: Record<string, unknown> = m.media.id !== undefined ? { id: m.media.id } : { link: m.media.link };
      if (m.media.caption !== undefined) media['caption'] = m.media.caption;
      if (m.media.filename !== undefined) media['filename'] = m.media.filename;
      body[m.kind] = media;
    }
  }
  if (m.replyTo !== undefined) body['context'] = { message_id: m.replyTo };
  if (m.bizOpaqueCallbackData !== undefined) body['biz_opaque_callback_data'] = m.bizOpaqueCallbackData;
  return body;
}

/** Mark an incoming message as read, optionally showing a typing indicator (dismissed on reply or after 25 s). */
export function toMarkReadBody(messageId: string, opts: { typingIndicator?: boolean } = {}): Record<string, unknown> {
  if (typeof messageId !== 'string' || messageId.trim() === '') throw new OutboundValidationError('messageId', 'is required');
  return {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: messageId,
    ...(opts.typingIndicator ? { typing_indicator: { type: 'text' } } : {}),
  };
}
