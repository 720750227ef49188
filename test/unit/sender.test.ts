// Pure parts of the outbound path: the job wire format, addressing, how a Graph failure is recognised, and the
// fields an outbound record takes from a message. Sending itself runs against the sandbox in the integration tests.
import { describe, expect, it } from 'vitest';
import { mapGraphError } from '../../lambdas/domain/outbound/graph-errors.js';
import { addressReply, decodeJob, InvalidJob, jobKey, MAX_IDEMPOTENCY_KEY, replyJob } from '../../lambdas/domain/outbound/outbound-job.js';
import { parseOutboundMessage, type OutboundMessage } from '../../lambdas/domain/outbound/outbound-message.js';
import { DEFAULT_MAX_ATTEMPTS } from '../../lambdas/domain/outbound/retry-policy.js';
import { fingerprintOf, graphErrorOf, recipientOf, sendKindOf, textOf, wholeSecond } from '../../lambdas/domain/outbound/sender.js';
import { queues } from '../../lib/resources.js';

const msg = (body: Record<string, unknown>): OutboundMessage => {
  const r = parseOutboundMessage({ to: '+14155550100', ...body });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.message;
};

describe('outbound queue declaration', () => {
  it('redrives after as many receives as the retry policy allows attempts', () => {
    expect(queues.outbound.maxReceiveCount).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(queues.outbound.consumer).toBe('sender');
  });
});

describe('decodeJob', () => {
  const command = { kind: 'command', command: 'start', args: '', messageId: 'wamid.1', contactId: 'c1', phoneNumberId: '111' };
  const reply = replyJob({ contactId: 'c1', phoneNumberId: '111', idempotencyKey: 'card:wamid.2', message: { kind: 'text', text: 'hi' }, replyTo: 'wamid.2' });

  it('round-trips both kinds', () => {
    expect(decodeJob(JSON.stringify(command))).toEqual(command);
    expect(decodeJob(JSON.stringify(reply))).toEqual(reply);
    expect(jobKey(decodeJob(JSON.stringify(command)))).toBe('cmd:wamid.1');
    expect(jobKey(reply)).toBe('card:wamid.2');
  });

  it.each([
    ['not json', /not JSON/],
    ['[1]', /JSON object/],
    ['{"kind":"broadcast"}', /kind must be/],
    [JSON.stringify({ ...command, messageId: '' }), /messageId/],
    [JSON.stringify({ ...command, args: 3 }), /args/],
    [JSON.stringify({ ...reply, idempotencyKey: undefined }), /idempotencyKey/],
    [JSON.stringify({ ...reply, idempotencyKey: 'k'.repeat(MAX_IDEMPOTENCY_KEY + 1) }), /at most/],
    [JSON.stringify({ ...reply, message: 'hi' }), /message must be an object/],
    [JSON.stringify({ ...reply, replyTo: '' }), /replyTo/],
  ])('refuses %s', (body, why) => {
    expect(() => decodeJob(body)).toThrow(InvalidJob);
    expect(() => decodeJob(body)).toThrow(why);
  });
});

describe('addressReply', () => {
  it('addresses a message without `to` to the contact and quotes the command message', () => {
    expect(addressReply({ kind: 'text', text: 'hello' }, '+14155550100', 'wamid.IN')).toEqual({
      to: '+14155550100', kind: 'text', text: 'hello', replyTo: 'wamid.IN',
    });
  });

  it('keeps an explicit recipient and reply target', () => {
    const m = addressReply({ to: 'US.123', kind: 'text', text: 'x', replyTo: 'wamid.A' }, '+1', 'wamid.B');
    expect(m).toMatchObject({ to: 'US.123', replyTo: 'wamid.A' });
  });

  it('names the invalid field of a bad message', () => {
    expect(() => addressReply({ kind: 'image', media: { caption: 'no link' } }, '+14155550100')).toThrow(/message\.image\.link/);
    expect(() => addressReply({ kind: 'text', text: '' }, '+14155550100')).toThrow(/message\.text/);
  });
});

describe('recipientOf', () => {
  const base = { id: 'c', channel: 'meta' as const, phones: [], emails: [], createdAt: '2026-01-01T00:00:00Z' };
  it('prefers the phone, then the BSUID, then a card phone', () => {
    expect(recipientOf({ ...base, waId: '996555123456', userId: 'KG.1' })).toBe('+996555123456');
    expect(recipientOf({ ...base, userId: 'KG.1' })).toBe('KG.1');
    expect(recipientOf({ ...base, phones: ['+79161234567'] })).toBe('+79161234567');
    expect(recipientOf(base)).toBeUndefined();
  });
});

describe('graphErrorOf', () => {
  it('finds the mapped error on a thrown GraphError-shaped value and nothing on other errors', () => {
    const mapped = mapGraphError({ error: { code: 131026, message: 'Message undeliverable' } }, 400);
    expect(graphErrorOf({ error: mapped, name: 'GraphError' })).toBe(mapped);
    expect(graphErrorOf(new Error('socket hang up'))).toBeUndefined();
    expect(graphErrorOf({ error: { code: 'x' } })).toBeUndefined();
    expect(graphErrorOf(undefined)).toBeUndefined();
  });
});

describe('what an outbound record takes from a message', () => {
  it('maps kinds to window send kinds', () => {
    expect(['text', 'template', 'image', 'document', 'audio', 'video', 'sticker', 'interactive', 'reaction'].map((k) => sendKindOf(k as never))).toEqual([
      'text', 'template', 'media', 'media', 'media', 'media', 'media', 'interactive', 'reaction',
    ]);
  });

  it('keeps the readable text', () => {
    expect(textOf(msg({ text: 'hi' }))).toBe('hi');
    expect(textOf(msg({ image: { link: 'https://e.com/a.png', caption: 'card' } }))).toBe('card');
    expect(textOf(msg({ template: { name: 'hello_world', language: 'en_US' } }))).toBeUndefined();
    expect(textOf(msg({ interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } }))).toBe('Pick');
  });

  it('stamps statuses to the whole second so accepted sorts before Meta\'s sent in the same second', () => {
    expect(wholeSecond(new Date('2026-05-01T10:00:00.987Z'))).toBe('2026-05-01T10:00:00.000Z');
  });

  it('fingerprints the message and the sending number', () => {
    const a = msg({ text: 'one' });
    expect(fingerprintOf(a, '111')).toBe(fingerprintOf(msg({ text: 'one' }), '111'));
    expect(fingerprintOf(a, '111')).not.toBe(fingerprintOf(msg({ text: 'two' }), '111'));
    expect(fingerprintOf(a, '111')).not.toBe(fingerprintOf(a, '222'));
  });
});
