import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedDelivery } from '../../lambdas/domain/shared/model.js';
import {
  UnparseableWazzupDelivery,
  isWazzupTestRequest,
  parseWazzupDelivery,
  wazzupChannelState,
  wazzupContactKey,
  wazzupTime,
  wazzupUser,
} from '../../lambdas/domain/inbound/wazzup-webhook.js';
import { wazzupDelivery, wazzupMessage, wazzupStatus } from '../../lib/local/wazzup-payloads.js';

const DIR = join(import.meta.dirname, '../fixtures/wazzup');
const CHANNEL = '8f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c';

/**
 * Every fixture is hand-written from a documented shape in ../shared/reference/wazzup24-api-facts.md; this is
 * where each one comes from (a fixture without a source fails the first test).
 */
const SOURCES: Record<string, string> = {
  'documented__test.json': '§1.4 (PATCH posts { "test": true }); §1.7 handler logic',
  'documented__text.json': '§1.7 Messages table: messageId, channelId, chatType, chatId, dateTime, type text, isEcho false, status inbound, contact { name, avatarUri }',
  'documented__image.json': '§1.7 type image, contentUri (text may be absent for media)',
  'documented__video.json': '§1.7 type video, contentUri, text as caption',
  'documented__audio.json': '§1.7 type audio, contentUri',
  'documented__document.json': '§1.7 type document, contentUri',
  'documented__vcard.json': '§1.7 type vcard (content fields not documented)',
  'documented__geo.json': '§1.7 type geo (content fields not documented)',
  'documented__unsupported.json': '§1.7 type unsupported',
  'documented__missing_call.json': '§1.7 type missing_call',
  'documented__wapi_template.json': '§1.7 type wapi_template (an outgoing WABA template, so an echo)',
  'documented__echo.json': '§1.7 isEcho true, authorName, authorId, sentFromApp; §1.9 echoes of our own sends',
  'documented__edited.json': '§1.7 isEdited / oldInfo: edits arrive as message entries',
  'documented__statuses.json': '§1.7 Statuses: { messageId, timestamp, status } with sent, delivered, read, error (+ error details, format of §1.8), edited',
  'documented__messages_and_statuses.json': '§1.5 one delivery may contain messages AND statuses together',
  'documented__channels_updates.json': '§1.5 channelsUpdates array; element fields as the §1.3 channel object (inferred)',
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const load = (name: string): unknown => JSON.parse(readFileSync(join(DIR, name), 'utf8'));

function delivery(json: unknown): ParsedDelivery {
  const parsed = parseWazzupDelivery(json);
  if (parsed.kind !== 'delivery') throw new Error('expected a delivery, got the test probe');
  return parsed;
}
function only<T>(list: T[]): T {
  expect(list).toHaveLength(1);
  return list[0]!;
}

describe('fixtures', () => {
  it('every fixture is named documented__* and cites its facts section', () => {
    expect(files.length).toBeGreaterThanOrEqual(16);
    for (const f of files) {
      expect(f).toMatch(/^documented__[a-z_]+\.json$/);
      expect(SOURCES[f], `${f} has no source`).toBeDefined();
    }
  });

  it.each(files.filter((f) => f !== 'documented__test.json'))('%s: every element is accounted for, none invalid', (f) => {
    const json = load(f) as Record<string, unknown[] | undefined>;
    const parsed = delivery(json);
    const rawMessages = json['messages'] ?? [];
    const rawStatuses = json['statuses'] ?? [];
    const edits = parsed.events.filter((e) => e.field === 'wazzup.messages.edited' || e.field === 'wazzup.messages.deleted');
    expect(parsed.messages.length + edits.length).toBe(rawMessages.length);
    expect(parsed.statuses.length).toBe(rawStatuses.length);
    for (const m of parsed.messages) expect(rawMessages).toContain(m.raw);
    for (const s of parsed.statuses) expect(rawStatuses).toContain(s.raw);
    expect(parsed.events.filter((e) => e.field.endsWith('.invalid'))).toEqual([]);
    for (const e of parsed.events) expect(e.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the registration probe', () => {
  it('{ "test": true } is the test marker and nothing else', () => {
    expect(parseWazzupDelivery(load('documented__test.json'))).toEqual({ kind: 'test' });
    expect(isWazzupTestRequest({ test: true })).toBe(true);
  });

  it('a test flag that is not the bare probe is kept, with the content beside it', () => {
    expect(isWazzupTestRequest({ test: false })).toBe(false);
    expect(only(delivery({ test: false }).events).field).toBe('wazzup.test');
    const mixed = delivery({ test: true, messages: (load('documented__text.json') as { messages: unknown[] }).messages });
    expect(mixed.messages).toHaveLength(1);
    expect(only(mixed.events).field).toBe('wazzup.test');
  });
});

describe('messages', () => {
  it('text: contact key from chatType + chatId, channel as phoneNumberId, UTC time, contact name', () => {
    const m = only(delivery(load('documented__text.json')).messages);
    expect(m).toMatchObject({
      kind: 'message',
      channel: 'wazzup24',
      id: '0b6c1f7e-1a2b-4c3d-8e4f-5a6b7c8d9e01',
      phoneNumberId: CHANNEL,
      type: 'text',
      text: 'Hello, I would like to order a card',
      // dateTime has no zone suffix: it is UTC, not the machine's local time.
      timestamp: '2025-03-14T09:26:53.123Z',
      from: { userId: 'whatsapp.79011112233', chatType: 'whatsapp', chatId: '79011112233', waId: '79011112233', name: 'Ivan Petrov' },
    });
    expect(m.echo).toBeUndefined();
    expect(m.direction).toBeUndefined();
    expect(m.media).toBeUndefined();
  });

  it('image: contentUri is the media url, type image (the card pipeline input)', () => {
    const m = only(delivery(load('documented__image.json')).messages);
    expect(m.type).toBe('image');
    expect(m.media).toEqual({ url: 'https://store.wazzup24.com/6f1a/3c2b1a09-card.jpg' });
    expect(m.text).toBeUndefined();
  });

  it('video with text: the text is the caption too', () => {
    const m = only(delivery(load('documented__video.json')).messages);
    expect(m.type).toBe('video');
    expect(m.text).toBe('our office');
    expect(m.media).toEqual({ url: 'https://store.wazzup24.com/6f1a/office.mp4', caption: 'our office' });
  });

  it('audio and document carry their urls; a document gets its file name from the url', () => {
    expect(only(delivery(load('documented__audio.json')).messages).media).toEqual({ url: 'https://store.wazzup24.com/6f1a/voice.ogg' });
    const doc = only(delivery(load('documented__document.json')).messages);
    expect(doc.type).toBe('document');
    expect(doc.media).toEqual({ url: 'https://store.wazzup24.com/6f1a/price%20list.pdf', filename: 'price list.pdf' });
  });

  it.each([
    ['documented__vcard.json', 'contacts'],
    ['documented__geo.json', 'location'],
    ['documented__unsupported.json', 'unsupported'],
    ['documented__missing_call.json', 'missed_call'],
    ['documented__wapi_template.json', 'template'],
  ])('%s maps to type %s and keeps the raw element', (file, type) => {
    const json = load(file) as { messages: unknown[] };
    const m = only(delivery(json).messages);
    expect(m.type).toBe(type);
    expect(m.raw).toBe(json.messages[0]);
  });

  it('an unknown type keeps Wazzup\'s name', () => {
    const m = only(delivery(wazzupDelivery({ messages: [wazzupMessage({ channelId: CHANNEL, chatId: '79011112233', type: 'sticker_pack', text: 'x' })] })).messages);
    expect(m.type).toBe('sticker_pack');
  });

  it('echo: flagged as outbound so the ingest stores it and never answers it', () => {
    const m = only(delivery(load('documented__echo.json')).messages);
    expect(m.echo).toBe(true);
    expect(m.direction).toBe('out');
    // The contact is still the customer's chat, not the operator who wrote.
    expect(m.from.userId).toBe('whatsapp.79011112233');
    expect(m.text).toBe('Thank you, we will call you back');
    expect(only(delivery(load('documented__wapi_template.json')).messages).echo).toBe(true);
  });

  it('an edit reuses the messageId, so it becomes an event rather than a duplicate no-op', () => {
    const parsed = delivery(load('documented__edited.json'));
    expect(parsed.messages).toEqual([]);
    const e = only(parsed.events);
    expect(e).toMatchObject({ field: 'wazzup.messages.edited', channel: 'wazzup24', phoneNumberId: CHANNEL, timestamp: '2025-03-14T09:26:53.123Z' });
    const deleted = delivery({ messages: [{ ...(e.raw as object), isEdited: false, isDeleted: true }] });
    expect(only(deleted.events).field).toBe('wazzup.messages.deleted');
  });

  it('group chats: contact keyed by the group chat, groupId set, no wa_id', () => {
    const m = only(delivery(wazzupDelivery({ messages: [wazzupMessage({ channelId: CHANNEL, chatType: 'whatsgroup', chatId: '120363025246125486', text: 'hi all' })] })).messages);
    expect(m.from).toEqual({ userId: 'whatsgroup.120363025246125486', chatType: 'whatsgroup', chatId: '120363025246125486' });
    expect(m.groupId).toBe('120363025246125486');
  });

  it('quoted message and error object', () => {
    const raw = wazzupMessage({ channelId: CHANNEL, chatId: '79011112233', text: 'yes', quotedMessageId: 'abc-1' });
    raw['error'] = { error: 'MESSAGE_DOWNLOAD_CONTENT_ERROR', description: 'Failed to download content' };
    const m = only(delivery({ messages: [raw] }).messages);
    expect(m.context).toEqual({ messageId: 'abc-1' });
    expect(m.errors).toEqual([{ code: 'MESSAGE_DOWNLOAD_CONTENT_ERROR', message: 'Failed to download content' }]);
  });

  it('malformed elements become invalid events, never dropped', () => {
    const good = wazzupMessage({ channelId: CHANNEL, chatId: '79011112233', text: 'ok' });
    const missing = [
      { ...good, messageId: undefined },
      { ...good, chatId: '' },
      { ...good, chatType: 7 },
      { ...good, channelId: undefined },
      { ...good, dateTime: 'yesterday' },
      { ...good, chatType: 'Not A Type!' },
      'a string',
      null,
    ];
    const parsed = delivery({ messages: [good, ...missing] });
    expect(parsed.messages).toHaveLength(1);
    const invalid = parsed.events.filter((e) => e.field === 'wazzup.messages.invalid');
    expect(invalid).toHaveLength(missing.length);
    expect(invalid.map((e) => e.raw)).toEqual(missing);
  });

  it('messages that is not an array, unknown keys and an empty body are kept as events', () => {
    expect(only(delivery({ messages: { messageId: 'x' } }).events)).toMatchObject({ field: 'wazzup.messages.invalid', raw: { messageId: 'x' } });
    expect(only(delivery({ templateStatus: { templateGuid: 't', status: 'approved' } }).events).field).toBe('wazzup.templateStatus');
    expect(only(delivery({ createContact: { name: 'x' } }).events).field).toBe('wazzup.createContact');
    expect(only(delivery({ createDeal: { id: 1 } }).events).field).toBe('wazzup.createDeal');
    expect(only(delivery({ somethingNew: [1, 2] }).events)).toMatchObject({ field: 'wazzup.somethingNew', raw: [1, 2] });
    expect(only(delivery({}).events).field).toBe('wazzup.empty');
  });

  it('a body that is not a JSON object is unparseable', () => {
    for (const bad of [null, [], 'text', 42, undefined]) expect(() => parseWazzupDelivery(bad)).toThrow(UnparseableWazzupDelivery);
  });
});

describe('statuses', () => {
  it('sent, delivered, read, error (mapped to failed, with the code) and edited', () => {
    const parsed = delivery(load('documented__statuses.json'));
    expect(parsed.statuses.map((s) => [s.messageId.slice(0, 8), s.status, s.timestamp])).toEqual([
      ['b6172429', 'sent', '2025-03-14T09:30:00.100Z'],
      ['b6172429', 'delivered', '2025-03-14T09:30:01.200Z'],
      ['b6172429', 'read', '2025-03-14T09:31:05.300Z'],
      ['c728353a', 'failed', '2025-03-14T09:32:00.000Z'],
      ['b6172429', 'edited', '2025-03-14T09:33:00.000Z'],
    ]);
    const failed = parsed.statuses[3]!;
    expect(failed.errors).toEqual([{ code: 'BAD_CONTACT', message: 'Contact does not have a WhatsApp account' }]);
    expect(failed.channel).toBe('wazzup24');
    expect(failed.recipient).toEqual({});
    expect((failed.raw as { status: string }).status).toBe('error');
  });

  it('malformed statuses become invalid events', () => {
    const ok = wazzupStatus({ messageId: 'm1', status: 'sent' });
    const bad = [{ ...ok, messageId: undefined }, { ...ok, status: 3 }, { ...ok, timestamp: 'soon' }, 7];
    const parsed = delivery({ statuses: [ok, ...bad] });
    expect(parsed.statuses).toHaveLength(1);
    expect(parsed.events.filter((e) => e.field === 'wazzup.statuses.invalid').map((e) => e.raw)).toEqual(bad);
  });
});

describe('combined and channel deliveries', () => {
  it('messages and statuses in one body are all parsed', () => {
    const parsed = delivery(load('documented__messages_and_statuses.json'));
    expect(parsed.messages.map((m) => [m.type, m.text ?? m.media?.url])).toEqual([
      ['text', '/start'],
      ['image', 'https://store.wazzup24.com/6f1a/olga-card.jpg'],
    ]);
    expect(new Set(parsed.messages.map((m) => m.from.userId))).toEqual(new Set(['whatsapp.79022223344']));
    expect(parsed.statuses.map((s) => s.status)).toEqual(['read', 'delivered']);
    expect(parsed.events).toEqual([]);
  });

  it('channelsUpdates become wazzup.channelsUpdates events with the channel state readable', () => {
    const e = only(delivery(load('documented__channels_updates.json')).events);
    expect(e).toMatchObject({ kind: 'event', channel: 'wazzup24', field: 'wazzup.channelsUpdates', phoneNumberId: CHANNEL });
    expect(wazzupChannelState(e)).toEqual({ channelId: CHANNEL, state: 'phoneUnavailable' });
  });

  it('redelivering the same body gives the same event dedupe keys', () => {
    const a = delivery(load('documented__channels_updates.json')).events[0]!;
    const b = delivery(JSON.parse(JSON.stringify(load('documented__channels_updates.json')))).events[0]!;
    expect(a.dedupeKey).toBe(b.dedupeKey);
    const other = delivery({ channelsUpdates: [{ channelId: CHANNEL, state: 'active' }] }).events[0]!;
    expect(other.dedupeKey).not.toBe(a.dedupeKey);
  });
});

describe('contact key and times', () => {
  it('wazzupContactKey is type-scoped, normalised and URL-safe', () => {
    expect(wazzupContactKey('whatsapp', '79011112233')).toBe('whatsapp.79011112233');
    expect(wazzupContactKey(' WhatsApp ', ' 79011112233 ')).toBe('whatsapp.79011112233');
    expect(wazzupContactKey('telegram', '79011112233')).not.toBe(wazzupContactKey('whatsapp', '79011112233'));
    expect(wazzupContactKey('instagram', 'ivan/petrov?x')).toBe('instagram.ivan%2Fpetrov%3Fx');
    expect(() => wazzupContactKey('', '1')).toThrow(TypeError);
    expect(() => wazzupContactKey('whatsapp', ' ')).toThrow(TypeError);
  });

  it('distinct chats never share a key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('whatsapp', 'telegram', 'whatsgroup', 'vk'),
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        fc.constantFrom('whatsapp', 'telegram', 'whatsgroup', 'vk'),
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        (t1, id1, t2, id2) => {
          const same = t1 === t2 && id1.trim() === id2.trim();
          expect(wazzupContactKey(t1, id1) === wazzupContactKey(t2, id2)).toBe(same);
          expect(wazzupContactKey(t1, id1)).toMatch(/^[A-Za-z0-9._~!*'()%-]+$/);
        },
      ),
    );
  });

  it('wa_id only for a WhatsApp 1:1 chat with phone digits', () => {
    expect(wazzupUser('whatsapp', '79011112233').waId).toBe('79011112233');
    expect(wazzupUser('telegram', '79011112233').waId).toBeUndefined();
    expect(wazzupUser('whatsapp', 'abc').waId).toBeUndefined();
  });

  it('wazzupTime reads zone-less ISO as UTC and accepts zoned ISO and epoch values', () => {
    expect(wazzupTime('2025-03-14T09:26:53.123')).toBe('2025-03-14T09:26:53.123Z');
    expect(wazzupTime('2025-03-14T09:26:53.123Z')).toBe('2025-03-14T09:26:53.123Z');
    expect(wazzupTime('2025-03-14T12:26:53+03:00')).toBe('2025-03-14T09:26:53.000Z');
    expect(wazzupTime(1741944413)).toBe('2025-03-14T09:26:53.000Z');
    expect(wazzupTime('1741944413123')).toBe('2025-03-14T09:26:53.123Z');
    for (const bad of ['', 'yesterday', null, {}, '2025-13-45T99:99']) expect(wazzupTime(bad)).toBeUndefined();
  });
});
