// The admin API on fuzzed input, through the real handlers on dynalite (and the Graph sandbox behind POST
// /messages): malformed JSON and wrong shapes on POST /messages answer 400 `{ error, field }` (the error naming the
// field) and reach no Graph endpoint; bodies over 64 KiB answer 413; GET /messages/{id}, /contacts/{id},
// /contacts/{id}/messages and /contacts with fuzzed path parameters, limits and cursors (random, and real cursors
// edited) answer 200, 400 or 404 with an error body, never 5xx, never a rejection.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import { metaJson, textDelivery } from '../../lib/local/meta-payloads.js';
import { MAX_BODY_BYTES, type HttpEvent, type HttpResult } from '../../lambdas/handlers/http.js';
import { apiEvent, deliveryEvent } from '../support/api-events.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { mutate } from './json-mutations.js';
import { fuzzParams, fuzzTimeout } from './fuzz-settings.js';
import { expectSound } from './webhook-harness.js';

type Handler = (event: HttpEvent) => Promise<HttpResult>;
let db: TestDynamo;
let sandbox: GraphSandbox;
let send: Handler;
let admin: Handler;
let contactsApi: Handler;
const CONTACT = '996555100000';
let realCursors: { messages: string; contacts: string };

beforeAll(async () => {
  db = await startTestDynamo();
  sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: 'fuzz-token' });
  process.env.WHATSAPP_ACCESS_TOKEN = 'fuzz-token';
  process.env.GRAPH_BASE_URL = sandbox.url;
  process.env.PHONE_NUMBER_ID = DEFAULT_PHONE_NUMBER_ID;
  send = (await import('../../lambdas/handlers/send-api.js')).handler;
  admin = (await import('../../lambdas/handlers/admin-api.js')).handler;
  contactsApi = (await import('../../lambdas/handlers/contacts-api.js')).handler;
  // Three customers, one with three messages: enough for real cursors of both lists.
  const webhook = (await import('../../lambdas/handlers/webhook.js')).handler;
  for (let i = 0; i < 5; i++) {
    const { delivery } = textDelivery({ phoneNumberId: '1122334455667', waId: i < 3 ? CONTACT : `99655510000${i}`, text: `hello ${i}`, timestamp: new Date(Date.UTC(2026, 4, 1, 10, i)) });
    expect((await webhook(deliveryEvent(metaJson(delivery), TEST_APP_SECRET))).statusCode).toBe(200);
  }
  const messages = JSON.parse((await admin(apiEvent('GET /contacts/{id}/messages', { pathParameters: { id: CONTACT }, query: { limit: '1' } }))).body ?? '{}');
  const contacts = JSON.parse((await contactsApi(apiEvent('GET /contacts', { query: { limit: '1' } }))).body ?? '{}');
  realCursors = { messages: messages.nextCursor, contacts: contacts.nextCursor };
  expect(realCursors.messages && realCursors.contacts).toBeTruthy();
  // The customer wrote just now, so a valid text to them is sendable: the fuzz may produce one.
  await createContactStore(db.doc, db.tableNames.contacts).upsert({ channel: 'meta', user: { waId: CONTACT }, seenAt: new Date().toISOString(), inboundAt: new Date().toISOString() });
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
  await db?.close();
});

// ----- POST /messages

const VALID_BODIES: unknown[] = [
  { to: `+${CONTACT}`, text: 'hello' },
  { to: `+${CONTACT}`, text: 'see https://example.com', previewUrl: true },
  { to: `+${CONTACT}`, template: { name: 'order_ready', language: 'ru', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Aigul' }] }] } },
  { to: `+${CONTACT}`, image: { link: 'https://example.com/card.png', caption: 'Your card' } },
  { to: `+${CONTACT}`, document: { id: '1234567890', caption: 'Invoice', filename: 'invoice.pdf' } },
  { to: `+${CONTACT}`, interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }] } } },
  { to: `+${CONTACT}`, reaction: { messageId: 'wamid.x', emoji: '👍' } },
  { contactId: CONTACT, text: 'by contact', channel: 'meta', phoneNumberId: DEFAULT_PHONE_NUMBER_ID },
  { to: 'US.13491208655302741918', text: 'to a BSUID', replyTo: 'wamid.y' },
];

const mutationOp = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), with: fc.jsonValue({ maxDepth: 2 }).map((j) => () => j as never) }),
  fc.record({ op: fc.constant('addKey' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('to', 'text', 'template', 'image', 'channel', 'contactId', '__proto__'), fc.string({ maxLength: 6 })), value: fc.jsonValue({ maxDepth: 2 }).map((j) => j as never) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
);

/** A body as bytes: a valid one mutated (JSON), random JSON, broken JSON text, or random bytes. */
const sendBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...VALID_BODIES), fc.array(mutationOp, { minLength: 1, maxLength: 4 })).map(([b, ms]) => Buffer.from(JSON.stringify(mutate(b, ms)) ?? 'null')) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((j) => Buffer.from(JSON.stringify(j) ?? 'null')) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...VALID_BODIES), fc.nat()).map(([b, n]) => { const t = JSON.stringify(b); return Buffer.from(t.slice(0, n % t.length)); }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
);

describe('POST /messages fuzz', () => {
  it(
    'answers 400 { error, field } naming the field for anything invalid, and calls Graph only for a valid message',
    async () => {
      await fc.assert(
        fc.asyncProperty(sendBody, fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), async (raw, key) => {
          const before = sandbox.requests.length;
          const res = await send(apiEvent('POST /messages', { path: '/messages', body: raw, headers: { 'content-type': 'application/json', ...(key !== undefined ? { 'idempotency-key': key } : {}) } }));
          expectSound(res, ['field', 'code', 'hint', 'subcode', 'details', 'retryable']);
          const body = JSON.parse(res.body ?? 'null') as Record<string, unknown>;
          expect([201, 400, 404, 409, 422, 502]).toContain(res.statusCode);
          if (res.statusCode === 400 || res.statusCode === 404) {
            expect(typeof body['field']).toBe('string');
            if (body['field']) expect(String(body['error'])).toContain(String(body['field']));
            expect(sandbox.requests.length, 'a refused body reached Graph').toBe(before);
          }
        }),
        fuzzParams(1),
      );
    },
    fuzzTimeout(100),
  );

  it(
    'answers 413 with the sizes for any body over 64 KiB, before reading it',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 200_000 }), fc.boolean(), fc.constantFrom('x', 'é', '{'), async (extra, base64, fill) => {
          // Whole characters only: a cut `é` would reach the handler as U+FFFD, three bytes.
          const bytes = Buffer.from(fill.repeat(Math.ceil((MAX_BODY_BYTES.sendApi + extra) / Buffer.byteLength(fill))));
          const before = sandbox.requests.length;
          const res = await send(apiEvent('POST /messages', { path: '/messages', body: bytes, base64 }));
          expectSound(res);
          expect(res.statusCode).toBe(413);
          expect(JSON.parse(res.body ?? '{}').error).toBe(`the body is ${bytes.byteLength} bytes; this endpoint accepts at most ${MAX_BODY_BYTES.sendApi} bytes`);
          expect(sandbox.requests.length).toBe(before);
        }),
        fuzzParams(0.2, 5),
      );
    },
    fuzzTimeout(50, 0.2, 5),
  );
});

// ----- GET routes

/** A cursor: random text, base64url of random JSON, or a real cursor with a character changed or its JSON edited. */
const cursor = (real: () => string) =>
  fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.jsonValue({ maxDepth: 2 }).map((j) => Buffer.from(JSON.stringify(j) ?? 'null').toString('base64url')),
    fc.tuple(fc.nat(), fc.constantFrom('A', '-', '_', '=', '%', '', '.')).map(([at, c]) => {
      const r = real();
      const i = at % r.length;
      return r.slice(0, i) + c + r.slice(i + 1);
    }),
    fc.tuple(fc.nat(), fc.oneof(fc.constantFrom('', ' ', 'x'.repeat(3_000), 'contact', 'msg#'), fc.string({ maxLength: 10 }))).map(([at, value]) => {
      const key = JSON.parse(Buffer.from(real(), 'base64url').toString('utf8')) as Record<string, string>;
      const names = Object.keys(key);
      key[names[at % names.length]!] = value;
      return Buffer.from(JSON.stringify(key)).toString('base64url');
    }),
  );

const pathId = fc.oneof(
  fc.constantFrom(CONTACT, '', ' ', '%', '%zz', '%00', '..', '/', 'wamid.%3D%3D', 'x'.repeat(3_000), 'contact#1', '\ud800'),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const limit = fc.oneof(fc.constantFrom('0', '1', '20', '100', '101', '200', '201', '-1', '1.5', '1e2', ' 1', '', '99999999999999999999'), fc.string({ maxLength: 8 }));

describe('GET routes fuzz', () => {
  it(
    'GET /messages/{id}, /contacts/{id} and /contacts/{id}/messages answer 200, 400 or 404, never 5xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET /messages/{id}', 'GET /contacts/{id}', 'GET /contacts/{id}/messages', 'GET /nope/{id}'),
          fc.option(pathId, { nil: undefined }),
          fc.option(limit, { nil: undefined }),
          fc.option(cursor(() => realCursors.messages), { nil: undefined }),
          async (routeKey, id, l, c) => {
            const query = { ...(l !== undefined ? { limit: l } : {}), ...(c !== undefined ? { cursor: c } : {}) };
            const res = await admin(apiEvent(routeKey, { ...(id !== undefined ? { pathParameters: { id } } : {}), query }));
            expectSound(res);
            expect([200, 400, 404]).toContain(res.statusCode);
          },
        ),
        fuzzParams(2),
      );
    },
    fuzzTimeout(30, 2),
  );

  it(
    'GET /contacts answers 200 or 400 for any limit and cursor, never 5xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.option(limit, { nil: undefined }), fc.option(cursor(() => realCursors.contacts), { nil: undefined }), async (l, c) => {
          const query = { ...(l !== undefined ? { limit: l } : {}), ...(c !== undefined ? { cursor: c } : {}) };
          const res = await contactsApi(apiEvent('GET /contacts', { query }));
          expectSound(res);
          expect([200, 400]).toContain(res.statusCode);
        }),
        fuzzParams(2),
      );
    },
    fuzzTimeout(30, 2),
  );
});
