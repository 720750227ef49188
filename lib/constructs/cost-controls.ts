// The cost controls of lib/resources.ts (`costControls`) as context parameters, checked like every other one:
// a value that is not one of the choices fails synth with the parameter's name.
import type { IConstruct } from 'constructs';
import { COST_CONTROL_CHOICES, costControls } from '../resources.js';
import { contextChoice, contextInt } from './context.js';

type Choices = typeof COST_CONTROL_CHOICES;

export type CostSettings = { -readonly [K in keyof Choices]: Choices[K][number] } & { contactRefreshMinutes: number; heartbeatSeconds: number };

function choice<K extends keyof Choices>(scope: IConstruct, name: K): Choices[K][number] {
  return contextChoice(scope, name, COST_CONTROL_CHOICES[name] as readonly Choices[K][number][], costControls[name]);
}

export function readCostSettings(scope: IConstruct): CostSettings {
  return {
    tracing: choice(scope, 'tracing'),
    logLevel: choice(scope, 'logLevel'),
    logLambdaContext: choice(scope, 'logLambdaContext'),
    accessLogFormat: choice(scope, 'accessLogFormat'),
    systemLogLevel: choice(scope, 'systemLogLevel'),
    metaWebhookIngress: choice(scope, 'metaWebhookIngress'),
    contactRefreshMinutes: contextInt(scope, 'contactRefreshMinutes', costControls.contactRefreshMinutes, 0, 1440),
    heartbeatSeconds: contextInt(scope, 'heartbeatSeconds', costControls.heartbeatSeconds, 0, 3600),
  };
}

/** What the functions read of them. */
export function costEnvironment(settings: CostSettings): Record<string, string> {
  return {
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    CONTACT_REFRESH_MINUTES: String(settings.contactRefreshMinutes),
    HEARTBEAT_SECONDS: String(settings.heartbeatSeconds),
    ...(settings.logLambdaContext === 'full' ? { LOG_LAMBDA_CONTEXT: 'full' } : {}),
  };
}
