// The card worker as deployed with OCR_ENGINE=textract (QR, then Textract DetectDocumentText on the stored S3 object) with
// Textract throttling: the job is retried through the card queue and the card completes; and a card job that
// fails every time: after the queue's maxReceiveCount receives the customer is told the card could not be read
// and fauxqs' redrive policy parks the job in the dead-letter queue.
// Real parts: the webhook handler with real HMACs, dynalite, fauxqs (card and outbound queues, the media bucket
// in its S3), the Graph sandbox (media download, the reply), zxing-wasm. Textract is the one mocked client
// (aws-sdk-client-mock, which replaces `send`, so the SDK's own retries are not in play: what is shown is the
// job's retry, which in AWS comes on top of the SDK's); every request it got is asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DetectDocumentTextCommand, TextractClient, type DetectDocumentTextCommandOutput } from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mediaKeyFor } from '../../lambdas/adapters/cards/media-store.js';
import { cardReceivedText } from '../../lambdas/domain/bot/texts.js';
import { DEFAULT_PHONE_NUMBER_ID } from '../../lib/local/graph-sandbox.js';
import { mediaDelivery, metaJson } from '../../lib/local/meta-payloads.js';
import { queues } from '../../lib/resources.js';
import { deliveryEvent } from '../support/api-events.js';
import { TEST_APP_SECRET } from '../support/dynalite.js';
import { startFaultStack } from './fault-stack.js';
import { drainQueue, minutesAgo } from './support.js';

const CARD = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/cards/en-northwind-dept.png')));
const DETECTED = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/textract/en-northwind-photo.detect-document-text.json'), 'utf8'),
) as DetectDocumentTextCommandOutput;

const textract = mockClient(TextractClient);
const stack = await startFaultStack({
  name: 'card',
  recordMetrics: true,
  // Card retries visible again at once: the test waits for receives, not for the clock.
  env: { S3_FORCE_PATH_STYLE: 'true', OCR_ENGINE: 'textract', CARD_RETRY_DELAYS_SECONDS: '0' },
});
const { db, local, sandbox, sqs, webhook, sender, emitted } = stack;
// The deployed card worker (its reader and dependencies from the environment above), with the one thing local
// runs add: the Graph sandbox's loopback origin exempt from the public-address check on media URLs.
const { awsCardReader } = await import('../../lambdas/handlers/card-worker.js');
const { cardWorkerDeps, createCardWorkerHandler } = await import('../../lambdas/handlers/card-batch.js');
const cardWorker = createCardWorkerHandler(cardWorkerDeps(awsCardReader(), process.env, { mediaAllowOrigins: [sandbox.url] }));
let customerN = 0;

afterAll(async () => {
  textract.restore();
  await stack.close();
});

beforeEach(() => {
  textract.reset();
  sandbox.reset();
  emitted.length = 0;
});

/** A customer sends the card photo: Graph media in the sandbox, a signed webhook, the job on the card queue. */
async function sendCard(): Promise<{ waId: string; messageId: string; mediaId: string }> {
  customerN += 1;
  const waId = `44770095${String(1000 + customerN)}`;
  const media = sandbox.media.register(`88${Date.now()}${customerN}`, CARD, 'image/png');
  const { delivery, messageId } = mediaDelivery({
    phoneNumberId: DEFAULT_PHONE_NUMBER_ID,
    kind: 'image',
    mediaId: media.id,
    mimeType: 'image/png',
    sha256Hex: media.sha256,
    waId,
    name: 'Card Sender',
    timestamp: minutesAgo(2),
  });
  const res = await webhook(deliveryEvent(metaJson(delivery), TEST_APP_SECRET));
  expect(res.statusCode, res.body).toBe(200);
  return { waId, messageId, mediaId: media.id };
}

const throttled = (name: 'ThrottlingException' | 'ProvisionedThroughputExceededException') =>
  Object.assign(new Error(name === 'ThrottlingException' ? 'Rate exceeded' : 'Provisioned rate exceeded'), { name, $fault: 'client', $retryable: { throttling: true } });

const textsTo = (waId: string) => sandbox.sent.filter((s) => s.waId === waId).map((s) => (s.body['text'] as { body: string }).body);
/** The card worker's answers: every text but the webhook's acknowledgement of the photo. */
const repliesTo = (waId: string) => textsTo(waId).filter((t) => t !== cardReceivedText('en'));
const mediaLookups = (mediaId: string) => sandbox.requests.filter((r) => r.method === 'GET' && r.path === `/${mediaId}`);
const cardMessage = async (id: string) => (await db.scan('messages')).find((m) => m['id'] === id)!;
const dlq = () => local.server.inspectQueue(local.queues.card.dlqName)!.messages.ready.map((m) => JSON.parse(m.body) as { messageId: string });

describe('Textract throttling and a poison card job', () => {
  it('keeps the worker\'s attempts equal to the card queue\'s redrive count', () => {
    expect(JSON.parse(local.server.inspectQueue(local.queues.card.name)!.attributes['RedrivePolicy']!)).toMatchObject({
      maxReceiveCount: queues.card.maxReceiveCount,
    });
    expect(queues.card.maxReceiveCount).toBe(3);
  });

  it('Throttling, then ProvisionedThroughputExceeded, then an answer: the card completes on its third attempt', async () => {
    textract.on(DetectDocumentTextCommand).rejectsOnce(throttled('ThrottlingException')).rejectsOnce(throttled('ProvisionedThroughputExceededException')).resolves(DETECTED);
    const { waId, messageId, mediaId } = await sendCard();
    const run = await drainQueue(sqs, local.queues.card, cardWorker, { batchSize: queues.card.batchSize });
    expect(run).toEqual({ batches: 3, failures: 2 });

    const calls = textract.commandCalls(DetectDocumentTextCommand);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.args[0].input).toEqual({ Document: { S3Object: { Bucket: local.mediaBucket, Name: mediaKeyFor(messageId) } } });
    }
    // The retries resumed from the stored photo: Graph was asked for the media once.
    expect(mediaLookups(mediaId)).toHaveLength(1);
    expect(await cardMessage(messageId)).toMatchObject({ cardStage: 'replied', cardStatus: 'created', cardName: 'Maria Gonzalez' });
    expect(dlq().map((j) => j.messageId)).not.toContain(messageId);

    await drainQueue(sqs, local.queues.outbound, sender);
    const replies = repliesTo(waId);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^I read the business card and created a contact:/);
    expect(replies[0]).toContain('Maria Gonzalez');
    expect(textsTo(waId).filter((t) => t === cardReceivedText('en'))).toHaveLength(1);
    expect(emitted.filter((e) => e.name === 'CardResults')).toEqual([{ name: 'CardResults', dims: { result: 'ocr' } }]);
  });

  it('Textract failing on every attempt: the customer is told after the last one, and the job is dead-lettered', async () => {
    textract.on(DetectDocumentTextCommand).rejects(throttled('ProvisionedThroughputExceededException'));
    const { waId, messageId } = await sendCard();
    const run = await drainQueue(sqs, local.queues.card, cardWorker, { batchSize: queues.card.batchSize });
    // Three receives, all reported failed; the fourth receive is where fauxqs' redrive moves it to the DLQ.
    expect(run).toEqual({ batches: 3, failures: 3 });
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(queues.card.maxReceiveCount);
    expect(dlq().map((j) => j.messageId)).toContain(messageId);

    const item = await cardMessage(messageId);
    expect(item).toMatchObject({ cardStage: 'media_stored', cardStatus: 'unreadable', cardFailure: { final: false } });
    expect(String((item['cardFailure'] as { reason: string }).reason)).toMatch(/ProvisionedThroughputExceededException/);

    await drainQueue(sqs, local.queues.outbound, sender);
    const replies = repliesTo(waId);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^Sorry, I couldn't read this business card/);
    expect(emitted.filter((e) => e.name === 'CardResults')).toEqual([{ name: 'CardResults', dims: { result: 'failed' } }]);
  });
});
