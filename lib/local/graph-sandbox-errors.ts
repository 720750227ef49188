// Meta's error bodies, as the Graph sandbox returns them. Shapes and texts come from the recorded cassettes in
// ../shared/reference/graph-cassettes (named per entry), Meta's OpenAPI v23.0 error examples and the error-code
// table in meta-cloud-api-facts.md §7. Clients must branch on `code`, so the sandbox only has to get the code,
// the shape and a faithful message right.
import { randomBytes } from 'node:crypto';

export interface GraphErrorSpec {
  message: string;
  type: string;
  code: number;
  subcode?: number;
  /** WhatsApp-layer errors carry `error_data: { messaging_product, details }`. */
  details?: string;
  /** The title a status webhook's `errors[]` carries for the same code. */
  title?: string;
  isTransient?: boolean;
  httpStatus: number;
}

export type GraphErrorBody = { error: Record<string, unknown> };

export function fbtraceId(): string {
  return `A${randomBytes(16).toString('base64url').slice(0, 22)}`;
}

/** The body exactly as Graph lays it out (key order included: message, type, code, error_data, error_subcode, …). */
export function errorBody(spec: GraphErrorSpec): GraphErrorBody {
  const error: Record<string, unknown> = { message: spec.message, type: spec.type, code: spec.code };
  if (spec.details !== undefined) error['error_data'] = { messaging_product: 'whatsapp', details: spec.details };
  if (spec.subcode !== undefined) error['error_subcode'] = spec.subcode;
  if (spec.isTransient !== undefined) error['is_transient'] = spec.isTransient;
  error['fbtrace_id'] = fbtraceId();
  return { error };
}

/** WhatsApp-layer error: `(#code) title` with details, type OAuthException (as in every real WhatsApp error body). */
function wa(code: number, title: string, details: string, httpStatus = 400, subcode?: number): GraphErrorSpec {
  return { message: `(#${code}) ${title}`, type: 'OAuthException', code, details, title, httpStatus, ...(subcode !== undefined ? { subcode } : {}) };
}

// Graph never documents which HTTP status goes with which code (and says not to rely on it). These follow what
// Meta's OpenAPI examples show: 401 for 190, 403 for permissions, 429 for rate limits, 5xx for server-side errors,
// 400 for everything else. A test can override any of them through failNext's httpStatus.
const TABLE: Record<number, GraphErrorSpec> = {
  0: { message: 'Unable to authenticate the app user', type: 'OAuthException', code: 0, httpStatus: 401 },
  1: { message: 'An unknown error occurred', type: 'OAuthException', code: 1, isTransient: true, httpStatus: 500 },
  // OpenAPI 500 example.
  2: { message: 'An unexpected error occurred. Please retry your request', type: 'GraphMethodException', code: 2, isTransient: true, httpStatus: 500 },
  3: { message: '(#3) Application does not have the capability to make this API call.', type: 'OAuthException', code: 3, httpStatus: 403 },
  // OpenAPI 429 example.
  4: { message: 'Application request limit reached', type: 'OAuthException', code: 4, subcode: 2446079, isTransient: true, httpStatus: 429 },
  10: { message: '(#10) Application does not have permission for this action', type: 'OAuthException', code: 10, httpStatus: 403 },
  33: wa(33, 'This phone number is deleted', 'The business phone number has been deleted.'),
  // Cassette messages/send_text_handles_error_response.yml (and every *_handles_error_response.yml).
  100: {
    message:
      "Unsupported post request. Object with ID '0' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
    type: 'GraphMethodException',
    code: 100,
    subcode: 33,
    httpStatus: 400,
  },
  // OpenAPI 401 example.
  190: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190, subcode: 463, httpStatus: 401 },
  // OpenAPI 403 example.
  200: { message: "Your app doesn't have permission to access this phone number", type: 'OAuthException', code: 200, subcode: 1349174, httpStatus: 403 },
  368: { message: 'Temporarily blocked for policies violations', type: 'OAuthException', code: 368, httpStatus: 403 },
  80007: { message: '(#80007) Rate limit issues', type: 'OAuthException', code: 80007, httpStatus: 429 },
  130429: wa(130429, 'Rate limit hit', 'Cloud API message throughput has been reached.', 429, 2494055),
  130472: wa(130472, "User's number is part of an experiment", "Failed to send message because this user's phone number is part of an experiment"),
  131000: { ...wa(131000, 'Something went wrong', 'Something went wrong. Please try again later.', 500), isTransient: true },
  131005: wa(131005, 'Access denied', 'Permission is either not granted or has been removed.', 403),
  131008: wa(131008, 'Required parameter is missing', 'A required parameter is missing.'),
  131009: wa(131009, 'Parameter value is not valid', 'Please check the parameters you have provided.'),
  131016: wa(131016, 'Service unavailable', 'A service is temporarily unavailable. Please try again later.', 503),
  131021: wa(131021, 'Recipient cannot be sender', 'Sender and recipient phone number is the same.'),
  131026: wa(131026, 'Message undeliverable', 'Message Undeliverable.'),
  131030: wa(131030, 'Recipient phone number not in allowed list', 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.', 400, 2655007),
  131031: wa(131031, 'Account has been locked', 'Business Account locked.', 403),
  131042: wa(131042, 'Business eligibility payment issue', 'There was an error related to your payment method.'),
  131045: wa(131045, 'Incorrect certificate', 'Message failed to send due to a phone number registration error.'),
  // Failed-status example in facts §2.4 (Bindambc reEngagementMessageError.json).
  131047: wa(131047, 'Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'),
  131048: wa(131048, 'Spam rate limit hit', 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.', 429),
  131049: wa(131049, 'This message was not delivered to maintain healthy ecosystem engagement.', 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.'),
  131050: wa(131050, 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business', 'The user has stopped marketing messages.'),
  131051: wa(131051, 'Unsupported message type', 'Message type is not currently supported.'),
  131052: wa(131052, 'Media download error', "Unable to download the media sent by the user."),
  131053: wa(131053, 'Media upload error', 'Unsupported Video mime type text/html. Please use one of video/3gpp, video/mp4.'),
  131056: wa(131056, '(Business Account, Consumer Account) pair rate limit hit', 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.', 429),
  131057: wa(131057, 'Account in maintenance mode', 'Business Account is in maintenance mode.', 503),
  131062: wa(131062, 'Business-scoped User ID (BSUID) recipients are not supported for this message', 'BSUID recipients are not supported for this message.'),
  132000: wa(132000, 'Number of parameters does not match the expected number of params', 'The number of variable parameter values included in the request did not match the number of variable parameters defined in the template.'),
  132001: wa(132001, 'Template name does not exist in the translation', 'The template does not exist in the specified language or the template has not been approved.'),
  132005: wa(132005, 'Translated text too long', 'Translated text is too long.'),
  132007: wa(132007, 'Template Format Character Policy Violated', 'Template content violates a WhatsApp policy.'),
  132012: wa(132012, 'Parameter format does not match format in the created template', 'Variable parameter values formatted incorrectly.'),
  132015: wa(132015, 'Template is Paused', 'Template is paused due to low quality so it cannot be sent in a template message.'),
  132016: wa(132016, 'Template is Disabled', 'Template has been paused too many times due to low quality and is now permanently disabled.'),
  133010: wa(133010, 'Phone number Not Registered', 'Phone number not registered on the Whatsapp Business Platform.'),
  2494100: { message: 'Account in maintenance mode', type: 'OAuthException', code: 2494100, httpStatus: 503 },
};

/** The spec for any Meta error code: the table entry, or a generic WhatsApp-style error for codes it lacks. */
export function errorSpecFor(code: number): GraphErrorSpec {
  return TABLE[code] ?? wa(code, `Error ${code}`, `Simulated error ${code}.`, code >= 500 && code < 600 ? code : 400);
}

// ----- the errors the sandbox raises itself, with the texts real Graph uses

/** Cassettes *_handles_error_response.yml: an id Graph cannot find (or that does not support the operation). */
export function objectNotFound(method: string, id: string): GraphErrorSpec {
  return {
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
    code: 100,
    subcode: 33,
    httpStatus: 400,
  };
}

/** Cassette templates/template_analytics_with_error_response.yml: a field or edge the node type does not have. */
export function nonexistingField(field: string, nodeType: string): GraphErrorSpec {
  return { message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`, type: 'OAuthException', code: 100, httpStatus: 400 };
}

/** Cassettes messages/read_message_with_*.yml: an invalid parameter with WhatsApp details. */
export function invalidParameter(details: string): GraphErrorSpec {
  return { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, details, httpStatus: 400 };
}

export function parameterRequired(name: string): GraphErrorSpec {
  return { message: `(#100) The parameter ${name} is required.`, type: 'OAuthException', code: 100, httpStatus: 400 };
}

export function missingParameter(details: string): GraphErrorSpec {
  return { ...wa(131008, 'Required parameter is missing', details) };
}

export function invalidValue(details: string): GraphErrorSpec {
  return { ...wa(131009, 'Parameter value is not valid', details) };
}

export function noToken(): GraphErrorSpec {
  return { message: 'An access token is required to request this resource.', type: 'OAuthException', code: 104, httpStatus: 400 };
}

export function invalidToken(): GraphErrorSpec {
  return { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, httpStatus: 401 };
}

export function expiredToken(expiresAt: number, now: Date): GraphErrorSpec {
  return {
    message: `Error validating access token: Session has expired on ${graphDate(new Date(expiresAt * 1000))}. The current time is ${graphDate(now)}.`,
    type: 'OAuthException',
    code: 190,
    subcode: 463,
    httpStatus: 401,
  };
}

export function revokedToken(): GraphErrorSpec {
  return {
    message: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
    type: 'OAuthException',
    code: 190,
    subcode: 460,
    httpStatus: 401,
  };
}

export function badClientSecret(): GraphErrorSpec {
  return { message: 'Error validating client secret.', type: 'OAuthException', code: 1, httpStatus: 400 };
}

/** "Tuesday, 01-Sep-26 10:00:00 UTC", the style of Graph's session-expired message. */
function graphDate(d: Date): string {
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())}-${months[d.getUTCMonth()]}-${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}

/** A status webhook `errors[]` element for a failed message (facts §2.4). */
export function webhookError(code: number): Record<string, unknown> {
  const spec = errorSpecFor(code);
  const title = spec.title ?? spec.message;
  return {
    code,
    title,
    message: title,
    error_data: { details: spec.details ?? title },
    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
  };
}
