// The card pipeline on real parts: a signed image webhook into the webhook handler (dynalite), the card job on
// fauxqs' card queue (with its DLQ and redrive policy), the local poller calling the card worker's batch
// handler, the photo from the Graph sandbox's media endpoints into fauxqs' S3, real zxing-wasm and tesseract.js
// on the rendered cards, the reply job on the outbound queue, and the sender (a second poller) sending it to
// the sandbox. Textract is the one mocked client (aws-sdk-client-mock), with its request asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DetectDocumentTextCommand, TextractClient } from '@aws-sdk/client-textract';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CardUnreadable } from '../../lambdas/domain/cards/card-pipeline.js';
import { OCR_LANGUAGES } from '../../lib/card-worker-files.js';
import { truncatedJpeg, whitePng } from '../support/images.js';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { messageKey, createMessageStore } from '../../lambdas/adapters/dynamo/message-store.js';
import { createMediaStore, mediaKeyFor } from '../../lambdas/adapters/cards/media-store.js';
import { createTesseractOcr } from '../../lambdas/adapters/cards/ocr-tesseract.js';
import { cardContactId } from '../../lambdas/domain/cards/card-contact.js';
import { cardReceivedText } from '../../lambdas/domain/bot/texts.js';
import type { OcrEngine } from '../../lambdas/domain/cards/ocr.js';
import { startLocalQueues, type LocalQueues } from '../../lib/local/fauxqs-server.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import { mediaDelivery, metaJson, newWamid } from '../../lib/local/meta-payloads.js';
import { localSqsClient, startQueuePoller, toSqsRecord, type QueuePoller } from '../../lib/local/queue-poller.js';
import { cardPipeline, queues } from '../../lib/resources.js';
import { deliveryEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { waitFor } from '../support/wait-for.js';

const TOKEN = 'card-test-token';
const BUCKET = 'card-test-media';
const CARDS = join(import.meta.dirname, '../fixtures/cards');
const card = (name: string) => new Uint8Array(readFileSync(join(CARDS, name)));

let db: TestDynamo;
let local: LocalQueues;
let sandbox: GraphSandbox;
let pollers: QueuePoller[] = [];
let ocr: OcrEngine;
let webhook: (event: ReturnType<typeof deliveryEvent>) => Promise<{ statusCode?: number; body?: string }>;
let contacts: ReturnType<typeof createContactStore>;
let worker: typeof import('../../lambdas/handlers/card-batch.js');
let customerN = 0;

function depth(name: string): number {
  const q = local.server.inspectQueue(name)!;
  return q.messages.ready.length + q.messages.delayed.length + q.messages.inflight.length;
}

async function cardMessage(id: string): Promise<Record<string, unknown>> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableNames.messages, Key: messageKey(id) }));
  return out.Item ?? {};
}

/** A customer sends `bytes` as a photo (or document): registered as Graph media, delivered as a signed webhook. */
async function sendPhoto(bytes: Uint8Array, mimeType: string, opts: { waId?: string; kind?: 'image' | 'document'; id?: string } = {}) {
  customerN += 1;
  const waId = opts.waId ?? `4477009${String(10000 + customerN)}`;
  const media = sandbox.media.register(`77${Date.now()}${customerN}`, bytes, mimeType);
  const { delivery, messageId } = mediaDelivery({
    phoneNumberId: DEFAULT_PHONE_NUMBER_ID,
    kind: opts.kind ?? 'image',
    mediaId: media.id,
    mimeType,
    sha256Hex: media.sha256,
    waId,
    name: 'Card Sender',
    ...(opts.id ? { id: opts.id } : {}),
  });
  const raw = metaJson(delivery);
  const res = await webhook(deliveryEvent(raw, TEST_APP_SECRET));
  expect(res.statusCode).toBe(200);
  return { waId, messageId, raw };
}

/** The webhook's acknowledgement of each photo ("Business card received!"), sent before the card is read. */
const ACKS = new Set([cardReceivedText('en'), cardReceivedText('ru')]);
const allTextsTo = (waId: string) =>
  sandbox.sent.filter((s) => s.waId === waId && s.type === 'text').map((s) => (s.body['text'] as { body: string }).body);
/** What the card worker answered: every text but the acknowledgement. */
const textsTo = (waId: string) => allTextsTo(waId).filter((t) => !ACKS.has(t));
const acksTo = (waId: string) => allTextsTo(waId).filter((t) => ACKS.has(t));
/** The texts sent to `waId`, once there is one. */
const repliesTo = (waId: string) => {
  const texts = textsTo(waId);
  return texts.length ? texts : undefined;
};

beforeAll(async () => {
  db = await startTestDynamo();
  local = await startLocalQueues({ prefix: 'card-test' });
  local.server.createBucket(BUCKET);
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: TOKEN, statusDelayMs: 10_000 });
  Object.assign(process.env, local.env, {
    AWS_ENDPOINT_URL_S3: local.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    [cardPipeline.mediaBucketEnvVar]: BUCKET,
    WHATSAPP_ACCESS_TOKEN: TOKEN,
    GRAPH_BASE_URL: sandbox.url,
    CARD_RETRY_DELAYS_SECONDS: '0',
  });
  webhook = (await import('../../lambdas/handlers/webhook.js')).handler as typeof webhook;
  worker = await import('../../lambdas/handlers/card-batch.js');
  const { localCardReader } = await import('../../lib/local/card-worker.js');
  ocr = createTesseractOcr();
  const cardHandler = worker.createCardWorkerHandler(worker.cardWorkerDeps(localCardReader('tesseract', ocr), process.env, { mediaAllowOrigins: [sandbox.url] }));
  const sender = await import('../../lambdas/handlers/sender.js');
  const senderDeps = sender.defaultSenderDeps();
  const sendHandler = sender.createSenderHandler({ ...senderDeps, jobs: { ...senderDeps.jobs, retry: { random: () => 0 } } });
  const client = localSqsClient(local.endpoint);
  const poll = (name: 'card' | 'outbound', handler: typeof cardHandler) =>
    startQueuePoller({ client, queueUrl: local.queues[name].url, queueArn: local.queues[name].arn, handler, batchSize: queues[name].batchSize, waitSeconds: 1 });
  pollers = [poll('card', cardHandler), poll('outbound', sendHandler)];
  contacts = createContactStore(db.doc, db.tableNames.contacts);
}, 60_000);

afterAll(async () => {
  await Promise.all(pollers.map((p) => p.stop()));
  await ocr?.close?.();
  await sandbox?.close();
  await local?.close();
  await db?.close();
});

describe('card worker, local mode end to end', () => {
  it('a photo with a QR code becomes a contact and a reply that lists what was read', async () => {
    const { waId, messageId } = await sendPhoto(card('en-bizcard-qr.png'), 'image/png');
    const [reply] = await waitFor(() => repliesTo(waId), 'the reply', 30_000, 100);
    expect(reply).toMatch(/^I read the business card and created a contact:/);
    expect(reply).toContain('Name: Anna Lee');
    expect(reply).toContain('Company: Orbit Media Inc.');
    expect(reply).toContain('anna.lee@orbitmedia.com');

    const created = await contacts.get(cardContactId(messageId));
    expect(created).toMatchObject({ name: 'Anna Lee', title: 'Marketing Director', company: 'Orbit Media Inc.', sourceContactId: waId, sourceMessageId: messageId });
    expect(created!.phones).toEqual(['+14155550150', '+14155550151']);
    expect(await contacts.cardContactIds(waId)).toEqual([created!.id]);

    const item = await cardMessage(messageId);
    expect(item).toMatchObject({ cardStage: 'replied', cardStatus: 'created', cardName: 'Anna Lee', cardContactId: created!.id, cardOutcome: 'created' });
    expect((item.cardHistory as { stage: string }[]).map((h) => h.stage)).toEqual(['received', 'media_stored', 'read', 'contact_upserted', 'replied']);
    // The photo is kept in S3 under the message id, byte for byte.
    const stored = await createMediaStore({ bucket: BUCKET }).get(mediaKeyFor(messageId));
    expect(Buffer.from(stored).equals(Buffer.from(card('en-bizcard-qr.png')))).toBe(true);
    // The reply quotes the card message.
    const sent = sandbox.sent.find((s) => s.waId === waId)!;
    expect(sent.body['context']).toEqual({ message_id: messageId });
  }, 60_000);

  it('a photo without a QR code is read by tesseract', async () => {
    const { waId, messageId } = await sendPhoto(card('en-acme-classic.png'), 'image/png');
    const [reply] = await waitFor(() => repliesTo(waId), 'the reply', 60_000, 100);
    expect(reply).toContain('Name: John A. Smith');
    expect(reply).toContain('john.smith@acme.com');
    expect(await contacts.get(cardContactId(messageId))).toMatchObject({ name: 'John A. Smith', emails: ['john.smith@acme.com'] });
  }, 90_000);

  it('a redelivered card webhook creates one contact and one reply', async () => {
    const first = await sendPhoto(card('kg-vcard-qr.png'), 'image/png');
    await waitFor(() => textsTo(first.waId).length, 'the first reply', 30_000, 100);
    const batchesBefore = pollers[0]!.batches;
    // Meta delivers the same bytes again: stored once, the job enqueued again, the worker finds it replied.
    const again = await webhook(deliveryEvent(first.raw, TEST_APP_SECRET));
    // The card job and its acknowledgement, both planned again; each consumer dedupes by message id.
    expect(JSON.parse(again.body!)).toMatchObject({ messages: { stored: 0, duplicate: 1 }, jobs: 2 });
    await waitFor(() => pollers[0]!.batches > batchesBefore && depth(local.queues.card.name) === 0, 'the redelivered job handled', 30_000, 100);
    await new Promise((r) => setTimeout(r, 500));
    expect(textsTo(first.waId)).toHaveLength(1);
    expect(acksTo(first.waId)).toEqual([cardReceivedText('en')]);
    const fromCards = (await contacts.listNewest({ limit: 100 })).items.filter((c) => c.sourceMessageId === first.messageId);
    expect(fromCards).toHaveLength(1);
    expect(await contacts.cardContactIds(first.waId)).toHaveLength(1);
  }, 60_000);

  it('a second card with the same phone merges into the first contact', async () => {
    const first = await sendPhoto(card('en-mecard-qr.png'), 'image/png');
    await waitFor(() => textsTo(first.waId).length, 'the first reply', 30_000, 100);
    const second = await sendPhoto(card('en-mecard-qr.png'), 'image/png');
    const [reply] = await waitFor(() => repliesTo(second.waId), 'the second reply', 30_000, 100);
    expect(reply).toMatch(/added it to an existing contact/);
    expect(await cardMessage(second.messageId)).toMatchObject({ cardStatus: 'merged', cardContactId: cardContactId(first.messageId) });
    expect(await contacts.get(cardContactId(second.messageId))).toBeUndefined();
  }, 60_000);

  it('after the last retry the customer is told and the job is in the dead-letter queue', async () => {
    // Graph's media lookup fails temporarily on every attempt (code 2: service unavailable).
    sandbox.failNext(2, { match: 'media', times: queues.card.maxReceiveCount });
    const dlq = local.queues.card.dlqName;
    const before = depth(dlq);
    const { waId, messageId } = await sendPhoto(card('en-bizcard-qr.png'), 'image/png');
    const [reply] = await waitFor(() => repliesTo(waId), 'the failure reply', 30_000, 100);
    expect(reply).toMatch(/^Sorry, I couldn't read this business card/);
    await waitFor(() => depth(dlq) > before, 'the job in the DLQ', 30_000, 100);
    const dead = local.server.inspectQueue(dlq)!.messages.ready.map((m) => JSON.parse(m.body) as { messageId: string });
    expect(dead.map((j) => j.messageId)).toContain(messageId);
    const item = await cardMessage(messageId);
    expect(item).toMatchObject({ cardStage: 'received', cardStatus: 'unreadable', cardFailure: { final: false } });
    expect(String((item.cardFailure as { reason: string }).reason)).toMatch(/GraphError/);
    expect(await contacts.cardContactIds(waId)).toEqual([]);
  }, 60_000);

  it.each([
    ['a 14000x14000 PNG', () => whitePng(14000, 14000), /the PNG is 14000x14000 pixels \(196 MP\); photos are read up to 50 MP/],
    ['a JPEG cut short in transfer', async () => (await truncatedJpeg(card('en-acme-classic.png'))).cut, /the JPEG file is cut short/],
  ])('%s gets the could-not-read reply at once, on the first attempt, from its header', async (_, make, reason) => {
    const bytes = new Uint8Array(await make());
    const dlq = local.queues.card.dlqName;
    const before = depth(dlq);
    const { waId, messageId } = await sendPhoto(bytes, bytes[0] === 0xff ? 'image/jpeg' : 'image/png');
    const [reply] = await waitFor(() => repliesTo(waId), 'the reply', 30_000, 100);
    expect(reply).toMatch(/^Sorry, I couldn't read this business card/);
    const item = await cardMessage(messageId);
    expect(item).toMatchObject({ cardStage: 'failed', cardStatus: 'unreadable', cardFailure: { final: true } });
    expect(String((item.cardFailure as { reason: string }).reason)).toMatch(reason);
    expect((item.cardHistory as { stage: string }[]).map((h) => h.stage)).toEqual(['received', 'media_stored', 'failed']);
    expect(depth(dlq)).toBe(before);
  }, 60_000);

  it('a PDF card locally (tesseract reads images only) gets the could-not-read reply at once', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const { waId, messageId } = await sendPhoto(pdf, 'application/pdf', { kind: 'document' });
    const [reply] = await waitFor(() => repliesTo(waId), 'the reply', 30_000, 100);
    expect(reply).toMatch(/^Sorry, I couldn't read this business card/);
    const item = await cardMessage(messageId);
    expect(item).toMatchObject({ cardStage: 'failed', cardStatus: 'unreadable', cardFailure: { final: true } });
    expect(String((item.cardFailure as { reason: string }).reason)).toMatch(/PDF cards need Textract/);
  }, 60_000);
});

describe('card worker as deployed, OCR_ENGINE=auto: tesseract.js kir+eng, Textract only for a weak Latin read', () => {
  const stored = { bucket: BUCKET, key: 'media/auto-test' };
  let langPath: string;
  let reader: import('../../lambdas/domain/cards/card-pipeline.js').CardImageReader;
  const textract = mockClient(TextractClient);
  const saved = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/textract/en-northwind-photo.detect-document-text.json'), 'utf8'));

  beforeAll(async () => {
    // The folder the Lambda asset holds: every language's traineddata side by side (lib/card-worker-files.ts).
    langPath = mkdtempSync(join(tmpdir(), 'card-langs-'));
    for (const lang of OCR_LANGUAGES) {
      const pkg = dirname(createRequire(import.meta.url).resolve(`@tesseract.js-data/${lang}/package.json`));
      cpSync(join(pkg, '4.0.0_best_int', `${lang}.traineddata.gz`), join(langPath, `${lang}.traineddata.gz`));
    }
    const { awsCardReader } = await import('../../lambdas/handlers/card-worker.js');
    reader = awsCardReader({ OCR_ENGINE: 'auto', TESSERACT_LANGUAGES: OCR_LANGUAGES.join('+'), TESSERACT_LANG_PATH: langPath });
  });
  beforeEach(() => {
    textract.reset();
    textract.on(DetectDocumentTextCommand).resolves(saved);
  });
  afterAll(() => {
    textract.restore();
    rmSync(langPath, { recursive: true, force: true });
  });

  it('a Russian card is read in the function; Textract is not called', async () => {
    const read = await reader.read(card('ru-romashka.png'), { mimeType: 'image/png', stored });
    expect(read).toMatchObject({ source: 'ocr', name: 'Иванов Иван Иванович', emails: ['ivanov@romashka.ru'] });
    expect(read.phones.map((p) => p.number)).toEqual(['+74951234567', '+79161234567']);
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(0);
  }, 60_000);

  it('a blurred Latin photo tesseract cannot read goes to Textract, on the stored object', async () => {
    const blurred = await sharp(card('en-northwind-dept.png')).resize(260).blur(1.2).jpeg({ quality: 40 }).toBuffer();
    const read = await reader.read(new Uint8Array(blurred), { mimeType: 'image/jpeg', stored });
    const calls = textract.commandCalls(DetectDocumentTextCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ Document: { S3Object: { Bucket: stored.bucket, Name: stored.key } } });
    expect(read).toMatchObject({ source: 'ocr', name: 'Maria Gonzalez', emails: ['maria.gonzalez@northwind.co.uk'] });
  }, 60_000);

  it.each([
    ['a 14000x14000 PNG', () => whitePng(14000, 14000), 'image/png' as const, /196 MP/],
    ['a JPEG cut short', async () => (await truncatedJpeg(card('en-acme-classic.png'))).cut, 'image/jpeg' as const, /cut short/],
  ])('%s is CardUnreadable before QR, tesseract or Textract see it', async (_, make, mimeType, reason) => {
    const error = await reader.read(new Uint8Array(await make()), { mimeType, stored }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardUnreadable);
    expect((error as Error).message).toMatch(reason);
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(0);
  });
});

describe('card worker as deployed with OCR_ENGINE=textract: QR, then Textract on the S3 object', () => {
  it('sends DetectDocumentText the stored object and builds the contact from its lines', async () => {
    const textract = mockClient(TextractClient);
    const saved = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/textract/en-northwind-photo.detect-document-text.json'), 'utf8'));
    textract.on(DetectDocumentTextCommand).resolves(saved);
    try {
      const { awsCardReader } = await import('../../lambdas/handlers/card-worker.js');
      const deps = worker.cardWorkerDeps(awsCardReader({ OCR_ENGINE: 'textract' }), process.env, { mediaAllowOrigins: [sandbox.url] });
      const handler = worker.createCardWorkerHandler(deps);
      // The message as the webhook stores it; the job handed straight to the handler as Lambda would.
      const messageId = newWamid();
      const waId = '447700955555';
      const customer = await contacts.upsert({ channel: 'meta', user: { waId }, seenAt: new Date().toISOString(), inboundAt: new Date().toISOString() });
      const media = sandbox.media.register('880011', card('en-northwind-dept.png'), 'image/png');
      await createMessageStore(db.doc, db.tableNames.messages).putInbound(
        { kind: 'message', channel: 'meta', id: messageId, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, from: { waId }, timestamp: new Date().toISOString(), type: 'image', media: { id: media.id, mimeType: 'image/png' }, raw: {} },
        customer,
        new Date().toISOString(),
      );
      const job = { kind: 'card', messageId, contactId: customer, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, type: 'image', media: { id: media.id, mimeType: 'image/png' } };
      const event: SQSEvent = {
        Records: [toSqsRecord({ MessageId: 'm1', ReceiptHandle: 'r1', Body: JSON.stringify(job), Attributes: { ApproximateReceiveCount: '1' } }, local.queues.card.arn)],
      };
      expect(await handler(event)).toEqual({ batchItemFailures: [] });
      const calls = textract.commandCalls(DetectDocumentTextCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args[0].input).toEqual({ Document: { S3Object: { Bucket: BUCKET, Name: mediaKeyFor(messageId) } } });
      expect(await contacts.get(cardContactId(messageId))).toMatchObject({ name: 'Maria Gonzalez', company: 'Northwind Traders Ltd.', emails: ['maria.gonzalez@northwind.co.uk'] });
      expect(await cardMessage(messageId)).toMatchObject({ cardStage: 'replied', cardStatus: 'created', cardName: 'Maria Gonzalez' });
    } finally {
      textract.restore();
    }
  }, 60_000);
});

describe('cards per sender per hour', () => {
  it('over the limit: no download, no Textract call, the customer is told; another customer is not affected', async () => {
    const textract = mockClient(TextractClient);
    const saved = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/textract/en-northwind-photo.detect-document-text.json'), 'utf8'));
    textract.on(DetectDocumentTextCommand).resolves(saved);
    try {
      const { awsCardReader } = await import('../../lambdas/handlers/card-worker.js');
      const env = { ...process.env, [cardPipeline.cardsPerSenderEnvVar]: '2' };
      const handler = worker.createCardWorkerHandler(worker.cardWorkerDeps(awsCardReader({ OCR_ENGINE: 'textract' }), env, { mediaAllowOrigins: [sandbox.url] }));
      const messages = createMessageStore(db.doc, db.tableNames.messages);
      const runCard = async (waId: string) => {
        const messageId = newWamid();
        const customer = await contacts.upsert({ channel: 'meta', user: { waId }, seenAt: new Date().toISOString(), inboundAt: new Date().toISOString() });
        const media = sandbox.media.register(`99${Date.now()}${Math.random()}`.replace('.', ''), card('en-northwind-dept.png'), 'image/png');
        await messages.putInbound(
          { kind: 'message', channel: 'meta', id: messageId, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, from: { waId }, timestamp: new Date().toISOString(), type: 'image', media: { id: media.id, mimeType: 'image/png' }, raw: {} },
          customer,
          new Date().toISOString(),
        );
        const job = { kind: 'card', messageId, contactId: customer, phoneNumberId: DEFAULT_PHONE_NUMBER_ID, type: 'image', media: { id: media.id, mimeType: 'image/png' } };
        const event: SQSEvent = {
          Records: [toSqsRecord({ MessageId: messageId, ReceiptHandle: `r-${messageId}`, Body: JSON.stringify(job), Attributes: { ApproximateReceiveCount: '1' } }, local.queues.card.arn)],
        };
        expect(await handler(event)).toEqual({ batchItemFailures: [] });
        return { messageId, mediaId: media.id };
      };
      const waId = '447700966601';
      const first = await runCard(waId);
      await runCard(waId);
      expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(2);
      const downloadsBefore = sandbox.requests.filter((r) => r.path.startsWith('/whatsapp_business/attachments')).length;
      const over = await runCard(waId);
      expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(2);
      expect(sandbox.requests.filter((r) => r.path.startsWith('/whatsapp_business/attachments')).length).toBe(downloadsBefore);
      expect(sandbox.requests.some((r) => r.path === `/${over.mediaId}`)).toBe(false);
      expect(await cardMessage(over.messageId)).toMatchObject({ cardStage: 'failed', cardStatus: 'limited' });
      // The reply goes through the outbound queue and the sender (its poller) to the customer.
      await waitFor(() => textsTo(waId).some((t) => /at most 2 business cards an hour/.test(t)) || undefined, 'the over-the-limit reply', 30_000, 100);
      expect((await cardMessage(first.messageId))['cardStage']).toBe('replied');
      await runCard('447700966602');
      expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(3);
    } finally {
      textract.restore();
    }
  }, 90_000);
});
