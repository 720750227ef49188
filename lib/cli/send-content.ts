// `wa send --location` and `wa send --contact-id`: the POST /messages content they stand for. The API validates
// the values (ranges, a card's name and phone or e-mail) and names the field in its 400.
import { contactCardOf, type ContactCard } from '../../lambdas/domain/outbound/location-contacts.js';
import type { ContactView } from '../../lambdas/domain/shared/model.js';
import { adminRequest, type AdminOptions } from './admin-request.js';
import { UsageError } from './args.js';

/** `--location 42.8746,74.5698 [--name …] [--address …]` as the body's `location`. */
export function locationOf(value: string, name?: string, address?: string): Record<string, unknown> {
  const m = /^\s*([+-]?\d+(?:\.\d+)?)\s*[,;\s]\s*([+-]?\d+(?:\.\d+)?)\s*$/.exec(value);
  if (!m) throw new UsageError(`--location must be LATITUDE,LONGITUDE in decimal degrees (e.g. 42.8746,74.5698), got "${value}"`);
  return { latitude: Number(m[1]), longitude: Number(m[2]), ...(name !== undefined ? { name } : {}), ...(address !== undefined ? { address } : {}) };
}

/** A refusal of the admin API while building the content (the contact is unknown): exit code 1. */
export class ContentError extends Error {}

/** The stored contact `id` as a contact card (GET /contacts/{id}, then the same mapping the domain uses). */
export async function contactCardFor(id: string, target: AdminOptions): Promise<ContactCard> {
  const res = await adminRequest('GET', `/contacts/${encodeURIComponent(id)}`, target);
  if (res.status === 404) throw new ContentError(`--contact-id: there is no contact ${id} (npx wa contacts export lists them)`);
  if (res.status !== 200) throw new ContentError(`GET /contacts/${id} answered ${res.status}: ${String((res.body as { error?: unknown } | undefined)?.error ?? JSON.stringify(res.body))}`);
  const card = contactCardOf(res.body as ContactView);
  if (!card) throw new ContentError(`--contact-id: contact ${id} has no phone number or e-mail to put on a contact card`);
  return card;
}
