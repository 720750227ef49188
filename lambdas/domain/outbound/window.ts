// The 24-hour customer service window. Meta: "When a WhatsApp user messages you or calls you, a 24-hour timer
// called a customer service window starts ... When the window closes, you can only send pre-approved template
// messages." Free-form sends outside it fail asynchronously with 131047, so the sender checks first and the
// admin API can answer 409 with a hint instead of a wamid that fails later.
// The window is open while now - lastInboundAt < 24 h exactly (strict: at 24:00:00.000 it is closed).

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export type SendKind = 'text' | 'template' | 'media' | 'interactive' | 'reaction' | 'location' | 'contacts' | 'read';
export const SEND_KINDS: readonly SendKind[] = ['text', 'template', 'media', 'interactive', 'reaction', 'location', 'contacts', 'read'];

/** Kinds Meta allows whatever the window: templates (that is what they are for) and read receipts. */
const ALWAYS_ALLOWED: ReadonlySet<SendKind> = new Set(['template', 'read']);

export interface WindowState {
  open: boolean;
  /** Open only: when it closes unless the customer writes again (ISO 8601). */
  closesAt?: string;
  /** Closed after an earlier message: when it closed (ISO 8601). */
  closedAt?: string;
  /** The customer's last inbound message, as given (normalised to ISO 8601). */
  lastInboundAt?: string;
}

export type SendCheck = { ok: true } | { ok: false; code: 'window_closed'; hint: string };

function parseInstant(value: string, name: string): number {
  // Date.parse accepts odd forms ("1", "March 7"); only ISO 8601 timestamps are stored, so demand one.
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not an ISO 8601 timestamp: ${JSON.stringify(value)}`);
  return ms;
}

export function windowState(lastInboundAt: string | undefined, now: Date): WindowState {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('now is an invalid Date');
  if (lastInboundAt === undefined || lastInboundAt === '') return { open: false };
  const last = parseInstant(lastInboundAt, 'lastInboundAt');
  const end = last + WINDOW_MS;
  const lastIso = new Date(last).toISOString();
  // A lastInboundAt slightly in the future (clock skew between Meta and us) still opens the window until `end`.
  return nowMs < end
    ? { open: true, closesAt: new Date(end).toISOString(), lastInboundAt: lastIso }
    : { open: false, closedAt: new Date(end).toISOString(), lastInboundAt: lastIso };
}

export interface SendCheckOptions {
  /** Recipient as the operator wrote it, to make the hint's example command copy-pasteable. */
  to?: string;
}

/** "+7 916 123-45-67" must stay one argument when the operator pastes the example. */
function shellWord(value: string): string {
  return /^[\w+.@:-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function checkSendAllowed(kind: SendKind, window: WindowState, options: SendCheckOptions = {}): SendCheck {
  if (!SEND_KINDS.includes(kind)) throw new RangeError(`Unknown send kind "${String(kind)}": one of ${SEND_KINDS.join(', ')}`);
  if (ALWAYS_ALLOWED.has(kind) || window.open) return { ok: true };
  const when = window.lastInboundAt
    ? `The customer last wrote at ${window.lastInboundAt}; the window closed at ${window.closedAt ?? 'that time + 24 h'}.`
    : 'The customer has never written to this number.';
  const given = options.to?.trim();
  const to = given ? shellWord(given) : '<number>';
  return {
    ok: false,
    code: 'window_closed',
    hint:
      `The 24-hour customer service window is closed, so a free-form ${kind} message cannot be sent. ${when} ` +
      'Send an approved template message instead; when the customer replies, the window opens again. For example: ' +
      `npx wa send --to ${to} --template NAME --lang ru`,
  };
}
