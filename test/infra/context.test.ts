// Context parameters (`npx cdk deploy -c name=value`) and their validation.
import { describe, expect, it } from 'vitest';
import { commonEnv, functions } from '../../lib/resources.js';
import { logicalId, resources, synthStack } from '../support/synth.js';

function functionEnvironments(context: Record<string, unknown>): Array<Record<string, unknown>> {
  const { stack, template } = synthStack({ context });
  const all = resources(template);
  return Object.keys(functions).map((name) => {
    const props = all[logicalId(stack, stack.functions.get(name)!.function)]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    return props.Environment.Variables;
  });
}

function retentions(context: Record<string, unknown>): number[] {
  const { template } = synthStack({ context });
  return Object.values(resources(template))
    .filter((r) => r.Type === 'AWS::Logs::LogGroup')
    .map((r) => r.Properties?.['RetentionInDays'] as number);
}

describe('context parameters', () => {
  it('without context: no PHONE_NUMBER_ID, GRAPH_API_VERSION from resources.ts', () => {
    for (const env of functionEnvironments({})) {
      expect(env['PHONE_NUMBER_ID']).toBeUndefined();
      expect(env['GRAPH_API_VERSION']).toBe(commonEnv.GRAPH_API_VERSION);
    }
  });

  it('phoneNumberId becomes PHONE_NUMBER_ID in every function', () => {
    for (const env of functionEnvironments({ phoneNumberId: '106540352242922' })) {
      expect(env['PHONE_NUMBER_ID']).toBe('106540352242922');
    }
  });

  it('a number given on the command line as a JSON number works too', () => {
    for (const env of functionEnvironments({ phoneNumberId: 106540352242922 })) {
      expect(env['PHONE_NUMBER_ID']).toBe('106540352242922');
    }
  });

  it('graphApiVersion overrides GRAPH_API_VERSION', () => {
    for (const env of functionEnvironments({ graphApiVersion: 'v25.0' })) expect(env['GRAPH_API_VERSION']).toBe('v25.0');
  });

  it('logRetentionDays sets every log group (functions and API access logs); default one month', () => {
    const defaults = retentions({});
    expect(defaults.length).toBe(Object.keys(functions).length + 1);
    expect(new Set(defaults)).toEqual(new Set([30]));
    expect(new Set(retentions({ logRetentionDays: '7' }))).toEqual(new Set([7]));
    expect(new Set(retentions({ logRetentionDays: 365 }))).toEqual(new Set([365]));
  });

  it('apiRateLimit and apiBurstLimit set the stage throttling', () => {
    const { template } = synthStack({ context: { apiRateLimit: '20', apiBurstLimit: '40' } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it.each([
    [{ phoneNumberId: '+996 555 123' }, /phoneNumberId must be Meta's numeric phone number id/],
    [{ graphApiVersion: '26' }, /graphApiVersion must look like v26\.0/],
    [{ logRetentionDays: '10' }, /logRetentionDays must be one of .*\b14\b/],
    [{ apiRateLimit: '-1' }, /apiRateLimit must be a positive integer/],
  ])('rejects %o with a clear message', (context, message) => {
    expect(() => synthStack({ context })).toThrow(message);
  });
});

describe('cards per sender', () => {
  const cardWorkerEnv = (context: Record<string, unknown>) => {
    const { stack, template } = synthStack({ context });
    return (resources(template)[logicalId(stack, stack.functions.get('cardWorker')!.function)]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
  };

  it('cardsPerSenderPerHour (default 20) reaches the card worker as CARDS_PER_SENDER_PER_HOUR', () => {
    expect(cardWorkerEnv({})['CARDS_PER_SENDER_PER_HOUR']).toBe('20');
    expect(cardWorkerEnv({ cardsPerSenderPerHour: '5' })['CARDS_PER_SENDER_PER_HOUR']).toBe('5');
    expect(() => synthStack({ context: { cardsPerSenderPerHour: '0' } })).toThrow(/cardsPerSenderPerHour must be a whole number from 1 to 10000/);
  });

  it('the card worker without the variable (npm start) uses the same default', async () => {
    const { cardsPerSenderFromEnv } = await import('../../lambdas/handlers/card-batch.js');
    const { CARDS_PER_SENDER_PER_HOUR } = await import('../../lib/constructs/context.js');
    expect(cardsPerSenderFromEnv({})).toBe(CARDS_PER_SENDER_PER_HOUR.default);
    expect(() => cardsPerSenderFromEnv({ CARDS_PER_SENDER_PER_HOUR: 'lots' })).toThrow(/CARDS_PER_SENDER_PER_HOUR must be a positive whole number/);
  });
});
