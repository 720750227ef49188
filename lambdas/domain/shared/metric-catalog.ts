// Every custom metric the system emits, declared once. The emitters (through `MetricSink`), the dashboard,
// the alarms and the tests all read this table, so a metric cannot exist on one side only.
//
// Dimensions are kept to low-cardinality values (a message type, a status, a result, a Graph error code):
// every distinct combination is a separate CloudWatch metric, billed and listed on its own. Never put an
// id, a phone number or free text in a dimension. EMF (Powertools) also adds the `service` dimension to
// every metric with the constant METRIC_SERVICE, so the same metric from several functions adds up.

export const METRIC_NAMESPACE = 'WhatsAppBusiness';
/** Value of the `service` dimension Powertools puts on every metric. */
export const METRIC_SERVICE = 'whatsapp';
/** The dimension every metric carries in addition to its own. */
export const SERVICE_DIMENSION = 'service';

export type MetricUnitName = 'Count' | 'Milliseconds' | 'None';
/** Dashboard rows, top to bottom. */
export const DASHBOARD_ROWS = ['traffic', 'health', 'cards', 'outbound', 'token'] as const;
export type DashboardRow = (typeof DASHBOARD_ROWS)[number];

export interface MetricSpec {
  readonly unit: MetricUnitName;
  /** Dimension names besides `service`, in EMF order. */
  readonly dimensions: readonly string[];
  /** What one data point means. */
  readonly description: string;
  readonly row: DashboardRow;
  /** Statistics the dashboard shows (`Sum` for counts, percentiles for times, `Minimum` for gauges). */
  readonly stats: readonly string[];
  /** Closed sets of dimension values: the dashboard graphs exactly these; an open dimension is searched. */
  readonly values?: Readonly<Record<string, readonly string[]>>;
  /** Aggregation period on the dashboard and in alarms (default 5 minutes; a daily metric uses a day). */
  readonly periodMinutes?: number;
  /** Who emits it (documentation; the emission test checks the source). */
  readonly emittedBy: string;
}

export const CARD_RESULTS = ['qr', 'ocr', 'failed'] as const;
export type CardResult = (typeof CARD_RESULTS)[number];
/** `sent`: Graph accepted it; `failed`: a permanent error or retries exhausted; `rejected`: refused before any
 *  Graph call (outside the 24-hour window without a template, invalid message). Retries count in GraphRetries. */
export const OUTBOUND_RESULTS = ['sent', 'failed', 'rejected'] as const;
export type OutboundResult = (typeof OUTBOUND_RESULTS)[number];
/** Graph codes that page someone: 190 the access token is invalid or expired, 368 the account is blocked. */
export const PAGING_GRAPH_CODES = ['190', '368'] as const;

/** States of the account alerts: domain/operations/events.ts decides which webhook raises which. */
export const TEMPLATE_ALERT_VALUES = ['PAUSED', 'DISABLED', 'REJECTED'] as const;
export const NUMBER_ALERT_VALUES = ['RED', 'FLAGGED'] as const;
export const ACCOUNT_ALERT_VALUES = ['ACCOUNT_RESTRICTION', 'ACCOUNT_VIOLATION', 'DISABLED_UPDATE', 'ACCOUNT_DELETED', 'ACCOUNT_OFFBOARDED'] as const;

export const METRICS = {
  InboundMessages: {
    unit: 'Count',
    dimensions: ['type'],
    description: 'Inbound messages stored for the first time, by Meta message type (text, image, ...)',
    row: 'traffic',
    stats: ['Sum'],
    emittedBy: 'webhook (domain/inbound/ingest.ts)',
  },
  Statuses: {
    unit: 'Count',
    dimensions: ['state'],
    description: 'Delivery status updates applied for the first time, by state (sent, delivered, read, failed)',
    row: 'traffic',
    stats: ['Sum'],
    emittedBy: 'webhook (domain/inbound/ingest.ts)',
  },
  DuplicatesSkipped: {
    unit: 'Count',
    dimensions: [],
    description: 'Messages, statuses and events Meta delivered again and the store skipped',
    row: 'traffic',
    stats: ['Sum'],
    emittedBy: 'webhook (domain/inbound/ingest.ts)',
  },
  UnstoredStatuses: {
    unit: 'Count',
    dimensions: [],
    description: 'Statuses the messages table refused for good (the message item cannot grow), parked as `statuses.unstored` events',
    row: 'traffic',
    stats: ['Sum'],
    emittedBy: 'webhook (domain/inbound/ingest.ts)',
  },
  SignatureRejections: {
    unit: 'Count',
    dimensions: [],
    description: 'POST deliveries refused with 401 (missing, malformed or wrong X-Hub-Signature-256)',
    row: 'traffic',
    stats: ['Sum'],
    emittedBy: 'webhook (handlers/webhook.ts)',
  },
  QuarantinedDeliveries: {
    unit: 'Count',
    dimensions: [],
    description: 'Signed deliveries that could not be parsed and were stored raw for a person to look at',
    row: 'traffic',
    stats: ['Sum'],
    emittedBy: 'webhook (handlers/webhook.ts)',
  },
  ColdStart: {
    unit: 'Count',
    dimensions: ['function_name'],
    description: 'First invocation of a new Lambda execution environment, per function',
    row: 'health',
    stats: ['Sum'],
    emittedBy: 'every Lambda (Powertools logMetrics middleware: adapters/runtime/metrics.ts metricsMiddleware())',
  },
  CardResults: {
    unit: 'Count',
    dimensions: ['result'],
    description: 'Business card photos processed: read from a QR code, read by OCR, or failed after the last retry',
    row: 'cards',
    stats: ['Sum'],
    values: { result: CARD_RESULTS },
    emittedBy: 'card-worker',
  },
  CardEndToEndTime: {
    unit: 'Milliseconds',
    dimensions: [],
    description: 'Time from the inbound image message to the contact saved and the reply queued',
    row: 'cards',
    stats: ['p50', 'p99'],
    emittedBy: 'card-worker',
  },
  Outbound: {
    unit: 'Count',
    dimensions: ['result', 'code'],
    description: 'Outbound messages by final result (sent, failed, rejected) and Graph error code (`none` when sent)',
    row: 'outbound',
    stats: ['Sum'],
    values: { result: OUTBOUND_RESULTS },
    emittedBy: 'sender (send Lambda and POST /messages)',
  },
  GraphErrors: {
    unit: 'Count',
    dimensions: ['code'],
    description: 'Graph API calls that ended in an error, by Meta error code (-1 transport, -2 HTTP without a Graph body)',
    row: 'outbound',
    stats: ['Sum'],
    emittedBy: 'every Graph caller (adapters/meta/graph-client.ts)',
  },
  GraphRetries: {
    unit: 'Count',
    dimensions: [],
    description: 'Graph calls repeated: after a token refresh (190), a stale media URL, or a retryable error',
    row: 'outbound',
    stats: ['Sum'],
    emittedBy: 'adapters/meta/graph-client.ts and the sender retry loop',
  },
  WazzupChannelActive: {
    unit: 'None',
    dimensions: [],
    description: '1 when a Wazzup24 channelsUpdates webhook says the channel is `active`, 0 for any other state (qr, phoneUnavailable, notEnoughMoney, ...)',
    row: 'health',
    stats: ['Minimum'],
    emittedBy: 'wazzup-webhook (handlers/wazzup-webhook.ts)',
  },
  TemplateAlerts: {
    unit: 'Count',
    dimensions: ['state'],
    description: 'message_template_status_update webhooks saying a template became PAUSED, DISABLED or REJECTED (sends with it fail)',
    row: 'health',
    stats: ['Sum'],
    values: { state: TEMPLATE_ALERT_VALUES },
    emittedBy: 'webhook (domain/inbound/ingest.ts, domain/operations/events.ts)',
  },
  NumberQualityAlerts: {
    unit: 'Count',
    dimensions: ['state'],
    description: 'phone_number_quality_update webhooks saying the number is FLAGGED or its quality dropped to RED',
    row: 'health',
    stats: ['Sum'],
    values: { state: NUMBER_ALERT_VALUES },
    emittedBy: 'webhook (domain/inbound/ingest.ts, domain/operations/events.ts)',
  },
  AccountAlerts: {
    unit: 'Count',
    dimensions: ['state'],
    description: 'account_update webhooks that restrict or end sending (restriction, violation, ban, deletion, offboarding)',
    row: 'health',
    stats: ['Sum'],
    values: { state: ACCOUNT_ALERT_VALUES },
    emittedBy: 'webhook (domain/inbound/ingest.ts, domain/operations/events.ts)',
  },
  TokenDaysToExpiry: {
    unit: 'None',
    dimensions: [],
    description: 'Days until the Meta access token expires (the daily token-watch run; a very large number means never)',
    row: 'token',
    stats: ['Minimum'],
    periodMinutes: 1440,
    emittedBy: 'token-watch',
  },
  TokenValid: {
    unit: 'None',
    dimensions: [],
    description: '1 when debug_token says the access token is valid, 0 otherwise (daily token-watch run)',
    row: 'token',
    stats: ['Minimum'],
    periodMinutes: 1440,
    emittedBy: 'token-watch',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

type DimensionNameOf<N extends MetricName> = (typeof METRICS)[N]['dimensions'][number];
export type MetricDimensions<N extends MetricName> = { readonly [K in DimensionNameOf<N>]: string };
/** A metric without dimensions takes none; one with dimensions takes exactly its declared ones. */
export type DimensionArgs<N extends MetricName> = [DimensionNameOf<N>] extends [never] ? [] : [MetricDimensions<N>];

/** The port through which code emits a catalogue metric (adapters/runtime/metrics.ts writes it as EMF). */
export interface MetricSink {
  emit<N extends MetricName>(name: N, value: number, ...dimensions: DimensionArgs<N>): void;
}

/** For callers and tests that do not measure. */
export const noMetrics: MetricSink = { emit: () => undefined };

const MAX_DIMENSION_VALUE = 64;

/**
 * A dimension value as it is emitted: trimmed, restricted to a safe alphabet and length (a value derived
 * from input can never explode into thousands of metrics or carry text into CloudWatch), `none` when empty.
 */
export function dimensionValue(raw: string | number | undefined): string {
  const text = String(raw ?? '').trim().replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, MAX_DIMENSION_VALUE);
  return text === '' ? 'none' : text;
}

/** Checks a call's dimensions against the catalogue: a missing or extra name is a programming error. */
export function checkDimensions(name: MetricName, dimensions: Readonly<Record<string, string>>): Record<string, string> {
  const declared = METRICS[name].dimensions as readonly string[];
  const given = Object.keys(dimensions);
  const missing = declared.filter((d) => !given.includes(d));
  const extra = given.filter((d) => !declared.includes(d));
  if (missing.length || extra.length) {
    throw new Error(
      `metric ${name} takes dimensions [${declared.join(', ')}]` +
        `${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unknown ${extra.join(', ')}` : ''}`,
    );
  }
  return Object.fromEntries(declared.map((d) => [d, dimensionValue(dimensions[d])]));
}
