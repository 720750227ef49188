// A card photo is acknowledged at once: the real webhook handler (dynalite, fauxqs queues) plans the
// acknowledgement with the card job, the sender Lambda's handler (polled from the outbound queue) answers it
// through the Graph sandbox, in the customer's language, quoting the photo, once per message id however often
// Meta redelivers it. The card queue is not consumed here: the acknowledgement never waits for the card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardReceivedText } from '../../lambdas/domain/bot/texts.js';
import { startLocalQueues, type LocalQueues } from '../../lib/local/fauxqs-server.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { mediaDelivery, metaJson } from '../../lib/local/meta-payloads.js';
import { localSqsClient, startQueuePoller, type QueuePoller } from '../../lib/local/queue-poller.js';
import { deliveryEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { waitFor } from '../support/wait-for.js';

const TOKEN = 'card-ack-token';
let db: TestDynamo;
let local: LocalQueues;
let sandbox: GraphSandbox;
let poller: QueuePoller;
let webhook: HttpHandler;

beforeAll(async () => {
  db = await startTestDynamo();
  local = await startLocalQueues({ prefix: 'card-ack-test' });
  Object.assign(process.env, local.env);
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: TOKEN, statusDelayMs: 10 });
  process.env.WHATSAPP_ACCESS_TOKEN = TOKEN;
  process.env.GRAPH_BASE_URL = sandbox.url;
  webhook = (await import('../../lambdas/handlers/webhook.js')).handler;
  const { handler } = await import('../../lambdas/handlers/sender.js');
  const q = local.queues.outbound;
  poller = startQueuePoller({ client: localSqsClient(local.endpoint), queueUrl: q.url, queueArn: q.arn, handler, batchSize: 10, waitSeconds: 1 });
}, 30_000);

afterAll(async () => {
  await poller?.stop();
  await sandbox?.close();
  await local?.close();
  await db?.close();
});

/** Meta delivers a photo (the same delivery `times` times, as its retries do); returns the message id. */
async function photoFrom(customer: { waId: string; name: string }, opts: { caption?: string; times?: number; id?: string } = {}): Promise<string> {
  const { delivery, messageId } = mediaDelivery({
    kind: 'image',
    mediaId: '1234567890123456',
    mimeType: 'image/jpeg',
    phoneNumberId: DEFAULT_PHONE_NUMBER_ID,
    ...customer,
    ...(opts.caption ? { caption: opts.caption } : {}),
    ...(opts.id ? { id: opts.id } : {}),
  });
  for (let i = 0; i < (opts.times ?? 1); i++) {
    const res = await webhook(deliveryEvent(metaJson(delivery), TEST_APP_SECRET));
    expect(res.statusCode, res.body).toBe(200);
  }
  return messageId;
}

const acksOf = (id: string) => sandbox.sent.filter((s) => (s.body['context'] as { message_id?: string } | undefined)?.message_id === id);
const textOf = (s: { body: Record<string, unknown> }) => (s.body['text'] as { body: string }).body;
const cardJobs = () => {
  const q = local.server.inspectQueue(local.queues.card.name)!;
  return q.messages.ready.length + q.messages.delayed.length;
};

describe('a card photo is acknowledged at once', () => {
  it('in Russian to a +7 customer with a Cyrillic name, quoting the photo, with the card job queued beside it', async () => {
    const before = cardJobs();
    const id = await photoFrom({ waId: '79161234567', name: 'Иван' });
    const [ack] = await waitFor(() => (acksOf(id).length ? acksOf(id) : undefined), 'the acknowledgement', 10_000, 30);
    expect(ack!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+79161234567',
      type: 'text',
      text: { body: cardReceivedText('ru') },
      context: { message_id: id },
    });
    expect(cardJobs()).toBe(before + 1);
  });

  it('in English when the caption is English, whatever the number', async () => {
    const id = await photoFrom({ waId: '79161234568', name: 'Ivan' }, { caption: 'My business card, please save it' });
    const [ack] = await waitFor(() => (acksOf(id).length ? acksOf(id) : undefined), 'the acknowledgement', 10_000, 30);
    expect(textOf(ack!)).toBe(cardReceivedText('en'));
  });

  it('once per message id, however often Meta redelivers the photo', async () => {
    const id = await photoFrom({ waId: '14155550100', name: 'John Smith' }, { times: 3 });
    await waitFor(() => acksOf(id).length === 1, 'the acknowledgement', 10_000, 30);
    // Each redelivery queued the job again: give the sender time to see the copies and send nothing more.
    await new Promise((r) => setTimeout(r, 2_500));
    const again = await photoFrom({ waId: '14155550100', name: 'John Smith' }, { id });
    expect(again).toBe(id);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(acksOf(id)).toHaveLength(1);
    expect(textOf(acksOf(id)[0]!)).toBe(cardReceivedText('en'));
  }, 20_000);

  it('a text message is not acknowledged as a card', async () => {
    const before = sandbox.sent.length;
    const res = await webhook(
      deliveryEvent(
        metaJson({
          object: 'whatsapp_business_account',
          entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: DEFAULT_PHONE_NUMBER_ID }, contacts: [{ profile: { name: 'T' }, wa_id: '14155550109' }], messages: [{ from: '14155550109', id: 'wamid.TEXTONLY', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hello' } }] } }] }],
        }),
        TEST_APP_SECRET,
      ),
    );
    expect(res.statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sandbox.sent.length).toBe(before);
  });
});
