// What must never reach a log line, as pure functions the logger's formatter applies to every item:
// credentials (by key name, by shape, and by known value) are replaced, phone numbers are masked.
// Pure and dependency-free so it can be tested exhaustively and reused for any text that leaves the process.

export const REDACTED = '[REDACTED]';

export interface RedactionOptions {
  /** Show phone numbers in full (LOG_PHONE_NUMBERS=true, for debugging a specific conversation). */
  readonly showPhoneNumbers?: boolean;
  /** Exact secret values known at run time (the app secret, the access token): blanked wherever they appear. */
  readonly secrets?: Iterable<string>;
  /** How an Error becomes a plain object before it is scanned (the logger passes Powertools' formatter). */
  readonly formatError?: (error: Error) => Record<string, unknown>;
}

/** Keys whose value is a credential whatever it looks like; compared lowercased without `-`, `_`, `.`. */
const SECRET_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'xhubsignature',
  'xhubsignature256',
  'signature',
  'accesstoken',
  'appsecret',
  'verifytoken',
  'hubverifytoken',
  'clientsecret',
  'inputtoken',
  'fbexchangetoken',
  'appsecretproof',
  'revoketoken',
  'secretstring',
  'password',
  'apikey',
  'crmkey',
  'cookie',
  'setcookie',
]);

/** Keys whose value is a person's phone number (or an id made of one, such as a wa_id-based contact id). */
const PHONE_KEYS = new Set([
  'waid',
  'phone',
  'phones',
  'phonenumber',
  'from',
  'to',
  'recipient',
  'recipientid',
  'input',
  'contactid',
  'chatid',
  'msisdn',
  'e164',
  'mobile',
]);

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[-_.\s]/g, '');

export function isSecretKey(key: string): boolean {
  const k = normalizeKey(key);
  return SECRET_KEYS.has(k) || k.endsWith('token') || k.endsWith('secret') || k.endsWith('password');
}

export function isPhoneKey(key: string): boolean {
  return PHONE_KEYS.has(normalizeKey(key));
}

/** Query parameters (and form fields) that carry credentials. */
const SECRET_PARAMS = [
  'access_token',
  'client_secret',
  'input_token',
  'fb_exchange_token',
  'appsecret_proof',
  'revoke_token',
  'hub.verify_token',
  'verify_token',
  'crmKey',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
  'X-Amz-Credential',
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const TEXT_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // access_token=EAAB... in a URL, a form body or an error message
  [new RegExp(`\\b(${SECRET_PARAMS.map(escape).join('|')})=[^&\\s"'#<>]+`, 'gi'), `$1=${REDACTED}`],
  // "Authorization: Bearer x", "authorization":"Bearer x", authorization=x
  [/\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic|Token|OAuth)\s+)?[^\s"',;}]+/gi, `$1$2${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9._~+/=|-]{8,}/g, `Bearer ${REDACTED}`],
  // X-Hub-Signature-256 values; SigV4 `Signature=<hex>` in an echoed Authorization header
  [/\bsha256=[0-9a-f]{16,}/gi, `sha256=${REDACTED}`],
  [/\b(signature=)[0-9a-f]{32,}/gi, `$1${REDACTED}`],
  // Meta user/system-user/page tokens start with EAA; an app token is APP_ID|APP_SECRET
  [/\bEAA[A-Za-z0-9]{20,}/g, REDACTED],
  [/\b\d{8,20}\|[A-Za-z0-9_-]{16,}/g, REDACTED],
];

/** `+996555123456` -> `+996555***456`: country and operator prefix kept, at least three digits hidden. */
export function maskPhone(phone: string): string {
  const plus = phone.trim().startsWith('+') ? '+' : '';
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return plus + '*'.repeat(digits.length);
  const head = Math.max(1, Math.min(6, digits.length - 6));
  return `${plus}${digits.slice(0, head)}***${digits.slice(-3)}`;
}

/** A value that is a phone number (8 to 15 digits, optional `+`, spaces, dashes, parentheses). */
function looksLikePhone(value: string): boolean {
  if (!/^\+?[\d\s().-]+$/.test(value.trim())) return false;
  const n = value.replace(/\D/g, '').length;
  return n >= 8 && n <= 15;
}

// `+` then 8 to 15 digits, written together or in groups with one separator each (`+996 555 123 456`,
// `+1 (555) 000-1111`); neighbouring numbers separated by a space are not glued into one.
const INLINE_PHONE = /(?<![\w+])\+(?:\d{8,15}|\d{1,4}(?:[ .-]\(?\d{2,6}\)?|\(\d{2,6}\)){2,6})(?!\d)/g;

export function redactText(text: string, options: RedactionOptions = {}): string {
  let out = text;
  for (const secret of options.secrets ?? []) {
    // Short values would blank out ordinary words; every real credential here is far longer.
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  if (!options.showPhoneNumbers) {
    out = out.replace(INLINE_PHONE, (match) => (looksLikePhone(match) ? maskPhone(match) : match));
  }
  return out;
}

function redactPhoneValue(value: string, options: RedactionOptions): string {
  if (options.showPhoneNumbers) return value;
  // A contact id is the wa_id digits for a phone-identified contact, a BSUID (`US.1349…`) otherwise.
  if (looksLikePhone(value)) return maskPhone(value);
  const prefixed = /^([a-z0-9]+-)(\+?\d{8,15})$/i.exec(value);
  return prefixed ? `${prefixed[1]}${maskPhone(prefixed[2]!)}` : value;
}

/**
 * A copy of `value` safe to log: secret-named keys replaced whatever their value, phone-named keys masked,
 * every string scanned for credentials and phone numbers, Errors (message, stack, cause, own fields)
 * included. Never mutates its input; cycles become `[Circular]`.
 */
export function redact(value: unknown, options: RedactionOptions = {}, key?: string): unknown {
  return walk(value, options, key, new WeakSet());
}

function walk(value: unknown, options: RedactionOptions, key: string | undefined, seen: WeakSet<object>): unknown {
  if (key !== undefined && isSecretKey(key) && value !== undefined && value !== null && value !== '') return REDACTED;
  const phoneKey = key !== undefined && isPhoneKey(key);
  if (typeof value === 'string') {
    const masked = phoneKey ? redactPhoneValue(value, options) : value;
    return redactText(masked, options);
  }
  if (typeof value === 'number') {
    return phoneKey && Number.isInteger(value) && looksLikePhone(String(value)) ? redactPhoneValue(String(value), options) : value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Date) return value;
  seen.add(value);
  try {
    // Array elements inherit the key: `phones: [...]` masks each element.
    if (Array.isArray(value)) return value.map((item) => walk(item, options, key, seen));
    if (value instanceof Error) {
      return options.formatError ? walk(options.formatError(value), options, key, seen) : walkError(value, options, seen);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, options, k, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

function walkError(error: Error, options: RedactionOptions, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: redactText(error.message, options) };
  if (error.stack !== undefined) out['stack'] = redactText(error.stack, options);
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) out['cause'] = walk(cause, options, 'cause', seen);
  for (const [k, v] of Object.entries(error)) {
    if (k === 'name' || k === 'message' || k === 'stack' || k === 'cause') continue;
    out[k] = walk(v, options, k, seen);
  }
  return out;
}
