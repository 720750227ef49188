// Contact resolution with a refresh interval (the deployed default) against resolution without one: for any
// sequence of sightings (BSUIDs and numbers that come and go, shared numbers, renames, late and outbound
// sightings), one warm store with contactRefreshMinutes resolves every sighting to the same contact as a store
// that looks every alias up and writes every newer message, and, when messages arrive in order, leaves the same
// profiles, with lastInboundAt behind by at most the interval. Real stores on dynalite, two table sets.
import fc from 'fast-check';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactStore, PROFILE_SK } from '../../lambdas/adapters/dynamo/contact-store.js';
import { MARSHALL_OPTIONS } from '../../lambdas/adapters/dynamo/dynamo-client.js';
import type { ContactSighting } from '../../lambdas/domain/shared/ports.js';
import { ensureTables } from '../../lib/local/tables.js';
import { tables, type TableName } from '../../lib/resources.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { fuzzParams, fuzzTimeout } from './fuzz-settings.js';

const REFRESH_MS = 60 * 60_000;
const T0 = Date.UTC(2026, 11, 6, 9, 0);

let db: TestDynamo;
let doc: DynamoDBDocumentClient;
let refreshTables: Record<TableName, string>;

beforeAll(async () => {
  db = await startTestDynamo({ setEnv: false });
  doc = DynamoDBDocumentClient.from(db.client, { marshallOptions: MARSHALL_OPTIONS });
  refreshTables = Object.fromEntries(Object.keys(tables).map((t) => [t, `refresh-${t}`])) as Record<TableName, string>;
  await ensureTables(db.client, refreshTables);
}, 30_000);
afterAll(() => db?.close());

/** One sighting, with ids from a small pool so that they meet: index into the BSUIDs and numbers of a run. */
const sighting = fc.record({
  user: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  number: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  name: fc.option(fc.constantFrom('Aigul', 'Aigul K', 'Bek'), { nil: undefined }),
  // Minutes after T0 (out of order on purpose), or an outbound sighting with no inbound time.
  minute: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
});

let run = 0;

describe('contact resolution with contactRefreshMinutes', () => {
  it(
    'resolves every sighting as a store without the interval does, and leaves the same profiles',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(sighting, { minLength: 1, maxLength: 12 }), fc.boolean(), async (drawn, inOrder) => {
          // Half the sequences have their messages in time order, so the profile check below runs often.
          const sorted = drawn.flatMap((st) => (st.minute === undefined ? [] : [st.minute])).sort((a, b) => a - b);
          const steps = inOrder ? drawn.map((st) => (st.minute === undefined ? st : { ...st, minute: sorted.shift()! })) : drawn;
          run += 1;
          // Ids unique to this run, so runs share the tables without meeting.
          const bsuid = (i: number) => `KG.${run}0${i}`;
          const number = (i: number) => `99655${String(run).padStart(5, '0')}${i}`;
          const exact = createContactStore(doc, db.tableNames.contacts, { refreshMs: 0 });
          const warm = createContactStore(doc, refreshTables.contacts, { refreshMs: REFRESH_MS });
          const ids = new Set<string>();
          for (const step of steps) {
            const s: ContactSighting = {
              channel: 'meta',
              user: {
                ...(step.user !== undefined ? { userId: bsuid(step.user) } : {}),
                ...(step.number !== undefined ? { waId: number(step.number) } : {}),
                ...(step.name ? { name: step.name } : {}),
              },
              seenAt: new Date(T0).toISOString(),
              ...(step.minute !== undefined ? { inboundAt: new Date(T0 + step.minute * 60_000).toISOString() } : {}),
            };
            const a = await exact.upsert(s);
            const b = await warm.upsert(s);
            expect(b, JSON.stringify(s)).toBe(a);
            if (a) ids.add(a);
          }
          // A lagging lastInboundAt makes a late message count as the newest (a cost contactRefreshMinutes accepts:
          // its fields win until the next write), so the profiles must match only when messages came in order.
          const minutes = steps.flatMap((st) => (st.minute === undefined ? [] : [st.minute]));
          if (minutes.some((m, i) => i > 0 && m < minutes[i - 1]!)) return;
          for (const id of ids) {
            const key = { pk: `contact#${id}`, sk: PROFILE_SK };
            const [a, b] = await Promise.all([
              doc.send(new GetCommand({ TableName: db.tableNames.contacts, Key: key })),
              doc.send(new GetCommand({ TableName: refreshTables.contacts, Key: key })),
            ]);
            const fields = (item: Record<string, unknown> | undefined) => ({
              userId: item?.['userId'], waId: item?.['waId'], name: item?.['name'], phones: [...((item?.['phones'] as Set<string> | undefined) ?? [])].sort(),
            });
            expect(fields(b.Item), id).toEqual(fields(a.Item));
            const at = (item: Record<string, unknown> | undefined) => (typeof item?.['lastInboundAt'] === 'string' ? Date.parse(item['lastInboundAt']) : undefined);
            const [exactAt, warmAt] = [at(a.Item), at(b.Item)];
            expect(warmAt === undefined, id).toBe(exactAt === undefined);
            if (exactAt !== undefined && warmAt !== undefined) {
              expect(warmAt).toBeLessThanOrEqual(exactAt);
              // Up to the interval itself (test/unit/contact-refresh.test.ts pins that boundary).
              expect(exactAt - warmAt).toBeLessThanOrEqual(REFRESH_MS);
            }
          }
        }),
        fuzzParams(1, 25),
      );
    },
    fuzzTimeout(200, 1, 25),
  );
});
