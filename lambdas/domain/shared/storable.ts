// What a parsed webhook element may hold and still be stored. DynamoDB refuses a partition key over 2048 bytes,
// a sort key over 1024 (the conversation index sorts on `<timestamp>#<message id>`), an item over 400 KB and a
// number of magnitude 1e126 or more,
// and such a refusal is not transient: the webhook would answer 500 for ever and the provider would retry the
// whole batch, good messages with it, until it gives up. So the parsers check each element here and keep one that
// does not fit as an `*.invalid` event (its raw JSON is bounded by the store), never as a message that cannot
// be written. Real values are far inside these limits: a wamid is about 60 characters, a BSUID at most 131, a
// Meta text 4096 characters.

/** Ids and identities: message ids, wa_id, BSUIDs, chat ids, phone number and account ids, field names. */
export const MAX_KEY_BYTES = 512;
/** Everything a message item holds beside its raw JSON (text, caption, names, errors, ...). */
export const MAX_MESSAGE_FIELDS_BYTES = 64 * 1024;
/** A status entry beside its raw JSON: it is appended to the message's history with every later status. */
export const MAX_STATUS_FIELDS_BYTES = 8 * 1024;
/** JSON nested deeper than this is not a webhook: walking it would exhaust the stack (JSON.parse does not). */
export const MAX_JSON_DEPTH = 100;

const utf8 = new TextEncoder();
const bytes = (s: string) => utf8.encode(s).byteLength;

/** True for an absent value or a string short enough to be (part of) a key. */
export function fitsKey(value: string | undefined): boolean {
  // Characters first: most values are short, and a long one need not be encoded to be refused.
  return value === undefined || value.length <= MAX_KEY_BYTES / 3 || (value.length <= MAX_KEY_BYTES && bytes(value) <= MAX_KEY_BYTES);
}

/** DynamoDB numbers: magnitude from 1e-130 to below 1e126 (a provider's error code of 1e308 is refused). */
const numberFits = (n: number) => n === 0 || (Math.abs(n) < 1e126 && Math.abs(n) >= 1e-130);

/** The fields of a value as stored (`raw` left out: the store bounds that one itself): size, and whether every number fits. */
function fields(value: object): { bytes: number; numbersFit: boolean } {
  let numbersFit = true;
  const json = JSON.stringify(value, (key, v: unknown) => {
    if (key === 'raw') return undefined;
    if (typeof v === 'number' && !numberFits(v)) numbersFit = false;
    return v;
  });
  return { bytes: bytes(json), numbersFit };
}

interface Identity {
  userId?: string;
  parentUserId?: string;
  waId?: string;
  chatType?: string;
  chatId?: string;
}

const identityFits = (u: Identity) => [u.userId, u.parentUserId, u.waId, u.chatType, u.chatId].every(fitsKey);

/** Why a parsed message cannot be stored as a message; undefined when it can. */
export function unstorableMessage(m: {
  id: string;
  phoneNumberId: string;
  accountId?: string;
  groupId?: string;
  from: Identity;
  context?: { messageId?: string };
}): string | undefined {
  if (![m.id, m.phoneNumberId, m.accountId, m.groupId, m.context?.messageId].every(fitsKey) || !identityFits(m.from)) {
    return `an id is longer than ${MAX_KEY_BYTES} bytes`;
  }
  const f = fields(m);
  if (f.bytes > MAX_MESSAGE_FIELDS_BYTES) return `its fields are larger than ${MAX_MESSAGE_FIELDS_BYTES} bytes`;
  if (!f.numbersFit) return 'a number is outside the range DynamoDB stores';
  return undefined;
}

/** Why a parsed status cannot be stored as a status; undefined when it can. */
export function unstorableStatus(s: { messageId: string; phoneNumberId: string; accountId?: string; status: string; recipient: Identity }): string | undefined {
  if (![s.messageId, s.phoneNumberId, s.accountId, s.status].every(fitsKey) || !identityFits(s.recipient)) {
    return `an id is longer than ${MAX_KEY_BYTES} bytes`;
  }
  const f = fields(s);
  if (f.bytes > MAX_STATUS_FIELDS_BYTES) return `its fields are larger than ${MAX_STATUS_FIELDS_BYTES} bytes`;
  if (!f.numbersFit) return 'a number is outside the range DynamoDB stores';
  return undefined;
}

/** Why a parsed call event cannot be stored beside its raw JSON; undefined when it can. */
export function unstorableCall(c: { callId: string; event: string; status?: string; user?: Identity }): string | undefined {
  if (![c.callId, c.event, c.status].every(fitsKey) || (c.user && !identityFits(c.user))) return `an id is longer than ${MAX_KEY_BYTES} bytes`;
  const f = fields(c);
  if (f.bytes > MAX_STATUS_FIELDS_BYTES) return `its fields are larger than ${MAX_STATUS_FIELDS_BYTES} bytes`;
  if (!f.numbersFit) return 'a number is outside the range DynamoDB stores';
  return undefined;
}

/** True when arrays and objects nest deeper than `max` anywhere in the value. Iterative: the value may be deep. */
export function nestedDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const todo: [unknown, number][] = [[value, 0]];
  while (todo.length) {
    const [v, depth] = todo.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) todo.push([child, depth + 1]);
    }
  }
  return false;
}
