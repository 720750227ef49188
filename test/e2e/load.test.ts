// `npm run load` in miniature, so the script cannot rot: the local stack in its own process, one short step of
// signed deliveries through autocannon with in-step redeliveries, the store counted through the admin API, the
// table printed; and a body whose answer was lost is redelivered and stored once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerPool, DeliveryFactory, newRunId, stepIdPrefix } from '../../load/deliveries.js';
import { Ledger } from '../../load/ledger.js';
import { startLocalStack, type RunningStack } from '../../lib/local/local-child.js';
import { redeliverNotAccepted } from '../../load/redeliver.js';
import { COLUMNS } from '../../load/report.js';
import { runLoad } from '../../load/run-load.js';
import { WEBHOOK_PATH } from '../../load/step.js';
import { countStored } from '../../load/store-count.js';

const secrets = {
  WHATSAPP_APP_SECRET: 'load-e2e-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'load-e2e-verify-token',
  ADMIN_TOKEN: 'load-e2e-admin-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
};
let stack: RunningStack;

/** mulberry32: a fixed draw of customers and redeliveries, so the step surely holds some redeliveries. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  stack = await startLocalStack({ env: secrets, without: ['WHATSAPP_ACCESS_TOKEN', 'GRAPH_BASE_URL', 'WAZZUP_API_KEY', 'WAZZUP_BASE_URL'] });
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

describe('npm run load, one short step', () => {
  it('stores exactly the distinct messages sent, redeliveries included, and prints the table', async () => {
    const printed: string[] = [];
    const result = await runLoad({
      baseUrl: stack.url,
      adminToken: secrets.ADMIN_TOKEN,
      appSecret: secrets.WHATSAPP_APP_SECRET,
      phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID,
      rates: [10],
      seconds: 2,
      customers: 12,
      redeliveryRatio: 0.25,
      maxConnections: 5,
      stack: 'bin/local.ts (load smoke test)',
      stackCpuSeconds: () => stack.cpuSeconds(),
      random: seeded(8),
      print: (t) => printed.push(t),
    });
    const [report] = result.reports;
    expect(result.ok, `${printed.join('\n')}\n${stack.output()}`).toBe(true);
    expect(report!.step.requests).toBe(20);
    expect(report!.step.distinct).toBeLessThan(report!.step.requests);
    expect(report!.store.stored).toBe(report!.step.distinct);
    expect(report!.step.accepted).toBe(report!.step.distinct);
    expect(report!.missing).toEqual([]);
    const header = result.summary.split('\n').find((l) => l.startsWith('| target req/s'));
    expect(header?.split('|').map((c) => c.trim()).filter(Boolean)).toEqual([...COLUMNS]);
    const row = result.summary.split('\n').find((l) => /^\| 10 +\|/.test(l));
    expect(row, result.summary).toMatch(/\| yes +\|$/);
    expect(result.summary).toContain('machine: ');
  }, 60_000);

  it('a delivery whose answer was lost is sent again and stored once', async () => {
    const customers = customerPool(1);
    const idPrefix = stepIdPrefix(newRunId(), 1);
    const factory = new DeliveryFactory({ appSecret: secrets.WHATSAPP_APP_SECRET, phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID, idPrefix, customers, redeliveryRatio: 0 });
    const ledger = new Ledger();
    const answered = factory.next();
    const lost = factory.next();
    // The first went through; the second was written to a socket that failed before any answer came back.
    const res = await fetch(`${stack.url}${WEBHOOK_PATH}`, { method: 'POST', headers: answered.headers, body: new Uint8Array(answered.body) });
    ledger.sent(answered);
    ledger.answered(answered.id, res.status);
    ledger.sent(lost);
    expect(ledger.notAccepted().map((d) => d.id)).toEqual([lost.id]);

    const redeliveries = await redeliverNotAccepted(ledger, { webhookUrl: `${stack.url}${WEBHOOK_PATH}`, firstPauseMs: 10 });

    expect(redeliveries).toBe(1);
    expect(ledger.accepted).toBe(2);
    const store = await countStored({ baseUrl: stack.url, adminToken: secrets.ADMIN_TOKEN, customers, idPrefix });
    expect(store.stored).toBe(2);
    expect([...store.ids].sort()).toEqual([answered.id, lost.id].sort());
  });
});
