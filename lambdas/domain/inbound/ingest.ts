// The webhook's use case: persist everything a parsed delivery holds, exactly once, then hand off work.
// It returns only when every write has succeeded; any failure propagates so the caller answers 500 and
// Meta redelivers, and the idempotent writes make that retry store each item once.
import { eventAlerts, type EventAlert } from '../operations/events.js';
import { identityKey } from '../shared/contact-identity.js';
import { mapLimit } from '../shared/map-limit.js';
import type { MetricSink } from '../shared/metric-catalog.js';
import type { Channel, ParsedDelivery, ProviderUser, StatusUpdate } from '../shared/model.js';
import { UnstorableStatus, type ContactStore, type DeliveryArchive, type MessageStore, type PutOutcome, type WorkJob, type WorkSink } from '../shared/ports.js';
import { unstoredStatusEvent } from './status-entry.js';
import { planWork } from './work-plan.js';
import { callerOf } from './meta-calls.js';

/**
 * Messages (and status groups, events) written at once. Each message is a short chain of calls (the contact's
 * alias lookup and writes, then the message put), so DynamoDB sees about this many requests in flight: at its
 * few milliseconds a call, a 1,000-message delivery (Meta's largest batch) takes about 1,000 x 4 calls x 10 ms
 * / 32 = 1.3 s instead of 5 s at the old 8, well inside the webhook's 10 s; the SDK's 50 sockets are not exceeded.
 */
export const INGEST_CONCURRENCY = 32;

export interface IngestDeps {
  contacts: ContactStore;
  messages: MessageStore;
  archive: DeliveryArchive;
  /** Absent until a queue is configured: then no work is planned or sent. */
  work?: WorkSink;
  now?: () => Date;
  /** Writes in flight at once: a 1000-update batch must fit Lambda's timeout without flooding DynamoDB. */
  concurrency?: number;
  /** InboundMessages by type, Statuses by state, DuplicatesSkipped: emitted once per delivery, after persistence. */
  metrics?: MetricSink;
  /** Remembers the newest inbound message time per channel (GET /status `lastInboundAt`). */
  heartbeat?: InboundHeartbeat;
}

export interface InboundHeartbeat {
  /** Moves the channel's last inbound time forward to `at` (never back). */
  inbound(channel: Channel, at: string): Promise<void>;
}

export interface Tally {
  stored: number;
  duplicate: number;
}

export interface IngestSummary {
  messages: Tally;
  /** `parked`: statuses the store refused for good, kept as `statuses.unstored` events (only when any). */
  statuses: Tally & { parked?: number };
  events: Tally;
  jobs: number;
}

/**
 * The summary without its zero counts, for the one log line each delivery writes: most deliveries hold one message
 * or one status, and a line per delivery is a measurable part of what a message costs (README "What it costs").
 */
export function summaryForLog(summary: IngestSummary): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(summary)) {
    if (typeof value === 'number') {
      if (value) out[key] = value;
      continue;
    }
    const counts = Object.fromEntries(Object.entries(value as Record<string, number>).filter(([, n]) => n));
    if (Object.keys(counts).length) out[key] = counts;
  }
  return out;
}

export async function ingestDelivery(delivery: ParsedDelivery, deps: IngestDeps): Promise<IngestSummary> {
  const receivedAt = (deps.now?.() ?? new Date()).toISOString();
  const limit = deps.concurrency ?? INGEST_CONCURRENCY;
  // One resolution per user per delivery: a batch of 50 messages from one customer upserts the contact once
  // per distinct inbound time, not once per item racing itself.
  const resolving = new Map<string, Promise<string | undefined>>();
  const contactFor = (channel: Channel, user: ProviderUser, inboundAt?: string): Promise<string | undefined> => {
    const key = identityKey(channel, user);
    if (!key) return Promise.resolve(undefined);
    const memo = `${key}|${inboundAt ?? ''}`;
    let pending = resolving.get(memo);
    if (!pending) {
      pending = deps.contacts.upsert({ channel, user, seenAt: receivedAt, ...(inboundAt ? { inboundAt } : {}) });
      resolving.set(memo, pending);
    }
    return pending;
  };

  const jobs: WorkJob[] = [];
  const messageOutcomes = await mapLimit(delivery.messages, limit, async (message) => {
    // An echo (the business writing) must not open the 24-hour window: only the customer's messages do.
    const outbound = message.echo === true || message.direction === 'out';
    const contactId = await contactFor(message.channel, message.from, outbound ? undefined : message.timestamp);
    const outcome = await deps.messages.putInbound(message, contactId, receivedAt);
    if (deps.work) jobs.push(...planWork(message, contactId));
    return outcome;
  });
  const statusOutcomes = await applyStatuses(delivery.statuses, contactFor, { limit, receivedAt, deps });
  const eventOutcomes = await mapLimit(delivery.events, limit, async (event) => {
    // A customer's call opens the 24-hour window as their message does.
    const caller = callerOf(event);
    if (caller) await contactFor(event.channel, caller.user, caller.at);
    return deps.archive.recordEvent(event, receivedAt);
  });

  if (deps.heartbeat) {
    const newest = new Map<Channel, string>();
    // Duplicates count too: a first attempt that stored the message may have died before this write.
    delivery.messages.forEach((m) => {
      if (m.echo === true || m.direction === 'out') return;
      if (m.timestamp > (newest.get(m.channel) ?? '')) newest.set(m.channel, m.timestamp);
    });
    for (const [channel, at] of newest) await deps.heartbeat.inbound(channel, at);
  }

  // After persistence, so a job never refers to a message that is not stored. Duplicates enqueue again
  // (the first attempt may have died between storing and enqueueing); consumers dedupe by message id.
  if (deps.work && jobs.length) await deps.work.enqueue(jobs);

  if (deps.metrics) {
    emitDeliveryMetrics(deps.metrics, {
      messageTypes: delivery.messages.filter((_, i) => messageOutcomes[i] === 'stored').map((m) => m.type),
      statusStates: delivery.statuses.filter((_, i) => statusOutcomes[i] === 'stored').map((s) => s.status),
      duplicates: [...messageOutcomes, ...statusOutcomes, ...eventOutcomes].filter((o) => o === 'duplicate').length,
    });
    const parked = statusOutcomes.filter((o) => o === 'parked').length;
    if (parked) deps.metrics.emit('UnstoredStatuses', parked);
    // A redelivered event raised its alert the first time.
    delivery.events.forEach((event, i) => {
      if (eventOutcomes[i] !== 'stored') return;
      for (const alert of eventAlerts(event)) if (deps.metrics) emitAlert(deps.metrics, alert);
    });
  }

  return {
    messages: tally(messageOutcomes),
    statuses: { ...tally(statusOutcomes), ...(statusOutcomes.includes('parked') ? { parked: statusOutcomes.filter((o) => o === 'parked').length } : {}) },
    events: tally(eventOutcomes),
    jobs: jobs.length,
  };
}

/** One data point per distinct type and state (a batch of 100 texts is one InboundMessages=100 point). */
function emitDeliveryMetrics(
  sink: MetricSink,
  counts: { messageTypes: readonly string[]; statusStates: readonly string[]; duplicates: number },
): void {
  for (const [type, n] of countBy(counts.messageTypes)) sink.emit('InboundMessages', n, { type });
  for (const [state, n] of countBy(counts.statusStates)) sink.emit('Statuses', n, { state });
  if (counts.duplicates) sink.emit('DuplicatesSkipped', counts.duplicates);
}

function emitAlert(sink: MetricSink, alert: EventAlert): void {
  switch (alert.metric) {
    case 'TemplateAlerts':
      return sink.emit('TemplateAlerts', 1, { state: alert.state });
    case 'NumberQualityAlerts':
      return sink.emit('NumberQualityAlerts', 1, { state: alert.state });
    case 'AccountAlerts':
      return sink.emit('AccountAlerts', 1, { state: alert.state });
  }
}

function countBy(values: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

type StatusOutcome = PutOutcome | 'parked';

/**
 * Statuses grouped by message id, each group applied in one store write (no two writes of one delivery race for
 * the same item), groups in parallel. A group the store refuses for good (the item cannot grow) is parked as
 * events and counted, so it cannot fail the rest of the delivery on every redelivery; any other failure is
 * rethrown once every group has settled, so the caller answers 500 and Meta retries.
 */
async function applyStatuses(
  statuses: readonly StatusUpdate[],
  contactFor: (channel: Channel, user: ProviderUser) => Promise<string | undefined>,
  { limit, receivedAt, deps }: { limit: number; receivedAt: string; deps: IngestDeps },
): Promise<StatusOutcome[]> {
  const groups = new Map<string, number[]>();
  statuses.forEach((s, i) => {
    const key = `${s.channel}|${s.messageId}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const outcomes = new Array<StatusOutcome>(statuses.length);
  await mapLimit([...groups.values()], limit, async (indexes) => {
    const updates = indexes.map((i) => statuses[i] as StatusUpdate);
    const contactIds = await Promise.all(updates.map((u) => contactFor(u.channel, u.recipient)));
    let results: StatusOutcome[];
    try {
      results = await deps.messages.applyStatuses(updates, contactIds.find((c) => c !== undefined));
    } catch (error) {
      if (!(error instanceof UnstorableStatus)) throw error;
      await mapLimit(updates, limit, (u) => deps.archive.recordEvent(unstoredStatusEvent(u, error.message), receivedAt));
      results = updates.map(() => 'parked');
    }
    indexes.forEach((index, k) => (outcomes[index] = results[k] ?? 'duplicate'));
  });
  return outcomes;
}

function tally(outcomes: readonly StatusOutcome[]): Tally {
  return {
    stored: outcomes.filter((o) => o === 'stored').length,
    duplicate: outcomes.filter((o) => o === 'duplicate').length,
  };
}
