// The cost controls (lib/resources.ts costControls) as context parameters: defaults, every alternative, bad values.
import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/resources.js';
import { asList, resources, roleStatements, synthStack } from '../support/synth.js';

function lambdas(context: Record<string, unknown>) {
  const { stack, template } = synthStack({ context });
  const all = resources(template);
  const fns = Object.values(all).filter((r) => r.Type === 'AWS::Lambda::Function');
  const stage = Object.values(all).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
  const format = JSON.parse((stage?.Properties?.['AccessLogSettings'] as { Format: string }).Format) as Record<string, string>;
  const xray = (name: string) => roleStatements(template, stack, name).some((s) => asList(s.Action).includes('xray:PutTraceSegments'));
  return { fns, format, xray };
}

const env = (fn: { Properties?: Record<string, unknown> }) => (fn.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables;

// Each case synthesizes the whole stack: seconds alone, much longer on a loaded machine.
describe('cost controls', { timeout: 180_000 }, () => {
  it('a WARN application level reaches Lambda\'s JSON logging config too (Powertools honours AWS_LAMBDA_LOG_LEVEL)', () => {
    const { fns } = lambdas({ logLevel: 'WARN' });
    for (const fn of fns) expect(fn.Properties?.['LoggingConfig']).toMatchObject({ LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'WARN' });
  });

  it('by default: no tracing and no X-Ray permission, INFO, no platform lines, compact lines and access log, 60-minute contact refresh and heartbeat', () => {
    const { fns, format, xray } = lambdas({});
    expect(fns).toHaveLength(Object.keys(functions).length);
    for (const fn of fns) {
      expect(fn.Properties?.['TracingConfig']).toBeUndefined();
      expect(env(fn)).toMatchObject({ POWERTOOLS_LOG_LEVEL: 'INFO', CONTACT_REFRESH_MINUTES: '60', HEARTBEAT_SECONDS: '60' });
      expect(env(fn)['LOG_LAMBDA_CONTEXT']).toBeUndefined();
      // JSON log format with system logs at WARN: no START/END/REPORT lines; the application level mirrors logLevel.
      expect(fn.Properties?.['LoggingConfig']).toMatchObject({ LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'INFO' });
    }
    for (const name of Object.keys(functions)) expect(xray(name), name).toBe(false);
    expect(Object.keys(format).sort()).toEqual(['error', 'ip', 'ms', 'requestId', 'route', 'status', 'time']);
  });

  it('each parameter switches its part back to the fuller behaviour', () => {
    const { fns, format, xray } = lambdas({
      tracing: 'active', logLevel: 'WARN', logLambdaContext: 'full', accessLogFormat: 'standard', contactRefreshMinutes: '0', heartbeatSeconds: '0', systemLogLevel: 'INFO',
    });
    for (const fn of fns) {
      expect(fn.Properties?.['TracingConfig']).toEqual({ Mode: 'Active' });
      expect(env(fn)).toMatchObject({ POWERTOOLS_LOG_LEVEL: 'WARN', CONTACT_REFRESH_MINUTES: '0', HEARTBEAT_SECONDS: '0', LOG_LAMBDA_CONTEXT: 'full' });
      // Lambda's text format, START/END/REPORT included, as before.
      expect((fn.Properties?.['LoggingConfig'] as Record<string, unknown>)?.['LogFormat'] ?? 'Text').toBe('Text');
    }
    for (const name of Object.keys(functions)) expect(xray(name), name).toBe(true);
    expect(format).toMatchObject({ requestId: '$context.requestId', protocol: '$context.protocol', responseLength: '$context.responseLength' });
  });

  it('a value that is not one of the choices fails synth naming the parameter', () => {
    expect(() => synthStack({ context: { tracing: 'sampled' } })).toThrow(/context tracing must be one of off, active, got "sampled"/);
    expect(() => synthStack({ context: { accessLogFormat: 'clf' } })).toThrow(/context accessLogFormat must be one of compact, standard/);
    expect(() => synthStack({ context: { logLevel: 'info' } })).toThrow(/context logLevel must be one of DEBUG, INFO, WARN, ERROR/);
    expect(() => synthStack({ context: { contactRefreshMinutes: '1441' } })).toThrow(/context contactRefreshMinutes must be a whole number from 0 to 1440/);
    expect(() => synthStack({ context: { heartbeatSeconds: '3601' } })).toThrow(/context heartbeatSeconds must be a whole number from 0 to 3600/);
    expect(() => synthStack({ context: { systemLogLevel: 'DEBUG' } })).toThrow(/context systemLogLevel must be one of WARN, INFO, got "DEBUG"/);
    expect(() => synthStack({ context: { metaWebhookIngress: 'alb' } })).toThrow(/context metaWebhookIngress must be one of functionUrl, httpApi, got "alb"/);
  });
});
