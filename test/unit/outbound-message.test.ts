import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  OutboundValidationError,
  isValidOutboundMessage,
  normaliseRecipient,
  parseOutboundMessage,
  toGraphMessageBody,
  toMarkReadBody,
  toRequestShape,
  validateOutboundMessage,
  type OutboundMessage,
} from '../../lambdas/domain/outbound/outbound-message.js';

function parsed(input: unknown): OutboundMessage {
  const r = parseOutboundMessage(input);
  if (!r.ok) throw new Error(`${r.error.field}: ${r.error.message}`);
  return r.message;
}

function errorOf(input: unknown, opts = {}) {
  const r = parseOutboundMessage(input, opts);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(input)}`);
  return r.error;
}

describe('recipient', () => {
  it.each([
    ['+1 (343) 777-2910', '+13437772910'],
    ['13437772910', '+13437772910'],
    ['+7 916 123-45-67', '+79161234567'],
    ['00996 555 123 456', '+996555123456'],
    ['US.13491208655302741918', 'US.13491208655302741918'],
    ['US.ENT.11815799212886844830', 'US.ENT.11815799212886844830'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseRecipient(input)).toBe(expected);
  });

  it('a national number needs a default country', () => {
    expect(normaliseRecipient('8 916 123-45-67')).toBeUndefined();
    expect(normaliseRecipient('8 916 123-45-67', 'RU')).toBe('+79161234567');
    expect(parsed({ to: 13437772910, text: 'numeric to' }).to).toBe('+13437772910');
  });

  it('rejects what is neither a phone number nor a BSUID', () => {
    for (const bad of ['hello', '+1', 'us.123', '12', '+12 34']) expect(normaliseRecipient(bad)).toBeUndefined();
    expect(errorOf({ to: 'hello', text: 'x' }).field).toBe('to');
    expect(errorOf({ text: 'x' })).toEqual({ field: 'to', message: 'is required' });
  });
});

describe('a Wazzup24 chat key as the recipient', () => {
  it('is accepted only when the caller allows it (a reply to a known Wazzup24 contact)', () => {
    expect(errorOf({ to: 'telegram.123456789', text: 'x' }).field).toBe('to');
    const r = parseOutboundMessage({ to: 'telegram.123456789', text: 'x' }, { wazzupChat: true });
    expect(r.ok && r.message.to).toBe('telegram.123456789');
    const ig = parseOutboundMessage({ to: 'instagram.some_user%2Ex', text: 'x' }, { wazzupChat: true });
    expect(ig.ok && ig.message.to).toBe('instagram.some_user%2Ex');
  });

  it('still normalises phones and BSUIDs, and refuses what is no chat key', () => {
    const phone = parseOutboundMessage({ to: '+7 901 111-22-33', text: 'x' }, { wazzupChat: true });
    expect(phone.ok && phone.message.to).toBe('+79011112233');
    for (const bad of ['Telegram.1', 'telegram.', '.123', 'telegram 123', 'telegram.a b']) {
      expect(errorOf({ to: bad, text: 'x' }, { wazzupChat: true }).field).toBe('to');
    }
  });
});

describe('parseOutboundMessage: admin bodies, and a 400 that names the field', () => {
  it.each([
    [{ to: '+13437772910' }, ''],
    [{ to: '+13437772910', text: 'a', image: { id: '1' } }, 'image'],
    [{ to: '+13437772910', text: 'a', colour: 'red' }, 'colour'],
    [{ to: '+13437772910', text: '' }, 'text'],
    [{ to: '+13437772910', text: 'x'.repeat(4097) }, 'text'],
    [{ to: '+13437772910', text: 'a', previewUrl: 'yes' }, 'previewUrl'],
    [{ to: '+13437772910', image: { id: '1' }, previewUrl: true }, 'previewUrl'],
    [{ to: '+13437772910', template: { name: 'hello_world' } }, 'template.language'],
    [{ to: '+13437772910', template: { name: 'hello_world', language: 'English' } }, 'template.language'],
    [{ to: '+13437772910', template: { name: 'Hello World', language: 'en_US' } }, 'template.name'],
    [{ to: '+13437772910', template: { name: 'a', language: 'en', components: [{ type: 'button', parameters: [] }] } }, 'template.components.0.sub_type'],
    [{ to: '+13437772910', template: { name: 'a', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text' }] }] } }, 'template.components.0.parameters.0.text'],
    [{ to: '+13437772910', template: { name: 'a', language: 'en', components: [{ type: 'header', parameters: [{ type: 'image', image: {} }] }] } }, 'template.components.0.parameters.0.image'],
    [{ to: '+13437772910', image: {} }, 'image.link'],
    [{ to: '+13437772910', image: { link: 'ftp://x/y.png' } }, 'image.link'],
    [{ to: '+13437772910', image: { link: 'https://x.y/a.png', id: '1' } }, 'image.link'],
    [{ to: '+13437772910', audio: { id: '1', caption: 'no' } }, 'audio.caption'],
    [{ to: '+13437772910', image: { id: '1', filename: 'a.png' } }, 'image.filename'],
    [{ to: '+13437772910', interactive: 'menu' }, 'interactive'],
    [{ to: '+13437772910', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [] } } }, 'interactive.action.buttons'],
    [
      { to: '+13437772910', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] } } },
      'interactive.action.buttons.0.reply.title',
    ],
    [
      {
        to: '+13437772910',
        interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'One' } }, { type: 'reply', reply: { id: 'a', title: 'Two' } }] } },
      },
      'interactive.action.buttons.1.reply.id',
    ],
    [{ to: '+13437772910', interactive: { type: 'list', body: { text: 'b' }, action: { sections: [{ rows: [{ id: '1', title: 't' }] }] } } }, 'interactive.action.button'],
    [
      { to: '+13437772910', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'Go', sections: [{ rows: [{ id: '1', title: 't' }] }, { title: 'B', rows: [{ id: '2', title: 'u' }] }] } } },
      'interactive.action.sections.0.title',
    ],
    [{ to: '+13437772910', reaction: { emoji: '👍' } }, 'reaction.messageId'],
    [{ to: '+13437772910', reaction: { messageId: 'wamid.X', emoji: '👍' }, replyTo: 'wamid.Y' }, 'replyTo'],
    [{ to: '+13437772910', text: 'a', bizOpaqueCallbackData: 'x'.repeat(513) }, 'bizOpaqueCallbackData'],
  ])('%j -> %s', (input, field) => {
    expect(errorOf(input).field).toBe(field);
  });

  it('says what is wrong in words a person can act on', () => {
    expect(errorOf({ to: '+13437772910', template: { name: 'hello_world' } })).toEqual({ field: 'template.language', message: 'is required' });
    expect(errorOf({ to: '+13437772910', text: 'a', colour: 'red' }).message).toBe('is not a known field');
    expect(errorOf({ to: '+13437772910', image: { link: 'https://x.y/a.png', id: '1' } }).message).toBe('exactly one of link or id is required');
    expect(errorOf('text').field).toBe('');
  });

  it('accepts Meta-style text objects and language objects', () => {
    expect(parsed({ to: '+13437772910', text: { body: 'hi', preview_url: true } })).toEqual({ kind: 'text', to: '+13437772910', text: 'hi', previewUrl: true });
    expect(parsed({ to: '+13437772910', template: { name: 'hello_world', language: { code: 'en_US', policy: 'deterministic' } } })).toEqual({
      kind: 'template',
      to: '+13437772910',
      template: { name: 'hello_world', language: 'en_US', languagePolicy: 'deterministic' },
    });
  });

  it('passes interactive types it does not model (cta_url, flow) through unchanged', () => {
    const interactive = { type: 'cta_url', body: { text: 'See' }, action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://example.com' } } };
    expect(toGraphMessageBody(parsed({ to: '+13437772910', interactive }))['interactive']).toEqual(interactive);
  });
});

describe('toGraphMessageBody matches Meta\'s OpenAPI v23.0 send examples', () => {
  it('"Send Text Message with Preview URL"', () => {
    expect(toGraphMessageBody(parsed({ to: '+16315551234', text: 'Please visit https://youtu.be/hpltvTEiRrY.', previewUrl: true }))).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16315551234',
      type: 'text',
      text: { body: 'Please visit https://youtu.be/hpltvTEiRrY.', preview_url: true },
    });
  });

  it('"Send Sample Shipping Confirmation Template" (currency and date_time parameters)', () => {
    const components = [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'text-string' },
          { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
          { type: 'date_time', date_time: { fallback_value: 'February 25, 1977', day_of_month: 25, year: 1977, month: 2 } },
        ],
      },
    ];
    expect(toGraphMessageBody(parsed({ to: '16315555555', template: { name: 'template_name', language: 'en_US', components } }))).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16315555555',
      type: 'template',
      template: { name: 'template_name', language: { code: 'en_US' }, components },
    });
  });

  it('"Send Reply to Document Message by URL"', () => {
    expect(
      toGraphMessageBody(parsed({ to: '+16315551234', document: { link: 'https://example.com/doc.pdf', caption: 'Doc', filename: 'doc.pdf' }, replyTo: 'wamid.PREV' })),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16315551234',
      type: 'document',
      document: { link: 'https://example.com/doc.pdf', caption: 'Doc', filename: 'doc.pdf' },
      context: { message_id: 'wamid.PREV' },
    });
  });

  it('"Send typing indicator and read receipt"', () => {
    expect(toMarkReadBody('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=', { typingIndicator: true })).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=',
      typing_indicator: { type: 'text' },
    });
    expect(() => toMarkReadBody('')).toThrow(OutboundValidationError);
  });

  it('biz_opaque_callback_data and a BSUID recipient', () => {
    expect(toGraphMessageBody(parsed({ to: 'US.13491208655302741918', sticker: { id: '5' }, bizOpaqueCallbackData: 'job-7' }))).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: 'US.13491208655302741918',
      type: 'sticker',
      sticker: { id: '5' },
      biz_opaque_callback_data: 'job-7',
    });
  });

  it('refuses a message built in code that is invalid', () => {
    const bad = { kind: 'image', to: '+13437772910', media: {} } as OutboundMessage;
    expect(() => toGraphMessageBody(bad)).toThrow(/image\.link/);
    expect(validateOutboundMessage(bad).ok).toBe(false);
  });

  it('parse(toRequestShape(m)) round-trips any valid text message', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() !== ''),
        fc.option(fc.boolean(), { nil: undefined }),
        (text, previewUrl) => {
          const m: OutboundMessage = { kind: 'text', to: '+13437772910', text, ...(previewUrl !== undefined ? { previewUrl } : {}) };
          const again = parseOutboundMessage(toRequestShape(m));
          expect(again).toEqual({ ok: true, message: m });
          const body = toGraphMessageBody(m);
          expect(body['text']).toEqual({ body: text, ...(previewUrl !== undefined ? { preview_url: previewUrl } : {}) });
        },
      ),
    );
  });
});

describe('a parsed message is validated once', () => {
  it('is marked valid and frozen, so the body builder takes it as it is', () => {
    const m = parsed({ to: '+1 343 777 2910', image: { link: 'https://example.com/a.png', caption: 'A' } });
    expect(isValidOutboundMessage(m)).toBe(true);
    const again = validateOutboundMessage(m);
    expect(again.ok && again.message).toBe(m);
    expect(() => {
      (m as { to: string }).to = 'not a phone';
    }).toThrow(TypeError);
    expect(() => {
      (m as { media: { link: string } }).media.link = 'ftp://example.com/a.png';
    }).toThrow(TypeError);
    expect(toGraphMessageBody(m)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+13437772910',
      type: 'image',
      image: { link: 'https://example.com/a.png', caption: 'A' },
    });
  });

  it('a copy or a message built in code is not marked, and is validated by the body builder', () => {
    const m = parsed({ to: '+13437772910', text: 'hello' });
    const copy = { ...m, text: '   ' } as OutboundMessage;
    expect(isValidOutboundMessage(copy)).toBe(false);
    expect(() => toGraphMessageBody(copy)).toThrow(OutboundValidationError);
    const built: OutboundMessage = { kind: 'text', to: '+1 (343) 777-2910', text: 'hi' };
    expect(isValidOutboundMessage(built)).toBe(false);
    // Validated on the way: the body carries the normalised recipient.
    expect(toGraphMessageBody(built)['to']).toBe('+13437772910');
  });
});
