import { contextInt, contextString } from './context.js';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnRotationSchedule } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { METRIC_NAMESPACE, METRIC_SERVICE, SERVICE_DIMENSION } from '../../lambdas/domain/shared/metric-catalog.js';
import { tokenLifecycle } from '../resources.js';
import type { Alerts } from './alerts.js';
import type { AppSecret } from './app-secret.js';
import type { LambdaFunction } from './lambda-function.js';

/** What the rotation Lambda may do to the access token secret beyond reading it (AWS's rotation template). */
export const ROTATION_WRITE_ACTIONS = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'] as const;

export interface TokenLifecycleSettings {
  readonly rotationDays: number;
  readonly watchSchedule: string;
  readonly expiryWarnDays: number;
  readonly revokePreviousToken: boolean;
  readonly revokeGraceMinutes: number;
  readonly metaAppId: string | undefined;
}

/** Meta's refreshed tokens last 60 days; a rotation must come well before that. */
const MAX_ROTATION_DAYS = 50;

/** Context parameters of the token lifecycle, validated so a typo fails synth with the parameter's name. */
export function readTokenLifecycleSettings(scope: IConstruct, defaultWatchSchedule: string): TokenLifecycleSettings {
  const ctx = (name: string) => contextString(scope, name);
  const int = (name: string, fallback: number, min: number, max: number) => contextInt(scope, name, fallback, min, max);
  const watchSchedule = ctx('tokenWatchSchedule') ?? defaultWatchSchedule;
  if (!/^(rate|cron)\(.+\)$/.test(watchSchedule)) {
    throw new Error(`context tokenWatchSchedule must be an EventBridge expression such as "rate(1 day)" or "cron(0 6 * * ? *)", got "${watchSchedule}"`);
  }
  const revokeText = ctx('revokePreviousToken');
  if (revokeText !== undefined && revokeText !== 'true' && revokeText !== 'false') {
    throw new Error(`context revokePreviousToken must be true or false, got "${revokeText}"`);
  }
  const metaAppId = ctx('metaAppId');
  if (metaAppId !== undefined && !/^\d{5,20}$/.test(metaAppId)) throw new Error(`context metaAppId must be Meta's numeric app id, got "${metaAppId}"`);
  const cacheMinutes = Math.ceil(tokenLifecycle.cacheTtlSeconds / 60);
  return {
    rotationDays: int('rotationDays', tokenLifecycle.rotationDays, 1, MAX_ROTATION_DAYS),
    watchSchedule,
    expiryWarnDays: int('tokenExpiryWarnDays', tokenLifecycle.tokenExpiryWarnDays, 1, 59),
    revokePreviousToken: revokeText === undefined ? tokenLifecycle.revokePreviousToken : revokeText === 'true',
    // Longer than the token cache, or a warm container could still be using the token that gets revoked.
    revokeGraceMinutes: int('revokeGraceMinutes', tokenLifecycle.revokeGraceMinutes, cacheMinutes + 1, 7 * 24 * 60),
    metaAppId,
  };
}

/** Seconds between runs of a `rate(...)` expression; a day for `cron(...)`, whose spacing varies. */
export function scheduleIntervalSeconds(expression: string): number {
  const m = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) return 24 * 3600;
  const unit = m[2]!.startsWith('minute') ? 60 : m[2]!.startsWith('hour') ? 3600 : 24 * 3600;
  return Number(m[1]) * unit;
}

/**
 * The alarms' period: one watch interval plus an hour of slack, so every sliding window holds at least one
 * run even when a run is late; at least an hour, at most the seven days CloudWatch allows.
 */
export function watchAlarmPeriod(expression: string): Duration {
  const seconds = Math.min(7 * 24 * 3600, Math.max(3600, scheduleIntervalSeconds(expression) + 3600));
  return Duration.seconds(Math.ceil(seconds / 60) * 60);
}

export interface TokenLifecycleProps {
  readonly secret: AppSecret;
  readonly rotation: LambdaFunction;
  readonly watch: LambdaFunction;
  /** Functions that also need META_APP_ID (diagnostics). */
  readonly others?: readonly LambdaFunction[];
  readonly alerts: Alerts;
  readonly settings: TokenLifecycleSettings;
}

/**
 * The access token's lifecycle in AWS: Secrets Manager rotation every `rotationDays` through the rotation
 * Lambda, the expiry watch on its schedule, and alarms to the alerts topic when a rotation fails (Lambda
 * errors, or Secrets Manager's RotationFailed event), the token is invalid or missing, or it nears expiry.
 */
export class TokenLifecycle extends Construct {
  public readonly rotationSchedule: CfnRotationSchedule;
  public readonly watchRule: Rule;
  public readonly rotationFailedRule: Rule;
  public readonly rotationErrorsAlarm: Alarm;
  public readonly expiryAlarm: Alarm;
  public readonly validityAlarm: Alarm;
  /** Events neither rule could deliver and watch runs that failed after Lambda's retries. */
  public readonly failedEvents: Queue;
  public readonly failedEventsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: TokenLifecycleProps) {
    super(scope, id);
    const { secret, rotation, watch, alerts, settings } = props;
    const account = Stack.of(this).account;

    if (settings.metaAppId) {
      for (const fn of [rotation, watch, ...(props.others ?? [])]) fn.addEnvironment('META_APP_ID', settings.metaAppId);
    }
    if (settings.revokePreviousToken) {
      watch.addEnvironment('REVOKE_PREVIOUS_TOKEN', 'true');
      watch.addEnvironment('REVOKE_GRACE_MINUTES', String(settings.revokeGraceMinutes));
    }
    if (settings.expiryWarnDays !== tokenLifecycle.tokenExpiryWarnDays) {
      for (const fn of props.others ?? []) fn.addEnvironment('TOKEN_EXPIRY_WARN_DAYS', String(settings.expiryWarnDays));
    }

    this.failedEvents = new Queue(this, 'FailedEvents', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedEvents).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is itself the dead-letter target of the token rules and the expiry watch: it is alarmed on its depth and kept 14 days; a further redrive would only hide the failure.',
    });
    this.failedEventsAlarm = new Alarm(this, 'FailedEventsAlarm', {
      alarmDescription:
        'A token lifecycle event was lost: EventBridge could not deliver a RotationFailed notice or a watch run, or a watch run failed after its retries. ' +
        'Read the message in the FailedEvents queue (its attributes carry the error), then run `npx wa diagnose`.',
      metric: this.failedEvents.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alerts.notify(this.failedEventsAlarm);

    // ----- rotation. The L1 resource rather than secret.addRotationSchedule(): the L2 also grants
    // secretsmanager:GetRandomPassword on `*`, which a token refresh never needs.
    rotation.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: [...ROTATION_WRITE_ACTIONS], resources: [secret.secret.secretArn] }),
    );
    rotation.function.addPermission('SecretsManagerRotation', {
      principal: new ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: account,
    });
    this.rotationSchedule = new CfnRotationSchedule(this, 'Rotation', {
      secretId: secret.secret.secretArn,
      rotationLambdaArn: rotation.function.functionArn,
      rotationRules: { scheduleExpression: `rate(${settings.rotationDays} days)` },
      // The secret is an empty placeholder at first deploy: rotating at once would fail and raise the alarm.
      rotateImmediatelyOnUpdate: false,
    });
    this.rotationSchedule.node.addDependency(rotation.function.permissionsNode.findChild('SecretsManagerRotation'));
    this.rotationSchedule.node.addDependency(rotation.role);
    rotation.invokedSynchronously(
      'Secrets Manager, one call per rotation step',
      'Secrets Manager marks the rotation failed and emits RotationFailed, which the rule below forwards to the alerts topic.',
    );

    this.rotationErrorsAlarm = new Alarm(this, 'RotationErrors', {
      alarmDescription: 'The access token rotation Lambda failed: see its logs; the token in use is unchanged until a rotation succeeds.',
      metric: rotation.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alerts.notify(this.rotationErrorsAlarm);

    // Secrets Manager reports a failed rotation as a CloudTrail service event; the secret's ARN is in additionalEventData.
    this.rotationFailedRule = new Rule(this, 'RotationFailed', {
      description: 'Secrets Manager could not rotate the WhatsApp access token',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed', 'TestRotationFailed'],
          additionalEventData: { SecretId: [secret.secret.secretArn] },
        },
      },
    });
    this.rotationFailedRule.addTarget(
      alerts.eventTarget(this.rotationFailedRule, {
        deadLetterQueue: this.failedEvents,
        message: RuleTargetInput.fromText(
          `WhatsApp access token: ${EventField.fromPath('$.detail.eventName')} at ${EventField.time} for ${EventField.fromPath('$.detail.additionalEventData.SecretId')}. ` +
            'See the tokenRotation function logs; run `npx wa diagnose` to check the token in use.',
        ),
      }),
    );

    // ----- expiry watch
    this.watchRule = new Rule(this, 'WatchSchedule', {
      description: 'Runs the access token expiry watch',
      schedule: Schedule.expression(settings.watchSchedule),
    });
    this.watchRule.addTarget(
      new LambdaTarget(watch.function, { retryAttempts: 2, maxEventAge: Duration.hours(1), deadLetterQueue: this.failedEvents }),
    );
    watch.sendAsyncFailuresTo(this.failedEvents);

    const period = watchAlarmPeriod(settings.watchSchedule);
    const metric = (metricName: string) =>
      // The catalogue's namespace and `service` dimension: exactly what the watch's EMF documents carry.
      new Metric({ namespace: METRIC_NAMESPACE, metricName, dimensionsMap: { [SERVICE_DIMENSION]: METRIC_SERVICE }, statistic: 'Minimum', period });
    this.expiryAlarm = new Alarm(this, 'TokenExpiry', {
      alarmDescription: `The WhatsApp access token expires in fewer than ${settings.expiryWarnDays} days: rotation is not keeping it fresh. Run \`npx wa token rotate\` or paste a new token.`,
      metric: metric('TokenDaysToExpiry'),
      threshold: settings.expiryWarnDays,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data is the validity alarm's business.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alerts.notify(this.expiryAlarm);
    this.validityAlarm = new Alarm(this, 'TokenInvalid', {
      alarmDescription: 'The WhatsApp access token is invalid, missing, or the expiry watch stopped reporting: nothing can be sent. Run `npx wa diagnose`.',
      metric: metric('TokenValid'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    alerts.notify(this.validityAlarm);
  }
}
