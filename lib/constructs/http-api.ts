import { Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LambdaFunction } from './lambda-function.js';
import type { RouteThrottle } from '../resources.js';
import type { RouteModel } from './resource-model.js';

export interface ApiThrottle {
  /** Steady-state requests per second across the stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface WebApiProps {
  readonly routes: readonly RouteModel[];
  readonly functions: Readonly<Record<string, LambdaFunction>>;
  readonly throttle: ApiThrottle;
  /** Limits of the routes that name a throttling class, each route counted on its own. */
  readonly routeThrottles: Readonly<Record<RouteThrottle, ApiThrottle>>;
  readonly logRetention: RetentionDays;
  /** `compact` (the default) or API Gateway's `standard` JSON fields (lib/resources.ts costControls). */
  readonly accessLogFormat?: 'compact' | 'standard';
}

/**
 * Access log formats. `compact` keeps what an operator looks up (which request, when, which route, how it ended,
 * how long it took, why the integration failed) and drops what the Lambda logs already carry or what is always
 * the same here (IAM user and caller, method and path beside the route, protocol, response length), about half the bytes of `standard`.
 */
export const ACCESS_LOG_FORMATS = {
  standard: AccessLogFormat.jsonWithStandardFields(),
  compact: AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      time: '$context.requestTimeEpoch',
      route: '$context.routeKey',
      status: '$context.status',
      ms: '$context.responseLatency',
      error: '$context.integrationErrorMessage',
    }),
  ),
} as const;

/**
 * The HTTP API: every route of resources.ts, `admin` routes behind IAM (SigV4), `public` routes open
 * (each authenticates itself: Meta's HMAC signature, the verify token; /health reveals nothing), one
 * `$default` stage with throttling (a route's own limit when it names a class) and JSON access logs.
 */
export class WebApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;
  public readonly routes: ReadonlyMap<string, HttpRoute>;

  constructor(scope: Construct, id: string, props: WebApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      apiName: Stack.of(this).stackName,
      description: 'WhatsApp Business webhooks and admin API',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMATS[props.accessLogFormat ?? 'compact'],
      },
    });

    const iam = new HttpIamAuthorizer();
    const integrations = new Map<string, HttpLambdaIntegration>();
    const routes = new Map<string, HttpRoute>();
    for (const route of props.routes) {
      const fn = props.functions[route.function];
      if (!fn) throw new Error(`route ${route.method} ${route.path} names unknown function "${route.function}"`);
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.function}Integration`, fn.function);
        integrations.set(route.function, integration);
        fn.invokedSynchronously('API Gateway', 'A failure is answered 5xx to the caller: Meta and Wazzup24 redeliver, an admin client sees the error and retries.');
      }
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.auth === 'admin' ? { authorizer: iam } : {}),
      });
      if (!created) throw new Error(`route ${route.method} ${route.path} was not created`);
      if (route.auth === 'public') {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is called by Meta or a health check, which cannot sign requests; the handler authenticates (X-Hub-Signature-256 HMAC, verify token) or returns nothing sensitive.`,
        });
      }
      routes.set(`${route.method} ${route.path}`, created);
    }
    this.routes = routes;

    // HttpStage has no per-route throttling yet: the L1 property, and the stage after those routes, since
    // CloudFormation refuses settings for a route key that does not exist yet.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of props.routes) {
      if (!route.throttle) continue;
      const key = `${route.method} ${route.path}`;
      const limit = props.routeThrottles[route.throttle];
      routeSettings[key] = { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit };
      this.stage.node.addDependency(routes.get(key)!);
    }
    if (Object.keys(routeSettings).length) (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
  }

  /** Base URL of the `$default` stage, without a trailing slash. */
  public get url(): string {
    return this.api.apiEndpoint;
  }
}
