import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEND_KINDS, WINDOW_MS, checkSendAllowed, windowState, type SendKind } from '../../lambdas/domain/outbound/window.js';

const LAST = '2026-03-05T14:05:09.000Z';
const lastMs = Date.parse(LAST);
const at = (offsetMs: number) => new Date(lastMs + offsetMs);

describe('windowState', () => {
  it('is open just after an inbound message and says when it closes', () => {
    expect(windowState(LAST, at(60_000))).toEqual({ open: true, closesAt: '2026-03-06T14:05:09.000Z', lastInboundAt: LAST });
  });

  it('is still open 1 ms before 24 h and closed at exactly 24 h (strict <)', () => {
    expect(windowState(LAST, at(WINDOW_MS - 1)).open).toBe(true);
    expect(windowState(LAST, at(WINDOW_MS))).toEqual({ open: false, closedAt: '2026-03-06T14:05:09.000Z', lastInboundAt: LAST });
  });

  it('is closed 25 hours later', () => {
    expect(windowState(LAST, at(25 * 3600_000)).open).toBe(false);
  });

  it('is closed for a contact who never wrote', () => {
    expect(windowState(undefined, new Date())).toEqual({ open: false });
    expect(windowState('', new Date())).toEqual({ open: false });
  });

  it('treats a last inbound time slightly in the future (clock skew) as open', () => {
    expect(windowState(LAST, at(-5_000))).toMatchObject({ open: true, closesAt: '2026-03-06T14:05:09.000Z' });
  });

  it('normalises offsets: the same instant written with +03:00 gives the same window', () => {
    expect(windowState('2026-03-05T17:05:09+03:00', at(1))).toEqual(windowState(LAST, at(1)));
  });

  it('rejects a timestamp that is not ISO 8601 and an invalid now, naming the problem', () => {
    expect(() => windowState('1741183509', new Date())).toThrow(/lastInboundAt is not an ISO 8601 timestamp: "1741183509"/);
    expect(() => windowState('2026-13-45T99:00:00Z', new Date())).toThrow(/ISO 8601/);
    expect(() => windowState(LAST, new Date('nope'))).toThrow(/invalid Date/);
  });

  it('property: open exactly when 0 <= now - last < 24 h (and for any earlier now)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -WINDOW_MS, max: 3 * WINDOW_MS }), (offset) => {
        const state = windowState(LAST, at(offset));
        expect(state.open).toBe(offset < WINDOW_MS);
        if (state.open) expect(Date.parse(state.closesAt!) - lastMs).toBe(WINDOW_MS);
        else expect(Date.parse(state.closedAt!) - lastMs).toBe(WINDOW_MS);
      }),
    );
  });

  it('property: the boundary holds for any last-inbound instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (last) => {
        const iso = last.toISOString();
        expect(windowState(iso, new Date(last.getTime() + WINDOW_MS - 1)).open).toBe(true);
        expect(windowState(iso, new Date(last.getTime() + WINDOW_MS)).open).toBe(false);
      }),
    );
  });
});

describe('checkSendAllowed', () => {
  const open = windowState(LAST, at(1000));
  const closed = windowState(LAST, at(25 * 3600_000));
  const never = windowState(undefined, at(0));

  it('allows every kind while the window is open', () => {
    for (const kind of SEND_KINDS) expect(checkSendAllowed(kind, open)).toEqual({ ok: true });
  });

  it('allows templates and read receipts whatever the window', () => {
    for (const w of [closed, never]) {
      expect(checkSendAllowed('template', w)).toEqual({ ok: true });
      expect(checkSendAllowed('read', w)).toEqual({ ok: true });
    }
  });

  it.each(['text', 'media', 'interactive', 'reaction'] as const)('refuses free-form %s when closed, with a template hint', (kind) => {
    const got = checkSendAllowed(kind, closed, { to: '+996555123456' });
    expect(got).toEqual({
      ok: false,
      code: 'window_closed',
      hint:
        `The 24-hour customer service window is closed, so a free-form ${kind} message cannot be sent. ` +
        'The customer last wrote at 2026-03-05T14:05:09.000Z; the window closed at 2026-03-06T14:05:09.000Z. ' +
        'Send an approved template message instead; when the customer replies, the window opens again. ' +
        'For example: npx wa send --to +996555123456 --template NAME --lang ru',
    });
  });

  it('says so when the customer never wrote, and quotes a recipient with spaces for the shell', () => {
    const got = checkSendAllowed('text', never, { to: "+7 916 123-45-67 'x'" });
    expect(got.ok).toBe(false);
    if (got.ok) return;
    expect(got.hint).toContain('The customer has never written to this number.');
    expect(got.hint).toContain(`--to '+7 916 123-45-67 '\\''x'\\''' --template NAME --lang ru`);
    expect(checkSendAllowed('media', never).ok === false && checkSendAllowed('media', never)).toMatchObject({
      hint: expect.stringContaining('--to <number> --template NAME'),
    });
  });

  it('rejects an unknown kind rather than letting it through', () => {
    expect(() => checkSendAllowed('sticker' as SendKind, open)).toThrow(/Unknown send kind "sticker"/);
  });
});
