// Wazzup24 error answers (API errors and the `error` of a failed status) mapped to the same shape as Graph
// errors, so the sender treats both channels alike. Sources: ../shared/reference/wazzup24-api-facts.md §1.2
// (repeatedCrmMessageId), §1.7 (codes), §1.8 (format `{ error, description, data? }` or an empty 4xx body,
// 429 at 500 requests per 5 s, 401/403). Codes are matched case- and underscore-insensitively, because the
// same code appears as `repeatedCrmMessageId` and `REPEATED_CRM_MESSAGE_ID`.
import { backoffDelayMs, type BackoffOptions, type RetryClass } from './graph-errors.js';

export type { RetryClass } from './graph-errors.js';

export interface MappedWazzupError {
  /** Wazzup's code as sent (`BAD_CONTACT`, `repeatedCrmMessageId`), or a sentinel below. */
  code: string;
  message: string;
  /** `data` of the error body, as one line. */
  details?: string;
  httpStatus?: number;
  requestId?: string;
  retryable: boolean;
  retryClass: RetryClass;
  hint: string;
  /** `repeatedCrmMessageId`: a message with this crmMessageId already went out. Count the send as done. */
  alreadySent?: boolean;
}

/** The request never got an HTTP answer (DNS, reset, timeout). */
export const WAZZUP_TRANSPORT_ERROR = 'TRANSPORT_ERROR';
/** An HTTP error that names no Wazzup code (empty 4xx, a proxy's 502 page). */
export const WAZZUP_HTTP_ERROR = 'HTTP_ERROR';

/** No Wazzup API key to send with: the secret (or WAZZUP_API_KEY locally) is unset or empty. */
export const WAZZUP_API_KEY_MISSING = 'API_KEY_MISSING';

/** 429's window: "no more than 500 requests every 5 seconds; the counter resets every 5 s" (§1.8). */
export const WAZZUP_RATE_WINDOW_MS = 5_000;

const KEY_FIX =
  'copy the API key again from Wazzup > Settings > Integration with CRM into the Wazzup API key secret (WAZZUP_API_KEY locally)';
const CHANNELS = 'run `npx wa wazzup channels` to see each channel\'s state';

interface Rule {
  retryClass: RetryClass;
  hint: string;
  alreadySent?: boolean;
}

const permanent = (hint: string): Rule => ({ retryClass: 'none', hint });
const backoff = (hint: string): Rule => ({ retryClass: 'backoff', hint });
const THROUGHPUT: Rule = {
  retryClass: 'throughput',
  hint: 'Wazzup allows 500 requests per 5 seconds per API key: wait for the next 5-second window and retry (the request was refused before anything was sent).',
};

/** Keyed by the normalised code (upper case, no underscores). */
const RULES: Readonly<Record<string, Rule>> = {
  REPEATEDCRMMESSAGEID: {
    retryClass: 'none',
    alreadySent: true,
    hint: 'A message with this crmMessageId was already sent (Wazzup dedupes for about 60 s): it counts as sent. The Wazzup messageId arrives with the echo webhook.',
  },
  TOOMANYREQUESTS: THROUGHPUT,
  BADCONTACT: permanent('The number is not on WhatsApp, or its WhatsApp is too old: confirm the number with the customer; do not retry blindly.'),
  CHATIDIGSIDMISMATCH: permanent('The Instagram chatId does not belong to this channel: reply in the chat the customer wrote from.'),
  TOOLONGTEXT: permanent('The text is too long for this messenger (WhatsApp 10 000 characters, Instagram 1000, WABA and Telegram 4096): shorten it or split it.'),
  BADLINK: permanent('The contentUri is not a valid link: send a public https URL that answers without a redirect.'),
  TOOBIGCONTENT: permanent('The file is larger than 50 MB: send a smaller file.'),
  SPAM: permanent('WhatsApp rated this message as spam and did not deliver it: do not resend it in a loop.'),
  MESSAGESISSPAM: permanent('WhatsApp rated this message as spam and did not deliver it: do not resend it in a loop.'),
  '24HOURSEXCEEDED': permanent('More than 24 hours have passed since the customer last wrote to this WABA channel: send an approved template (templateId) instead of free text.'),
  '7DAYSEXCEEDED': permanent('More than 7 days have passed since the Instagram user last wrote: the chat cannot be answered any more.'),
  CHANNELNOTFOUND: permanent(`No channel with this channelId is connected to the API key: ${CHANNELS} and set the right channel id.`),
  CHANNELBLOCKED: permanent(`The channel is switched off in Wazzup: turn it on in the Wazzup account; ${CHANNELS}.`),
  CHANNELNOMONEY: permanent('The channel is not paid for (neither in the subscription nor on trial): pay for it in the Wazzup account.'),
  CHANNELWAPIREJECTED: permanent('The WABA channel is blocked by Meta: see the channel in the Wazzup account.'),
  CHANNELLIMITEXCEEDED: permanent('The channel has reached its limit of active dialogues: close dialogues or raise the plan.'),
  MESSAGECHANNELUNAVAILABLE: backoff(`The channel is not reachable right now (phone offline or reconnecting): retry with backoff; ${CHANNELS}.`),
  MESSAGEDOWNLOADCONTENTERROR: permanent('Wazzup could not download the file: the contentUri must be public and answer at once without a redirect (a fresh presigned URL works).'),
  MESSAGEWRONGCONTENTTYPE: permanent('Wazzup could not tell the file type or this messenger does not support it: send another format.'),
  MESSAGESCONTENTSIZEEXCEEDED: permanent('The file is larger than the messenger accepts (10 MB for most): send a smaller file.'),
  MESSAGESNOTTEXTFIRST: permanent('The Wazzup plan does not allow writing to a client first: wait for the customer to write.'),
  INVALIDMESSAGEDATA: permanent('Wazzup rejected the message fields (channelId must be a channel uuid, chatType and chatId must match): see details.'),
  WRONGTRANSPORT: permanent('The chatType does not belong to this channel (e.g. a telegram chat from a WhatsApp channel): use the chat type of the channel.'),
  TEMPLATEREJECTED: permanent('The WABA template is rejected: use another template, or wait for the customer to write (then free text is allowed for 24 hours).'),
  BALANCEISEMPTY: permanent('The WABA balance of the Wazzup account is empty: top it up in Wazzup.'),
  REFERENCEMESSAGENOTFOUND: permanent('The quoted message (refMessageId) was not found: quote a Wazzup messageId from a send answer or a webhook.'),
  TOOMANYENTITIES: permanent('Bulk routes take at most 100 entities per request: split the request.'),
  CHATNOACCESS: permanent('The API key has no access to this chat.'),
  NOSUCHACCOUNT: permanent(`Wazzup found no account for this API key: ${KEY_FIX}.`),
  URINOTVALID: permanent('Wazzup does not accept the webhook address: it must be a full http(s) URL of at most 200 characters.'),
  TESTPOSTNOTPASSED: permanent('Wazzup POSTed {"test": true} to the webhook address and did not get 200 back: the address must be reachable from the internet, carry the right path secret and answer 200. Deploy first, then register.'),
};

const STATUS_RULES: Readonly<Record<number, Rule>> = {
  401: { retryClass: 'token', hint: `Wazzup did not accept the API key: ${KEY_FIX}.` },
  403: permanent('This route is closed to this key (a sidecar key of an amoCRM/Bitrix24 integration opens only channels, sending, webhooks and templates): use the account\'s own API key.'),
  404: permanent('Nothing with this id exists in the Wazzup account.'),
  408: backoff('Wazzup timed out: retry with backoff.'),
  429: THROUGHPUT,
};

/** `repeatedCrmMessageId`, `REPEATED_CRM_MESSAGE_ID` -> `REPEATEDCRMMESSAGEID`. */
export function normaliseWazzupCode(code: string): string {
  return code.replace(/_/g, '').toUpperCase();
}

function ruleFor(code: string | undefined, httpStatus: number | undefined): Rule | undefined {
  if (code) {
    const norm = normaliseWazzupCode(code);
    const rule = Object.hasOwn(RULES, norm) ? RULES[norm] : undefined;
    if (rule) return rule;
    if (norm.startsWith('CHANNEL')) return permanent(`Channel problem (${code}): ${CHANNELS}.`);
  }
  if (httpStatus !== undefined && STATUS_RULES[httpStatus]) return STATUS_RULES[httpStatus];
  if (httpStatus !== undefined && httpStatus >= 500) {
    return backoff('Wazzup failed on its side: retry with backoff (sends are safe to repeat with the same crmMessageId).');
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function describeData(data: unknown): string | undefined {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string') return data || undefined;
  const s = JSON.stringify(data);
  return s === '{}' || s === '[]' ? undefined : s;
}

function build(fields: { code: string; message: string; details?: string; httpStatus?: number; requestId?: string }): MappedWazzupError {
  const sentinel = fields.code === WAZZUP_HTTP_ERROR || fields.code === WAZZUP_TRANSPORT_ERROR;
  const rule = ruleFor(sentinel ? undefined : fields.code, fields.httpStatus);
  const out: MappedWazzupError = {
    code: fields.code,
    message: fields.message,
    retryable: false,
    retryClass: 'none',
    hint: `Wazzup error ${fields.code}: see https://wazzup24.com/help/api-en/common-errors/.`,
  };
  if (fields.details !== undefined) out.details = fields.details;
  if (fields.httpStatus !== undefined) out.httpStatus = fields.httpStatus;
  if (fields.requestId !== undefined) out.requestId = fields.requestId;
  if (rule) {
    out.retryClass = rule.retryClass;
    out.retryable = rule.retryClass !== 'none';
    out.hint = rule.hint;
    if (rule.alreadySent) out.alreadySent = true;
  }
  return out;
}

/**
 * Maps a Wazzup error answer: the body (parsed JSON or raw text; empty is fine) and the HTTP status. The code
 * is `error` (a string), or `error.code` on the routes that nest it; without one the HTTP status decides.
 */
export function mapWazzupError(body: unknown, httpStatus?: number): MappedWazzupError {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = body.trim() === '' ? undefined : JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const obj = isRecord(parsed) ? parsed : undefined;
  const err = obj?.['error'];
  const nested = isRecord(err) ? err : undefined;
  const code = nested ? (text(nested['code']) ?? text(nested['error'])) : text(err);
  const description = text(nested?.['description']) ?? text(nested?.['message']) ?? text(obj?.['description']) ?? text(obj?.['message']);
  const fields: Parameters<typeof build>[0] = {
    code: code ?? WAZZUP_HTTP_ERROR,
    message: description ?? (code ? `Wazzup error ${code}` : `HTTP ${httpStatus ?? 'error'} without a Wazzup error code`),
  };
  const details = describeData(nested?.['data'] ?? obj?.['data']) ?? (code || typeof body !== 'string' ? undefined : snippet(body));
  if (details !== undefined) fields.details = details;
  if (httpStatus !== undefined) fields.httpStatus = httpStatus;
  const requestId = text(obj?.['requestId']);
  if (requestId !== undefined) fields.requestId = requestId;
  return build(fields);
}

/** The `error` of a failed status or message webhook (`{ error, description }`, or a bare code). */
export function mapWazzupWebhookError(error: unknown): MappedWazzupError {
  if (typeof error === 'string' || typeof error === 'number') return build({ code: String(error), message: `Wazzup error ${error}` });
  const e = isRecord(error) ? error : {};
  const code = text(e['error']) ?? text(e['code']) ?? WAZZUP_HTTP_ERROR;
  const fields: Parameters<typeof build>[0] = {
    code,
    message: text(e['description']) ?? text(e['message']) ?? `Wazzup error ${code}`,
  };
  const details = describeData(e['data']);
  if (details !== undefined) fields.details = details;
  return build(fields);
}

/** A request that never got an answer: worth retrying (for sends only because crmMessageId makes them idempotent). */
export function wazzupTransportError(cause: string): MappedWazzupError {
  return {
    code: WAZZUP_TRANSPORT_ERROR,
    message: `Wazzup API request failed: ${cause}`,
    retryable: true,
    retryClass: 'backoff',
    hint: 'The Wazzup API did not answer (timeout or network error): retry with backoff; check connectivity to api.wazzup24.com.',
  };
}

/**
 * The API key is not configured: no request was made. Not retryable as is (a retry would find the same empty
 * secret); it works once someone pastes the key.
 */
export function wazzupApiKeyMissing(): MappedWazzupError {
  return {
    code: WAZZUP_API_KEY_MISSING,
    message: 'The Wazzup24 API key is not configured: the secret is empty or unset, so nothing was sent.',
    retryable: false,
    retryClass: 'none',
    hint:
      'Paste the API key from Wazzup > Settings > Integration with CRM into the secret named by the stack output WazzupApiKeyName ' +
      '(locally: set WAZZUP_API_KEY), then send again.',
  };
}

/**
 * How long to wait before retry number `attempt` (0 = first retry), or undefined when it must not be retried.
 * A 429 waits out the 5-second window (plus jitter, so parallel senders do not hit the next window together).
 */
export function wazzupRetryDelayMs(error: MappedWazzupError, attempt: number, opts: BackoffOptions = {}): number | undefined {
  const random = opts.random ?? Math.random;
  switch (error.retryClass) {
    case 'none':
    case 'pair':
      return undefined;
    case 'token':
      return attempt === 0 ? 0 : undefined;
    case 'throughput':
      return WAZZUP_RATE_WINDOW_MS + Math.floor(random() * 1_000);
    case 'backoff':
      return backoffDelayMs(attempt, opts);
  }
}

function snippet(raw: string): string | undefined {
  const s = raw.replace(/\s+/g, ' ').trim().slice(0, 200);
  return s || undefined;
}
