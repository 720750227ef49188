import { CARDS_PER_SENDER_PER_HOUR, checkContextNames, consumerMaxConcurrency, contextInt, contextString, ContextError, type ContextName } from './constructs/context.js';
import { costEnvironment, readCostSettings, type CostSettings } from './constructs/cost-controls.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, Validations, type App, type StackProps } from 'aws-cdk-lib';
import type { CfnFunction, FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { Alerts, alarmEmailFromContext } from './constructs/alerts.js';
import { OperationsAlarms } from './constructs/alarms.js';
import { AppSecret } from './constructs/app-secret.js';
import { CardPipeline, cardWorkerBundling, readMediaExpiryDays, readOcrEngine } from './constructs/card-pipeline.js';
import { OperationsDashboard } from './constructs/dashboard.js';
import { DataTable } from './constructs/data-table.js';
import { WebApi, type ApiThrottle } from './constructs/http-api.js';
import { LambdaFunction } from './constructs/lambda-function.js';
import type { ResourceModel } from './constructs/resource-model.js';
import { readTokenLifecycleSettings, TokenLifecycle } from './constructs/token-lifecycle.js';
import { WorkQueue } from './constructs/work-queue.js';
import * as declared from './resources.js';
import type { RouteThrottle } from './resources.js';

export const STACK_NAME = 'WhatsAppBusiness';
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The path Meta's dashboard must point at (Callback URL = the WebhookUrl output: the function URL or ApiUrl + this). */
export const WEBHOOK_PATH = '/webhooks/whatsapp';

export const DEFAULT_LOG_RETENTION_DAYS = RetentionDays.ONE_MONTH;
export const DEFAULT_THROTTLE: ApiThrottle = { rateLimit: 100, burstLimit: 200 };

/**
 * Why each secret has no rotation schedule (cdk-nag AwsSolutions-SMG4). A secret that gains a rotation
 * Lambda loses its entry here; a new secret without an entry fails synth with a clear message.
 */
export const NOT_ROTATED_BECAUSE: Readonly<Record<string, string>> = {
  appSecret:
    'The Meta app secret is issued by Meta; it is reset in the App Dashboard and then pasted here, so AWS cannot rotate it.',
  verifyToken:
    'The verify token must equal the value typed into the Meta webhook configuration; rotating it in AWS alone would break the handshake.',
  wazzupApiKey: 'The Wazzup24 API key is issued in the Wazzup account (Integration with CRM) and pasted here; AWS cannot rotate it.',
  wazzupWebhookSecret:
    'The path secret must equal the one in the URL registered with Wazzup24; rotate it by changing it and re-running `npx wa wazzup register`.',
  wazzupCrmKey: 'The crmKey is set in Wazzup24 (partner API) and pasted here; AWS cannot rotate it.',
};

/** Secrets a rotation Lambda manages (lib/constructs/token-lifecycle.ts), and which function of resources.ts it is. */
export const ROTATED_BY: Readonly<Record<string, string>> = {
  accessToken: 'tokenRotation',
};

export const resourceModel: ResourceModel = declared;

export interface WhatsAppBusinessStackProps extends StackProps {
  /** The system's shape; defaults to lib/resources.ts. Tests pass variants. */
  readonly resources?: ResourceModel;
}

/** Context parameters (`-c name=value` or cdk.json `context`), validated so a typo fails synth loudly. */
export interface StackSettings {
  readonly phoneNumberId: string | undefined;
  /** Wazzup24 channel to send from (`GET /v3/channels`, `npx wa wazzup channels`); unset = Wazzup24 not used. */
  readonly wazzupChannelId: string | undefined;
  readonly graphApiVersion: string | undefined;
  readonly logRetention: RetentionDays;
  readonly throttle: ApiThrottle;
  readonly routeThrottles: Record<RouteThrottle, ApiThrottle>;
  /** Tracing, log level and content, access log format, contact refresh (lib/resources.ts costControls). */
  readonly cost: CostSettings;
}

function readSettings(scope: Construct): StackSettings {
  checkContextNames(scope);
  const ctx = (name: ContextName) => contextString(scope, name);
  const phoneNumberId = ctx('phoneNumberId');
  if (phoneNumberId !== undefined && !/^\d{5,20}$/.test(phoneNumberId)) {
    throw new ContextError(`context phoneNumberId must be Meta's numeric phone number id, got "${phoneNumberId}"`);
  }
  const graphApiVersion = ctx('graphApiVersion');
  if (graphApiVersion !== undefined && !/^v\d+\.\d+$/.test(graphApiVersion)) {
    throw new ContextError(`context graphApiVersion must look like v26.0, got "${graphApiVersion}"`);
  }
  const retentionText = ctx('logRetentionDays');
  let logRetention = DEFAULT_LOG_RETENTION_DAYS;
  if (retentionText !== undefined) {
    const days = Number(retentionText);
    const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
    if (!allowed.includes(days)) {
      throw new ContextError(`context logRetentionDays must be one of ${allowed.join(', ')}; got "${retentionText}"`);
    }
    logRetention = days as RetentionDays;
  }
  const throttle = {
    rateLimit: contextInt(scope, 'apiRateLimit', DEFAULT_THROTTLE.rateLimit),
    burstLimit: contextInt(scope, 'apiBurstLimit', DEFAULT_THROTTLE.burstLimit),
  };
  const routeThrottles = Object.fromEntries(
    Object.entries(declared.routeThrottles).map(([name, limit]) => [
      name,
      { rateLimit: contextInt(scope, `${name as RouteThrottle}RateLimit`, limit.rateLimit), burstLimit: contextInt(scope, `${name as RouteThrottle}BurstLimit`, limit.burstLimit) },
    ]),
  ) as Record<RouteThrottle, ApiThrottle>;
  const wazzupChannelId = ctx('wazzupChannelId');
  if (wazzupChannelId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(wazzupChannelId)) {
    throw new ContextError(`context wazzupChannelId must be a Wazzup24 channel id (a UUID, see npx wa wazzup channels), got "${wazzupChannelId}"`);
  }
  return { phoneNumberId, wazzupChannelId, graphApiVersion, logRetention, throttle, routeThrottles, cost: readCostSettings(scope) };
}

/** `appSecret` -> `AppSecret`: output ids are the secret's name in PascalCase plus `Name`. */
export function secretOutputId(secretName: string): string {
  return `${secretName.charAt(0).toUpperCase()}${secretName.slice(1)}Name`;
}

/** resources.ts turned into CloudFormation. */
export class WhatsAppBusinessStack extends Stack {
  public readonly tables: ReadonlyMap<string, DataTable>;
  public readonly queues: ReadonlyMap<string, WorkQueue>;
  public readonly secrets: ReadonlyMap<string, AppSecret>;
  public readonly functions: ReadonlyMap<string, LambdaFunction>;
  public readonly api: WebApi;
  /** The webhook function's URL when it serves Meta's webhook (context metaWebhookIngress=functionUrl). */
  public readonly webhookUrl: FunctionUrl | undefined;
  public readonly settings: StackSettings;
  public readonly alerts: Alerts;
  public readonly tokenLifecycle: TokenLifecycle | undefined;
  public readonly dashboard: OperationsDashboard;
  public readonly alarms: OperationsAlarms;
  /** The media bucket, Textract permission and QR .wasm layer of the card worker (absent without one). */
  public readonly cardPipeline: CardPipeline | undefined;

  constructor(scope: Construct, id: string, props: WhatsAppBusinessStackProps = {}) {
    super(scope, id, props);
    const model = props.resources ?? resourceModel;
    const settings = readSettings(this);
    this.settings = settings;

    const tables = new Map<string, DataTable>();
    for (const [name, spec] of Object.entries(model.tables)) {
      tables.set(name, new DataTable(this, `${name}Table`, { spec }));
    }

    const secrets = new Map<string, AppSecret>();
    for (const [name, spec] of Object.entries(model.secrets)) {
      const notRotatedBecause = NOT_ROTATED_BECAUSE[name];
      const rotatedBy = ROTATED_BY[name];
      if (!notRotatedBecause && !rotatedBy) {
        throw new Error(`secret "${name}" has no rotation; give the reason in NOT_ROTATED_BECAUSE (lib/stack.ts)`);
      }
      if (rotatedBy && !model.functions[rotatedBy]) {
        throw new Error(`secret "${name}" is rotated by function "${rotatedBy}", which the resources do not declare`);
      }
      secrets.set(name, new AppSecret(this, `${name}Secret`, { spec, ...(notRotatedBecause ? { notRotatedBecause } : {}) }));
    }

    const environment: Record<string, string> = { ...model.commonEnv, ...costEnvironment(settings.cost) };
    if (settings.graphApiVersion) environment['GRAPH_API_VERSION'] = settings.graphApiVersion;
    if (settings.phoneNumberId) environment['PHONE_NUMBER_ID'] = settings.phoneNumberId;
    if (settings.wazzupChannelId) environment['WAZZUP_CHANNEL_ID'] = settings.wazzupChannelId;

    const depsLockFilePath = join(PROJECT_ROOT, 'package-lock.json');
    const functions = new Map<string, LambdaFunction>();
    for (const [name, spec] of Object.entries(model.functions)) {
      const entry = join(PROJECT_ROOT, spec.entry);
      if (!existsSync(entry)) throw new Error(`function "${name}": entry ${spec.entry} does not exist`);
      const fn = new LambdaFunction(this, `${name}Function`, {
        entry,
        depsLockFilePath,
        description: spec.description,
        memoryMb: spec.memoryMb,
        timeoutSeconds: spec.timeoutSeconds,
        serviceName: name,
        logRetention: settings.logRetention,
        environment,
        tracing: settings.cost.tracing,
        systemLogLevel: settings.cost.systemLogLevel,
        logLevel: settings.cost.logLevel,
        ...(name === 'cardWorker' ? { bundling: cardWorkerBundling() } : {}),
      });
      for (const [tableName, access] of Object.entries(spec.tables)) {
        const table = tables.get(tableName);
        if (!table) throw new Error(`function "${name}" uses unknown table "${tableName}"`);
        fn.bindTable(table, access);
      }
      for (const secretName of spec.secrets) {
        const secret = secrets.get(secretName);
        if (!secret) throw new Error(`function "${name}" uses unknown secret "${secretName}"`);
        fn.bindSecret(secret);
      }
      functions.set(name, fn);
    }

    const cardLimit = CARDS_PER_SENDER_PER_HOUR;
    functions.get(declared.queues.card.consumer)?.addEnvironment(
      declared.cardPipeline.cardsPerSenderEnvVar,
      String(contextInt(this, cardLimit.context, cardLimit.default, 1, cardLimit.max)),
    );

    const queues = new Map<string, WorkQueue>();
    for (const [name, spec] of Object.entries(model.queues)) {
      const consumer = functions.get(spec.consumer);
      const consumerSpec = model.functions[spec.consumer];
      if (!consumer || !consumerSpec) throw new Error(`queue "${name}" names unknown consumer "${spec.consumer}"`);
      const queue = new WorkQueue(this, `${name}Queue`, { spec, consumerTimeoutSeconds: consumerSpec.timeoutSeconds });
      queue.connectConsumer(consumer, consumerMaxConcurrency(this, spec.consumer));
      queues.set(name, queue);
    }
    for (const [name, spec] of Object.entries(model.functions)) {
      const fn = functions.get(name);
      if (!fn) continue;
      for (const [queueName, access] of Object.entries(spec.queues)) {
        const queue = queues.get(queueName);
        if (!queue) throw new Error(`function "${name}" uses unknown queue "${queueName}"`);
        if (access === 'send') queue.connectProducer(fn);
        else if (queue.spec.consumer !== name) {
          throw new Error(`function "${name}" consumes queue "${queueName}" whose consumer is "${queue.spec.consumer}"`);
        }
      }
      if (spec.queueDepths) for (const queue of queues.values()) queue.connectReader(fn);
    }

    this.tables = tables;
    this.secrets = secrets;
    this.functions = functions;
    this.queues = queues;
    // Meta's webhook on the webhook function's own URL (context metaWebhookIngress): its routes leave the HTTP API.
    const webhookRoute = model.routes.find((r) => r.method === 'POST' && r.path === WEBHOOK_PATH);
    if (!webhookRoute) throw new Error(`no route POST ${WEBHOOK_PATH} in the resources`);
    const webhookFunction = functions.get(webhookRoute.function);
    if (!webhookFunction) throw new Error(`route POST ${WEBHOOK_PATH} names unknown function "${webhookRoute.function}"`);
    // A ceiling on the webhook's concurrency (what a flood of unsigned requests can run at once); above it Lambda
    // answers 429 and Meta retries. Unset by default: new accounts have too little concurrency to reserve any.
    const reserved = contextString(this, 'webhookReservedConcurrency') === undefined ? undefined : contextInt(this, 'webhookReservedConcurrency', 1, 1, 10_000);
    if (reserved !== undefined) (webhookFunction.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions = reserved;
    const onUrl = settings.cost.metaWebhookIngress === 'functionUrl';
    this.webhookUrl = onUrl ? webhookFunction.serveFromUrl('Meta') : undefined;
    const webhookCallbackUrl = this.webhookUrl ? `${this.webhookUrl.url}${WEBHOOK_PATH.slice(1)}` : undefined;
    if (webhookCallbackUrl) functions.get('diagnose')?.addEnvironment('WEBHOOK_CALLBACK_URL', webhookCallbackUrl);
    this.api = new WebApi(this, 'Http', {
      routes: model.routes.filter((r) => !(onUrl && r.path === WEBHOOK_PATH)),
      functions: Object.fromEntries(functions),
      throttle: settings.throttle,
      routeThrottles: settings.routeThrottles,
      logRetention: settings.logRetention,
      accessLogFormat: settings.cost.accessLogFormat,
    });

    const alarmEmail = alarmEmailFromContext(this);
    this.alerts = new Alerts(this, 'Alerts', alarmEmail ? { email: alarmEmail } : {});
    const tokenSecret = secrets.get('accessToken');
    const rotation = functions.get('tokenRotation');
    const watch = functions.get('tokenWatch');
    const watchSchedule = (model as { schedules?: Record<string, { function: string; expression: string }> }).schedules?.['tokenWatch'];
    this.tokenLifecycle =
      tokenSecret && rotation && watch
        ? new TokenLifecycle(this, 'TokenLifecycle', {
            secret: tokenSecret,
            rotation,
            watch,
            others: [functions.get('diagnose')].filter((f): f is LambdaFunction => f !== undefined),
            alerts: this.alerts,
            settings: readTokenLifecycleSettings(this, watchSchedule?.expression ?? 'rate(1 day)'),
          })
        : undefined;

    const cardWorker = functions.get('cardWorker');
    this.cardPipeline = cardWorker
      ? new CardPipeline(this, 'CardPipeline', { worker: cardWorker, mediaExpiryDays: readMediaExpiryDays(this), ocrEngine: readOcrEngine(this) })
      : undefined;

    const webhookUrlFunction = this.webhookUrl ? webhookFunction : undefined;
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      api: this.api,
      functions,
      queues,
      tables,
      systemLogLevel: settings.cost.systemLogLevel,
      ...(webhookUrlFunction ? { webhookUrlFunction } : {}),
    });
    this.alarms = new OperationsAlarms(this, 'Alarms', {
      alerts: this.alerts,
      api: this.api,
      functions,
      queues,
      webhookFunction: webhookRoute.function,
      ...(webhookUrlFunction ? { webhookUrlFunction } : {}),
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.dashboard.dashboard.dashboardName}`,
      description: 'CloudWatch dashboard: traffic, health, cards, outbound, token (README: Operating it)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alerts.topic.topicArn,
      description: 'SNS topic every alarm notifies (subscribe more endpoints with aws sns subscribe)',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'WebhookUrl', {
      value: webhookCallbackUrl ?? `${this.api.url}${WEBHOOK_PATH}`,
      description: 'Callback URL for Meta > WhatsApp > Configuration > Webhook',
    });
    for (const [name, secret] of secrets) {
      new CfnOutput(this, secretOutputId(name), {
        value: secret.secret.secretName,
        description: `${secret.spec.description} (aws secretsmanager put-secret-value --secret-id <this>)`,
      });
    }
  }
}

/** cdk-nag's AwsSolutions and Serverless packs, run by CDK's policy validation on every synth of `app`. */
export function addComplianceChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}
