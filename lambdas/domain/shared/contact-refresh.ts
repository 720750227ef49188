// Whether a contact sighting would change the stored profile, so the webhook can skip a write that changes nothing.
// A profile write costs a write unit on the table and another on the byCreated index (it projects every
// attribute), and most inbound messages come from a customer whose profile already says everything: same name,
// same ids, and a lastInboundAt a few minutes old. lastInboundAt is refreshed once it is `refreshMs` behind the new
// message, so the stored value may lag the newest message by less than that; the 24-hour window is still decided
// exactly, because the sender asks the messages themselves when the stored value says the window is closed
// (domain/outbound/sender.ts, MessageStore.latestInboundSince).
import { e164FromWaId } from './contact-identity.js';
import type { ContactSighting } from './ports.js';

/** What the decision needs from the stored profile. */
export interface StoredProfile {
  userId?: string;
  parentUserId?: string;
  waId?: string;
  name?: string;
  username?: string;
  phones: readonly string[];
  lastInboundAt?: string;
}

/**
 * True when writing `sighting` would leave `stored` as it is, given lastInboundAt may lag by up to `refreshMs`
 * (0: every newer inbound message is written). Mirrors the store's update: the newest inbound sighting
 * overwrites identity and profile fields, any other one only fills missing ones; the phone is added to a set.
 */
export function sightingIsStored(stored: StoredProfile, sighting: ContactSighting, refreshMs: number): boolean {
  const { user, inboundAt } = sighting;
  const storedAt = stored.lastInboundAt ? Date.parse(stored.lastInboundAt) : Number.NaN;
  const newAt = inboundAt ? Date.parse(inboundAt) : Number.NaN;
  const newest = inboundAt !== undefined && (Number.isNaN(storedAt) || storedAt < newAt);
  if (newest && !(refreshMs > 0 && storedAt >= newAt - refreshMs)) return false;
  const fields = { userId: user.userId, parentUserId: user.parentUserId, waId: user.waId, name: user.name, username: user.username };
  for (const [field, value] of Object.entries(fields) as [keyof typeof fields, string | undefined][]) {
    if (!value) continue;
    if (newest ? stored[field] !== value : stored[field] === undefined) return false;
  }
  const phone = e164FromWaId(user.waId);
  return !phone || stored.phones.includes(phone);
}
