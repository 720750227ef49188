// How a provider user maps to one contact. The id is derived from the user so concurrent deliveries about a
// new user converge on the same item without coordination; aliases let a later delivery that brings a
// different identifier (a BSUID for a contact first seen by phone) find the existing contact.
import type { Channel, ProviderUser } from './model.js';

export type AliasKind = 'user' | 'waid' | 'phone' | 'email';

export interface Alias {
  kind: AliasKind;
  value: string;
}

/**
 * A new contact's id: the BSUID (`US.1349…`, always has a country prefix and a dot) when present, else the
 * phone `wa_id` digits. Both are URL-safe, so the id is usable as is in `/contacts/{id}`.
 * Other channels are prefixed so their ids cannot collide with Meta's.
 */
export function contactIdFor(channel: Channel, user: ProviderUser): string | undefined {
  const base = nonEmpty(user.userId) ?? digitsOnly(user.waId);
  if (base === undefined) return undefined;
  return channel === 'meta' ? base : `${channel}-${base}`;
}

/** The aliases to look a user up by, most specific first (a BSUID survives a number change; a wa_id may be withheld). */
export function lookupAliases(user: ProviderUser): Alias[] {
  const out: Alias[] = [];
  const userId = nonEmpty(user.userId);
  const waId = digitsOnly(user.waId);
  if (userId) out.push({ kind: 'user', value: userId });
  if (waId) out.push({ kind: 'waid', value: waId });
  return out;
}

/** Every alias a contact seen as `user` should be reachable by (lookups plus the E.164 phone for card dedupe). */
export function aliasesFor(user: ProviderUser): Alias[] {
  const phone = e164FromWaId(user.waId);
  return [...lookupAliases(user), ...(phone ? [{ kind: 'phone' as const, value: phone }] : [])];
}

/** `wa_id` is the international number without `+`: E.164 is `+` and those digits (8 to 15 of them). */
export function e164FromWaId(waId: string | undefined): string | undefined {
  const digits = digitsOnly(waId);
  return digits && /^[1-9]\d{7,14}$/.test(digits) ? `+${digits}` : undefined;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Identity key for memoising resolution of the same user within one delivery. */
export function identityKey(channel: Channel, user: ProviderUser): string | undefined {
  const aliases = lookupAliases(user);
  return aliases.length ? `${channel}|${aliases.map((a) => `${a.kind}#${a.value}`).join('|')}` : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

function digitsOnly(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v && /^\d+$/.test(v) ? v : undefined;
}
