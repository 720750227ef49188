import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addStatus, boundHistory, currentStatus, sortHistory, type StatusEntry } from '../../lambdas/domain/inbound/status-order.js';

const e = (status: string, second: number): StatusEntry => ({ status, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString() });

describe('currentStatus', () => {
  it.each([
    [[], undefined],
    [[e('sent', 1)], 'sent'],
    [[e('sent', 1), e('delivered', 2)], 'delivered'],
    [[e('read', 3), e('delivered', 2)], 'read'],
    [[e('sent', 1), e('read', 3)], 'read'], // Meta may skip delivered
    [[e('read', 3), e('played', 4)], 'played'],
    [[e('accepted', 0), e('sent', 1)], 'sent'],
    [[e('sent', 1), e('failed', 2)], 'failed'],
    [[e('failed', 2), e('sent', 1), e('delivered', 3)], 'failed'],
    [[e('read', 3), e('failed', 4)], 'read'],
    [[e('failed', 1), e('read', 3)], 'read'],
    [[e('sent', 1), e('deleted', 5)], 'sent'], // a status Meta adds later does not displace a known one
    [[e('warning', 1), e('deleted', 5)], 'deleted'],
    [[e('toString', 1), e('sent', 2)], 'sent'], // names of Object.prototype are unknown statuses, not ranks
    [[e('constructor', 3), e('delivered', 2)], 'delivered'],
  ] as [StatusEntry[], string | undefined][])('%j -> %s', (history, expected) => {
    expect(currentStatus(history)).toBe(expected);
  });

  const entry = fc.record({
    status: fc.constantFrom('accepted', 'sent', 'delivered', 'read', 'played', 'failed', 'deleted'),
    timestamp: fc.integer({ min: 0, max: 59 }).map((s) => e('x', s).timestamp),
  });

  it('depends only on the set of statuses: any order and any redelivery give the same answer', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.func(fc.integer()), (entries, key) => {
        let inOrder: StatusEntry[] = [];
        for (const x of entries) inOrder = addStatus(inOrder, x).history;
        const shuffled = [...entries, ...entries].sort((a, b) => key(a) - key(b));
        let other: StatusEntry[] = [];
        for (const x of shuffled) other = addStatus(other, x).history;
        expect(other).toEqual(inOrder);
        expect(currentStatus(other)).toBe(currentStatus(inOrder));
      }),
    );
  });

  it('never moves back along sent < delivered < read < played once reached', () => {
    const order = ['sent', 'delivered', 'read', 'played'];
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.constantFrom('sent', 'delivered', 'read', 'played'), (entries, extra) => {
        const before = currentStatus(entries);
        const after = currentStatus([...entries, e(extra, 0)]);
        if (before && order.includes(before) && after && order.includes(after)) {
          expect(order.indexOf(after)).toBeGreaterThanOrEqual(order.indexOf(before));
        }
        if (before === 'read' || before === 'played') expect(['read', 'played']).toContain(after);
      }),
    );
  });
});

describe('addStatus', () => {
  it('adds once and reports a redelivery', () => {
    const first = addStatus([], e('sent', 1));
    expect(first.added).toBe(true);
    const again = addStatus(first.history, e('sent', 1));
    expect(again).toEqual({ history: [e('sent', 1)], added: false });
    expect(addStatus(first.history, e('sent', 2)).added).toBe(true);
  });

  it('keeps the history in time order, progress order within one second', () => {
    expect(sortHistory([e('read', 5), e('delivered', 5), e('sent', 1)]).map((x) => x.status)).toEqual(['sent', 'delivered', 'read']);
  });
});

describe('boundHistory', () => {
  const many = fc.record({
    status: fc.constantFrom('accepted', 'sent', 'delivered', 'read', 'played', 'failed', 'deleted', 'warning'),
    timestamp: fc.integer({ min: 0, max: 59 }).map((s) => e('x', s).timestamp),
  });

  it('keeps the first of each known status and the newest ones, and never changes the current status', () => {
    fc.assert(
      fc.property(fc.array(many, { maxLength: 80 }), fc.integer({ min: 1, max: 10 }), (entries, last) => {
        let full: StatusEntry[] = [];
        for (const x of entries) full = addStatus(full, x).history;
        const bounded = boundHistory(full, last);
        expect(bounded.length).toBeLessThanOrEqual(last + 6);
        expect(currentStatus(bounded)).toBe(currentStatus(full));
        expect(bounded.slice(-Math.min(last, full.length))).toEqual(full.slice(-last));
        for (const name of ['accepted', 'sent', 'delivered', 'read', 'played', 'failed']) {
          expect(bounded.find((x) => x.status === name)).toEqual(full.find((x) => x.status === name));
        }
      }),
    );
  });
});
