// The Wazzup24 webhook handler against dynalite: every documented payload through the real handler and the
// shared ingest, the registration probe, echoes, duplicates, the path secret and crmKey, the channel metric.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { createDeliveryArchive } from '../../lambdas/adapters/dynamo/delivery-archive.js';
import { createMessageStore } from '../../lambdas/adapters/dynamo/message-store.js';
import type { MetricSink } from '../../lambdas/domain/shared/metric-catalog.js';
import type { WorkJob, WorkSink } from '../../lambdas/domain/shared/ports.js';
import { SecretUnavailable } from '../../lambdas/adapters/secrets/secrets.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { apiEvent, getMessageEvent } from '../support/api-events.js';
import { countItems, startTestDynamo, type TestDynamo } from '../support/dynalite.js';

const SECRET = 'wz-path-secret-0123456789';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'wazzup');
const fixture = (name: string) => readFileSync(join(FIXTURES, `documented__${name}.json`), 'utf8');

let db: TestDynamo;
let admin: HttpHandler;
let jobs: WorkJob[];
let emitted: { name: string; value: number }[];
let crmKey: string | undefined;
let createWazzupWebhookHandler: typeof import('../../lambdas/handlers/wazzup-webhook.js')['createWazzupWebhookHandler'];

function handler() {
  const work: WorkSink = { enqueue: async (j) => void jobs.push(...j) };
  const metrics: MetricSink = { emit: (name: string, value: number, ..._dimensions: unknown[]) => void emitted.push({ name, value }) };
  return createWazzupWebhookHandler({
    secrets: {
      async get(name) {
        if (name === 'wazzupWebhookSecret') return SECRET;
        if (name === 'wazzupCrmKey') {
          if (crmKey === undefined) throw new SecretUnavailable('unset');
          return crmKey;
        }
        throw new Error(`unexpected secret ${name}`);
      },
    },
    store: {
      contacts: createContactStore(db.doc, db.tableNames.contacts),
      messages: createMessageStore(db.doc, db.tableNames.messages),
      archive: createDeliveryArchive(db.doc, db.tableNames.messages),
      work,
    },
    metrics,
  });
}

const post = (body: string, opts: { secret?: string | null; query?: boolean; headers?: Record<string, string> } = {}) => {
  const secret = opts.secret === undefined ? SECRET : opts.secret;
  const viaQuery = opts.query === true;
  return handler()(
    apiEvent(viaQuery ? 'POST /webhooks/wazzup24' : 'POST /webhooks/wazzup24/{secret}', {
      body,
      headers: { 'content-type': 'application/json; charset=utf-8', ...(opts.headers ?? {}) },
      ...(viaQuery ? (secret !== null ? { query: { secret } } : {}) : secret !== null ? { pathParameters: { secret } } : {}),
    }),
  );
};

async function message(id: string): Promise<Record<string, unknown>> {
  const res = await admin(getMessageEvent(id));
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body ?? '{}') as Record<string, unknown>;
}

beforeAll(async () => {
  db = await startTestDynamo();
  admin = (await import('../../lambdas/handlers/admin-api.js')).handler;
  // The module builds its default handler at load, from the variables startTestDynamo set.
  ({ createWazzupWebhookHandler } = await import('../../lambdas/handlers/wazzup-webhook.js'));
});
afterAll(() => db?.close());
beforeEach(async () => {
  await db.reset();
  jobs = [];
  emitted = [];
  crmKey = undefined;
});

describe('authentication', () => {
  it.each([
    ['a wrong path secret', { secret: 'wrong' }],
    ['no secret', { secret: null }],
    ['a wrong query secret', { secret: 'wrong', query: true }],
  ])('refuses %s with 401 and stores nothing', async (_, opts) => {
    const res = await post(fixture('text'), opts);
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body ?? '{}').error).toMatch(/secret/);
    expect(await countItems(db)).toBe(0);
    expect(jobs).toEqual([]);
    expect(emitted).toContainEqual({ name: 'SignatureRejections', value: 1 });
  });

  it('accepts the secret in the query string', async () => {
    const res = await post(fixture('text'), { query: true });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ messages: { stored: 1 } });
  });

  it('requires Authorization: Bearer <crmKey> when one is configured', async () => {
    crmKey = 'crm-key-42';
    expect((await post(fixture('text'))).statusCode).toBe(401);
    expect((await post(fixture('text'), { headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
    expect(await countItems(db)).toBe(0);
    const ok = await post(fixture('text'), { headers: { Authorization: 'Bearer crm-key-42' } });
    expect(ok.statusCode).toBe(200);
  });
});

describe('deliveries', () => {
  it('answers the registration probe with 200 and stores nothing', async () => {
    const res = await post(fixture('test'));
    expect(res.statusCode).toBe(200);
    expect(await countItems(db)).toBe(0);
  });

  const types: [string, string][] = [
    ['text', 'text'], ['image', 'image'], ['video', 'video'], ['audio', 'audio'], ['document', 'document'],
    ['vcard', 'contacts'], ['geo', 'location'], ['wapi_template', 'template'], ['missing_call', 'missed_call'], ['unsupported', 'unsupported'],
  ];
  it.each(types)('stores a %s message as type %s on the chat contact', async (name, type) => {
    const body = JSON.parse(fixture(name)) as { messages: { messageId: string; chatId: string; isEcho: boolean }[] };
    const m = body.messages[0]!;
    const res = await post(fixture(name));
    expect(res.statusCode).toBe(200);
    const stored = await message(m.messageId);
    // A template is only ever sent by the business: that fixture is an echo.
    expect(stored).toMatchObject({ id: m.messageId, direction: m.isEcho ? 'out' : 'in', type, contactId: `wazzup24-whatsapp.${m.chatId}` });
    const contact = JSON.parse((await admin(apiEvent('GET /contacts/{id}', { pathParameters: { id: `wazzup24-whatsapp.${m.chatId}` } }))).body ?? '{}');
    expect(contact).toMatchObject({ waId: m.chatId, phones: [`+${m.chatId}`] });
    expect(contact.lastInboundAt !== undefined).toBe(!m.isEcho);
  });

  it('covers every documented fixture', () => {
    const names = readdirSync(FIXTURES).map((f) => f.replace(/^documented__|\.json$/g, ''));
    const covered = new Set([...types.map(([n]) => n), 'test', 'echo', 'statuses', 'messages_and_statuses', 'channels_updates', 'edited']);
    expect(names.filter((n) => !covered.has(n))).toEqual([]);
  });

  it('is idempotent by Wazzup messageId: a duplicate delivery stores nothing new and plans the work again', async () => {
    const first = JSON.parse((await post(fixture('image'))).body ?? '{}');
    const again = JSON.parse((await post(fixture('image'))).body ?? '{}');
    expect(first.messages).toEqual({ stored: 1, duplicate: 0 });
    expect(again.messages).toEqual({ stored: 0, duplicate: 1 });
    // A card job each time (the first enqueue may have been lost); the worker dedupes by message id.
    expect(jobs).toHaveLength(2);
    expect(jobs[0]).toEqual({
      kind: 'card',
      channel: 'wazzup24',
      messageId: '1c7d2a8f-2b3c-4d4e-9f50-6b7c8d9e0f12',
      contactId: 'wazzup24-whatsapp.79011112233',
      phoneNumberId: '8f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c',
      type: 'image',
      media: { url: 'https://store.wazzup24.com/6f1a/3c2b1a09-card.jpg' },
    });
  });

  it('stores an echo as outbound, plans no work and leaves the 24-hour window alone', async () => {
    const res = await post(fixture('echo'));
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ messages: { stored: 1 }, jobs: 0 });
    expect(await message('94f5a207-a3b4-45c6-97d8-e35e6f708192')).toMatchObject({ direction: 'out', text: 'Thank you, we will call you back' });
    const contact = JSON.parse((await admin(apiEvent('GET /contacts/{id}', { pathParameters: { id: 'wazzup24-whatsapp.79011112233' } }))).body ?? '{}');
    expect(contact.lastInboundAt).toBeUndefined();
    // An echo that looks like a command is the business typing it: never answered.
    const cmd = JSON.parse(fixture('echo').replace('Thank you, we will call you back', '/start').replace('94f5a207', '94f5a208'));
    await post(JSON.stringify(cmd));
    expect(jobs).toEqual([]);
  });

  it('an echo whose status came first fills the status placeholder: type, text, contact, conversation', async () => {
    const id = '94f5a207-a3b4-45c6-97d8-e35e6f708192';
    const status = JSON.stringify({ statuses: [{ messageId: id, timestamp: '2025-03-14T09:27:12.000', status: 'delivered' }] });
    expect((await post(status)).statusCode).toBe(200);
    const res = await post(fixture('echo'));
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ messages: { stored: 1, duplicate: 0 } });
    expect(await message(id)).toMatchObject({
      direction: 'out',
      type: 'text',
      text: 'Thank you, we will call you back',
      contactId: 'wazzup24-whatsapp.79011112233',
      timestamp: '2025-03-14T09:27:10.500Z',
      status: 'delivered',
      statuses: [{ status: 'delivered', timestamp: '2025-03-14T09:27:12.000Z' }],
    });
    const list = await admin(apiEvent('GET /contacts/{id}/messages', { pathParameters: { id: 'wazzup24-whatsapp.79011112233' } }));
    expect((JSON.parse(list.body ?? '{}') as { items: { id: string }[] }).items.map((m) => m.id)).toEqual([id]);
    expect(JSON.parse((await post(fixture('echo'))).body ?? '{}')).toMatchObject({ messages: { stored: 0, duplicate: 1 } });
  });

  it('answers commands: messages and statuses in one delivery', async () => {
    const res = await post(fixture('messages_and_statuses'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ messages: { stored: 2 }, statuses: { stored: 2 }, jobs: 2 });
    expect(jobs.map((j) => j.kind).sort()).toEqual(['card', 'command']);
    expect(jobs.find((j) => j.kind === 'command')).toMatchObject({ command: 'start', contactId: 'wazzup24-whatsapp.79022223344' });
  });

  it('applies statuses in order by Wazzup messageId; error is failed with its code', async () => {
    await post(fixture('statuses'));
    expect(await message('b6172429-c5d6-47e8-b9fa-0570819203b4')).toMatchObject({ status: 'read' });
    const failed = await message('c728353a-d6e7-48f9-8a0b-168192a304c5');
    expect(failed).toMatchObject({ status: 'failed', statuses: [{ status: 'failed', errors: [{ code: 'BAD_CONTACT' }] }] });
    const again = JSON.parse((await post(fixture('statuses'))).body ?? '{}');
    expect(again.statuses.stored).toBe(0);
  });

  it('turns a channel leaving `active` into WazzupChannelActive = 0, and back to 1', async () => {
    await post(fixture('channels_updates'));
    expect(emitted).toContainEqual({ name: 'WazzupChannelActive', value: 0 });
    await post(fixture('channels_updates').replace('phoneUnavailable', 'active'));
    expect(emitted).toContainEqual({ name: 'WazzupChannelActive', value: 1 });
  });

  it('quarantines an authenticated body that is not JSON and answers 200', async () => {
    const res = await post('{not json');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}').quarantined).toBeTruthy();
  });
});
