// A bot reply that can never be sent: the job is retried up to the outbound queue's maxReceiveCount, then
// fauxqs' redrive policy parks it in the dead-letter queue, and nothing is dropped silently: a Graph failure is
// recorded on a `failed` outbound message (`unsent.job:cmd:<wamid>`, with Meta's code) and counted as
// Outbound{result=failed}; a failure with no Graph answer to record (the store itself down) is counted as
// Outbound{result=failed, code=error} on the last attempt. The customer cannot be told: the reply is what failed.
// Real parts: the webhook handler with real HMACs, dynalite, fauxqs, the Graph sandbox.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PHONE_NUMBER_ID } from '../../lib/local/graph-sandbox.js';
import { metaJson, textDelivery } from '../../lib/local/meta-payloads.js';
import { queues } from '../../lib/resources.js';
import { deliveryEvent } from '../support/api-events.js';
import { TEST_APP_SECRET } from '../support/dynalite.js';
import { startFaultStack } from './fault-stack.js';
import { drainQueue, injectFaults, minutesAgo, serviceError } from './support.js';

const stack = await startFaultStack({ name: 'poison', recordMetrics: true });
const { db, local, sandbox, sqs, webhook, sender, emitted } = stack;
const { dynamo } = await import('../../lambdas/adapters/dynamo/dynamo-client.js');
const faults = injectFaults(dynamo, serviceError('InternalServerError'), 'failDynamo');
let customerN = 0;

afterAll(() => stack.close());

beforeEach(() => {
  sandbox.reset();
  faults.reset();
  emitted.length = 0;
});

async function sendHelp(): Promise<{ waId: string; messageId: string }> {
  customerN += 1;
  const waId = `99655566${String(1000 + customerN)}`;
  const { delivery, messageId } = textDelivery({ phoneNumberId: DEFAULT_PHONE_NUMBER_ID, waId, userId: `KG.poison${customerN}`, name: 'Aigul', text: '/help', timestamp: minutesAgo(3) });
  expect((await webhook(deliveryEvent(metaJson(delivery), TEST_APP_SECRET))).statusCode).toBe(200);
  return { waId, messageId };
}

const dlq = () => local.server.inspectQueue(local.queues.outbound.dlqName)!.messages.ready.map((m) => JSON.parse(m.body) as { kind: string; messageId: string });
const sendCalls = (waId: string) => sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages') && (r.body as { to?: string }).to === `+${waId}`);
const outboundOf = (e: { name: string; dims: unknown }) => (e.name === 'Outbound' ? e.dims : undefined);

describe('a poison outbound job', () => {
  it('Graph answering 503 every time: six attempts, the dead-letter queue, a failed record with the code, one Outbound failure', async () => {
    const { waId, messageId } = await sendHelp();
    sandbox.failNext(2, { times: 100, httpStatus: 503, match: ({ body }) => (body as { to?: string }).to === `+${waId}` });
    const run = await drainQueue(sqs, local.queues.outbound, sender);
    expect(run).toEqual({ batches: queues.outbound.maxReceiveCount, failures: queues.outbound.maxReceiveCount });
    expect(sendCalls(waId).map((r) => r.status)).toEqual(Array(queues.outbound.maxReceiveCount).fill(503));
    expect(sandbox.sent).toEqual([]);
    expect(dlq()).toContainEqual(expect.objectContaining({ kind: 'command', command: 'help', messageId }));

    const failed = (await db.scan('messages')).find((m) => m['id'] === `unsent.job:cmd:${messageId}`);
    expect(failed).toMatchObject({ direction: 'out', status: 'failed', context: { messageId } });
    expect((failed!['statuses'] as { status: string; errors: { code: number }[] }[])[0]).toMatchObject({ status: 'failed', errors: [{ code: 2 }] });
    expect(emitted.map(outboundOf).filter(Boolean)).toEqual([{ result: 'failed', code: '2' }]);
    expect(emitted.filter((e) => e.name === 'GraphRetries')).toHaveLength(queues.outbound.maxReceiveCount - 1);
  });

  it('the store failing every time: six attempts, the dead-letter queue, and the failure counted on the last one', async () => {
    const { waId, messageId } = await sendHelp();
    faults.failWhen(() => true);
    const run = await drainQueue(sqs, local.queues.outbound, sender);
    faults.failWhen(undefined);
    expect(run).toEqual({ batches: queues.outbound.maxReceiveCount, failures: queues.outbound.maxReceiveCount });
    expect(sendCalls(waId)).toEqual([]);
    expect(dlq()).toContainEqual(expect.objectContaining({ kind: 'command', messageId }));
    expect(emitted.map(outboundOf).filter(Boolean)).toEqual([{ result: 'failed', code: 'error' }]);
  });
});
