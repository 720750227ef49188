// DynamoDB failing in the middle of a delivery that holds a bot command (`/start`), plain texts, statuses and an
// account event: the handler answers 500 (Meta retries), and the retry leaves the store exactly as one clean
// delivery would, whichever call failed; the command gets one reply job and, once the sender Lambda has run,
// exactly one reply in the Graph sandbox. Then DynamoDB failing at each call the sender makes for that job:
// the job is retried through the queue and the customer still gets exactly one reply.
// Real parts: dynalite, fauxqs (the outbound queue), the Graph sandbox, real HMACs; the failure is injected into
// the handlers' own DynamoDB client (its middleware stack), before the SDK's retries.
import { afterAll, describe, expect, it } from 'vitest';
import { metaJson, statusDelivery, textDelivery, type MetaDelivery } from '../../lib/local/meta-payloads.js';
import { deliveryEvent } from '../support/api-events.js';
import { TEST_APP_SECRET } from '../support/dynalite.js';
import { startFaultStack } from './fault-stack.js';
import { loadMetaCorpus } from '../support/meta-corpus.js';
import { drainQueue, injectFaults, minutesAgo, serviceError } from './support.js';

const business = { phoneNumberId: '1122334455667', displayPhoneNumber: '15550001111', wabaId: '5467539754836534' };

const stack = await startFaultStack({
  name: 'dynamo',
  // The business number of the delivery, so the sandbox accepts the replies sent from it.
  sandbox: {
    accounts: (model) => {
      model.wabas[0]!.phoneNumbers[0]!.id = business.phoneNumberId;
      return model;
    },
  },
});
const { db, local, sandbox, sqs, webhook, sender } = stack;
const { dynamo } = await import('../../lambdas/adapters/dynamo/dynamo-client.js');
const faults = injectFaults(dynamo, serviceError('InternalServerError'), 'failNthDynamoCall');

afterAll(() => stack.close());

// Minutes ago, so the command's reply is inside the 24-hour window.
const t = (s: number) => minutesAgo(10, s);

function compositeDelivery(): Buffer {
  const parts: MetaDelivery[] = [
    textDelivery({ ...business, waId: '996555123456', userId: 'KG.111', name: 'Aigul', text: 'hello', id: 'wamid.A1', timestamp: t(1) }).delivery,
    textDelivery({ ...business, waId: '996555123456', userId: 'KG.111', name: 'Aigul', text: '/start', id: 'wamid.A2', timestamp: t(2) }).delivery,
    textDelivery({ ...business, waId: '77011234567', name: 'Bek', text: 'salam', id: 'wamid.B1', timestamp: t(3) }).delivery,
    textDelivery({ ...business, phoneNumberId: '999000111', userId: 'US.222', username: 'carol', text: 'other number', id: 'wamid.C1', timestamp: t(4) }).delivery,
    statusDelivery({ ...business, messageId: 'wamid.OUT1', status: 'sent', recipient: { waId: '996555123456', userId: 'KG.111' }, timestamp: t(5) }),
    statusDelivery({ ...business, messageId: 'wamid.OUT1', status: 'read', recipient: { waId: '996555123456', userId: 'KG.111' }, timestamp: t(8) }),
    statusDelivery({ ...business, messageId: 'wamid.OUT2', status: 'failed', recipient: { waId: '77011234567' }, timestamp: t(9), errors: [{ code: 131047, title: 'Re-engagement message' }] }),
  ];
  const template = loadMetaCorpus().find((c) => c.name === 'pywa__template_status_update_approved')!.json as MetaDelivery;
  return metaJson({ object: 'whatsapp_business_account', entry: [...parts.flatMap((p) => p.entry), ...template.entry] });
}

/** The store's content minus the times that depend on when the delivery was received. */
async function snapshot(): Promise<string[]> {
  const volatile = new Set(['receivedAt', 'createdAt', 'listSk', 'expiresAt']);
  const items = [...(await db.scan('contacts')), ...(await db.scan('messages'))];
  return items
    .map((item) => JSON.stringify(Object.fromEntries(Object.entries(item).filter(([k]) => !volatile.has(k)).sort(([a], [b]) => a.localeCompare(b))), (_k, v) => (v instanceof Set ? [...v].sort() : v)))
    .sort();
}

/** Command jobs for the `/start` message waiting in the outbound queue. */
function startJobsQueued(): number {
  const q = local.server.inspectQueue(local.queues.outbound.name)!;
  return [...q.messages.ready, ...q.messages.delayed, ...q.messages.inflight.map((i) => i.message)]
    .map((m) => JSON.parse(m.body) as { kind: string; messageId: string })
    .filter((j) => j.kind === 'command' && j.messageId === 'wamid.A2').length;
}

/** Replies the sandbox accepted that quote the `/start` message, and every send it accepted. */
const repliesToStart = () => sandbox.sent.filter((s) => (s.body['context'] as { message_id?: string } | undefined)?.message_id === 'wamid.A2');

/** Runs the sender Lambda over the outbound queue until it is empty. */
const runSender = () => drainQueue(sqs, local.queues.outbound, sender);

async function freshWorld(): Promise<void> {
  await db.reset();
  local.server.reset();
  sandbox.reset();
  faults.reset();
}

const outboundReplies = async () =>
  (await db.scan('messages')).filter((m) => m['direction'] === 'out' && (m['context'] as { messageId?: string } | undefined)?.messageId === 'wamid.A2');

describe('DynamoDB failing mid-delivery', () => {
  const raw = compositeDelivery();
  let clean: string[] = [];
  let total = 0;

  it('a clean delivery, for reference: one reply job, one reply', async () => {
    await freshWorld();
    const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(res.statusCode, res.body).toBe(200);
    total = faults.calls.length;
    clean = await snapshot();
    expect(total).toBeGreaterThan(10);
    expect(clean.length).toBeGreaterThan(10);
    expect(startJobsQueued()).toBe(1);
    await runSender();
    expect(repliesToStart()).toHaveLength(1);
    expect(sandbox.sent).toHaveLength(1);
  });

  it('failing any single call answers 500; the redelivery stores everything exactly once and the command is answered once', async () => {
    expect(total).toBeGreaterThan(0);
    for (let n = 1; n <= total; n++) {
      await freshWorld();
      faults.failWhen(({ number }) => number === n);
      const failed = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
      const fired = faults.calls.length >= n;
      faults.failWhen(undefined);
      // Concurrent status writes to one message may race and retry, so a run can make a call or two fewer
      // than the reference; then the injected failure never fired.
      if (fired) {
        expect(failed.statusCode, `call ${n} of ${total} failed`).toBe(500);
        expect(JSON.parse(failed.body ?? '{}').error).toMatch(/could not be stored/);
        // Every write comes before the enqueue: a failed delivery has queued nothing.
        expect(startJobsQueued(), `jobs after failing call ${n}`).toBe(0);
      } else {
        expect(failed.statusCode).toBe(200);
      }
      const retried = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
      expect(retried.statusCode, retried.body).toBe(200);
      if (fired) expect(startJobsQueued(), `jobs after the redelivery (call ${n})`).toBe(1);
      // And a third delivery (Meta's retries go to every subscribed app) changes nothing stored; its job is a
      // duplicate the sender recognises by the command's idempotency key.
      await webhook(deliveryEvent(raw, TEST_APP_SECRET));
      expect(await snapshot(), `after failing call ${n} of ${total}`).toEqual(clean);

      // Both queued copies of the command job arrive in one batch: the sender runs them one after the other, so
      // the copy finds the first one's answer at once instead of waiting out a retry delay.
      const run = await runSender();
      expect(run.failures, `sender retries after failing call ${n}`).toBe(0);
      expect(startJobsQueued(), `jobs left after the sender ran (call ${n})`).toBe(0);
      expect(repliesToStart(), `replies after failing call ${n}`).toHaveLength(1);
      expect(sandbox.sent).toHaveLength(1);
      expect(await outboundReplies()).toHaveLength(1);
    }
    // One fresh pair of tables and three deliveries per call of the clean delivery: about 55 s alone on a
    // 2-core machine under a load average of 30, so the budget leaves room for a busier one.
  }, 180_000);
});

describe('DynamoDB failing while the sender answers the command', () => {
  const raw = compositeDelivery();
  let total = 0;

  it('a clean run of the sender, for reference', async () => {
    await freshWorld();
    expect((await webhook(deliveryEvent(raw, TEST_APP_SECRET))).statusCode).toBe(200);
    faults.reset();
    await runSender();
    total = faults.calls.length;
    expect(total).toBeGreaterThan(3);
    expect(repliesToStart()).toHaveLength(1);
  });

  it('failing any single call of the sender retries the job and still sends exactly one reply, recorded once', async () => {
    for (let n = 1; n <= total; n++) {
      await freshWorld();
      expect((await webhook(deliveryEvent(raw, TEST_APP_SECRET))).statusCode).toBe(200);
      faults.reset();
      faults.failWhen(({ number }) => number === n);
      const run = await runSender();
      faults.failWhen(undefined);
      expect(run.failures, `sender failures with call ${n} of ${total} failing`).toBeLessThanOrEqual(1);
      const replies = repliesToStart();
      expect(replies, `replies with call ${n} of ${total} failing`).toHaveLength(1);
      const stored = await outboundReplies();
      expect(stored, `records with call ${n} of ${total} failing`).toHaveLength(1);
      expect(stored[0]).toMatchObject({ id: replies[0]!.wamid, direction: 'out', type: 'text', contactId: 'KG.111' });
      const key = (await db.scan('messages')).find((m) => m['pk'] === 'idem#job:cmd:wamid.A2');
      expect(key, `idempotency record with call ${n} failing`).toMatchObject({ state: 'done' });
      // Kept past Meta's 7 days of redeliveries, so a late redelivery of `/start` is still recognised.
      expect(Number(key!['expiresAt']) - Date.now() / 1000).toBeGreaterThan(7 * 24 * 3600);
    }
  }, 60_000);
});
