// Statuses through the webhook handler: any arrival order, redeliveries and concurrent Lambdas end in the
// same state, with the full history kept.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageView } from '../../lambdas/domain/shared/model.js';
import { metaJson, statusDelivery, textDelivery } from '../../lib/local/meta-payloads.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { deliveryEvent, getMessageEvent } from '../support/api-events.js';
import { TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';
import { startWebhookAndAdmin } from '../support/webhook-admin.js';

let db: TestDynamo;
let webhook: HttpHandler;
let admin: HttpHandler;

beforeAll(async () => {
  ({ db, webhook, admin } = await startWebhookAndAdmin());
});
afterAll(() => db?.close());
beforeEach(() => db.reset());

const business = { phoneNumberId: '1122334455667', wabaId: '5467539754836534' };
const recipient = { waId: '996555123456', userId: 'KG.1234567890', name: 'Aigul' };
const wamid = 'wamid.HBgMOTk2NTU1MTIzNDU2FQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=';
const t0 = new Date('2026-05-01T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

async function post(status: string, seconds: number, extra: Partial<Parameters<typeof statusDelivery>[0]> = {}) {
  const body = metaJson(statusDelivery({ ...business, messageId: wamid, status, recipient, timestamp: at(seconds), ...extra }));
  const res = await webhook(deliveryEvent(body, TEST_APP_SECRET));
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body ?? '{}');
}

async function view(id = wamid): Promise<MessageView> {
  const res = await admin(getMessageEvent(id));
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body ?? '');
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]));
}

const lifecycle: [string, number][] = [['sent', 0], ['delivered', 5], ['read', 9]];

describe('status ordering', () => {
  it.each(permutations(lifecycle).map((p) => [p.map(([s]) => s).join(' > '), p] as const))(
    'arriving %s ends read, history in time order',
    async (_order, arrivals) => {
      for (const [status, s] of arrivals) await post(status, s);
      const v = await view();
      expect(v.status).toBe('read');
      expect(v.statuses).toEqual(lifecycle.map(([status, s]) => ({ status, timestamp: iso(s) })));
    },
  );

  it('a status for a message never seen is kept as an outbound message of unknown type', async () => {
    await post('delivered', 5);
    expect(await view()).toEqual({
      id: wamid,
      direction: 'out',
      type: 'unknown',
      contactId: 'KG.1234567890',
      timestamp: iso(5),
      status: 'delivered',
      statuses: [{ status: 'delivered', timestamp: iso(5) }],
      phoneNumberId: business.phoneNumberId,
    });
  });

  it('redelivered statuses are counted as duplicates and recorded once', async () => {
    expect((await post('sent', 0)).statuses).toEqual({ stored: 1, duplicate: 0 });
    expect((await post('sent', 0)).statuses).toEqual({ stored: 0, duplicate: 1 });
    expect((await post('sent', 0)).statuses).toEqual({ stored: 0, duplicate: 1 });
    expect((await view()).statuses).toHaveLength(1);
  });

  const error131047 = { code: 131047, title: 'Re-engagement message', details: 'more than 24 hours have passed' };

  it('failed is terminal: a late sent or delivered does not undo it', async () => {
    await post('failed', 3, { errors: [error131047] });
    await post('sent', 0);
    await post('delivered', 2);
    const v = await view();
    expect(v.status).toBe('failed');
    expect(v.statuses?.map((s) => s.status)).toEqual(['sent', 'delivered', 'failed']);
    expect(v.statuses?.[2]?.errors).toEqual([
      { code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', details: 'more than 24 hours have passed', href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' },
    ]);
  });

  it('a failed after read keeps read and records the failure in history', async () => {
    await post('read', 9);
    await post('failed', 12, { errors: [error131047] });
    const v = await view();
    expect(v.status).toBe('read');
    expect(v.statuses?.map((s) => s.status)).toEqual(['read', 'failed']);
  });

  it('played (voice) goes past read', async () => {
    await post('played', 20);
    await post('read', 9);
    await post('delivered', 5);
    expect((await view()).status).toBe('played');
  });

  it('concurrent deliveries of different statuses all land (optimistic version retries)', async () => {
    const statuses: [string, number][] = [['sent', 0], ['delivered', 5], ['read', 9], ['played', 20], ['sent', 1], ['delivered', 6]];
    await Promise.all(statuses.map(([s, t]) => post(s, t)));
    const v = await view();
    expect(v.statuses).toHaveLength(statuses.length);
    expect(v.status).toBe('played');
    const times = v.statuses!.map((s) => s.timestamp);
    expect(times).toEqual([...times].sort());
  });

  it('a status for an inbound message id is added to that message without changing its direction', async () => {
    const { delivery, messageId } = textDelivery({ ...business, ...recipient, text: 'hi', timestamp: at(0) });
    await webhook(deliveryEvent(metaJson(delivery), TEST_APP_SECRET));
    const body = metaJson(statusDelivery({ ...business, messageId, status: 'read', recipient, timestamp: at(3) }));
    await webhook(deliveryEvent(body, TEST_APP_SECRET));
    const v = await view(messageId);
    expect(v).toMatchObject({ direction: 'in', type: 'text', text: 'hi', status: 'read' });
  });
});
