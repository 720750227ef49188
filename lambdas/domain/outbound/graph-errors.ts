// Every Graph API error (synchronous body or the `errors[]` of a failed status webhook) mapped to one shape
// the sender, the admin API and the diagnostics understand. Meta says to branch on `code` (and `details`),
// never on titles or message text (titles "will eventually be deprecated") and not on the HTTP status:
// the table below follows ../shared/reference/meta-cloud-api-facts.md §7.

/** How a retryable error should be retried. `none` = permanent: record it and give up. */
export type RetryClass = 'none' | 'backoff' | 'throughput' | 'pair' | 'token';

export interface MappedGraphError {
  /** Meta's error code, or one of the sentinel codes below for failures that carry no Graph error. */
  code: number;
  subcode?: number;
  message: string;
  /** `error_data.details` (sync) or `error_data.details` of a webhook error: the most specific text Meta gives. */
  details?: string;
  /** Webhook errors carry a title; sync errors a type (`OAuthException`, `GraphMethodException`). */
  title?: string;
  type?: string;
  fbtraceId?: string;
  httpStatus?: number;
  retryable: boolean;
  retryClass: RetryClass;
  /** What a person should do about it. */
  hint: string;
}

/** The request never got an HTTP answer (DNS, reset, timeout). */
export const TRANSPORT_ERROR_CODE = -1;
/** An HTTP error whose body is not a Graph error (a proxy's HTML page, an empty 502). */
export const HTTP_ERROR_CODE = -2;

/** Where the access token lives, named in hints so the reader knows exactly what to change. */
const TOKEN_FIX =
  'run `npx wa token rotate` (in AWS it rotates the Secrets Manager secret named by ACCESS_TOKEN_ARN; ' +
  'locally it refreshes WHATSAPP_ACCESS_TOKEN), or paste a new system-user token (Business Settings > ' +
  'System users > Generate token, with whatsapp_business_messaging and whatsapp_business_management) into that secret';

interface Rule {
  retryClass: RetryClass;
  hint: string;
}

const permanent = (hint: string): Rule => ({ retryClass: 'none', hint });
const backoff = (hint: string): Rule => ({ retryClass: 'backoff', hint });

const TEMPLATE_FIX = 'check the template in WhatsApp Manager > Message templates';

const RULES: Readonly<Record<number, Rule>> = {
  0: { retryClass: 'token', hint: `The access token could not authenticate (expired or invalidated): ${TOKEN_FIX}.` },
  1: backoff('Graph reported an invalid request or a temporary problem: retry with backoff; if it persists check https://metastatus.com.'),
  2: backoff('Graph is temporarily unavailable: retry with backoff; see https://metastatus.com.'),
  3: permanent('The app lacks the capability for this call: check the app\'s WhatsApp product setup and permissions in the App Dashboard.'),
  4: backoff('The app hit its Graph API call rate limit: slow down; calls resume after the window resets.'),
  10: permanent('Permission not granted or removed: the token needs whatsapp_business_messaging (sending) and whatsapp_business_management (account reads); run `npx wa diagnose`.'),
  33: permanent('This business phone number was deleted: use another phone number id (`npx wa accounts` lists them).'),
  104: permanent(`No access token was sent with the request: set the access token (${TOKEN_FIX}).`),
  368: permanent('The WhatsApp Business Account is restricted or disabled for a policy violation: do not retry; see Business Support Home (business.facebook.com/business-support-home) to review and appeal.'),
  803: permanent('The phone number id was not found: run `npx wa accounts` to list the phone number ids your token can see.'),
  80007: backoff('The WhatsApp Business Account hit its management API rate limit (200/h, 5000/h for active accounts): retry later.'),
  130403: permanent('The business has blocked this user: unblock them before messaging.'),
  130429: { retryClass: 'throughput', hint: 'Cloud API message throughput reached (80 messages/s by default): retry with backoff and spread sends out.' },
  130472: permanent('The user is part of a Meta experiment and did not receive this marketing message: do not retry.'),
  130497: permanent('The business account is restricted from messaging users in this country.'),
  131000: backoff('Something went wrong on Meta\'s side: retry a limited number of times; if it persists, contact Meta support with the fbtrace_id.'),
  131005: permanent('Permission denied: check the token\'s permissions and the system user\'s access to this WhatsApp Business Account.'),
  131008: permanent('A required parameter is missing from the request: see details.'),
  131009: permanent('A parameter value is not valid: see details.'),
  131016: backoff('The service is temporarily unavailable: retry with backoff; see https://metastatus.com.'),
  131021: permanent('The recipient is the sending business number itself: send to a different number.'),
  131026: permanent('Message undeliverable: the recipient is not on WhatsApp, has not accepted the latest terms, uses an old WhatsApp version, or blocked the business. Confirm the number with the customer; do not retry blindly.'),
  131030: permanent('The recipient is not in the allowed list of this test number: add the number under App Dashboard > WhatsApp > API Setup > "To" (manage phone number list), or send from a registered production number.'),
  131031: permanent('The business account is locked (policy violation or a wrong two-step verification PIN): see Business Support Home.'),
  131037: permanent('The 555 number needs an approved display name before it can send: request one in WhatsApp Manager.'),
  131042: permanent('There is a problem with the payment method: fix billing in WhatsApp Manager > Payment settings.'),
  131045: permanent('The phone number is not registered with Cloud API: register it (POST /{phone-number-id}/register).'),
  131047: permanent('More than 24 hours have passed since the customer last wrote: send an approved template message instead of free-form text.'),
  131048: permanent('Spam rate limit: too many of this number\'s messages were blocked or flagged. Do not retry in a loop; check the phone number\'s quality rating and slow down.'),
  131049: permanent('Meta held this marketing message back to keep per-user engagement healthy: do not resend for at least 24 hours.'),
  131050: permanent('The user has stopped marketing messages from this business: do not send marketing templates to them.'),
  131051: permanent('This message type is not supported.'),
  131052: permanent('The user\'s media could not be downloaded: ask them to send it again.'),
  131053: permanent('The media could not be uploaded (often a MIME type that does not match the file): fix the media and send again.'),
  131056: { retryClass: 'pair', hint: 'Too many messages to the same recipient in a short time (pair rate limit): wait 4^n seconds before retrying this recipient; other recipients are unaffected.' },
  131057: backoff('The business account is in maintenance mode (for example during a throughput upgrade): retry in about a minute.'),
  131062: permanent('This message cannot be sent to a business-scoped user id (BSUID): send it to the customer\'s phone number instead.'),
  131063: permanent('Marketing templates are disabled for Cloud API on this account: send through the Marketing Messages API or enable them.'),
  131064: permanent('Messaging limit hit because of template classification violations: wait for the enforcement period to end.'),
  132000: permanent(`The number of template parameters does not match the template: ${TEMPLATE_FIX} and send one parameter per placeholder.`),
  132001: permanent(`The template does not exist in this language or is not approved: ${TEMPLATE_FIX} (name and language code must match exactly).`),
  132005: permanent('The translated template text is too long once parameters are filled in: shorten the parameter values.'),
  132007: permanent(`The template content violates WhatsApp policy: ${TEMPLATE_FIX}.`),
  132012: permanent('Template parameter values are formatted incorrectly (for example a currency or date_time object): fix the parameters.'),
  132015: permanent(`The template is paused for low quality: ${TEMPLATE_FIX} and edit it, or use another template.`),
  132016: permanent(`The template was permanently disabled for low quality: ${TEMPLATE_FIX} and create a new one.`),
  132018: permanent('The template failed validation: see details.'),
  132068: permanent('The Flow is blocked: fix it in WhatsApp Manager > Flows.'),
  132069: permanent('The Flow is throttled: send fewer Flow messages.'),
  133000: permanent('A previous deregistration of this number did not complete: deregister it again before registering.'),
  133004: backoff('The server is temporarily unavailable for registration: retry later.'),
  133005: permanent('The two-step verification PIN is wrong.'),
  133006: permanent('The phone number must be verified before it can be registered.'),
  133008: permanent('Too many two-step verification PIN attempts: try again later.'),
  133009: permanent('The two-step verification PIN was entered too quickly.'),
  133010: permanent('The phone number is not registered with the WhatsApp Business Platform: register it.'),
  133015: backoff('The number was recently deleted and is not ready yet: wait a few minutes, then retry.'),
  133016: backoff('Too many register/deregister attempts: wait before trying again.'),
  134011: permanent('The payments terms of service are not accepted.'),
  135000: permanent('Unknown error with the request parameters: check the request against the API reference.'),
  2494100: backoff('The account is in maintenance mode (phone number migration): retry in a few minutes.'),
};

/** 190's subcodes say why the token stopped working; the fix differs. */
const TOKEN_SUBCODE_REASON: Readonly<Record<number, string>> = {
  458: 'the app is not installed for the user who created the token',
  459: 'the user is checkpointed and must log in to Facebook',
  460: 'the password of the user who created the token changed',
  463: 'the token has expired',
  464: 'the user who created the token is not confirmed',
  467: 'the token was invalidated (logged out or revoked)',
  492: 'the session is invalid',
};

function ruleFor(code: number, subcode: number | undefined): Rule | undefined {
  if (code === 190) {
    const why = (subcode !== undefined && TOKEN_SUBCODE_REASON[subcode]) || 'the token is invalid or has expired';
    return { retryClass: 'token', hint: `Access token rejected (code 190): ${why}. ${capitalise(TOKEN_FIX)}.` };
  }
  if (code === 100 && subcode === 33) {
    return permanent(
      'Graph cannot find or use this object id with this token. The usual cause is a phone number id that is ' +
        'really a WhatsApp Business Account id or the phone number itself: run `npx wa accounts` to list the ' +
        'phone number ids the token can see, and check the token has access to that account.',
    );
  }
  if (code === 100) return permanent('Invalid parameter: see details (and `npx wa diagnose` if it names an id).');
  if (code === 200 || (code > 200 && code < 300)) {
    return permanent(
      'Permission missing: the token needs whatsapp_business_messaging and whatsapp_business_management, and a ' +
        'system user needs access to this WhatsApp Business Account (Business Settings > System users > Assign assets). ' +
        'Run `npx wa diagnose`.',
    );
  }
  if (code >= 2388000 && code < 2389000) return permanent('Template creation or phone number migration error: see details.');
  return RULES[code];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function build(
  fields: Omit<MappedGraphError, 'retryable' | 'retryClass' | 'hint'>,
  transient: boolean,
): MappedGraphError {
  const rule = ruleFor(fields.code, fields.subcode);
  if (rule) return { ...fields, retryable: rule.retryClass !== 'none', retryClass: rule.retryClass, hint: rule.hint };
  // Unknown code: trust Meta's is_transient flag and 5xx, and give the trace id support will ask for.
  const retry = transient || (fields.httpStatus !== undefined && fields.httpStatus >= 500);
  const trace = fields.fbtraceId ? ` Quote fbtrace_id ${fields.fbtraceId} to Meta support.` : '';
  return {
    ...fields,
    retryable: retry,
    retryClass: retry ? 'backoff' : 'none',
    hint: `Graph error ${fields.code}${fields.subcode !== undefined ? `/${fields.subcode}` : ''}: see https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes.${trace}`,
  };
}

/**
 * Maps a Graph response body (parsed JSON or the raw text) and its HTTP status. Accepts anything: a body that
 * is not a Graph error becomes an HTTP_ERROR_CODE error, retryable for 5xx, 429 and 408.
 */
export function mapGraphError(body: unknown, httpStatus?: number): MappedGraphError {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const err = isRecord(parsed) ? parsed['error'] : undefined;
  const code = isRecord(err) ? num(err['code']) : undefined;
  if (!isRecord(err) || code === undefined) return httpFailure(httpStatus, typeof body === 'string' ? body : undefined);
  const errorData = isRecord(err['error_data']) ? err['error_data'] : undefined;
  const fields: Omit<MappedGraphError, 'retryable' | 'retryClass' | 'hint'> = {
    code,
    message: text(err['message']) ?? text(err['error_user_msg']) ?? `Graph error ${code}`,
  };
  const subcode = num(err['error_subcode']);
  if (subcode !== undefined) fields.subcode = subcode;
  const details = text(errorData?.['details']) ?? text(err['error_user_msg']);
  if (details !== undefined) fields.details = details;
  const type = text(err['type']);
  if (type !== undefined) fields.type = type;
  const trace = text(err['fbtrace_id']);
  if (trace !== undefined) fields.fbtraceId = trace;
  if (httpStatus !== undefined) fields.httpStatus = httpStatus;
  return build(fields, err['is_transient'] === true);
}

/** One element of a failed status's `errors[]` (or `value.errors[]`, `messages[].errors[]`). */
export function mapWebhookError(error: unknown): MappedGraphError {
  const e = isRecord(error) ? error : {};
  const code = num(e['code']) ?? HTTP_ERROR_CODE;
  const errorData = isRecord(e['error_data']) ? e['error_data'] : undefined;
  const fields: Omit<MappedGraphError, 'retryable' | 'retryClass' | 'hint'> = {
    code,
    message: text(e['message']) ?? text(e['title']) ?? `WhatsApp error ${code}`,
  };
  const title = text(e['title']);
  if (title !== undefined) fields.title = title;
  const details = text(errorData?.['details']);
  if (details !== undefined) fields.details = details;
  return build(fields, false);
}

function httpFailure(httpStatus: number | undefined, rawText: string | undefined): MappedGraphError {
  const status = httpStatus ?? 0;
  const retry = status >= 500 || status === 429 || status === 408;
  const snippet = rawText ? rawText.replace(/\s+/g, ' ').trim().slice(0, 200) : undefined;
  const out: MappedGraphError = {
    code: HTTP_ERROR_CODE,
    message: `HTTP ${status || 'error'} without a Graph error body`,
    retryable: retry,
    retryClass: retry ? 'backoff' : 'none',
    hint: retry
      ? 'Graph (or a proxy in front of it) failed without an error body: retry with backoff; see https://metastatus.com.'
      : 'Graph answered with an unexpected non-Graph body: check the base URL and API version.',
  };
  if (httpStatus !== undefined) out.httpStatus = httpStatus;
  if (snippet) out.details = snippet;
  return out;
}

/** A request that never got an answer: timeouts and connection failures are worth retrying. */
export function transportError(cause: string): MappedGraphError {
  return {
    code: TRANSPORT_ERROR_CODE,
    message: `Graph API request failed: ${cause}`,
    retryable: true,
    retryClass: 'backoff',
    hint: 'The Graph API did not answer (timeout or network error): retry with backoff; check connectivity to graph.facebook.com.',
  };
}

export interface BackoffOptions {
  /** First delay ceiling; doubles per attempt. */
  baseMs?: number;
  capMs?: number;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

/** Exponential backoff with full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2^attempt)]. */
export function backoffDelayMs(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 1_000;
  const cap = opts.capMs ?? 15 * 60_000;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** Meta's pair-rate rule: "retry after 4^X seconds (starting with X=0 and increasing X by 1 after each failure)". */
export function pairRateDelayMs(attempt: number, capMs = 12 * 60 * 60_000): number {
  return Math.min(capMs, 4 ** Math.max(0, attempt) * 1_000);
}

/**
 * How long to wait before retry number `attempt` (0 = first retry) of a call that failed with `error`,
 * or undefined when it must not be retried.
 */
export function retryDelayMs(error: MappedGraphError, attempt: number, opts: BackoffOptions = {}): number | undefined {
  switch (error.retryClass) {
    case 'none':
      return undefined;
    case 'pair':
      return pairRateDelayMs(attempt);
    case 'token':
      // The first retry follows a token refresh and can go at once; after that the new token is bad too.
      return attempt === 0 ? 0 : backoffDelayMs(attempt, opts);
    case 'throughput':
      return backoffDelayMs(attempt, { baseMs: 1_000, capMs: 60_000, ...opts });
    case 'backoff':
      return backoffDelayMs(attempt, opts);
  }
}
