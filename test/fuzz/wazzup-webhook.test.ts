// The Wazzup24 webhook (createWazzupWebhookHandler, real stores on dynalite) on fuzzed deliveries: the documented
// payloads mutated field by field and byte by byte, random JSON and random bytes, each posted with a wrong or
// missing path secret (or, with a crmKey configured, a wrong bearer) and then with the right credentials.
// Invariants: wrong credentials answer 401, an unknown route 404, and neither stores anything; nothing answers
// 5xx (no storage failure is injected); every 4xx body is `{ error }`; an authenticated delivery answers 200 and
// everything the domain parser finds in it is stored (messages and statuses readable through GET /messages/{id},
// events by their key) or the raw body is quarantined; the handler never rejects.
import { readdirSync, readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedDelivery } from '../../lambdas/domain/shared/model.js';
import { parseWazzupDelivery, UnparseableWazzupDelivery } from '../../lambdas/domain/inbound/wazzup-webhook.js';
import { MAX_BODY_BYTES, type HttpEvent, type HttpResult } from '../../lambdas/handlers/http.js';
import { SecretUnavailable } from '../../lambdas/adapters/secrets/secrets.js';
import { apiEvent } from '../support/api-events.js';
import { bodyPlans, renderBody, type BodyPlan } from './json-mutations.js';
import { fuzzParams, fuzzTimeout } from './fuzz-settings.js';
import { expectSound, expectStored, retrievable, startHarness, type Harness } from './webhook-harness.js';

const SECRET = 'wz-fuzz-path-secret-0123456789';
const CRM_KEY = 'wz-fuzz-crm-key';
const FIXTURES = new URL('../fixtures/wazzup/', import.meta.url);
const corpus = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as unknown);

let h: Harness;
/** Without a crmKey (the path secret alone), and with one. */
let open: (event: HttpEvent) => Promise<HttpResult>;
let withCrmKey: (event: HttpEvent) => Promise<HttpResult>;
let caseNo = 0;

beforeAll(async () => {
  h = await startHarness();
  const { createWazzupWebhookHandler } = await import('../../lambdas/handlers/wazzup-webhook.js');
  const handler = (crmKey: string | undefined) =>
    createWazzupWebhookHandler({
      secrets: {
        async get(name) {
          if (name === 'wazzupWebhookSecret') return SECRET;
          if (name === 'wazzupCrmKey' && crmKey !== undefined) return crmKey;
          throw new SecretUnavailable(`${name} is not set`);
        },
      },
      store: h.store,
      metrics: h.sink,
    });
  open = handler(undefined);
  withCrmKey = handler(CRM_KEY);
});
afterAll(() => h?.close());

function expectation(raw: Buffer): ParsedDelivery | 'quarantined' | 'test' {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'quarantined';
  }
  try {
    const parsed = parseWazzupDelivery(json);
    return parsed.kind === 'test' ? 'test' : parsed;
  } catch (error) {
    if (error instanceof UnparseableWazzupDelivery) return 'quarantined';
    throw error;
  }
}

interface Credentials {
  /** `path` = /webhooks/wazzup24/{secret}, `query` = ?secret= on the bare path, `route` = some other route. */
  via: 'path' | 'query' | 'route';
  secret: string | null;
  crm: boolean;
  authorization?: string;
}

function event(raw: Buffer, c: Credentials): HttpEvent {
  const routeKey = c.via === 'route' ? 'POST /webhooks/wazzup' : c.via === 'query' ? 'POST /webhooks/wazzup24' : 'POST /webhooks/wazzup24/{secret}';
  // A text body is a string in the event: bytes that are not UTF-8 only reach a Lambda base64-encoded.
  const base64 = !isUtf8(raw);
  return apiEvent(routeKey, {
    body: raw,
    ...(base64 ? { base64 } : {}),
    headers: { 'content-type': 'application/json; charset=utf-8', ...(c.authorization !== undefined ? { authorization: c.authorization } : {}) },
    ...(c.secret === null ? {} : c.via === 'query' ? { query: { secret: c.secret } } : { pathParameters: { secret: c.secret } }),
  });
}

/** Credentials that must be refused: the status they get. */
const REFUSED: [Credentials, 401 | 404][] = [
  [{ via: 'path', secret: null, crm: false }, 401],
  [{ via: 'path', secret: '', crm: false }, 401],
  [{ via: 'path', secret: 'wrong', crm: false }, 401],
  [{ via: 'path', secret: SECRET.slice(0, -1), crm: false }, 401],
  [{ via: 'path', secret: `${SECRET}x`, crm: false }, 401],
  [{ via: 'path', secret: SECRET.toUpperCase(), crm: false }, 401],
  [{ via: 'path', secret: `${SECRET} `, crm: false }, 401],
  [{ via: 'query', secret: 'wrong', crm: false }, 401],
  [{ via: 'query', secret: null, crm: false }, 401],
  [{ via: 'path', secret: SECRET, crm: true }, 401],
  [{ via: 'path', secret: SECRET, crm: true, authorization: `Bearer ${CRM_KEY}x` }, 401],
  [{ via: 'path', secret: SECRET, crm: true, authorization: CRM_KEY }, 401],
  [{ via: 'path', secret: SECRET, crm: true, authorization: 'Bearer ' }, 401],
  [{ via: 'query', secret: SECRET, crm: true, authorization: `Basic ${CRM_KEY}` }, 401],
  [{ via: 'route', secret: SECRET, crm: false }, 404],
];
const refused = fc.constantFrom(...REFUSED);
const ACCEPTED: Credentials[] = [
  { via: 'path', secret: SECRET, crm: false },
  { via: 'query', secret: SECRET, crm: false },
  { via: 'path', secret: SECRET, crm: true, authorization: `Bearer ${CRM_KEY}` },
  { via: 'query', secret: SECRET, crm: true, authorization: `bearer   ${CRM_KEY} ` },
];
const accepted = fc.constantFrom(...ACCEPTED);

/** Inputs that once answered 500 (DynamoDB refused the item or the key, the stack overflowed, a prototype name), run first. */
function regressions(): [BodyPlan, [Credentials, 401 | 404], Credentials][] {
  const text = () => JSON.parse(readFileSync(new URL('documented__text.json', FIXTURES), 'utf8')) as any;
  const hugeText = text();
  hugeText.messages[0].text = 'x'.repeat(500_000);
  const deep = text();
  let nested: unknown = 'bottom';
  for (let i = 0; i < 10_000; i++) nested = { n: nested };
  deep.messages[0].future = nested;
  const longChat = text();
  longChat.messages[0].chatId = '7'.repeat(3_000);
  const longKey = text();
  longKey['k'.repeat(3_000)] = true;
  // A status and a type named like Object.prototype's members: the status was stored as none at all, and the
  // second status of that message then failed to write.
  const prototypeNames = text();
  prototypeNames.messages[0].type = 'constructor';
  prototypeNames.statuses = [
    { messageId: 'proto-1', timestamp: '2025-03-14T11:00:07.000', status: 'constructor' },
    { messageId: 'proto-1', timestamp: '2025-03-14T11:00:08.000', status: 'toString' },
  ];
  const hugeCode = text();
  hugeCode.statuses = [{ messageId: 'code-1', timestamp: '2025-03-14T11:00:07.000', status: 'error', error: 1e308 }];
  return [hugeText, deep, longChat, longKey, prototypeNames, hugeCode].map((json) => [{ kind: 'json', json, raw: [] }, REFUSED[0]!, ACCEPTED[0]!]);
}

const tooLarge = (raw: Buffer) => raw.byteLength > MAX_BODY_BYTES.wazzupWebhook;

async function post(raw: Buffer, c: Credentials): Promise<HttpResult> {
  const res = await (c.crm ? withCrmKey : open)(event(raw, c));
  expectSound(res);
  return res;
}

describe('Wazzup24 webhook fuzz', () => {
  it(
    'wrong or missing credentials: 401 (404 off its routes) with an error, and the store stays empty',
    async () => {
      await h.db.reset();
      await fc.assert(
        fc.asyncProperty(bodyPlans(corpus), refused, async (plan, [credentials, status]) => {
          const raw = renderBody(plan, `-u${++caseNo}`);
          expect((await post(raw, credentials)).statusCode).toBe(tooLarge(raw) && status !== 404 ? 413 : status);
          expect(h.jobs).toEqual([]);
          expect(await h.count()).toBe(0);
        }),
        fuzzParams(1),
      );
    },
    fuzzTimeout(60),
  );

  it(
    'authenticated: 200, and every message, status and event the parser finds is stored (or the body quarantined)',
    async () => {
      await h.db.reset();
      await fc.assert(
        fc.asyncProperty(bodyPlans(corpus), refused, accepted, async (plan, [wrong, status], right) => {
          const tag = `-s${++caseNo}`;
          const raw = renderBody(plan, tag);
          // Ids this case made (an id a mutation replaced or duplicated may have been stored by an earlier case).
          const own = (ids: string[]) => ids.filter((id) => id.includes(tag));
          const expected = expectation(raw);
          // Off its routes the size is never looked at: 404 whatever the body.
          expect((await post(raw, wrong)).statusCode).toBe(tooLarge(raw) && status !== 404 ? 413 : status);
          if (typeof expected === 'object') {
            for (const id of own(expected.messages.map((m) => m.id)).slice(0, 3)) expect(await retrievable(h, id)).toBe(false);
          }
          const res = await post(raw, right);
          if (tooLarge(raw)) {
            // Refused before anything is read: a 413 whoever sent it, and nothing of it stored.
            expect(res.statusCode).toBe(413);
            if (typeof expected === 'object') for (const id of own(expected.messages.map((m) => m.id))) expect(await retrievable(h, id)).toBe(false);
            return;
          }
          expect(res.statusCode, res.body).toBe(200);
          if (expected === 'test') expect(JSON.parse(res.body ?? '')).toEqual({ ok: true });
          else await expectStored(h, raw, res, expected);
        }),
        { ...fuzzParams(1), examples: regressions() },
      );
    },
    fuzzTimeout(400),
  );
});
