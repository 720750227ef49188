// The content of one Meta message object: readable text, media, reply/reaction/edit target, errors.
// Every field is optional here: an unknown or half-formed type still yields a message, with `raw` intact.
import { arr, isObject, prop, str, type JsonObject } from '../shared/json.js';
import type { InboundMessage, MediaRef, ProviderError } from '../shared/model.js';

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

export type MessageContent = Pick<InboundMessage, 'text' | 'media' | 'context' | 'errors'>;

export function providerErrors(list: unknown): ProviderError[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.map((e): ProviderError => {
    const code = prop(e, 'code');
    const out: ProviderError = {
      code: typeof code === 'number' || (typeof code === 'string' && code) ? code : 'unknown',
    };
    const title = str(e, 'title');
    const message = str(e, 'message');
    const details = str(prop(e, 'error_data'), 'details');
    const href = str(e, 'href');
    if (title !== undefined) out.title = title;
    if (message !== undefined) out.message = message;
    if (details !== undefined) out.details = details;
    if (href !== undefined) out.href = href;
    return out;
  });
}

function media(body: unknown): MediaRef | undefined {
  if (!isObject(body)) return undefined;
  const m: MediaRef = {};
  const set = <K extends keyof MediaRef>(k: K, v: MediaRef[K] | undefined) => {
    if (v !== undefined) m[k] = v;
  };
  set('id', str(body, 'id'));
  set('url', str(body, 'url'));
  set('mimeType', str(body, 'mime_type'));
  set('sha256', str(body, 'sha256'));
  set('filename', str(body, 'filename'));
  set('caption', str(body, 'caption'));
  const voice = prop(body, 'voice');
  const animated = prop(body, 'animated');
  if (typeof voice === 'boolean') m.voice = voice;
  if (typeof animated === 'boolean') m.animated = animated;
  return m;
}

function nonEmpty(...parts: (string | undefined)[]): string | undefined {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  return kept.length > 0 ? kept.join(', ') : undefined;
}

function interactiveText(i: unknown): string | undefined {
  const type = str(i, 'type');
  const reply = type ? prop(i, type) : undefined;
  return (
    str(prop(i, 'button_reply'), 'title') ??
    str(prop(i, 'list_reply'), 'title') ??
    str(prop(i, 'nfm_reply'), 'body') ??
    str(reply, 'title') ??
    str(reply, 'body') ??
    str(reply, 'response')
  );
}

/** Text and media of a message body keyed by its type (also used for the new body inside an `edit`). */
function body(msg: unknown, type: string | undefined): Pick<MessageContent, 'text' | 'media'> {
  const inner = type ? prop(msg, type) : undefined;
  if (type && MEDIA_TYPES.has(type)) {
    const m = media(inner);
    return { text: m?.caption, media: m };
  }
  switch (type) {
    case 'text':
      return { text: str(inner, 'body') };
    case 'button':
      return { text: str(inner, 'text') ?? str(inner, 'payload') };
    case 'interactive':
      return { text: interactiveText(inner) };
    case 'reaction':
      return { text: nonEmpty(str(inner, 'emoji')) };
    case 'order':
    case 'system':
      return { text: str(inner, type === 'order' ? 'text' : 'body') };
    case 'location':
      return { text: nonEmpty(str(inner, 'name'), str(inner, 'address')) };
    case 'contacts':
      return { text: nonEmpty(...(arr(msg, 'contacts') ?? []).map((c) => str(prop(c, 'name'), 'formatted_name'))) };
    case 'edit': {
      const next = prop(inner, 'message');
      return body(next, str(next, 'type'));
    }
    default:
      // Unknown types: a `body` or `caption` under the type's key is still worth showing.
      return { text: str(inner, 'body') ?? str(inner, 'caption') ?? str(inner, 'text') };
  }
}

function context(msg: JsonObject, type: string | undefined): MessageContent['context'] {
  const c = prop(msg, 'context');
  const ctx: NonNullable<MessageContent['context']> = {};
  const id = str(c, 'id');
  const from = str(c, 'from');
  if (id) ctx.messageId = id;
  if (from) ctx.from = from;
  if (prop(c, 'forwarded') === true) ctx.forwarded = true;
  if (prop(c, 'frequently_forwarded') === true) ctx.frequentlyForwarded = true;
  const target =
    type === 'reaction'
      ? str(prop(msg, 'reaction'), 'message_id')
      : type === 'edit' || type === 'revoke'
        ? str(prop(msg, type), 'original_message_id')
        : undefined;
  if (target) ctx.messageId = target;
  return Object.keys(ctx).length > 0 ? ctx : undefined;
}

export function messageContent(msg: JsonObject, type: string | undefined): MessageContent {
  const out: MessageContent = {};
  const { text, media: m } = body(msg, type);
  // An empty string (e.g. an order with no note) is no text at all.
  if (text) out.text = text;
  if (m !== undefined) out.media = m;
  const ctx = context(msg, type);
  if (ctx) out.context = ctx;
  const errors = providerErrors(prop(msg, 'errors'));
  if (errors) out.errors = errors;
  return out;
}
