// The system's state at a glance (GET /status, `wa status`, an admin's `/status`): queue depths and dead
// letters, the access token's validity and days left, the last inbound message, the Wazzup24 channels. Each
// part is read on its own and a part that cannot be read is reported in `errors`, never hiding the others.
import { assessToken, type TokenFacts } from '../token/token-health.js';

export interface QueueState {
  /** Messages waiting (ApproximateNumberOfMessages). */
  depth: number;
  /** Received and not yet deleted (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
  /** Age of the oldest waiting message, where the platform reports it. */
  oldestAgeSeconds?: number;
  /** Messages in the queue's dead-letter queue. */
  deadLetters: number;
}

export interface ChannelState {
  channelId: string;
  transport?: string;
  state: string;
  /** Wazzup24's `active`: the only state in which messages flow. */
  active: boolean;
}

export interface SystemStatus {
  /** True when nothing below needs a person: token valid, no dead letters, every channel active, every part read. */
  ok: boolean;
  queues: Record<string, QueueState>;
  /** `configured: false`: no Meta token at all (a Wazzup24-only system), which does not count against `ok`. */
  token: { valid: boolean; daysLeft?: number; neverExpires?: true; configured?: false; reason?: string };
  /** Newest inbound message time over all channels (ISO 8601). */
  lastInboundAt?: string;
  channels?: ChannelState[];
  /** Parts that could not be read, each with why. */
  errors?: { part: 'queues' | 'token' | 'lastInbound' | 'channels'; message: string }[];
}

export interface StatusSources {
  queues(): Promise<Record<string, QueueState>>;
  /** debug_token's answer for the configured token; undefined when no token is configured. */
  token(): Promise<TokenFacts | undefined>;
  /** Channel -> newest inbound time. */
  lastInbound(): Promise<Record<string, string>>;
  /** undefined when Wazzup24 is not configured. */
  channels?(): Promise<{ channelId: string; transport?: string; state: string }[] | undefined>;
}

export async function systemStatus(sources: StatusSources, now: Date): Promise<SystemStatus> {
  const errors: NonNullable<SystemStatus['errors']> = [];
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
  const [queues, token, inbound, channels] = await Promise.allSettled([
    sources.queues(),
    sources.token(),
    sources.lastInbound(),
    sources.channels ? sources.channels() : Promise.resolve(undefined),
  ]);

  const status: SystemStatus = { ok: false, queues: {}, token: { valid: false } };
  if (queues.status === 'fulfilled') status.queues = queues.value;
  else errors.push({ part: 'queues', message: message(queues.reason) });

  if (token.status === 'rejected') {
    errors.push({ part: 'token', message: message(token.reason) });
    status.token = { valid: false, reason: 'debug_token could not be asked' };
  } else if (!token.value) status.token = { valid: false, configured: false, reason: 'no access token is configured' };
  else {
    const health = assessToken(token.value, now);
    status.token = { valid: health.valid };
    if (health.neverExpires) status.token.neverExpires = true;
    else status.token.daysLeft = health.daysToExpiry;
    if (!health.valid && health.invalidReason) status.token.reason = health.invalidReason;
  }

  if (inbound.status === 'fulfilled') {
    const newest = Object.values(inbound.value).sort().at(-1);
    if (newest) status.lastInboundAt = newest;
  } else errors.push({ part: 'lastInbound', message: message(inbound.reason) });

  if (channels.status === 'fulfilled') {
    if (channels.value) status.channels = channels.value.map((c) => ({ ...c, active: c.state === 'active' }));
  } else errors.push({ part: 'channels', message: message(channels.reason) });

  if (errors.length) status.errors = errors;
  status.ok =
    !errors.length &&
    (status.token.valid || status.token.configured === false) &&
    Object.values(status.queues).every((q) => q.deadLetters === 0) &&
    (status.channels ?? []).every((c) => c.active);
  return status;
}
