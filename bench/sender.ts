// Sender throughput against the Graph sandbox: the real GraphClient behind the shared sender (window check,
// body building and validation, response parsing, outbound record) versus a bare `fetch` loop posting the same
// bytes to the same endpoint, at the same concurrency, interleaved in this run.
// The message reaches the sender parsed, as in production: the send API and the outbound job parse every
// message first (parseOutboundMessage, to answer a 400 or an InvalidJob naming the field) and the client does not
// parse it again. A third, untargeted row sends a message built in code, which the client validates itself:
// what a caller that skips parsing pays (libphonenumber and valibot, once per message).
// The sandbox runs in its own process, as Graph is a server of its own: in-process, its request handling would
// share the event loop with the client being measured. The stores are in memory on purpose: this measures what
// the sender adds to a Graph call; DynamoDB costs are the webhook latency benchmark's subject.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GraphClient } from '../lambdas/adapters/meta/graph-client.js';
import { parseOutboundMessage, toGraphMessageBody, type OutboundMessage } from '../lambdas/domain/outbound/outbound-message.js';
import type { ContactRecord } from '../lambdas/domain/shared/ports.js';
import { createSender, type OutboundRecord } from '../lambdas/domain/outbound/sender.js';
import { DEFAULT_PHONE_NUMBER_ID } from '../lib/local/graph-sandbox.js';
import { median, type Row } from './table.js';

const TOKEN = 'bench-token';
const MESSAGES = 1000;
const CONCURRENCY = 16;
const ROUNDS = 9;
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

/** The sandbox in a child process; its records are cleared every second so they do not grow for the run. */
async function sandboxProcess(): Promise<{ url: string; close(): void }> {
  const module = pathToFileURL(fileURLToPath(new URL('../lib/local/graph-sandbox.ts', import.meta.url))).href;
  const script =
    `import { startGraphSandbox } from ${JSON.stringify(module)};` +
    `const s = await startGraphSandbox({ appSecret: 'bench-secret', accessToken: ${JSON.stringify(TOKEN)} });` +
    `setInterval(() => s.reset(), 1000); process.stdout.write(s.url + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const url = await new Promise<string>((ok, fail) => {
    child.stdout.once('data', (d) => ok(String(d).trim()));
    child.once('exit', (code) => fail(new Error(`the sandbox process exited with ${code}`)));
  });
  return { url, close: () => child.kill() };
}

export async function benchSender(): Promise<Row[]> {
  const sandbox = await sandboxProcess();
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
    const parsed = parseOutboundMessage({ to: '+996555123456', text: 'Benchmark message: hello from the sender' });
    if (!parsed.ok) throw new Error(`the benchmark message is invalid: ${parsed.error.field}`);
    const message = parsed.message;
    const builtInCode: OutboundMessage = { to: '+996555123456', kind: 'text', text: 'Benchmark message: hello from the sender' };
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
    const viaSenderInCode = async () => {
      const { outcome } = await sender.send({ message: { ...builtInCode }, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, contactId: contact.id });
      if (!outcome.ok) throw new Error(`sender: ${JSON.stringify(outcome)}`);
    };

    // Warm both paths (connections, JIT), then interleave rounds so machine noise hits both alike.
    await pool(200, CONCURRENCY, viaFetch);
    await pool(200, CONCURRENCY, viaSender);
    await pool(200, CONCURRENCY, viaSenderInCode);
    const fetchRates: number[] = [];
    const senderRates: number[] = [];
    const ratios: number[] = [];
    const inCodeRatios: number[] = [];
    const contenders = [viaFetch, viaSender, viaSenderInCode];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate which goes first, so a burst of load elsewhere on the machine does not favour one side.
      const rates: number[] = [];
      for (let k = 0; k < contenders.length; k++) {
        const i = (round + k) % contenders.length;
        rates[i] = await pool(MESSAGES, CONCURRENCY, contenders[i]!);
      }
      const [fetchRate, senderRate, inCodeRate] = rates as [number, number, number];
      fetchRates.push(fetchRate);
      senderRates.push(senderRate);
      ratios.push(senderRate / fetchRate);
      inCodeRatios.push(inCodeRate / fetchRate);
    }
    if (recorded.length !== 2 * (200 + ROUNDS * MESSAGES)) throw new Error(`sender recorded ${recorded.length} messages`);
    const bare = median(fetchRates);
    const ours = median(senderRates);
    // The median of per-round ratios: each round's runs went back to back under the same machine load.
    const ratio = median(ratios);
    return [
      {
        metric: `sender throughput (GraphClient + sender, ${CONCURRENCY} in flight, median of ${ROUNDS} x ${MESSAGES})`,
        value: `${ours.toFixed(0)} msg/s`,
        baseline: `${bare.toFixed(0)} msg/s bare fetch`,
        target: `>= ${TARGET_RATIO}x baseline`,
        pass: ratio >= TARGET_RATIO,
      },
      { metric: 'sender / bare fetch (median of per-round ratios)', value: `${ratio.toFixed(2)}x`, baseline: ratios.map((r) => r.toFixed(2)).join(' ') },
      {
        metric: 'sender / bare fetch, message built in code (validated by the client)',
        value: `${median(inCodeRatios).toFixed(2)}x`,
        baseline: inCodeRatios.map((r) => r.toFixed(2)).join(' '),
      },
    ];
  } finally {
    sandbox.close();
  }
}
