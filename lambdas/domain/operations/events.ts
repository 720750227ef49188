// Webhook changes that are not messages (template, quality, account, calls, … updates): how they are listed,
// and which of them need a person. Pure.
import { ACCOUNT_ALERT_VALUES, NUMBER_ALERT_VALUES, TEMPLATE_ALERT_VALUES } from '../shared/metric-catalog.js';
import type { AccountEvent } from '../shared/model.js';

/** One stored event as GET /events shows it. */
export interface StoredEvent {
  /** Meta's `changes[].field` (`message_template_status_update`, `account_update`, `calls`, …) or a Wazzup24 kind. */
  field: string;
  /** ISO 8601: when the webhook stored it. */
  receivedAt: string;
  /** The change's `value` exactly as delivered. */
  value: unknown;
  channel?: string;
  accountId?: string;
  phoneNumberId?: string;
  /** ISO 8601, when the provider gave a time. */
  timestamp?: string;
  /** The value was too large to keep whole: `value` is the stored prefix, as text. */
  truncated?: true;
}

export interface EventPage {
  items: StoredEvent[];
  nextCursor?: string;
}

export interface EventLog {
  /** Newest first (by the provider's time when it gave one, else when received); `field` keeps one field only. An invalid cursor throws InvalidCursor. */
  list(page: { limit: number; cursor?: string; field?: string }): Promise<EventPage>;
}

/** Template states that stop (or block) sends using it. */
export const TEMPLATE_ALERT_STATES = TEMPLATE_ALERT_VALUES;
/** Number states that put sending at risk: quality RED, or the number FLAGGED. */
export const NUMBER_ALERT_STATES = NUMBER_ALERT_VALUES;
/** Account events that restrict or end sending. */
export const ACCOUNT_ALERT_STATES = ACCOUNT_ALERT_VALUES;

export type EventAlert =
  | { metric: 'TemplateAlerts'; state: (typeof TEMPLATE_ALERT_STATES)[number] }
  | { metric: 'NumberQualityAlerts'; state: (typeof NUMBER_ALERT_STATES)[number] }
  | { metric: 'AccountAlerts'; state: (typeof ACCOUNT_ALERT_STATES)[number] };

/** The alerts one event raises (none for most). Values are matched case-insensitively; Meta sends upper case. */
export function eventAlerts(event: Pick<AccountEvent, 'field' | 'raw'>): EventAlert[] {
  const value = typeof event.raw === 'object' && event.raw !== null ? (event.raw as Record<string, unknown>) : {};
  const upper = (k: string) => (typeof value[k] === 'string' ? (value[k] as string).toUpperCase() : undefined);
  const is = <T extends string>(list: readonly T[], v: string | undefined): v is T => v !== undefined && (list as readonly string[]).includes(v);
  const out: EventAlert[] = [];
  switch (event.field) {
    case 'message_template_status_update': {
      const state = upper('event');
      if (is(TEMPLATE_ALERT_STATES, state)) out.push({ metric: 'TemplateAlerts', state });
      break;
    }
    case 'phone_number_quality_update': {
      // Older payloads say `event: FLAGGED`; a quality field (where present) says RED.
      const state = upper('event');
      if (state === 'FLAGGED') out.push({ metric: 'NumberQualityAlerts', state: 'FLAGGED' });
      const quality = upper('quality_rating') ?? upper('current_quality_rating') ?? upper('new_quality_rating');
      if (quality === 'RED') out.push({ metric: 'NumberQualityAlerts', state: 'RED' });
      break;
    }
    case 'account_update': {
      const state = upper('event');
      if (is(ACCOUNT_ALERT_STATES, state)) out.push({ metric: 'AccountAlerts', state });
      break;
    }
  }
  return out;
}
