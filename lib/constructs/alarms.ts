import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  ACCOUNT_ALERT_VALUES,
  CARD_RESULTS,
  NUMBER_ALERT_VALUES,
  PAGING_GRAPH_CODES,
  TEMPLATE_ALERT_VALUES,
  type MetricName,
} from '../../lambdas/domain/shared/metric-catalog.js';
import type { Alerts } from './alerts.js';
import { catalogueMetric } from './dashboard.js';
import type { WebApi } from './http-api.js';
import type { LambdaFunction } from './lambda-function.js';
import type { WorkQueue } from './work-queue.js';

/** Thresholds, exported so the docs and tests name the same numbers the alarms use. */
export const ALARM_THRESHOLDS = {
  /** Percent of API requests answered 5xx, over two consecutive 5-minute periods with at least MIN_REQUESTS. */
  apiServerErrorPercent: 5,
  apiMinRequests: 10,
  /** Signature rejections in 5 minutes: Meta never sends an unsigned delivery, so a burst is an attack or a wrong app secret. */
  signatureRejections: 20,
  /** Percent of cards that failed within an hour, with at least CARD_MIN_RESULTS cards. */
  cardFailurePercent: 50,
  cardMinResults: 4,
} as const;

export interface OperationsAlarmsProps {
  /** The alerts topic (lib/constructs/alerts.ts): every alarm notifies it on ALARM and on OK. */
  readonly alerts: Alerts;
  readonly api: WebApi;
  readonly functions: ReadonlyMap<string, LambdaFunction>;
  readonly queues: ReadonlyMap<string, WorkQueue>;
  /** The function behind POST /webhooks/whatsapp (resources.ts name). */
  readonly webhookFunction: string;
  /** The webhook function when Meta calls its function URL: its URL requests count with the API's. */
  readonly webhookUrlFunction?: LambdaFunction;
}

/** 5xx answers and requests over 5 minutes: the HTTP API's, plus the webhook function URL's when it has one. */
export function serverErrorMetrics(api: WebApi, urlFunction: LambdaFunction | undefined, period: Duration): { errors: IMetric; requests: IMetric } {
  const http = api.api;
  const errors = http.metricServerError({ statistic: 'Sum', period });
  const requests = http.metricCount({ statistic: 'Sum', period });
  if (!urlFunction) return { errors, requests };
  const url = (name: string) => urlFunction.function.metric(name, { statistic: 'Sum', period });
  // FILL: a stage or URL without traffic in a period has no data point, which would blank the whole sum.
  return {
    errors: new MathExpression({ expression: 'FILL(a, 0) + FILL(b, 0)', usingMetrics: { a: errors, b: url('Url5xxCount') }, period, label: '5xx' }),
    requests: new MathExpression({ expression: 'FILL(c, 0) + FILL(d, 0)', usingMetrics: { c: requests, d: url('UrlRequestCount') }, period, label: 'requests' }),
  };
}

/**
 * The alarms that need a person, each wired to the alerts topic, each description a runbook line. Token
 * expiry, token validity and rotation failure alarms live with the token lifecycle (token-lifecycle.ts).
 */
export class OperationsAlarms extends Construct {
  /** By construct id, e.g. `ApiServerErrorRate`, `outboundDeadLetters`. */
  public readonly alarms: ReadonlyMap<string, Alarm>;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const alarms = new Map<string, Alarm>();
    const add = (alarmId: string, alarm: Alarm): void => {
      props.alerts.notify(alarm);
      alarms.set(alarmId, alarm);
    };
    const fiveMinutes = Duration.minutes(5);

    for (const [name, queue] of props.queues) {
      add(
        `${name}DeadLetters`,
        new Alarm(this, `${name}DeadLetters`, {
          alarmDescription:
            `Jobs in the ${name} dead-letter queue failed ${queue.spec.maxReceiveCount} times. Find why in the ${queue.spec.consumer} logs ` +
            `(README, Operating it: "errors by code" and "one message's journey"), fix the cause, then move them back: ` +
            `aws sqs start-message-move-task --source-arn <the DLQ's ARN>.`,
          metric: queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: fiveMinutes }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const server = serverErrorMetrics(props.api, props.webhookUrlFunction, fiveMinutes);
    add(
      'ApiServerErrorRate',
      new Alarm(this, 'ApiServerErrorRate', {
        alarmDescription:
          `More than ${ALARM_THRESHOLDS.apiServerErrorPercent}% of API requests answered 5xx for 10 minutes. Meta retries failed ` +
          'deliveries, but find the cause now: Lambda errors and DynamoDB throttles on the dashboard, then the webhook ' +
          'logs ("errors by code" query in the README, Operating it); a missing app secret shows as "app secret is empty".',
        metric: new MathExpression({
          expression: `IF(requests >= ${ALARM_THRESHOLDS.apiMinRequests}, 100 * errors / requests, 0)`,
          usingMetrics: server,
          label: '5xx percent',
          period: fiveMinutes,
        }),
        threshold: ALARM_THRESHOLDS.apiServerErrorPercent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const webhook = props.functions.get(props.webhookFunction);
    if (!webhook) throw new Error(`alarms: no function "${props.webhookFunction}" for the webhook`);
    add(
      'WebhookErrors',
      new Alarm(this, 'WebhookErrors', {
        alarmDescription:
          'The webhook Lambda crashed or timed out (it answers handled failures with 500 itself, so this is unexpected). ' +
          'Open its log group, filter level = "ERROR" or "Task timed out"; a timeout under load means raising its ' +
          'timeoutSeconds or memoryMb in lib/resources.ts. Meta keeps retrying for up to 7 days.',
        metric: webhook.function.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    add(
      'SignatureRejectionSpike',
      new Alarm(this, 'SignatureRejectionSpike', {
        alarmDescription:
          `${ALARM_THRESHOLDS.signatureRejections} or more webhook deliveries with a missing or wrong X-Hub-Signature-256 in 5 minutes. ` +
          'If Meta shows failed deliveries too, the app secret in AWS is not this Meta app\'s secret: paste the one from ' +
          'App Dashboard > Settings > Basic into the AppSecretName secret. Otherwise someone is probing the webhook URL; ' +
          'nothing was stored, consider -c webhookReservedConcurrency (function URL) or a lower webhookRateLimit (HTTP API).',
        metric: catalogueMetric('SignatureRejections', {}, { statistic: 'Sum' }),
        threshold: ALARM_THRESHOLDS.signatureRejections,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    add(
      'UnstoredStatuses',
      new Alarm(this, 'UnstoredStatuses', {
        alarmDescription:
          'The messages table refused a delivery status for good (the message item cannot grow, e.g. one written by an older ' +
          'version): the rest of the delivery was stored and answered, the status was parked as an event. Find it in the webhook ' +
          'logs ("delivery stored" with statuses.parked, and its message_ids) or as items with field = "statuses.unstored" (pk event#...) in the messages ' +
          'table; the reason is in its raw JSON. Shrink or archive that message item; the status itself is kept for 90 days.',
        metric: catalogueMetric('UnstoredStatuses', {}, { statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const hour = Duration.hours(1);
    const cardMetrics: Record<string, IMetric> = Object.fromEntries(
      CARD_RESULTS.map((result) => [result, catalogueMetric('CardResults', { result }, { statistic: 'Sum' }).with({ period: hour })]),
    );
    const total = CARD_RESULTS.map((r) => `FILL(${r}, 0)`).join(' + ');
    add(
      'CardFailureRatio',
      new Alarm(this, 'CardFailureRatio', {
        alarmDescription:
          `More than ${ALARM_THRESHOLDS.cardFailurePercent}% of business cards failed in the last hour. Check the card-worker logs ` +
          '(errors by code): Graph 131052/media errors mean downloads fail, Textract errors mean OCR is unavailable or denied, ' +
          'many "no contact found" mean customers send photos that are not cards. Customers were told their card could not be read.',
        metric: new MathExpression({
          expression: `IF((${total}) >= ${ALARM_THRESHOLDS.cardMinResults}, 100 * FILL(failed, 0) / (${total}), 0)`,
          usingMetrics: cardMetrics,
          label: 'card failure percent',
          period: hour,
        }),
        threshold: ALARM_THRESHOLDS.cardFailurePercent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    add(
      'WazzupChannelInactive',
      new Alarm(this, 'WazzupChannelInactive', {
        alarmDescription:
          'Wazzup24 reported that a channel left the `active` state (qr, phoneUnavailable, notEnoughMoney, disabled, ...): ' +
          'messages through Wazzup24 are not delivered. Run `npx wa wazzup channels` to see the state, then fix it in the ' +
          'Wazzup account (scan the QR code, reconnect the phone, pay the subscription); `npx wa diagnose` confirms.',
        metric: catalogueMetric('WazzupChannelActive', {}, { statistic: 'Minimum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // Only state changes are reported: no data means no change, not an inactive channel.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const graphRunbook: Record<(typeof PAGING_GRAPH_CODES)[number], string> = {
      '190':
        'Graph answered 190: the access token is invalid or expired even after re-reading the secret, so nothing can be sent. ' +
        'Run `npx wa token rotate` or paste a new system-user token into the AccessTokenName secret; `npx wa diagnose` confirms.',
      '368':
        'Graph answered 368: Meta temporarily blocked this account for policy violations. Sending will keep failing: check ' +
        'WhatsApp Manager > Account quality for the restriction and its end date, and pause bulk or template sends.',
    };
    for (const code of PAGING_GRAPH_CODES) {
      add(
        `GraphError${code}`,
        new Alarm(this, `GraphError${code}`, {
          alarmDescription: graphRunbook[code],
          metric: catalogueMetric('GraphErrors', { code }, { statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    // Account events from Meta's webhooks (stored, listed by GET /events): any one of these needs a person.
    const accountRunbook: ReadonlyArray<[string, MetricName, readonly string[], string]> = [
      ['TemplateBlocked', 'TemplateAlerts', TEMPLATE_ALERT_VALUES,
        'A message template became PAUSED, DISABLED or REJECTED: sends using it fail (132015/132016 or 132001). `npx wa events ' +
        '--field message_template_status_update` (or GET /events) names the template and the reason; `npx wa templates` shows ' +
        'every status. Fix the content in WhatsApp Manager > Message templates, or switch the senders to another approved template.'],
      ['NumberQualityLow', 'NumberQualityAlerts', NUMBER_ALERT_VALUES,
        "The phone number's quality dropped to RED or the number was FLAGGED: recipients block or report its messages and Meta " +
        'lowers its messaging limit within 7 days unless quality recovers. GET /events?field=phone_number_quality_update shows the ' +
        'event; slow down marketing sends, send only to opted-in users, check WhatsApp Manager > Insights > Quality.'],
      ['AccountRestricted', 'AccountAlerts', ACCOUNT_ALERT_VALUES,
        'Meta restricted, banned, offboarded or deleted the WhatsApp Business Account (account_update): sending may be blocked. ' +
        'GET /events?field=account_update shows the event and its restriction or ban info; see WhatsApp Manager > Account quality ' +
        'and Business Support Home, and appeal there if it is wrong.'],
    ];
    for (const [alarmId, metric, states, runbook] of accountRunbook) {
      const ids = states.map((state) => state.toLowerCase());
      add(
        alarmId,
        new Alarm(this, alarmId, {
          alarmDescription: runbook,
          metric: new MathExpression({
            expression: ids.map((id) => `FILL(${id}, 0)`).join(' + '),
            usingMetrics: Object.fromEntries(states.map((state, i) => [ids[i], catalogueMetric(metric, { state }, { statistic: 'Sum' })])),
            label: `${metric} (all states)`,
            period: fiveMinutes,
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    this.alarms = alarms;
  }
}
