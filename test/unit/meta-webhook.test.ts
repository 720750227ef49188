import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMetaDelivery, UnparseableDelivery } from '../../lambdas/domain/inbound/meta-webhook.js';
import type { ParsedDelivery } from '../../lambdas/domain/shared/model.js';
import { loadMetaCorpus } from '../support/meta-corpus.js';

const corpus = loadMetaCorpus();
const byName = new Map(corpus.map((c) => [c.name, c]));
function parse(name: string): ParsedDelivery {
  const file = byName.get(name);
  if (!file) throw new Error(`no corpus file ${name}`);
  return parseMetaDelivery(file.json);
}
function only<T>(list: T[]): T {
  expect(list).toHaveLength(1);
  return list[0]!;
}

// Counted straight from the raw JSON, without the parser's helpers.
function rawElements(json: unknown): { messages: unknown[]; statuses: unknown[]; otherChanges: number } {
  const out = { messages: [] as unknown[], statuses: [] as unknown[], otherChanges: 0 };
  for (const entry of (json as { entry: { changes?: { field: string; value: Record<string, unknown> }[] }[] }).entry) {
    for (const change of entry.changes ?? []) {
      if (change.field !== 'messages') {
        out.otherChanges++;
        continue;
      }
      out.messages.push(...((change.value.messages as unknown[] | undefined) ?? []));
      out.statuses.push(...((change.value.statuses as unknown[] | undefined) ?? []));
    }
  }
  return out;
}

describe('parseMetaDelivery on the whole corpus', () => {
  it('has at least 70 real files', () => {
    expect(corpus.filter((c) => !c.name.startsWith('synthetic__')).length).toBeGreaterThanOrEqual(70);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s: every element is accounted for', (name, { json }) => {
    const parsed = parseMetaDelivery(json);
    const raw = rawElements(json);
    const invalidMessages = parsed.events.filter((e) => e.field === 'messages.invalid');
    const invalidStatuses = parsed.events.filter((e) => e.field === 'statuses.invalid');
    expect(parsed.messages.length + invalidMessages.length).toBe(raw.messages.length);
    expect(parsed.statuses.length + invalidStatuses.length).toBe(raw.statuses.length);
    // Each parsed message and status is a distinct element of the body, kept as sent.
    for (const m of parsed.messages) expect(raw.messages).toContain(m.raw);
    for (const s of parsed.statuses) expect(raw.statuses).toContain(s.raw);
    expect(new Set(parsed.messages.map((m) => m.raw)).size).toBe(parsed.messages.length);
    expect(new Set(parsed.statuses.map((s) => s.raw)).size).toBe(parsed.statuses.length);
    // Every other field becomes exactly one event carrying its value.
    expect(parsed.events.filter((e) => !e.field.startsWith('messages') && !e.field.startsWith('statuses') && e.field !== 'errors')).toHaveLength(
      raw.otherChanges,
    );
    for (const e of parsed.events) expect(e.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
    if (!name.startsWith('synthetic__')) {
      // Real payloads are all well formed: nothing may fall back to an invalid event.
      expect(invalidMessages.concat(invalidStatuses)).toEqual([]);
    }
    for (const m of parsed.messages) {
      expect(m.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      expect(m.from.userId ?? m.from.waId).toBeTruthy();
      expect(m.phoneNumberId).toBeTruthy();
    }
  });

  it('gives the same dedupe keys on redelivery and whatever the key order', () => {
    for (const { json } of corpus) {
      const a = parseMetaDelivery(json).events.map((e) => e.dedupeKey);
      const reordered = JSON.parse(JSON.stringify(json, (_k, v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      )) as unknown;
      expect(parseMetaDelivery(reordered).events.map((e) => e.dedupeKey)).toEqual(a);
    }
  });

  it('gives different dedupe keys to different changes', () => {
    const keys = corpus.flatMap(({ json }) => parseMetaDelivery(json).events.map((e) => e.dedupeKey));
    const accountUpdates = corpus
      .filter((c) => c.name.startsWith('pywa__account_update_'))
      .map((c) => only(parseMetaDelivery(c.json).events).dedupeKey);
    expect(new Set(accountUpdates).size).toBe(accountUpdates.length);
    expect(keys.length).toBeGreaterThan(30);
  });
});

describe('messages by type', () => {
  it('text (OpenAPI)', () => {
    const m = only(parse('meta-openapi__text_message').messages);
    expect(m).toMatchObject({
      kind: 'message',
      channel: 'meta',
      id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      phoneNumberId: '106540352242922',
      displayPhoneNumber: '15550783881',
      accountId: '419561257915477',
      type: 'text',
      text: 'Does it come in another color?',
      timestamp: '2025-06-08T20:59:43.000Z',
      from: { waId: '16505551234', name: 'Sheena Nelson' },
    });
    expect(m.context).toBeUndefined();
    expect(m.from.userId).toBeUndefined();
  });

  it('BSUID first: from_user_id, parent and username from contacts', () => {
    const m = only(parse('meta-whatsapp-rs__pages_bsuid_incoming_messages_webhooks').messages);
    expect(m.from).toEqual({
      userId: 'US.13491208655302741918',
      parentUserId: 'US.ENT.11815799212886844830',
      waId: '16505551234',
      name: 'Pablo M.',
      username: 'pablomorales',
    });
    expect(m.groupId).toBe('Y2FwaV9ncm91cDoxOTUwNTU1MDA3OToxMjAzNjMzOTQzMjAdOTY0MTUZD');
  });

  it('BSUID only, no phone anywhere, escaped non-ASCII text', () => {
    const m = only(parse('synthetic__escaped_unicode_bsuid_only').messages);
    expect(m.from).toEqual({ userId: 'FR.48201937465019283746', name: 'Renée Dupré', username: 'renee.d' });
    expect(m.text).toBe('Café crème 😀 äöå http://example.com/a/b');
    expect(m.id).toBe('wamid.SYNTHETIC/escaped+unicode=');
  });

  it('contact matched by user_id when only contacts carry the phone', () => {
    const m = only(parse('pywa__callback_button_button').messages);
    expect(m.from).toMatchObject({ waId: '972987654321', userId: 'US.13491208655302741918', parentUserId: 'US.ENT.11815799212886844830' });
  });

  it('image, video, document, audio, voice, sticker carry media', () => {
    expect(only(parse('meta-openapi__image_message').messages)).toMatchObject({
      type: 'image',
      text: 'Taj Mahal',
      media: { id: '1003383421387256', mimeType: 'image/jpeg', sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=', caption: 'Taj Mahal' },
    });
    expect(only(parse('pywa__message_video').messages)).toMatchObject({
      type: 'video',
      text: 'caption',
      media: { id: '765756756', mimeType: 'video/mp4' },
      context: { forwarded: true },
    });
    expect(only(parse('pywa__message_document').messages).media).toMatchObject({
      filename: 'filename.pdf',
      mimeType: 'application/pdf',
      caption: 'caption',
    });
    expect(only(parse('pywa__message_audio').messages).media).toMatchObject({ voice: false, mimeType: 'audio/ogg; codecs=opus' });
    const voice = only(parse('pywa__message_voice').messages);
    expect(voice.type).toBe('audio');
    expect(voice.media?.voice).toBe(true);
    expect(voice.text).toBeUndefined();
    expect(only(parse('pywa__message_static_sticker').messages).media).toMatchObject({ animated: false, mimeType: 'image/webp' });
    expect(only(parse('pywa__message_animated_sticker').messages).media?.animated).toBe(true);
  });

  it('location: name and address, or nothing for a bare pin', () => {
    expect(only(parse('pywa__message_chosen_location').messages).text).toBe('Facebook HQ, 1 Hacker Way, Menlo Park, CA 94025');
    expect(only(parse('pywa__message_current_location').messages).text).toBeUndefined();
    expect(only(parse('meta-openapi__location_message').messages).type).toBe('location');
  });

  it('contacts: the shared names', () => {
    expect(only(parse('pywa__message_contacts').messages)).toMatchObject({ type: 'contacts', text: 'Chandler Bing, Monica, Rachel Green' });
  });

  it('interactive button_reply, list_reply, nfm_reply (flow and address)', () => {
    expect(only(parse('meta-openapi__interactive_button_reply_message').messages)).toMatchObject({ type: 'interactive', text: 'Cancel' });
    expect(only(parse('meta-openapi__interactive_list_reply_message').messages)).toMatchObject({
      type: 'interactive',
      text: 'Priority Mail Express',
    });
    const flow = only(parse('pywa__flow_completion_completion').messages);
    expect(flow).toMatchObject({ type: 'interactive', text: 'Sent', context: { messageId: 'wamid.gvwegfretge==', from: '972123456789' } });
    const address = only(parse('meta-whatsapp-rs__messages_interactive_nfm_reply_address').messages);
    expect(address.text).toContain('400063, Goregaon');
    expect(address.from.userId).toBe('IN.13491208655302741918');
  });

  it('button (template quick reply): text, with the payload kept raw', () => {
    const m = only(parse('pywa__callback_button_quick_reply').messages);
    expect(m).toMatchObject({ type: 'button', text: 'title', context: { messageId: 'wamid.xyzxyz==', from: '972123456789' } });
    expect((m.raw.button as { payload: string }).payload).toBe('callback_data');
  });

  it('reaction, and un-react with an empty or missing emoji', () => {
    expect(only(parse('pywa__message_reaction').messages)).toMatchObject({ type: 'reaction', text: '😮', context: { messageId: 'wamid.yzxyzx=' } });
    expect(only(parse('meta-openapi__reaction_message').messages).text).toBe('👍');
    for (const name of ['pywa__message_unreaction_empty', 'pywa__message_unreaction_no_emoji']) {
      const m = only(parse(name).messages);
      expect(m.type).toBe('reaction');
      expect(m.text).toBeUndefined();
      expect(m.context?.messageId).toBe('wamid.yzxyzx=');
    }
  });

  it('order: type order, empty note means no text, items kept raw', () => {
    const m = only(parse('meta-openapi__order_message').messages);
    expect(m.type).toBe('order');
    expect(m.text).toBeUndefined();
    expect((m.raw.order as { product_items: unknown[] }).product_items).toHaveLength(2);
  });

  it('system messages have no contacts array; user_changed_user_id has no from', () => {
    expect(only(parse('meta-openapi__system_message').messages)).toMatchObject({
      type: 'system',
      text: 'User Sheena Nelson changed from 16505551234 to 12195555358',
      from: { waId: '16505551234' },
    });
    const changed = only(parse('pywa__system_user_id_change').messages);
    expect(changed).toMatchObject({ type: 'system', from: { userId: 'CO.1234567890' } });
    expect(changed.from.waId).toBeUndefined();
    expect(only(parse('pywa__system_identity_change').messages).text).toBe('User identity changed');
  });

  it('unsupported: errors mapped', () => {
    const m = only(parse('meta-openapi__unsupported_message').messages);
    expect(m.type).toBe('unsupported');
    expect(m.errors).toEqual([
      { code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' },
    ]);
  });

  it('edit: new text or caption, target is original_message_id', () => {
    expect(only(parse('pywa__edited_message_edit_text').messages)).toMatchObject({
      type: 'edit',
      text: 'Text was edited',
      context: { messageId: 'wamid.zzzzzz' },
    });
    expect(only(parse('pywa__edited_message_edit_caption').messages)).toMatchObject({
      type: 'edit',
      text: 'caption',
      media: { id: '65463453' },
      context: { messageId: 'wamid.zzzzzz' },
    });
  });

  it('revoke: target is original_message_id', () => {
    expect(only(parse('pywa__deleted_message_revoke').messages)).toMatchObject({
      type: 'revoke',
      context: { messageId: '<ORIGINAL_WHATSAPP_MESSAGE_ID>' },
      from: { userId: 'US.13491208655302741918' },
    });
  });

  it('referral (click-to-WhatsApp ad) keeps the text and the referral raw', () => {
    const m = only(parse('meta-openapi__text_message_from_click_to_whatsapp_ad').messages);
    expect(m.text).toBe('Hello! Can I get more info on this?');
    expect((m.raw.referral as { ctwa_clid: string }).ctwa_clid).toMatch(/^Aff-/);
  });

  it('forwarded, frequently forwarded, reply context, product inquiry', () => {
    expect(only(parse('pywa__message_forwarded').messages).context).toEqual({ forwarded: true });
    expect(only(parse('pywa__message_forwarded_many_times').messages).context).toEqual({ frequentlyForwarded: true });
    expect(only(parse('pywa__message_reply').messages).context).toEqual({ messageId: 'wamid.xyzxyz==', from: '972123456789' });
    expect(only(parse('meta-openapi__text_message_with_context_product_inquiry').messages).context).toEqual({
      messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA',
      from: '15550783881',
    });
  });

  it('group message keeps group_id', () => {
    expect(only(parse('meta-whatsapp-rs__messages_group_text').messages)).toMatchObject({
      groupId: 'HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA',
      from: { waId: '16505551234', name: 'Tiago Mingo' },
    });
  });

  it('value.errors beside a message become an errors event, the message is kept', () => {
    const d = parse('pywa__message_interactive_message_with_err');
    expect(only(d.messages)).toMatchObject({ id: 'wamid.wegrchytvwcggt=', type: 'interactive' });
    expect(only(d.events)).toMatchObject({
      field: 'errors',
      phoneNumberId: '1122334455667',
      accountId: '1234567890987654321',
      raw: { code: 131000, title: 'Something went wrong' },
    });
  });
});

describe('statuses', () => {
  it('sent / delivered / read with CBP pricing', () => {
    for (const status of ['sent', 'delivered', 'read'] as const) {
      expect(only(parse(`pywa__message_status_${status}`).statuses)).toMatchObject({
        kind: 'status',
        messageId: 'wamid.xyzxyz',
        status,
        phoneNumberId: '1122334455667',
        accountId: '5467539754836534',
        recipient: { waId: '972987654321' },
      });
    }
    expect(only(parse('pywa__message_status_read').statuses).timestamp).toBe('2023-07-15T00:20:58.000Z');
  });

  it('failed with errors mapped', () => {
    expect(only(parse('bindambc__reEngagementMessageError').statuses)).toMatchObject({
      status: 'failed',
      recipient: { waId: '5511111111111' },
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
        },
      ],
    });
    expect(only(parse('bindambc__mediaUploadError').statuses).errors?.[0]).toMatchObject({
      code: 131053,
      details: 'Unsupported Video mime type text/html. Please use one of video/3gpp, video/mp4.',
    });
    expect(only(parse('meta-whatsapp-rs__messages_status_failed').statuses).errors?.[0]?.code).toBe(131049);
  });

  it('v24 BSUID-only delivered: no recipient_id, no conversation', () => {
    const s = only(parse('meta-whatsapp-rs__bsuid_status_delivered_bsuid_only').statuses);
    expect(s.recipient).toEqual({
      userId: 'US.13491208655302741918',
      parentUserId: 'US.ENT.11815799212886844830',
      name: 'Pablo M.',
      username: 'pablomorales',
    });
    expect(s.raw.conversation).toBeUndefined();
  });

  it('played, old parent_recipient_user_id spelling', () => {
    expect(only(parse('synthetic__status_played_old_parent_spelling').statuses)).toMatchObject({
      status: 'played',
      recipient: { userId: 'US.13491208655302741918', parentUserId: 'US.ENT.11815799212886844830' },
    });
  });

  it('group statuses: the participant is the recipient, both participant spellings', () => {
    const [a, b, c] = parse('meta-whatsapp-rs__messages_group_statuses_aggregated').statuses;
    expect(a?.recipient).toEqual({ waId: '16505551234' });
    expect(b?.recipient).toEqual({ waId: '16505551235', userId: 'US.13491208655302741919' });
    expect(c).toMatchObject({ status: 'delivered', recipient: { waId: '16505551236' } });
    expect(only(parse('meta-whatsapp-rs__pages_groups_group_message_delivered').statuses).recipient).toEqual({ waId: '16505551234' });
  });
});

describe('account events', () => {
  it.each([
    ['pywa__template_status_update_approved', 'message_template_status_update', '57438975935', '2023-10-25T21:06:40.000Z'],
    ['bindambc__rejectedTemplate', 'message_template_status_update', '880480871844883', '2023-01-20T21:37:21.000Z'],
    ['pywa__template_quality_update_yellow', 'message_template_quality_update', '102290129340398', undefined],
    ['pywa__template_category_update_marketing', 'template_category_update', '57438975935', undefined],
    ['meta-whatsapp-rs__fields_phone_number_name_update', 'phone_number_name_update', '102290129340398', '2025-02-12T00:43:44.000Z'],
    ['meta-whatsapp-rs__fields_phone_number_quality_update', 'phone_number_quality_update', '102290129340398', undefined],
    ['bindambc__qualityUpdate', 'phone_number_quality_update', 'waba-id', undefined],
    ['pywa__account_update_account_restriction', 'account_update', '102290129340398', undefined],
    ['pywa__user_marketing_preferences_resume', 'user_preferences', '102290129340398', undefined],
    ['meta-whatsapp-rs__fields_smb_message_echoes_text', 'smb_message_echoes', '102290129340398', undefined],
    ['meta-whatsapp-rs__fields_history_threads', 'history', '102290129340398', undefined],
    ['meta-whatsapp-rs__pages_bsuid_user_id_update_webhooks', 'user_id_update', '102290129340398', undefined],
    ['meta-openapi__group_create_message', 'group_lifecycle_update', undefined, undefined],
  ] as const)('%s -> %s', (name, field, accountId, timestamp) => {
    const file = byName.get(name)!;
    const e = only(parseMetaDelivery(file.json).events);
    const value = (file.json as { entry: { changes: { value: unknown }[] }[] }).entry[0]!.changes[0]!.value;
    expect(e.field).toBe(field);
    expect(e.raw).toBe(value);
    if (accountId) expect(e.accountId).toBe(accountId);
    if (timestamp) expect(e.timestamp).toBe(timestamp);
  });

  it('events with metadata carry the phone number id', () => {
    expect(only(parse('pywa__user_marketing_preferences_resume').events).phoneNumberId).toBe('106540352242922');
  });
});

describe('malformed content is kept, never dropped', () => {
  it('a batch keeps good elements and turns bad ones into invalid events', () => {
    const d = parse('synthetic__batch_mixed_and_malformed');
    expect(d.messages.map((m) => [m.id, m.type, m.phoneNumberId, m.accountId])).toEqual([
      ['wamid.BATCH1', 'text', '900000000000001', '111'],
      ['wamid.BATCH2', 'brand_new_type', '900000000000001', '111'],
    ]);
    expect(d.messages[1]!.text).toBe('future');
    expect(d.messages[1]!.from).toMatchObject({ userId: 'US.1002', name: 'B' });
    expect(only(d.statuses)).toMatchObject({ messageId: 'wamid.OUT1', phoneNumberId: '900000000000002' });
    expect(d.events.map((e) => [e.field, e.phoneNumberId, e.accountId])).toEqual([
      ['messages.invalid', '900000000000001', '111'],
      ['statuses.invalid', '900000000000002', '111'],
      ['some_future_field', undefined, '111'],
      ['message_template_status_update', undefined, '222'],
    ]);
    expect((d.events[0]!.raw as { message: { text: { body: string } } }).message.text.body).toBe('no id');
  });

  it('messages that are not arrays, values without metadata, entries without changes', () => {
    const d = parseMetaDelivery({
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '9' }, messages: { id: 'x' } } }] },
        { id: '2', changes: [{ field: 'messages', value: { messages: [] } }] },
        { id: '3', messaging: [{}] },
        { id: '4', changes: [{ value: {} }, 'junk'] },
        { id: '5', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '9' }, contacts: [] } }] },
      ],
    });
    expect(d.messages).toEqual([]);
    expect(d.events.map((e) => [e.field, e.accountId])).toEqual([
      ['messages.invalid', '1'],
      ['messages.invalid', '2'],
      ['entry.invalid', '3'],
      ['change.invalid', '4'],
      ['change.invalid', '4'],
      ['messages', '5'],
    ]);
  });

  it('bad timestamps make the element invalid rather than a wrong date', () => {
    const d = parseMetaDelivery({
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '9' },
                messages: [
                  { id: 'a', from: '1', type: 'text', timestamp: 'yesterday' },
                  { id: 'b', from: '1', type: 'text', timestamp: '1e400' },
                  { id: 'c', from: '1', type: 'text', timestamp: '99999999999999999999' },
                  { id: 'd', from: '1', type: 'text', timestamp: 1760000000 },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(d.messages.map((m) => [m.id, m.timestamp])).toEqual([['d', '2025-10-09T08:53:20.000Z']]);
    expect(d.events.filter((e) => e.field === 'messages.invalid')).toHaveLength(3);
  });
});

describe('unparseable envelopes', () => {
  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
    ['an array', [{ entry: [] }]],
    ['no entry', { object: 'whatsapp_business_account' }],
    ['entry not an array', { object: 'whatsapp_business_account', entry: { id: '1' } }],
    ['inherited entry', Object.create({ entry: [] }) as unknown],
  ])('%s throws UnparseableDelivery', (_name, input) => {
    expect(() => parseMetaDelivery(input)).toThrow(UnparseableDelivery);
  });

  it('an empty entry list is a delivery with nothing in it', () => {
    expect(parseMetaDelivery({ object: 'whatsapp_business_account', entry: [] })).toEqual({ messages: [], statuses: [], events: [] });
  });
});

describe('properties', () => {
  const onlyUnparseable = (input: unknown) => {
    try {
      parseMetaDelivery(input);
    } catch (e) {
      expect(e).toBeInstanceOf(UnparseableDelivery);
    }
  };

  it('arbitrary JSON never throws anything but UnparseableDelivery', () => {
    fc.assert(fc.property(fc.jsonValue(), onlyUnparseable), { numRuns: 500 });
    fc.assert(fc.property(fc.anything(), onlyUnparseable), { numRuns: 300 });
  });

  it('envelope-shaped JSON with arbitrary insides never throws and keeps every element', () => {
    const element = fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('id', 'from', 'from_user_id', 'timestamp', 'type', 'status', 'text', 'errors', '__proto__', 'constructor'), fc.jsonValue()));
    const value = fc.record(
      {
        metadata: fc.oneof(fc.jsonValue(), fc.record({ phone_number_id: fc.oneof(fc.string(), fc.integer()) })),
        contacts: fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue())),
        messages: fc.array(element, { maxLength: 4 }),
        statuses: fc.array(element, { maxLength: 4 }),
        errors: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const change = fc.record({ field: fc.oneof(fc.constant('messages'), fc.string(), fc.jsonValue()), value }, { requiredKeys: [] });
    const entry = fc.oneof(fc.jsonValue(), fc.record({ id: fc.jsonValue(), time: fc.jsonValue(), changes: fc.array(change, { maxLength: 3 }) }, { requiredKeys: [] }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 3 }), (entries) => {
        const json = { object: 'whatsapp_business_account', entry: entries };
        const d = parseMetaDelivery(json);
        // Every element of an array `messages`/`statuses` under a `messages` change with a phone number id
        // is either parsed or kept as an invalid event.
        let expected = 0;
        for (const e of entries) {
          if (!e || typeof e !== 'object' || Array.isArray(e)) continue;
          const changes = (e as { changes?: unknown }).changes;
          if (!Array.isArray(changes)) continue;
          for (const c of changes as { field?: unknown; value?: { metadata?: unknown; messages?: unknown[]; statuses?: unknown[] } }[]) {
            if (c.field !== 'messages' || !c.value) continue;
            const md = c.value.metadata as { phone_number_id?: unknown } | null | undefined;
            const pn = md && typeof md === 'object' && !Array.isArray(md) ? md.phone_number_id : undefined;
            if (!((typeof pn === 'string' && pn) || (typeof pn === 'number' && Number.isFinite(pn)))) continue;
            expected += (c.value.messages?.length ?? 0) + (c.value.statuses?.length ?? 0);
          }
        }
        const elementEvents = d.events.filter(
          (e) =>
            e.raw !== null &&
            typeof e.raw === 'object' &&
            (Object.hasOwn(e.raw, 'message') || Object.hasOwn(e.raw, 'status')),
        );
        expect(d.messages.length + d.statuses.length + elementEvents.length).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('any single mutation of a real payload never throws anything but UnparseableDelivery', () => {
    const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] =>
      v && typeof v === 'object'
        ? [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, Array.isArray(v) ? Number(k) : k]))]
        : [at];
    fc.assert(
      fc.property(fc.constantFrom(...corpus), fc.nat(), fc.jsonValue(), ({ json }, pick, replacement) => {
        const copy = structuredClone(json) as Record<string | number, unknown>;
        const all = paths(copy).filter((p) => p.length > 0);
        const path = all[pick % all.length]!;
        let parent: Record<string | number, unknown> = copy;
        for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
        parent[path[path.length - 1]!] = replacement;
        onlyUnparseable(copy);
      }),
      { numRuns: 500 },
    );
  });
});
