// Which WhatsApp sender is which user of the business's own system, and with what role: the phone -> user
// mapping the task-manager integration had. A user is keyed by the phone number as E.164 digits (the `wa_id`
// form, any common written form accepted) or by a BSUID taken as it is. Pure: the store is a port.
import type { UserRef } from '../shared/model.js';
import { isBsuid, normaliseRecipient } from '../outbound/outbound-message.js';

export type { UserRef } from '../shared/model.js';
export const ROLES = ['admin', 'staff', 'customer'] as const satisfies readonly UserRef['role'][];
export type Role = UserRef['role'];

export interface AppUser {
  /** The key: E.164 digits without `+` (`79991234567`) or a BSUID (`US.1349…`). */
  id: string;
  /** The user's id in the business's own system. */
  userId: string;
  role: Role;
  name?: string;
  createdAt: string;
  updatedAt: string;
}

export interface UserPage {
  items: AppUser[];
  nextCursor?: string;
}

export interface UserStore {
  /** Creates or replaces the mapping; `createdAt` of a replaced one is kept. */
  put(user: Omit<AppUser, 'createdAt' | 'updatedAt'>, now: string): Promise<{ user: AppUser; created: boolean }>;
  get(id: string): Promise<AppUser | undefined>;
  /** False when there was nothing to delete. */
  remove(id: string): Promise<boolean>;
  /** Ordered by key. An invalid cursor throws InvalidCursor. */
  list(page: { limit: number; cursor?: string }): Promise<UserPage>;
  /** The first of `ids` that is mapped, in the order given. */
  first(ids: readonly string[]): Promise<AppUser | undefined>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; field: string };

const USER_ID_MAX = 128;
const NAME_MAX = 200;

/** `{id}` of /users/{id}: a phone number in any common written form (stored as E.164 digits) or a BSUID. */
export function parseUserKey(raw: string): Parsed<string> {
  const input = raw.trim();
  if (isBsuid(input)) return { ok: true, value: input };
  const e164 = /^[+\d\s().-]+$/.test(input) ? normaliseRecipient(input) : undefined;
  if (!e164) {
    return { ok: false, field: 'id', error: `"${input.slice(0, 40)}" is neither a phone number in international form (+7 999 123-45-67, 79991234567) nor a BSUID (US.1349…)` };
  }
  return { ok: true, value: e164.replace(/^\+/, '') };
}

/** The PUT body: `{ userId, role, name? }`, every problem naming its field. */
export function parseUserBody(body: unknown): Parsed<{ userId: string; role: Role; name?: string }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, field: 'body', error: 'the body must be a JSON object { "userId", "role", "name"? }' };
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !['userId', 'role', 'name'].includes(k));
  if (unknown.length) return { ok: false, field: unknown[0]!, error: `unknown field "${unknown[0]}": the body takes userId, role and name` };
  if (typeof b.userId !== 'string' || !b.userId.trim()) return { ok: false, field: 'userId', error: 'userId must be a non-empty string' };
  if (b.userId.trim().length > USER_ID_MAX) return { ok: false, field: 'userId', error: `userId must be at most ${USER_ID_MAX} characters` };
  if (typeof b.role !== 'string' || !(ROLES as readonly string[]).includes(b.role)) {
    return { ok: false, field: 'role', error: `role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(b.role ?? null).slice(0, 40)}` };
  }
  const out: { userId: string; role: Role; name?: string } = { userId: b.userId.trim(), role: b.role as Role };
  if (b.name !== undefined) {
    if (typeof b.name !== 'string') return { ok: false, field: 'name', error: 'name must be a string' };
    if (b.name.trim().length > NAME_MAX) return { ok: false, field: 'name', error: `name must be at most ${NAME_MAX} characters` };
    if (b.name.trim()) out.name = b.name.trim();
  }
  return { ok: true, value: out };
}

/** The keys a contact can be mapped under, most specific first: its BSUID, its wa_id, its other phones. */
export function userKeysOf(contact: { userId?: string; waId?: string; phones?: readonly string[] }): string[] {
  const keys: string[] = [];
  if (contact.userId && isBsuid(contact.userId)) keys.push(contact.userId);
  if (contact.waId && /^\d{6,15}$/.test(contact.waId)) keys.push(contact.waId);
  for (const phone of contact.phones ?? []) {
    const digits = phone.replace(/^\+/, '');
    if (/^\d{6,15}$/.test(digits)) keys.push(digits);
  }
  return [...new Set(keys)];
}

export function userRef(user: AppUser): UserRef {
  return { userId: user.userId, role: user.role, ...(user.name ? { name: user.name } : {}) };
}
