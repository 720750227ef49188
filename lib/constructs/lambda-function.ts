import { Duration, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, FunctionUrlAuthType, LoggingFormat, Runtime, SystemLogLevel, Tracing, type CfnFunction, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AppSecret } from './app-secret.js';
import type { DataTable } from './data-table.js';
import type { TableAccess } from './resource-model.js';
import { bundleOptions } from '../bundling.js';


export interface LambdaFunctionProps {
  /** Absolute path of the handler source; it exports `handler`. */
  readonly entry: string;
  /** Absolute path of the lock file that marks the project root for bundling. */
  readonly depsLockFilePath: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Powertools service name (logger `service` key, metrics `service` dimension). */
  readonly serviceName: string;
  readonly logRetention: RetentionDays;
  readonly environment: Readonly<Record<string, string>>;
  /** `active`: X-Ray at Lambda's fixed sampling rate; `off` (the default): no traces, no X-Ray permission. */
  readonly tracing?: 'off' | 'active';
  /** What a function ships beyond the one JavaScript bundle (the card worker: native sharp, tesseract files). */
  readonly bundling?: ExtraBundling;
  /**
   * `WARN`: Lambda's JSON log format with system logs at WARN, which leaves out the START, END and REPORT lines of
   * every invocation; the application level is `logLevel` (Powertools honours it as AWS_LAMBDA_LOG_LEVEL).
   * `INFO` (the default): the text format, with those lines.
   */
  readonly systemLogLevel?: 'WARN' | 'INFO';
  /** POWERTOOLS_LOG_LEVEL of the function, mirrored as Lambda's application log level in the JSON format. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export interface ExtraBundling {
  /** Packages esbuild leaves out; `afterBundling` must put them in the asset's node_modules. */
  readonly externalModules: readonly string[];
  /** JavaScript after the house banner. */
  readonly banner?: string;
  /** Shell commands run in the project root after esbuild, given the asset folder. */
  readonly afterBundling: (outputDir: string) => string[];
}

/**
 * The house Lambda: Node 22 on arm64, one minified ESM bundle built by the local esbuild (no Docker)
 * with the AWS SDK inside it (the bundled client is pinned and tree-shaken, the runtime's is neither),
 * an explicit log group with retention, X-Ray when asked (`tracing`), and a role that holds only what `bind*` grants.
 */
export class LambdaFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    // A role of our own instead of the default one: the default attaches AWSLambdaBasicExecutionRole,
    // which may write to every log group in the account; this one writes only to its own.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const extra = props.bundling;
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      depsLockFilePath: props.depsLockFilePath,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      tracing: props.tracing === 'active' ? Tracing.ACTIVE : Tracing.DISABLED,
      logGroup: this.logGroup,
      ...(props.systemLogLevel === 'WARN'
        ? { loggingFormat: LoggingFormat.JSON, systemLogLevelV2: SystemLogLevel.WARN, applicationLogLevelV2: ApplicationLogLevel[props.logLevel ?? 'INFO'] }
        : {}),
      role: this.role,
      environment: { POWERTOOLS_SERVICE_NAME: props.serviceName, ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: bundleOptions.target,
        mainFields: [...bundleOptions.mainFields],
        banner: [bundleOptions.banner.js, extra?.banner].filter(Boolean).join(' '),
        minify: bundleOptions.minify,
        sourceMap: bundleOptions.sourcemap,
        bundleAwsSDK: true,
        externalModules: [...(extra?.externalModules ?? [])],
        ...(extra
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) => extra.afterBundling(outputDir),
              },
            }
          : {}),
        esbuildArgs: Object.fromEntries(Object.entries(bundleOptions.alias).map(([from, to]) => [`--alias:${from}`, to])),
        forceDockerBundling: false,
      },
    });
    const runtimeReason =
      'Node.js 22 is the runtime this project targets and tests (its LTS and Lambda support run to 2027); moving to 24 is a deliberate upgrade, not a drift.';
    Validations.of(this.function).acknowledge(
      { id: 'AwsSolutions-L1', reason: runtimeReason },
      { id: 'Serverless-LambdaLatestVersion', reason: runtimeReason },
    );
    // X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions, so the
    // statement Tracing.ACTIVE adds can only name `*`.
    if (props.tracing !== 'active') {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason:
          "Off by default for cost (context `tracing`, lib/resources.ts costControls): Lambda's fixed X-Ray rate records nearly every request at this system's traffic, $5 per million traces, more than the rest of a message costs; logs, EMF metrics and the dashboard carry the operational signal. `-c tracing=active` turns it on.",
      });
    } else {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; the only `*` resource in this role.',
      });
    }
  }

  /**
   * For a function only ever invoked synchronously (by API Gateway, an SQS event source mapping, Secrets
   * Manager): Lambda's dead-letter setting applies to asynchronous invocations only, so there is nothing for it
   * to catch; `failuresGoTo` says where a failure does go.
   */
  public invokedSynchronously(by: string, failuresGoTo: string): void {
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: `Invoked synchronously by ${by}; a Lambda dead-letter queue only receives failed asynchronous invocations. ${failuresGoTo}`,
    });
  }

  /**
   * A public function URL (no AWS auth) for a caller that cannot sign AWS requests: the handler authenticates
   * every request itself (Meta: X-Hub-Signature-256 over the body, the verify token). It costs nothing per request,
   * where an HTTP API charges for each.
   */
  public serveFromUrl(caller: string): FunctionUrl {
    this.invokedSynchronously(`its function URL (${caller})`, `A failure is answered 5xx: ${caller} redelivers.`);
    return this.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
  }

  /** Failed asynchronous invocations (after Lambda's own two retries) land in `queue` instead of vanishing. */
  public sendAsyncFailuresTo(queue: IQueue): void {
    (this.function.node.defaultChild as CfnFunction).deadLetterConfig = { targetArn: queue.queueArn };
    queue.grantSendMessages(this.role);
    // Lambda checks at create time that the role may already send to the queue.
    this.function.node.addDependency(this.role);
  }

  public get functionName(): string {
    return this.function.functionName;
  }

  public addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }

  /** Grants `access` to the table and its declared indexes and sets the table's env var. */
  public bindTable(table: DataTable, access: TableAccess): void {
    table.grant(this.role, access);
    this.addEnvironment(table.spec.envVar, table.table.tableName);
  }

  /** Grants read of the secret value and sets the secret's ARN env var (never the value). */
  public bindSecret(secret: AppSecret): void {
    secret.secret.grantRead(this.role);
    this.addEnvironment(secret.spec.arnEnvVar, secret.secret.secretArn);
  }
}
