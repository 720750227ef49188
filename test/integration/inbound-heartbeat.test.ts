// The inbound heartbeat on dynalite: GET /status's lastInboundAt, written forward only, and at most once per
// interval per container (HEARTBEAT_SECONDS), so it lags the newest message by less than the interval.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInboundHeartbeat, heartbeatIntervalMsFromEnv } from '../../lambdas/adapters/dynamo/inbound-heartbeat.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';

let db: TestDynamo;
beforeAll(async () => {
  db = await startTestDynamo({ setEnv: false });
});
afterAll(() => db?.close());
beforeEach(() => db.reset());

const at = (second: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, second)).toISOString();
const writes = async () => (await db.scan('messages')).filter((i) => i.pk === 'heartbeat#inbound');

describe('inbound heartbeat', () => {
  it('with no interval, every newer delivery moves it forward and an older one leaves it', async () => {
    const beat = createInboundHeartbeat(db.doc, db.tableNames.messages, 0);
    await beat.inbound('meta', at(10));
    await beat.inbound('meta', at(11));
    await beat.inbound('meta', at(5));
    expect(await beat.lastInbound()).toEqual({ meta: at(11) });
  });

  it('with an interval, a container skips newer times within it and writes the first one past it', async () => {
    const beat = createInboundHeartbeat(db.doc, db.tableNames.messages, 60_000);
    await beat.inbound('meta', at(0));
    await beat.inbound('meta', at(30));
    expect(await beat.lastInbound()).toEqual({ meta: at(0) });
    await beat.inbound('meta', at(59));
    expect(await beat.lastInbound()).toEqual({ meta: at(0) });
    await beat.inbound('meta', at(61));
    expect(await beat.lastInbound()).toEqual({ meta: at(61) });
    expect(await writes()).toHaveLength(1);
  });

  it('channels are apart, and another container keeps it within the interval of the newest message', async () => {
    const a = createInboundHeartbeat(db.doc, db.tableNames.messages, 60_000);
    const b = createInboundHeartbeat(db.doc, db.tableNames.messages, 60_000);
    await a.inbound('meta', at(0));
    await a.inbound('wazzup24', at(20));
    await b.inbound('meta', at(40));
    await a.inbound('meta', at(50));
    expect(await a.lastInbound()).toEqual({ meta: at(40), wazzup24: at(20) });
  });

  it('reads HEARTBEAT_SECONDS, and refuses a value that is not a whole number of seconds up to an hour', () => {
    expect(heartbeatIntervalMsFromEnv({})).toBe(0);
    expect(heartbeatIntervalMsFromEnv({ HEARTBEAT_SECONDS: '60' })).toBe(60_000);
    expect(() => heartbeatIntervalMsFromEnv({ HEARTBEAT_SECONDS: '1.5' })).toThrow(/HEARTBEAT_SECONDS must be a whole number from 0 to 3600, got "1.5"/);
    expect(() => heartbeatIntervalMsFromEnv({ HEARTBEAT_SECONDS: '3601' })).toThrow(/HEARTBEAT_SECONDS/);
  });
});
