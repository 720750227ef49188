// Meta delivers statuses in no particular order and retries them, so the current status is computed from the
// whole history rather than from the last arrival: the same set of statuses always gives the same answer,
// whatever order (or how many times) they came in.
import type { ProviderError, StatusName } from '../shared/model.js';

export interface StatusEntry {
  status: StatusName;
  /** ISO 8601. */
  timestamp: string;
  errors?: ProviderError[];
}

// `played` is only sent for voice messages, after they were read (heard).
const progress: Readonly<Record<string, number>> = { accepted: 0, sent: 1, delivered: 2, read: 3, played: 4 };
/** Own keys only: a status named `toString` or `constructor` has no rank. */
const rank = (status: string): number | undefined => (Object.hasOwn(progress, status) ? progress[status] : undefined);

/** Whether two entries are the same event (a redelivery): same status name and same time. */
export function sameStatusEvent(a: StatusEntry, b: StatusEntry): boolean {
  return a.status === b.status && a.timestamp === b.timestamp;
}

/** The history with `entry` added once, sorted by timestamp; `added` is false for a redelivered status. */
export function addStatus<T extends StatusEntry>(history: readonly T[], entry: T): { history: T[]; added: boolean } {
  if (history.some((h) => sameStatusEvent(h, entry))) return { history: sortHistory(history), added: false };
  return { history: sortHistory([...history, entry]), added: true };
}

export function sortHistory<T extends StatusEntry>(history: readonly T[]): T[] {
  // By time, then by progress so `sent` precedes `delivered` within one second, then by name so statuses
  // without a rank (`failed`, names Meta adds later) keep one order whatever order they arrived in.
  return [...history].sort(
    (a, b) =>
      a.timestamp.localeCompare(b.timestamp) ||
      (rank(a.status) ?? 99) - (rank(b.status) ?? 99) ||
      (a.status < b.status ? -1 : a.status > b.status ? 1 : 0),
  );
}

/**
 * The status a message is in, given everything Meta said about it:
 * - read or played (the customer saw it) wins over everything, a later `failed` included: it is kept in history;
 * - otherwise `failed` is terminal: an earlier-timestamped or late-arriving `sent`/`delivered` does not undo it;
 * - otherwise the furthest of accepted < sent < delivered (a `delivered` after `read` never moves it back);
 * - statuses Meta adds later (unknown names) count only when nothing known is there: then the newest one.
 */
export function currentStatus(history: readonly StatusEntry[]): StatusName | undefined {
  let best: string | undefined;
  let failed = false;
  for (const { status } of history) {
    if (status === 'failed') failed = true;
    const r = rank(status);
    if (r !== undefined && (best === undefined || r > (rank(best) ?? -1))) best = status;
  }
  if (best !== undefined && (rank(best) ?? 0) >= (rank('read') ?? 3)) return best;
  if (failed) return 'failed';
  if (best !== undefined) return best;
  return sortHistory(history).at(-1)?.status;
}

/** Newest entries a history keeps besides the first of each known status (see boundHistory). */
export const STATUS_HISTORY_LAST = 20;
const KEPT_FIRSTS = new Set([...Object.keys(progress), 'failed']);

/**
 * The history a message item keeps: the first entry of each known status (when it was sent, delivered, read,
 * failed) and the newest STATUS_HISTORY_LAST entries. Meta can send any number of statuses for one message
 * (repeated reads, names it adds later), and a message item must stay far below DynamoDB's 400 KB.
 * `currentStatus` of the bounded history equals that of the full one: it depends on which known statuses occur
 * (each keeps its first) and, with none, on the newest entry (kept).
 */
export function boundHistory<T extends StatusEntry>(history: readonly T[], last = STATUS_HISTORY_LAST): T[] {
  const sorted = sortHistory(history);
  const keep = new Set<number>();
  const seen = new Set<string>();
  sorted.forEach((entry, i) => {
    if (KEPT_FIRSTS.has(entry.status) && !seen.has(entry.status)) {
      seen.add(entry.status);
      keep.add(i);
    }
    if (i >= sorted.length - last) keep.add(i);
  });
  return sorted.filter((_, i) => keep.has(i));
}
