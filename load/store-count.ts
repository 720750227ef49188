// What the store holds for a step, read the way an operator reads it: the admin API's conversation listing
// (`GET /contacts/{id}/messages`, bearer ADMIN_TOKEN locally) for every customer of the pool, counting inbound
// messages whose id carries the step's prefix. Ids listed twice would be duplicates and are counted twice.

export interface StoreCount {
  /** Inbound messages with the prefix, duplicates included. */
  stored: number;
  ids: Set<string>;
  /** Ids that appear more than once. */
  duplicates: string[];
}

interface Page {
  items: { id: string; direction: string }[];
  nextCursor?: string;
}

export async function countStored(options: {
  baseUrl: string;
  adminToken: string;
  customers: readonly string[];
  idPrefix: string;
  concurrency?: number;
}): Promise<StoreCount> {
  const ids = new Set<string>();
  const duplicates: string[] = [];
  let stored = 0;
  const readCustomer = async (contactId: string) => {
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
      const res = await fetch(`${options.baseUrl}/contacts/${encodeURIComponent(contactId)}/messages?${query}`, {
        headers: { authorization: `Bearer ${options.adminToken}` },
      });
      // A customer the random draw never picked has no contact yet.
      if (res.status === 404 && !cursor) return;
      if (res.status !== 200) throw new Error(`GET /contacts/${contactId}/messages answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const page = (await res.json()) as Page;
      for (const m of page.items) {
        if (m.direction !== 'in' || !m.id.startsWith(options.idPrefix)) continue;
        stored++;
        if (ids.has(m.id)) duplicates.push(m.id);
        ids.add(m.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
  };
  let next = 0;
  const worker = async () => {
    while (next < options.customers.length) await readCustomer(options.customers[next++]!);
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { stored, ids, duplicates };
}
