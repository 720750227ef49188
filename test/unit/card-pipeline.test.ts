// The pipeline's stage logic over in-memory ports (plain maps that behave like the stores: stage never moves
// back, media kept per key, contacts merged by the same plan). The engines are real: the card parser reads
// typed card lines handed over as the "image" bytes by a reader that decodes them as UTF-8 text.
import { describe, expect, it } from 'vitest';
import { readCardText } from '../../lambdas/domain/cards/card-reader.js';
import { applyCardPlan, cardContactId, type CardContactPlan } from '../../lambdas/domain/cards/card-contact.js';
import {
  CardUnreadable,
  decodeCardJob,
  InvalidCardJob,
  processCardJob,
  sniffMediaType,
  type CardJob,
  type CardMessage,
  type CardPipelineDeps,
  type CardProgress,
  type CardStage,
} from '../../lambdas/domain/cards/card-pipeline.js';
import type { MetricName } from '../../lambdas/domain/shared/metric-catalog.js';
import type { ReplyJob } from '../../lambdas/domain/outbound/outbound-job.js';
import type { ContactRecord } from '../../lambdas/domain/shared/ports.js';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const RANK: Record<CardStage, number> = { received: 0, media_stored: 1, read: 2, contact_upserted: 3, replied: 4, failed: 4 };

/** A "photo" whose pixels are card text: PNG magic, then UTF-8 lines. */
function photo(text: string): Uint8Array {
  return new Uint8Array([...PNG, ...new TextEncoder().encode(text)]);
}

interface World {
  deps: CardPipelineDeps;
  messages: Map<string, CardMessage>;
  history: CardProgress[];
  contacts: Map<string, ContactRecord>;
  objects: Map<string, Uint8Array>;
  replies: ReplyJob[];
  metrics: { name: MetricName; value: number; dims: unknown }[];
  calls: { fetch: number; read: number };
  /** Fail the next N calls of a port with a transient error. */
  failNext: Partial<Record<'fetch' | 'read' | 'upsert' | 'reply', number>>;
  media: Map<string, { bytes: Uint8Array; mimeType: string }>;
}

function world(): World {
  const w: World = {
    messages: new Map(),
    history: [],
    contacts: new Map(),
    objects: new Map(),
    replies: [],
    metrics: [],
    calls: { fetch: 0, read: 0 },
    failNext: {},
    media: new Map(),
    deps: undefined as unknown as CardPipelineDeps,
  };
  const maybeFail = (port: keyof World['failNext']) => {
    const n = w.failNext[port] ?? 0;
    if (n > 0) {
      w.failNext[port] = n - 1;
      throw new Error(`${port} is down`);
    }
  };
  const byAlias = (pred: (c: ContactRecord) => boolean) => async () => [...w.contacts.values()].filter(pred);
  w.deps = {
    maxAttempts: 3,
    retryDelaysSeconds: [5, 50],
    now: () => new Date('2026-03-01T10:00:10.000Z'),
    progress: {
      async load(id) {
        const m = w.messages.get(id);
        return m ? structuredClone(m) : undefined;
      },
      async record(id, p) {
        const m = w.messages.get(id);
        if (!m) throw new InvalidCardJob(`message ${id} is not stored`);
        w.history.push(p);
        if (m.state && RANK[m.state.stage] > RANK[p.stage]) return;
        m.state = {
          ...m.state,
          stage: p.stage,
          ...(p.mediaKey ? { mediaKey: p.mediaKey } : {}),
          ...(p.mimeType ? { mimeType: p.mimeType } : {}),
          ...(p.card ? { card: p.card } : {}),
          ...(p.contactId ? { contactId: p.contactId } : {}),
          ...(p.outcome ? { outcome: p.outcome } : {}),
          ...(p.failure ? { failure: p.failure } : {}),
        };
      },
    },
    media: {
      async fetch(id, { maxBytes }) {
        w.calls.fetch++;
        maybeFail('fetch');
        const m = w.media.get(id);
        if (!m) throw new CardUnreadable(`media ${id} does not exist`);
        if (m.bytes.byteLength > maxBytes) throw new CardUnreadable(`media over ${maxBytes} bytes`);
        return m;
      },
    },
    store: {
      keyFor: (id) => `media/${id}`,
      locate: (key) => ({ bucket: 'b', key }),
      async put(key, bytes) {
        w.objects.set(key, bytes);
        return { bucket: 'b', key };
      },
      async get(key) {
        const b = w.objects.get(key);
        if (!b) throw new Error(`no object ${key}`);
        return b;
      },
    },
    reader: {
      async read(bytes, request) {
        w.calls.read++;
        maybeFail('read');
        if (request.mimeType === 'application/pdf') throw new CardUnreadable('PDF cards need Textract');
        return readCardText(new TextDecoder().decode(bytes.subarray(PNG.length)), request.senderPhone ? { senderPhone: request.senderPhone } : {});
      },
    },
    contacts: {
      async get(id) {
        return w.contacts.get(id);
      },
      findByPhone: (p) => byAlias((c) => c.phones.includes(p))(),
      findByEmail: (e) => byAlias((c) => c.emails.includes(e))(),
      async upsertCardContact(plan: CardContactPlan) {
        maybeFail('upsert');
        w.contacts.set(plan.contactId, applyCardPlan(w.contacts.get(plan.contactId), plan));
      },
    },
    replies: {
      async enqueue(job) {
        maybeFail('reply');
        w.replies.push(job);
      },
    },
    metrics: { emit: (name, value, ...dims) => void w.metrics.push({ name, value, dims: dims[0] }) },
  };
  w.contacts.set('996555123456', { id: '996555123456', channel: 'meta', waId: '996555123456', name: 'Нурлан', phones: ['+996555123456'], emails: [], createdAt: '2026-01-01T00:00:00Z' });
  return w;
}

const CARD_TEXT = ['Anna Lee', 'Marketing Director', 'Orbit Media Inc.', 'Tel: +1 415 555 0150', 'anna.lee@orbitmedia.com'].join('\n');

function addCard(w: World, opts: { id?: string; text?: string; caption?: string; bytes?: Uint8Array; type?: string } = {}): CardJob {
  const id = opts.id ?? 'wamid.CARD1';
  w.messages.set(id, { id, contactId: '996555123456', timestamp: '2026-03-01T10:00:00.000Z', ...(opts.caption ? { text: opts.caption } : {}) });
  w.media.set(`m-${id}`, { bytes: opts.bytes ?? photo(opts.text ?? CARD_TEXT), mimeType: 'image/png' });
  return { kind: 'card', messageId: id, contactId: '996555123456', phoneNumberId: '100000000000001', media: { id: `m-${id}`, mimeType: 'image/png' }, type: opts.type ?? 'image' };
}

describe('processCardJob', () => {
  it('walks every stage, creates the contact, queues the summary once, and measures', async () => {
    const w = world();
    const job = addCard(w, { caption: 'card' });
    const result = await processCardJob(job, 1, w.deps);
    expect(result).toEqual({ action: 'done', outcome: 'created', detail: `contact ${cardContactId(job.messageId)}` });
    expect(w.history.map((h) => [h.stage, h.status])).toEqual([
      ['received', 'processing'],
      ['media_stored', 'processing'],
      ['read', 'processing'],
      ['contact_upserted', 'created'],
      ['replied', 'created'],
    ]);
    const contact = w.contacts.get(cardContactId(job.messageId))!;
    expect(contact).toMatchObject({ name: 'Anna Lee', company: 'Orbit Media Inc.', sourceContactId: '996555123456', sourceMessageId: job.messageId });
    expect(contact.phones).toEqual(['+14155550150']);
    expect(w.replies).toHaveLength(1);
    expect(w.replies[0]).toMatchObject({ kind: 'reply', contactId: '996555123456', replyTo: job.messageId, idempotencyKey: `card:${job.messageId}` });
    // Caption "card" is English; the reply lists what was read under the "created" header.
    const text = (w.replies[0]!.message as { text: string }).text;
    expect(text).toMatch(/^I read the business card and created a contact:/);
    expect(text).toContain('Name: Anna Lee');
    expect(text).toContain('anna.lee@orbitmedia.com');
    expect(w.metrics).toEqual([
      { name: 'CardResults', value: 1, dims: { result: 'ocr' } },
      { name: 'CardEndToEndTime', value: 10_000, dims: undefined },
    ]);
  });

  it('answers in Russian for a Russian-speaking customer with no caption', async () => {
    const w = world();
    await processCardJob(addCard(w), 1, w.deps);
    expect((w.replies[0]!.message as { text: string }).text).toMatch(/^Визитка прочитана, контакт создан:/);
  });

  it('a redelivered job changes nothing once replied', async () => {
    const w = world();
    const job = addCard(w);
    await processCardJob(job, 1, w.deps);
    const before = { contacts: w.contacts.size, replies: w.replies.length, fetch: w.calls.fetch };
    expect(await processCardJob(job, 1, w.deps)).toEqual({ action: 'done', outcome: 'duplicate', detail: 'already replied' });
    expect({ contacts: w.contacts.size, replies: w.replies.length, fetch: w.calls.fetch }).toEqual(before);
  });

  it('resumes from the recorded stage: a retry after a failed read never downloads again', async () => {
    const w = world();
    const job = addCard(w);
    w.failNext.read = 1;
    expect(await processCardJob(job, 1, w.deps)).toMatchObject({ action: 'retry', delaySeconds: 5, detail: 'Error: read is down' });
    expect(w.messages.get(job.messageId)!.state!.stage).toBe('media_stored');
    w.media.delete(`m-${job.messageId}`); // Graph's copy is gone; the stored one is all there is
    expect(await processCardJob(job, 2, w.deps)).toMatchObject({ action: 'done', outcome: 'created' });
    expect(w.calls.fetch).toBe(1);
  });

  it('a retry after the contact was written (but not recorded) writes the same contact, not a second', async () => {
    const w = world();
    const job = addCard(w);
    w.failNext.reply = 1;
    expect(await processCardJob(job, 1, w.deps)).toMatchObject({ action: 'retry' });
    // Forget the contact_upserted record, as if the attempt died between the two writes.
    const m = w.messages.get(job.messageId)!;
    m.state = { ...m.state!, stage: 'read' };
    delete m.state.contactId;
    expect(await processCardJob(job, 2, w.deps)).toMatchObject({ action: 'done', outcome: 'created' });
    expect([...w.contacts.keys()].filter((k) => k.startsWith('card-'))).toEqual([cardContactId(job.messageId)]);
    expect(w.replies).toHaveLength(1);
  });

  it('merges into an existing contact with the same phone', async () => {
    const w = world();
    w.contacts.set('14155550150', { id: '14155550150', channel: 'meta', waId: '14155550150', name: 'Anna WA', phones: ['+14155550150'], emails: [], createdAt: '2025-01-01T00:00:00Z' });
    const result = await processCardJob(addCard(w), 1, w.deps);
    expect(result).toMatchObject({ outcome: 'merged', detail: 'contact 14155550150' });
    expect(w.contacts.get('14155550150')).toMatchObject({ name: 'Anna WA', title: 'Marketing Director', emails: ['anna.lee@orbitmedia.com'] });
    expect(w.contacts.has(cardContactId('wamid.CARD1'))).toBe(false);
    expect((w.replies[0]!.message as { text: string }).text).toMatch(/добавлена к существующему контакту/);
  });

  it('an unreadable card is final at once: failure reply, failed stage, no contact', async () => {
    const w = world();
    const job = addCard(w, { text: 'Lorem ipsum dolor' });
    expect(await processCardJob(job, 1, w.deps)).toMatchObject({ action: 'done', outcome: 'unreadable' });
    expect(w.messages.get(job.messageId)!.state).toMatchObject({ stage: 'failed', failure: { final: true } });
    expect(w.history.at(-1)).toMatchObject({ stage: 'failed', status: 'unreadable' });
    expect(w.replies).toEqual([expect.objectContaining({ idempotencyKey: `card-failed:${job.messageId}` })]);
    expect((w.replies[0]!.message as { text: string }).text).toMatch(/не удалось прочитать визитку/);
    expect([...w.contacts.keys()].some((k) => k.startsWith('card-'))).toBe(false);
    expect(w.metrics).toEqual([{ name: 'CardResults', value: 1, dims: { result: 'failed' } }]);
  });

  it('refuses files that are not images or PDFs by their bytes, whatever Graph calls them', async () => {
    const w = world();
    const job = addCard(w, { bytes: new TextEncoder().encode('MZ\x90\x00 an executable') });
    expect(await processCardJob(job, 1, w.deps)).toMatchObject({ action: 'done', outcome: 'unreadable', detail: expect.stringMatching(/not a JPEG, PNG, WebP image or a PDF/) });
  });

  it('caps images at 5 MB', async () => {
    const w = world();
    const job = addCard(w, { bytes: new Uint8Array([...PNG, ...new Uint8Array(5 * 1024 * 1024)]) });
    expect(await processCardJob(job, 1, w.deps)).toMatchObject({ outcome: 'unreadable', detail: expect.stringMatching(/5242880/) });
  });

  it('the last attempt tells the customer, keeps the stage, and sends the job to the DLQ', async () => {
    const w = world();
    const job = addCard(w);
    w.failNext.read = 3;
    expect(await processCardJob(job, 1, w.deps)).toMatchObject({ action: 'retry', delaySeconds: 5 });
    expect(await processCardJob(job, 2, w.deps)).toMatchObject({ action: 'retry', delaySeconds: 50 });
    expect(w.replies).toEqual([]);
    const last = await processCardJob(job, 3, w.deps);
    expect(last).toEqual({ action: 'dead_letter', detail: 'attempt 3 of 3: Error: read is down' });
    expect(w.replies).toEqual([expect.objectContaining({ idempotencyKey: `card-failed:${job.messageId}` })]);
    expect(w.messages.get(job.messageId)!.state).toMatchObject({ stage: 'media_stored', failure: { final: false, reason: 'Error: read is down' } });
    expect(w.history.at(-1)!.status).toBe('unreadable');
    // An operator redrives it from the DLQ once the engine is back: it resumes and the card is read.
    expect(await processCardJob(job, 1, w.deps)).toMatchObject({ action: 'done', outcome: 'created' });
    expect(w.calls.fetch).toBe(1);
  });

  it('a job for a message that was never stored is invalid', async () => {
    const w = world();
    const job = addCard(w);
    w.messages.clear();
    await expect(processCardJob(job, 1, w.deps)).rejects.toBeInstanceOf(InvalidCardJob);
  });
});

describe('sniffMediaType', () => {
  it('knows JPEG, PNG, WebP and PDF by their magic bytes', () => {
    expect(sniffMediaType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffMediaType(PNG)).toBe('image/png');
    expect(sniffMediaType(new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('image/webp');
    expect(sniffMediaType(new TextEncoder().encode('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffMediaType(new TextEncoder().encode('GIF89a'))).toBeUndefined();
    expect(sniffMediaType(new Uint8Array())).toBeUndefined();
  });
});

describe('decodeCardJob', () => {
  const good = { kind: 'card', messageId: 'wamid.X', contactId: '1', phoneNumberId: '2', type: 'image', media: { id: '3', mimeType: 'image/jpeg' } };

  it('reads the webhook job format', () => {
    expect(decodeCardJob(JSON.stringify(good))).toEqual(good);
  });

  it('names what is wrong', () => {
    expect(() => decodeCardJob('nope')).toThrow(/not JSON/);
    expect(() => decodeCardJob(JSON.stringify({ ...good, kind: 'command' }))).toThrow(/kind must be "card"/);
    expect(() => decodeCardJob(JSON.stringify({ ...good, messageId: '' }))).toThrow(/messageId/);
    expect(() => decodeCardJob(JSON.stringify({ ...good, media: {} }))).toThrow(/media.id/);
  });

  it('reads a Wazzup24 card job (media by URL) and refuses one without an http(s) URL', () => {
    const wz = { ...good, channel: 'wazzup24', media: { url: 'https://store.wazzup24.com/x/card.jpg' } };
    expect(decodeCardJob(JSON.stringify(wz))).toEqual(wz);
    expect(() => decodeCardJob(JSON.stringify({ ...wz, media: { id: '3' } }))).toThrow(/media.url/);
    expect(() => decodeCardJob(JSON.stringify({ ...wz, channel: 'telegram' }))).toThrow(/channel/);
  });
});
