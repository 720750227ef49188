// Meta redelivers a webhook that was not answered 2xx. After a step, every body that was not accepted is sent
// again, the same bytes and signature, in rounds with growing pauses, until each one is accepted or the rounds
// run out (then it is lost, and the run fails).
import type { Delivery } from './deliveries.js';
import type { Ledger } from './ledger.js';

export interface RedeliveryOptions {
  webhookUrl: string;
  rounds?: number;
  /** Pause before the first round; doubles each round. */
  firstPauseMs?: number;
  concurrency?: number;
  timeoutMs?: number;
}

/** How many redeliveries were sent. */
export async function redeliverNotAccepted(ledger: Ledger, options: RedeliveryOptions): Promise<number> {
  const rounds = options.rounds ?? 6;
  let pause = options.firstPauseMs ?? 500;
  let sent = 0;
  for (let round = 0; round < rounds; round++) {
    const pending = ledger.notAccepted();
    if (!pending.length) break;
    await new Promise((r) => setTimeout(r, pause));
    pause *= 2;
    sent += pending.length;
    await inPool(pending, options.concurrency ?? 8, (d) => deliver(d, ledger, options));
  }
  return sent;
}

async function deliver(delivery: Delivery, ledger: Ledger, options: RedeliveryOptions): Promise<void> {
  ledger.sent(delivery);
  try {
    const res = await fetch(options.webhookUrl, {
      method: 'POST',
      headers: delivery.headers,
      body: new Uint8Array(delivery.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await res.arrayBuffer();
    ledger.answered(delivery.id, res.status);
  } catch {
    // No answer (refused, reset, timed out): still not accepted, so the next round sends it again.
  }
}

async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
