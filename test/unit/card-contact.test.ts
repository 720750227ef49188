import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCardPlan,
  cardContactFields,
  cardContactId,
  dedupeKeys,
  planCardContact,
  type CardContactFields,
} from '../../lambdas/domain/cards/card-contact.js';
import type { Card } from '../../lambdas/domain/cards/card.js';
import type { ContactRecord } from '../../lambdas/domain/shared/ports.js';

const source = { contactId: '996555123456', messageId: 'wamid.CARD1', at: '2026-03-01T10:00:00.000Z' };

function card(partial: Partial<Card>): Card {
  return { phones: [], emails: [], websites: [], confidence: 1, ...partial };
}

function contact(partial: Partial<ContactRecord> & { id: string; createdAt: string }): ContactRecord {
  return { channel: 'meta', phones: [], emails: [], ...partial };
}

describe('cardContactFields', () => {
  it('normalises e-mails, trims, drops empties and duplicates', () => {
    const fields = cardContactFields(
      card({
        name: '  Anna   Lee ',
        company: '',
        phones: [{ number: '+14155550150', type: 'work' }, { number: '+14155550150', type: 'mobile' }, { number: '555-0199', type: 'other' }],
        emails: ['Anna.Lee@OrbitMedia.com', 'anna.lee@orbitmedia.com '],
        websites: ['orbitmedia.com', 'orbitmedia.com'],
      }),
    );
    expect(fields).toEqual({
      name: 'Anna Lee',
      phones: ['+14155550150', '555-0199'],
      emails: ['anna.lee@orbitmedia.com'],
      websites: ['orbitmedia.com'],
    });
  });

  it('dedupes only by E.164 phones and e-mails', () => {
    expect(dedupeKeys({ phones: ['+14155550150', '555-0199', '+7 916 123'], emails: ['a@b.co'], websites: [] })).toEqual({
      phones: ['+14155550150'],
      emails: ['a@b.co'],
    });
  });
});

describe('planCardContact', () => {
  const fields: CardContactFields = { name: 'Anna Lee', title: 'CEO', phones: ['+14155550150'], emails: ['anna@orbit.com'], websites: ['orbit.com'] };

  it('creates a contact whose id comes from the message, linked to sender and message', () => {
    const plan = planCardContact(fields, [], source);
    expect(plan).toMatchObject({ outcome: 'created', create: true, contactId: cardContactId(source.messageId), source });
    expect(plan.contactId).toMatch(/^card-[0-9a-f]{24}$/);
    expect(plan.fill).toEqual({ name: 'Anna Lee', title: 'CEO' });
    expect(plan.aliases).toEqual([
      { kind: 'phone', value: '+14155550150' },
      { kind: 'email', value: 'anna@orbit.com' },
    ]);
  });

  it('the same message always gives the same id; different messages differ', () => {
    expect(cardContactId('wamid.A')).toBe(cardContactId('wamid.A'));
    expect(cardContactId('wamid.A')).not.toBe(cardContactId('wamid.B'));
    expect(() => cardContactId('')).toThrow(/empty/);
  });

  it('merges into the oldest match, filling only what it lacks and adding every value', () => {
    const older = contact({ id: '14155550150', name: 'Anna (WhatsApp)', createdAt: '2025-01-01T00:00:00Z', phones: ['+14155550150'] });
    const newer = contact({ id: 'card-x', createdAt: '2025-06-01T00:00:00Z', emails: ['anna@orbit.com'] });
    const plan = planCardContact(fields, [newer, older, newer], source);
    expect(plan).toMatchObject({ outcome: 'merged', create: false, contactId: older.id, otherMatches: ['card-x'] });
    expect(plan.source).toBeUndefined();
    expect(plan.fill).toEqual({ title: 'CEO' });
    const after = applyCardPlan(older, plan);
    expect(after.name).toBe('Anna (WhatsApp)');
    expect(after.title).toBe('CEO');
    expect(after.phones).toEqual(['+14155550150']);
    expect(after.emails).toEqual(['anna@orbit.com']);
    expect(after.websites).toEqual(['orbit.com']);
  });

  it('a match written by this very message is a retry of the create, not a merge', () => {
    const own = contact({ id: cardContactId(source.messageId), createdAt: source.at, sourceMessageId: source.messageId, phones: ['+14155550150'] });
    const older = contact({ id: 'old', createdAt: '2020-01-01T00:00:00Z', emails: ['anna@orbit.com'] });
    const plan = planCardContact(fields, [own, older], source);
    expect(plan).toMatchObject({ outcome: 'created', contactId: own.id, create: true, otherMatches: ['old'] });
  });

  it('ties on createdAt are broken by id, so every run picks the same contact', () => {
    const a = contact({ id: 'a', createdAt: '2025-01-01T00:00:00Z', phones: ['+14155550150'] });
    const b = contact({ id: 'b', createdAt: '2025-01-01T00:00:00Z', emails: ['anna@orbit.com'] });
    expect(planCardContact(fields, [b, a], source).contactId).toBe('a');
    expect(planCardContact(fields, [a, b], source).contactId).toBe('a');
  });
});

describe('applyCardPlan', () => {
  const arbFields = fc.record({
    name: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined }),
    company: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined }),
    phones: fc.uniqueArray(fc.integer({ min: 1_000_000, max: 9_999_999 }).map((n) => `+1415${n}`), { maxLength: 3 }),
    emails: fc.uniqueArray(fc.emailAddress().map((e) => e.toLowerCase()), { maxLength: 3 }),
    websites: fc.constant([] as string[]),
  });

  it('keeps every existing value, adds every card value, and applying twice equals applying once', () => {
    fc.assert(
      fc.property(arbFields, arbFields, (existingFields, cardFields) => {
        const existing = contact({
          id: 'x',
          createdAt: '2024-01-01T00:00:00Z',
          phones: existingFields.phones,
          emails: existingFields.emails,
          ...(existingFields.name ? { name: existingFields.name } : {}),
        });
        const fields = JSON.parse(JSON.stringify(cardFields)) as CardContactFields;
        const plan = planCardContact(fields, [existing], source);
        const once = applyCardPlan(existing, plan);
        const twice = applyCardPlan(once, plan);
        expect(twice).toEqual(once);
        for (const p of [...existing.phones, ...fields.phones]) expect(once.phones).toContain(p);
        for (const e of [...existing.emails, ...fields.emails]) expect(once.emails).toContain(e);
        if (existing.name) expect(once.name).toBe(existing.name);
        else if (fields.name) expect(once.name).toBe(fields.name);
      }),
    );
  });
});
