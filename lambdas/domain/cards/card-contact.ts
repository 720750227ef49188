// Which contact a business card becomes, and what is written to it. Pure: the contact store carries out the plan.
//
// Rules:
// - A card is the same person as a contact we have when one of its E.164 phones or one of its e-mails is already
//   known (phones printed in a form libphonenumber could not make E.164 are kept but never matched: "555-0150"
//   is not an identity). The card is then merged into that contact: phones, e-mails and websites are added
//   (every value is kept, nothing is replaced); name, title, company, department and address fill gaps only,
//   because the contact's own values (a WhatsApp profile name, an earlier card) came first.
// - When several contacts match, the oldest wins (deterministic, and the one people have seen longest); the
//   others are left as they are: merging two existing contacts is a person's decision, not a photo's.
// - Otherwise a new contact is created whose id is derived from the card message's id, so a retried or
//   redelivered job writes the same contact again instead of a second one. It is linked to the customer who
//   sent the card (`sourceContactId`) and to the message (`sourceMessageId`), and reachable through a `source`
//   alias so the bot's `/status` can count it.
// - A match that carries this very message as its source is our own earlier write (a retry that died after
//   writing the contact): the plan is then the same "create" again, with the outcome `created`.
import { createHash } from 'node:crypto';
import type { Card } from './card.js';
import { normaliseEmail } from '../shared/contact-identity.js';
import type { ContactRecord } from '../shared/ports.js';

export interface CardSourceRef {
  /** The WhatsApp contact who sent the card. */
  contactId: string;
  /** The card message's id (wamid). */
  messageId: string;
  /** When the contact is written (ISO 8601): `createdAt` of a new contact. */
  at: string;
}

/** The card as contact fields: phones as numbers, e-mails normalised, empties dropped, duplicates removed. */
export interface CardContactFields {
  name?: string;
  title?: string;
  company?: string;
  department?: string;
  address?: string;
  phones: string[];
  emails: string[];
  websites: string[];
}

export type ScalarField = 'name' | 'title' | 'company' | 'department' | 'address';
export const SCALAR_FIELDS: readonly ScalarField[] = ['name', 'title', 'company', 'department', 'address'];

export type CardContactOutcome = 'created' | 'merged';

export interface CardContactPlan {
  outcome: CardContactOutcome;
  /** The contact written: a new id derived from the message, or the existing contact merged into. */
  contactId: string;
  /** Whether the profile may have to be created (a merge target already exists). */
  create: boolean;
  /** Set only when creating: the link to the customer and the message. */
  source?: CardSourceRef;
  /** Scalars written only where the contact has none. */
  fill: Partial<Record<ScalarField, string>>;
  /** Values added to the contact's sets. */
  add: { phones: string[]; emails: string[]; websites: string[] };
  /** Dedupe aliases the contact must be reachable by afterwards: `phone` (E.164) and `email`. */
  aliases: { kind: 'phone' | 'email'; value: string }[];
  /** When several existing contacts matched: the ones left alone. */
  otherMatches: string[];
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function isE164(number: string): boolean {
  return E164.test(number);
}

/** The id of the contact a card message creates: stable across retries, distinct from provider ids (`card-…`). */
export function cardContactId(messageId: string): string {
  if (!messageId) throw new TypeError('cardContactId: the message id is empty');
  return `card-${createHash('sha256').update(messageId).digest('hex').slice(0, 24)}`;
}

function uniq(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function text(value: string | undefined): string | undefined {
  const v = value?.replace(/\s+/g, ' ').trim();
  return v ? v : undefined;
}

export function cardContactFields(card: Pick<Card, ScalarField | 'phones' | 'emails' | 'websites'>): CardContactFields {
  const fields: CardContactFields = {
    phones: uniq(card.phones.map((p) => p.number.trim()).filter(Boolean)),
    emails: uniq(card.emails.map(normaliseEmail).filter(Boolean)),
    websites: uniq(card.websites.map((w) => w.trim()).filter(Boolean)),
  };
  for (const f of SCALAR_FIELDS) {
    const v = text(card[f]);
    if (v) fields[f] = v;
  }
  return fields;
}

/** What to look existing contacts up by: E.164 phones and e-mails only. */
export function dedupeKeys(fields: CardContactFields): { phones: string[]; emails: string[] } {
  return { phones: fields.phones.filter(isE164), emails: fields.emails };
}

function aliasesOf(fields: CardContactFields): CardContactPlan['aliases'] {
  const keys = dedupeKeys(fields);
  return [...keys.phones.map((value) => ({ kind: 'phone' as const, value })), ...keys.emails.map((value) => ({ kind: 'email' as const, value }))];
}

/** Oldest first; ids break ties so every run picks the same contact. */
function byAge(a: ContactRecord, b: ContactRecord): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The plan for a card, given the contacts its phones and e-mails found (one contact may appear more than once). */
export function planCardContact(fields: CardContactFields, matches: readonly ContactRecord[], source: CardSourceRef): CardContactPlan {
  const add = { phones: fields.phones, emails: fields.emails, websites: fields.websites };
  const aliases = aliasesOf(fields);
  const ownId = cardContactId(source.messageId);
  const distinct = [...new Map(matches.map((m) => [m.id, m])).values()].sort(byAge);
  const own = distinct.find((m) => m.id === ownId || m.sourceMessageId === source.messageId);
  const fillAll: CardContactPlan['fill'] = {};
  for (const f of SCALAR_FIELDS) if (fields[f]) fillAll[f] = fields[f];

  if (own || distinct.length === 0) {
    return {
      outcome: 'created',
      contactId: own?.id ?? ownId,
      create: true,
      source,
      fill: fillAll,
      add,
      aliases,
      otherMatches: distinct.filter((m) => m !== own).map((m) => m.id),
    };
  }
  const target = distinct[0]!;
  const fill: CardContactPlan['fill'] = {};
  for (const f of SCALAR_FIELDS) if (fields[f] && !target[f]) fill[f] = fields[f];
  return {
    outcome: 'merged',
    contactId: target.id,
    create: false,
    fill,
    add,
    aliases,
    otherMatches: distinct.slice(1).map((m) => m.id),
  };
}

/** The contact as it reads after the plan is applied to `existing` (what the store writes, as a value). */
export function applyCardPlan(existing: ContactRecord | undefined, plan: CardContactPlan): ContactRecord {
  const base: ContactRecord = existing ?? {
    id: plan.contactId,
    channel: 'meta',
    phones: [],
    emails: [],
    createdAt: plan.source?.at ?? new Date(0).toISOString(),
  };
  const out: ContactRecord = {
    ...base,
    phones: uniq([...base.phones, ...plan.add.phones]).sort(),
    emails: uniq([...base.emails, ...plan.add.emails]).sort(),
  };
  const websites = uniq([...(base.websites ?? []), ...plan.add.websites]).sort();
  if (websites.length) out.websites = websites;
  for (const f of SCALAR_FIELDS) {
    const v = plan.fill[f];
    if (v && !out[f]) out[f] = v;
  }
  if (plan.create && plan.source && !existing) {
    out.sourceContactId = plan.source.contactId;
    out.sourceMessageId = plan.source.messageId;
  }
  return out;
}
