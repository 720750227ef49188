import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../lambdas/domain/shared/model.js';
import { planWork } from '../../lambdas/domain/inbound/work-plan.js';
import { mapLimit } from '../../lambdas/domain/shared/map-limit.js';

const message = (over: Partial<InboundMessage>): InboundMessage => ({
  kind: 'message', channel: 'meta', id: 'wamid.1', phoneNumberId: '111', from: { waId: '996555123456' },
  timestamp: '2026-05-01T10:00:00.000Z', type: 'text', raw: {}, ...over,
});

describe('planWork', () => {
  it('turns a slash command into a command job', () => {
    expect(planWork(message({ text: ' /Start ref42 ' }), 'c1')).toEqual([
      { kind: 'command', command: 'start', args: 'ref42', messageId: 'wamid.1', contactId: 'c1', phoneNumberId: '111' },
    ]);
    expect(planWork(message({ text: 'hello /start' }), 'c1')).toEqual([]);
  });

  it('sends images and image/PDF documents to the card pipeline, not other media', () => {
    const media = { id: 'm1', mimeType: 'image/jpeg' };
    expect(planWork(message({ type: 'image', media }), 'c1')).toMatchObject([{ kind: 'card', media }, { kind: 'ack' }]);
    expect(planWork(message({ type: 'document', media: { id: 'm2', mimeType: 'application/pdf' } }), 'c1')).toHaveLength(2);
    expect(planWork(message({ type: 'document', media: { id: 'm3', mimeType: 'application/zip' } }), 'c1')).toEqual([]);
    expect(planWork(message({ type: 'audio', media: { id: 'm4' } }), 'c1')).toEqual([]);
  });

  it('acknowledges a card at once with its card job, for Meta and Wazzup24 alike, and nothing else', () => {
    const base = { messageId: 'wamid.1', contactId: 'c1', phoneNumberId: '111' };
    expect(planWork(message({ type: 'image', media: { id: 'm1', mimeType: 'image/jpeg' } }), 'c1')).toContainEqual({ kind: 'ack', what: 'card', ...base });
    const wazzup = message({ channel: 'wazzup24', type: 'image', media: { url: 'https://store.wazzup24.com/x.jpg' } });
    expect(planWork(wazzup, 'c1').map((j) => j.kind)).toEqual(['card', 'ack']);
    // An echo of the business's own photo is neither a card nor acknowledged; a command is not acknowledged.
    expect(planWork({ ...wazzup, echo: true }, 'c1')).toEqual([]);
    expect(planWork(message({ text: '/help' }), 'c1').map((j) => j.kind)).toEqual(['command']);
  });

  it('plans nothing without a contact to answer', () => {
    expect(planWork(message({ text: '/help' }), undefined)).toEqual([]);
  });
});

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and preserves order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('lets started calls settle, then rethrows the first failure', async () => {
    const settled: number[] = [];
    await expect(
      mapLimit([1, 2, 3], 3, async (n) => {
        await new Promise((r) => setTimeout(r, n * 5));
        settled.push(n);
        if (n === 1) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(settled.sort()).toEqual([1, 2, 3]);
  });
});
