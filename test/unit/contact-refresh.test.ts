import { describe, expect, it } from 'vitest';
import { sightingIsStored, type StoredProfile } from '../../lambdas/domain/shared/contact-refresh.js';
import type { ContactSighting } from '../../lambdas/domain/shared/ports.js';

const HOUR = 3_600_000;
const stored: StoredProfile = { waId: '996555123456', name: 'Aigul', phones: ['+996555123456'], lastInboundAt: '2026-05-01T10:00:00.000Z' };
const sighting = (inboundAt: string | undefined, user: ContactSighting['user'] = { waId: '996555123456', name: 'Aigul' }): ContactSighting => ({
  channel: 'meta',
  user,
  seenAt: '2026-05-01T12:00:00.000Z',
  ...(inboundAt ? { inboundAt } : {}),
});

describe('sightingIsStored', () => {
  it('a newer message within the refresh interval from an unchanged customer changes nothing', () => {
    expect(sightingIsStored(stored, sighting('2026-05-01T10:59:59.999Z'), HOUR)).toBe(true);
    expect(sightingIsStored(stored, sighting('2026-05-01T11:00:00.000Z'), HOUR)).toBe(true);
  });

  it('a newer message past the interval, or any newer one with no interval, is written', () => {
    expect(sightingIsStored(stored, sighting('2026-05-01T11:00:00.001Z'), HOUR)).toBe(false);
    expect(sightingIsStored(stored, sighting('2026-05-01T10:00:01.000Z'), 0)).toBe(false);
  });

  it('a newest message with a changed or new field is written; an older one only when it fills a gap', () => {
    expect(sightingIsStored(stored, sighting('2026-05-01T10:01:00.000Z', { waId: '996555123456', name: 'Aigul B' }), HOUR)).toBe(false);
    expect(sightingIsStored(stored, sighting('2026-05-01T10:01:00.000Z', { waId: '996555123456', userId: 'KG.1' }), HOUR)).toBe(false);
    expect(sightingIsStored(stored, sighting('2026-05-01T09:00:00.000Z', { waId: '996555123456', name: 'Old Name' }), HOUR)).toBe(true);
    expect(sightingIsStored(stored, sighting('2026-05-01T09:00:00.000Z', { waId: '996555123456', username: 'aigul' }), HOUR)).toBe(false);
  });

  it('statuses (no inbound time) fill gaps only; a missing phone or a first message is written', () => {
    expect(sightingIsStored(stored, sighting(undefined, { waId: '996555123456', name: 'Someone else' }), HOUR)).toBe(true);
    expect(sightingIsStored({ ...stored, phones: [] }, sighting(undefined), HOUR)).toBe(false);
    const { lastInboundAt: _, ...neverWrote } = stored;
    expect(sightingIsStored(neverWrote, sighting('2026-05-01T10:00:00.000Z'), HOUR)).toBe(false);
  });
});
