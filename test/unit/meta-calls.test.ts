// Calling API deliveries (`field: "calls"`): connect, terminate and call statuses from the public corpus, read
// into call events; malformed entries kept raw as `calls.invalid`; call statuses on the messages field too.
import { describe, expect, it } from 'vitest';
import { parseMetaDelivery } from '../../lambdas/domain/inbound/meta-webhook.js';
import type { AccountEvent } from '../../lambdas/domain/shared/model.js';
import { loadMetaCorpus } from '../support/meta-corpus.js';

const byName = new Map(loadMetaCorpus().map((c) => [c.name, c]));
const eventsOf = (name: string) => parseMetaDelivery(byName.get(name)!.json);

function only(events: AccountEvent[]): AccountEvent {
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe('calls webhooks', () => {
  it('a user-initiated connect: the caller is the customer, with the name and BSUID of contacts[]', () => {
    const d = eventsOf('pywa__call_connect_user_initiated');
    expect(d.messages).toEqual([]);
    expect(d.statuses).toEqual([]);
    const e = only(d.events);
    expect(e).toMatchObject({ field: 'calls', channel: 'meta', accountId: '100293269804676', phoneNumberId: '743897493242', timestamp: '2025-07-15T12:38:27.000Z' });
    expect(e.call).toEqual({
      event: 'connect',
      callId: 'wacid.xxxx=',
      direction: 'USER_INITIATED',
      from: '972987654321',
      to: '16315553601',
      timestamp: '2025-07-15T12:38:27.000Z',
      user: { waId: '972987654321', userId: 'US.13491208655302741918', parentUserId: 'US.ENT.11815799212886844830', name: 'Test Name' },
    });
  });

  it('a business-initiated connect: the customer is the side that is not the business number', () => {
    // This example sends `to` = the business's own display number: the customer is then `from`, whatever the direction says.
    const e = only(eventsOf('pywa__call_connect_business_initiated').events);
    expect(e.call).toMatchObject({ event: 'connect', direction: 'BUSINESS_INITIATED', from: '16315553602', to: '16315553601', user: { waId: '16315553602' } });
    const value = { metadata: { display_phone_number: '15550001111', phone_number_id: '1' }, calls: [{ id: 'wacid.D', event: 'connect', direction: 'BUSINESS_INITIATED', from: '15550001111', to: '14155550100' }] };
    const ours = only(parseMetaDelivery({ entry: [{ id: '1', changes: [{ field: 'calls', value }] }] }).events);
    expect(ours.call?.user).toEqual({ waId: '14155550100' });
  });

  it('a terminate: status, start, end, duration, callback data and the value-level errors', () => {
    const e = only(eventsOf('pywa__call_terminate_call_terminate').events);
    expect(e.call).toEqual({
      event: 'terminate',
      callId: 'wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh',
      direction: 'BUSINESS_INITIATED',
      from: '16315553602',
      to: '16315553601',
      user: { waId: '16315553601' },
      status: 'COMPLETED',
      timestamp: '2022-12-21T17:47:04.000Z',
      startTime: '2022-12-21T17:47:04.000Z',
      endTime: '2022-12-21T17:49:04.000Z',
      durationSeconds: 120,
      bizOpaqueCallbackData: 'random_string',
      errors: [{ code: 12455, message: 'ERROR_TITLE', href: 'ERROR_HREF', details: 'ERROR_DETAILS' }],
    });
    // The raw entry is kept beside the reading: the value narrowed to this call.
    expect(e.raw).toMatchObject({ calls: [{ id: 'wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh', duration: 120 }], errors: [{ code: 12455 }] });
  });

  it('a call status (statuses[] of type call) is a call event, never a message status', () => {
    const d = eventsOf('pywa__call_status_call_status');
    expect(d.statuses).toEqual([]);
    expect(only(d.events).call).toEqual({
      event: 'status',
      callId: 'wacid.ABGGFjFVU2AfAgo6V',
      status: 'RINGING',
      user: { waId: '163155536021' },
      timestamp: '2022-12-21T17:47:04.000Z',
      bizOpaqueCallbackData: 'random_string',
    });
  });

  it('an event Meta adds later (call_created) is read the same way', () => {
    const e = only(eventsOf('meta-whatsapp-rs__fields_calls_created').events);
    // The customer is matched to contacts[] (whose wa_id is the `from` here, the business number being `to`).
    expect(e.call).toMatchObject({
      event: 'call_created',
      callId: 'wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh',
      user: { waId: '16315553602', userId: 'US.13491208655302741918', name: 'Pablo Morales', username: 'pablomorales' },
    });
  });

  const delivery = (field: string, value: unknown) => ({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field, value }] }] });
  const metadata = { display_phone_number: '15550001111', phone_number_id: '106540352242922' };

  it('each call is its own event with a stable key; the same delivery gives the same keys', () => {
    const value = { messaging_product: 'whatsapp', metadata, calls: [{ id: 'wacid.A', event: 'connect', from: '14155550100', timestamp: '1752583107' }, { id: 'wacid.B', event: 'terminate', status: 'FAILED' }] };
    const first = parseMetaDelivery(delivery('calls', value)).events;
    expect(first.map((e) => [e.field, e.call?.callId, e.call?.status])).toEqual([['calls', 'wacid.A', undefined], ['calls', 'wacid.B', 'FAILED']]);
    expect(new Set(first.map((e) => e.dedupeKey)).size).toBe(2);
    expect(parseMetaDelivery(delivery('calls', structuredClone(value))).events.map((e) => e.dedupeKey)).toEqual(first.map((e) => e.dedupeKey));
  });

  it('keeps what it cannot read: an entry without id or event, an unknown key, a value that is no object', () => {
    const d = parseMetaDelivery(delivery('calls', { metadata, calls: [{ event: 'connect' }, 'junk'], future_key: 1 }));
    expect(d.events.map((e) => e.field)).toEqual(['calls.invalid', 'calls.invalid', 'calls']);
    expect(d.events.every((e) => e.call === undefined)).toBe(true);
    expect(only(parseMetaDelivery(delivery('calls', 'not an object')).events)).toMatchObject({ field: 'calls', raw: 'not an object' });
    // An id too long to store is kept raw, never as a call that cannot be written.
    expect(only(parseMetaDelivery(delivery('calls', { metadata, calls: [{ id: 'x'.repeat(600), event: 'connect' }] })).events).field).toBe('calls.invalid');
  });

  it('a call status arriving on the messages field joins the call events', () => {
    const d = parseMetaDelivery(delivery('messages', { metadata, statuses: [{ id: 'wacid.C', type: 'call', status: 'ACCEPTED', timestamp: '1671644824', recipient_id: '14155550100' }] }));
    expect(d.statuses).toEqual([]);
    expect(only(d.events)).toMatchObject({ field: 'calls', call: { event: 'status', callId: 'wacid.C', status: 'ACCEPTED', user: { waId: '14155550100' } } });
  });
});
