// The webhook's use case: persist everything a parsed delivery holds, exactly once, then hand off work.
// It returns only when every write has succeeded; any failure propagates so the caller answers 500 and
// Meta redelivers, and the idempotent writes make that retry store each item once.
import { eventAlerts, type EventAlert } from '../operations/events.js';
import { identityKey } from '../shared/contact-identity.js';
import { mapLimit } from '../shared/map-limit.js';
import type { MetricSink } from '../shared/metric-catalog.js';
import type { Channel, ParsedDelivery, ProviderUser } from '../shared/model.js';
import type { ContactStore, DeliveryArchive, MessageStore, PutOutcome, WorkJob, WorkSink } from '../shared/ports.js';
import { planWork } from './work-plan.js';

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
  statuses: Tally;
  events: Tally;
  jobs: number;
}

export async function ingestDelivery(delivery: ParsedDelivery, deps: IngestDeps): Promise<IngestSummary> {
  const receivedAt = (deps.now?.() ?? new Date()).toISOString();
  const limit = deps.concurrency ?? 8;
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
  const statusOutcomes = await mapLimit(delivery.statuses, limit, async (status) => {
    const contactId = await contactFor(status.channel, status.recipient);
    return deps.messages.applyStatus(status, contactId);
  });
  const eventOutcomes = await mapLimit(delivery.events, limit, (event) => deps.archive.recordEvent(event, receivedAt));

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
    // A redelivered event raised its alert the first time.
    delivery.events.forEach((event, i) => {
      if (eventOutcomes[i] !== 'stored') return;
      for (const alert of eventAlerts(event)) if (deps.metrics) emitAlert(deps.metrics, alert);
    });
  }

  return {
    messages: tally(messageOutcomes),
    statuses: tally(statusOutcomes),
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

function tally(outcomes: readonly PutOutcome[]): Tally {
  return {
    stored: outcomes.filter((o) => o === 'stored').length,
    duplicate: outcomes.filter((o) => o === 'duplicate').length,
  };
}
