// Sender throughput against the Graph sandbox: the real GraphClient behind the shared sender (window check,
// body building and validation, response parsing, error mapping path, outbound record) versus a bare `fetch`
// loop posting the same bytes to the same endpoint, at the same concurrency, interleaved in this run.
// The stores are in memory here on purpose: this measures what the sender adds to a Graph call; DynamoDB costs
// are the webhook latency benchmark's subject.
import { GraphClient } from '../lambdas/adapters/graph-client.js';
import { toGraphMessageBody, type OutboundMessage } from '../lambdas/domain/outbound-message.js';
import type { ContactRecord } from '../lambdas/domain/ports.js';
import { createSender, type OutboundRecord } from '../lambdas/domain/sender.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox } from '../lib/local/graph-sandbox.js';
import { median, type Row } from './table.js';

const TOKEN = 'bench-token';
const MESSAGES = 1500;
const CONCURRENCY = 16;
const ROUNDS = 3;
const TARGET_RATIO = 0.8;

async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await task(next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

export async function benchSender(): Promise<Row[]> {
  const sandbox = await startGraphSandbox({ appSecret: 'bench-secret', accessToken: TOKEN });
  try {
    const contact: ContactRecord = {
      id: 'bench', channel: 'meta', waId: '996555123456', phones: ['+996555123456'], emails: [],
      createdAt: new Date().toISOString(), lastInboundAt: new Date().toISOString(),
    };
    const recorded: OutboundRecord[] = [];
    const sender = createSender({
      graph: new GraphClient({ baseUrl: sandbox.url, getToken: async () => TOKEN }),
      contacts: { get: async () => contact, upsert: async () => contact.id },
      messages: { recordOutbound: async (r) => void recorded.push(r) },
      idempotency: { begin: async () => ({ state: 'new' }), finish: async () => undefined, abandon: async () => undefined },
    });
    const message: OutboundMessage = { to: '+996555123456', kind: 'text', text: 'Benchmark message: hello from the sender' };
    const url = `${sandbox.url}/v26.0/${DEFAULT_PHONE_NUMBER_ID}/messages`;
    const body = JSON.stringify(toGraphMessageBody(message));
    const headers = { Accept: 'application/json', Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

    const viaFetch = async () => {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      const parsed = JSON.parse(await res.text()) as { messages?: { id?: string }[] };
      if (!res.ok || !parsed.messages?.[0]?.id) throw new Error(`bare fetch got ${res.status}`);
    };
    const viaSender = async () => {
      const { outcome } = await sender.send({ message, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, contactId: contact.id });
      if (!outcome.ok) throw new Error(`sender: ${JSON.stringify(outcome)}`);
    };

    // Warm both paths (connections, JIT), then interleave rounds so machine noise hits both alike.
    await pool(200, CONCURRENCY, viaFetch);
    await pool(200, CONCURRENCY, viaSender);
    const fetchRates: number[] = [];
    const senderRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      sandbox.reset();
      fetchRates.push(await pool(MESSAGES, CONCURRENCY, viaFetch));
      sandbox.reset();
      senderRates.push(await pool(MESSAGES, CONCURRENCY, viaSender));
    }
    if (recorded.length !== 200 + ROUNDS * MESSAGES) throw new Error(`sender recorded ${recorded.length} messages`);
    const bare = median(fetchRates);
    const ours = median(senderRates);
    const ratio = ours / bare;
    return [
      {
        metric: `sender throughput (GraphClient + sender, ${CONCURRENCY} in flight, median of ${ROUNDS} x ${MESSAGES})`,
        value: `${ours.toFixed(0)} msg/s`,
        baseline: `${bare.toFixed(0)} msg/s bare fetch`,
        target: `>= ${TARGET_RATIO}x baseline`,
        pass: ratio >= TARGET_RATIO,
      },
      { metric: 'sender / bare fetch', value: `${ratio.toFixed(2)}x` },
    ];
  } finally {
    await sandbox.close();
  }
}
