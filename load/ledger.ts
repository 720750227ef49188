// What happened to every distinct message of a step: sent how often, answered with what. A message counts as
// accepted once any attempt got a 2xx; anything else (a 5xx, a 4xx, no answer at all) is what Meta would redeliver.
import type { Delivery } from './deliveries.js';

interface Entry {
  delivery: Delivery;
  attempts: number;
  accepted: boolean;
  statuses: number[];
}

export class Ledger {
  private readonly entries = new Map<string, Entry>();
  requests = 0;
  responses = 0;
  non2xx = 0;

  sent(delivery: Delivery): void {
    this.requests++;
    const entry = this.entries.get(delivery.id);
    if (entry) entry.attempts++;
    else this.entries.set(delivery.id, { delivery, attempts: 1, accepted: false, statuses: [] });
  }

  answered(id: string, status: number): void {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`answer for a message that was never sent: ${id}`);
    this.responses++;
    entry.statuses.push(status);
    if (status >= 200 && status < 300) entry.accepted = true;
    else this.non2xx++;
  }

  get distinct(): number {
    return this.entries.size;
  }

  get accepted(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.accepted) n++;
    return n;
  }

  /** Messages no attempt got a 2xx for: a non-2xx answer, or none before the socket failed or timed out. */
  notAccepted(): Delivery[] {
    return [...this.entries.values()].filter((e) => !e.accepted).map((e) => e.delivery);
  }

  ids(): Set<string> {
    return new Set(this.entries.keys());
  }

  /** Status codes other than 2xx and how often they were answered, e.g. `500x3`. */
  failureCodes(): string {
    const counts = new Map<number, number>();
    for (const e of this.entries.values()) for (const s of e.statuses) if (s < 200 || s >= 300) counts.set(s, (counts.get(s) ?? 0) + 1);
    return [...counts].map(([s, n]) => `${s}x${n}`).join(' ');
  }
}
