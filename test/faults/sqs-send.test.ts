// SQS refusing the webhook's SendMessageBatch (an outage, or entries reported Failed as when throttled): the
// webhook answers 500 so Meta redelivers, nothing claims to be queued or answered that was not, and the
// redelivery once SQS is back ends with exactly one job (and, for a command, exactly one reply once the sender
// has run). Real parts: dynalite, fauxqs (outbound and card queues), the Graph sandbox, real HMACs; the fault
// is injected into the webhook's own SQS client (its middleware stack).
import type { SendMessageBatchCommandInput, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PHONE_NUMBER_ID } from '../../lib/local/graph-sandbox.js';
import { mediaDelivery, metaJson, textDelivery } from '../../lib/local/meta-payloads.js';
import type { QueueName } from '../../lib/resources.js';
import { deliveryEvent } from '../support/api-events.js';
import { TEST_APP_SECRET } from '../support/dynalite.js';
import { startFaultStack } from './fault-stack.js';
import { drainQueue, injectFaults, minutesAgo, serviceError } from './support.js';

/** Rounds of SendMessageBatch to answer with every entry Failed (retryable, as SQS does when throttling). */
let refuseEntriesRounds = 0;

const stack = await startFaultStack({ name: 'sqs' });
const { db, local, sandbox, sqs, webhook, sender } = stack;
// The client the webhook's work sink sends with (one per container).
const { sqsClient } = await import('../../lambdas/adapters/queues/outbound-queue.js');
const faults = injectFaults(sqsClient(), serviceError('ServiceUnavailable', 'Service Unavailable'), 'failSqs');
(sqsClient().middlewareStack as MiddlewareStack<object, object>).add(
  (next) => async (args) => {
    const input = (args as { input: SendMessageBatchCommandInput }).input;
    if (refuseEntriesRounds > 0 && Array.isArray(input.Entries)) {
      refuseEntriesRounds -= 1;
      const output: Partial<SendMessageBatchCommandOutput> = {
        Successful: [],
        Failed: input.Entries.map((e) => ({ Id: e.Id!, SenderFault: false, Code: 'RequestThrottled', Message: 'Rate exceeded' })),
        $metadata: { httpStatusCode: 200 },
      };
      return { output, response: {} } as never;
    }
    return next(args);
  },
  { step: 'initialize', name: 'refuseEntries' },
);

afterAll(() => stack.close());

beforeEach(async () => {
  await db.reset();
  local.server.reset();
  sandbox.reset();
  faults.reset();
  refuseEntriesRounds = 0;
});

function jobsIn(queue: QueueName): { messageId: string; kind: string }[] {
  const q = local.server.inspectQueue(local.queues[queue].name)!;
  return [...q.messages.ready, ...q.messages.delayed, ...q.messages.inflight.map((i) => i.message)].map((m) => JSON.parse(m.body));
}

const customer = { waId: '996555777001', userId: 'KG.sqs1', name: 'Aigul' };

function startCommand(): { raw: Buffer; messageId: string } {
  const { delivery, messageId } = textDelivery({ phoneNumberId: DEFAULT_PHONE_NUMBER_ID, ...customer, text: '/start', timestamp: minutesAgo(5) });
  return { raw: metaJson(delivery), messageId };
}

function cardPhoto(): { raw: Buffer; messageId: string } {
  const { delivery, messageId } = mediaDelivery({
    phoneNumberId: DEFAULT_PHONE_NUMBER_ID,
    ...customer,
    kind: 'image',
    mediaId: '7700110022',
    mimeType: 'image/jpeg',
    timestamp: minutesAgo(5),
  });
  return { raw: metaJson(delivery), messageId };
}

/** Everything stored besides the inbound message itself: contacts aside, nothing may claim work was done. */
async function itemsBesides(messageId: string): Promise<Record<string, unknown>[]> {
  return (await db.scan('messages')).filter((m) => m['id'] !== messageId);
}

describe('SQS SendMessage failing in the webhook', () => {
  it('a command: 500, nothing queued or answered; the redelivery after SQS recovers queues one job and one reply', async () => {
    const { raw, messageId } = startCommand();
    faults.failWhen(({ command }) => command === 'SendMessageBatchCommand');
    const failed = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(failed.statusCode).toBe(500);
    expect(JSON.parse(failed.body!)).toEqual({ error: 'the delivery could not be stored; Meta will retry it' });
    expect(faults.calls).toContain('SendMessageBatchCommand');
    expect(jobsIn('outbound')).toEqual([]);
    // The message is stored (a redelivery finds it a duplicate); no reply, idempotency key or outbound record.
    const stored = (await db.scan('messages')).find((m) => m['id'] === messageId);
    expect(stored).toMatchObject({ direction: 'in', text: '/start', statuses: [] });
    expect(await itemsBesides(messageId)).toEqual([]);
    expect(await drainQueue(sqs, local.queues.outbound, sender)).toEqual({ batches: 0, failures: 0 });
    expect(sandbox.sent).toEqual([]);

    faults.failWhen(undefined);
    const retried = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(retried.statusCode).toBe(200);
    expect(JSON.parse(retried.body!)).toMatchObject({ messages: { stored: 0, duplicate: 1 }, jobs: 1 });
    expect(jobsIn('outbound')).toEqual([expect.objectContaining({ kind: 'command', command: 'start', messageId })]);
    await drainQueue(sqs, local.queues.outbound, sender);
    expect(sandbox.sent).toHaveLength(1);
    expect(sandbox.sent[0]!.body['context']).toEqual({ message_id: messageId });
    expect(jobsIn('outbound')).toEqual([]);
  });

  it('a card photo: 500, nothing queued and no card stage recorded; the redelivery queues exactly one card job', async () => {
    const { raw, messageId } = cardPhoto();
    faults.failWhen(({ command }) => command === 'SendMessageBatchCommand');
    expect((await webhook(deliveryEvent(raw, TEST_APP_SECRET))).statusCode).toBe(500);
    expect(jobsIn('card')).toEqual([]);
    expect(jobsIn('outbound')).toEqual([]);
    const stored = (await db.scan('messages')).find((m) => m['id'] === messageId)!;
    expect(stored).toMatchObject({ type: 'image', media: { id: '7700110022' } });
    expect(Object.keys(stored).filter((k) => k.startsWith('card'))).toEqual([]);
    expect(await itemsBesides(messageId)).toEqual([]);

    faults.failWhen(undefined);
    expect((await webhook(deliveryEvent(raw, TEST_APP_SECRET))).statusCode).toBe(200);
    expect(jobsIn('card')).toEqual([expect.objectContaining({ kind: 'card', messageId, media: expect.objectContaining({ id: '7700110022' }) })]);
    // With it, exactly one acknowledgement for the sender.
    expect(jobsIn('outbound')).toEqual([{ kind: 'ack', what: 'card', messageId, contactId: expect.any(String), phoneNumberId: expect.any(String) }]);
  });

  it('entries SQS reports Failed (throttled) are resent: two refused rounds, then one job and a 200', async () => {
    const { raw, messageId } = startCommand();
    refuseEntriesRounds = 2;
    const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
    expect(res.statusCode, res.body).toBe(200);
    expect(refuseEntriesRounds).toBe(0);
    expect(jobsIn('outbound')).toEqual([expect.objectContaining({ kind: 'command', messageId })]);
  });

  it('entries SQS keeps refusing: 500 after the last round, nothing queued; the redelivery queues one job', async () => {
    const { raw, messageId } = startCommand();
    refuseEntriesRounds = 1000;
    expect((await webhook(deliveryEvent(raw, TEST_APP_SECRET))).statusCode).toBe(500);
    expect(jobsIn('outbound')).toEqual([]);
    refuseEntriesRounds = 0;
    expect((await webhook(deliveryEvent(raw, TEST_APP_SECRET))).statusCode).toBe(200);
    expect(jobsIn('outbound')).toEqual([expect.objectContaining({ kind: 'command', messageId })]);
    await drainQueue(sqs, local.queues.outbound, sender);
    expect(sandbox.sent).toHaveLength(1);
  });
});
