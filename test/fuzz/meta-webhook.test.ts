// The Meta webhook (createWebhookHandler, real stores on dynalite) on fuzzed deliveries: the recorded corpus
// mutated field by field and byte by byte, random JSON and random bytes, each posted unsigned or wrongly signed
// and then correctly signed (sometimes base64-encoded, as API Gateway sends binary bodies).
// Invariants: a wrong or missing signature answers 401 and stores nothing; nothing answers 5xx (no storage
// failure is injected here); every 4xx body is `{ error }`; a signed delivery answers 200 and everything the
// domain parser finds in it is stored (every message and status readable through GET /messages/{id}, every
// event by its key) or the raw body is quarantined; the handler never rejects.
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetaDelivery, UnparseableDelivery } from '../../lambdas/domain/inbound/meta-webhook.js';
import type { ParsedDelivery } from '../../lambdas/domain/shared/model.js';
import { signMetaBody } from '../../lambdas/domain/inbound/signature.js';
import { MAX_BODY_BYTES, type HttpEvent, type HttpResult } from '../../lambdas/handlers/http.js';
import { deliveryEvent } from '../support/api-events.js';
import { loadMetaCorpus } from '../support/meta-corpus.js';
import { bodyPlans, renderBody, type BodyPlan } from './json-mutations.js';
import { fuzzParams, fuzzTimeout } from './fuzz-settings.js';
import { expectSound, expectStored, retrievable, startHarness, type Harness } from './webhook-harness.js';

const APP_SECRET = 'fuzz-app-secret';
const corpus = loadMetaCorpus().map((c) => c.json);

let h: Harness;
let webhook: (event: HttpEvent) => Promise<HttpResult>;
let caseNo = 0;

beforeAll(async () => {
  h = await startHarness();
  const { createWebhookHandler } = await import('../../lambdas/handlers/webhook.js');
  webhook = createWebhookHandler({
    secrets: { get: async (name) => (name === 'appSecret' ? APP_SECRET : 'fuzz-verify-token') },
    store: h.store,
    metrics: h.sink,
  });
});
afterAll(() => h?.close());

/** What the handler should have stored for these bytes, by the same domain parser. */
function expectation(raw: Buffer): ParsedDelivery | 'quarantined' {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'quarantined';
  }
  try {
    return parseMetaDelivery(json);
  } catch (error) {
    if (error instanceof UnparseableDelivery) return 'quarantined';
    throw error;
  }
}

/** Ways to get the signature wrong; each must be a 401. */
const WRONG_SIGNATURES: [string, (raw: Buffer) => string | null][] = [
  ['none', () => null],
  ['empty', () => ''],
  ['another secret', (raw) => signMetaBody(raw, 'someone-elses-secret')],
  ['the secret with a trailing space', (raw) => signMetaBody(raw, `${APP_SECRET} `)],
  ['other bytes', (raw) => signMetaBody(Buffer.concat([raw, Buffer.from(' ')]), APP_SECRET)],
  ['sha1', (raw) => `sha1=${signMetaBody(raw, APP_SECRET).slice(7, 47)}`],
  ['no prefix', (raw) => signMetaBody(raw, APP_SECRET).slice(7)],
  ['a truncated digest', (raw) => signMetaBody(raw, APP_SECRET).slice(0, -2)],
  ['not hex', () => `sha256=${'z'.repeat(64)}`],
  // (An empty body's base64 text is itself: sign something else then.)
  ['the base64 text signed', (raw) => signMetaBody(raw.toString('base64') || 'x', APP_SECRET)],
];
const wrongSignature = fc.constantFrom(...WRONG_SIGNATURES);

/** Inputs that once answered 500 (DynamoDB refused the item or the key, or the stack overflowed), run first. */
function regressions(): [BodyPlan, boolean, [string, (raw: Buffer) => string | null]][] {
  const named = (name: string) => structuredClone(loadMetaCorpus().find((c) => c.name === name)!.json) as any;
  const hugeError = named('bindambc__mediaUploadError');
  hugeError.entry[0].changes[0].value.statuses[0].errors[0].error_data.details = 'x'.repeat(500_000);
  const deep = named('pywa__message_text');
  let nested: unknown = 'bottom';
  for (let i = 0; i < 10_000; i++) nested = [nested];
  deep.entry[0].changes[0].value.messages[0].future_field = nested;
  const longId = named('pywa__message_text');
  longId.entry[0].changes[0].value.messages[0].id = `wamid.${'A'.repeat(3_000)}`;
  const hugeName = named('pywa__message_text');
  hugeName.entry[0].changes[0].value.contacts[0].profile.name = 'N'.repeat(500_000);
  const hugeCode = named('bindambc__mediaUploadError');
  hugeCode.entry[0].changes[0].value.statuses[0].errors[0].code = 1e308;
  return [hugeError, deep, longId, hugeName, hugeCode].map((json) => [{ kind: 'json', json, raw: [] }, false, WRONG_SIGNATURES[0]!]);
}

const tooLarge = (raw: Buffer) => raw.byteLength > MAX_BODY_BYTES.metaWebhook;

async function post(raw: Buffer, options: { base64: boolean; signature?: string | null }): Promise<HttpResult> {
  // A text body is a string in the event: bytes that are not UTF-8 only reach a Lambda base64-encoded.
  const base64 = options.base64 || !isUtf8(raw);
  const res = await webhook(deliveryEvent(raw, APP_SECRET, { ...options, base64 }));
  expectSound(res);
  return res;
}

describe('Meta webhook fuzz', () => {
  it(
    'unsigned or wrongly signed: 401 with an error, and the store stays empty',
    async () => {
      await h.db.reset();
      await fc.assert(
        fc.asyncProperty(bodyPlans(corpus), fc.boolean(), wrongSignature, async (plan, base64, [, sign]) => {
          const raw = renderBody(plan, `-u${++caseNo}`);
          const res = await post(raw, { base64, signature: sign(raw) });
          expect(res.statusCode).toBe(tooLarge(raw) ? 413 : 401);
          expect(h.jobs).toEqual([]);
          expect(await h.count()).toBe(0);
        }),
        fuzzParams(1),
      );
    },
    fuzzTimeout(60),
  );

  it(
    'signed: 200, and every message, status and event the parser finds is stored (or the body quarantined)',
    async () => {
      await h.db.reset();
      await fc.assert(
        fc.asyncProperty(bodyPlans(corpus), fc.boolean(), wrongSignature, async (plan, base64, [, sign]) => {
          const tag = `-s${++caseNo}`;
          const raw = renderBody(plan, tag);
          // Ids this case made (an id a mutation replaced or duplicated may have been stored by an earlier case).
          const own = (ids: string[]) => ids.filter((id) => id.includes(tag));
          const expected = expectation(raw);
          // The same bytes wrongly signed first: refused, and none of its messages stored.
          expect((await post(raw, { base64, signature: sign(raw) })).statusCode).toBe(tooLarge(raw) ? 413 : 401);
          if (expected !== 'quarantined') {
            for (const id of own(expected.messages.map((m) => m.id)).slice(0, 3)) expect(await retrievable(h, id)).toBe(false);
          }
          const res = await post(raw, { base64 });
          if (tooLarge(raw)) {
            // Refused before the signature is checked: a 413 even when signed, and nothing of it stored.
            expect(res.statusCode).toBe(413);
            if (expected !== 'quarantined') for (const id of own(expected.messages.map((m) => m.id))) expect(await retrievable(h, id)).toBe(false);
            return;
          }
          expect(res.statusCode, res.body).toBe(200);
          await expectStored(h, raw, res, expected);
        }),
        { ...fuzzParams(1), examples: regressions() },
      );
    },
    fuzzTimeout(400),
  );
});
