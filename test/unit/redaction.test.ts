// Redaction as pure functions, then through a real Powertools logger writing to the real stdout/stderr:
// a token never reaches a log line, not in a message, an Error (message, stack, cause), a URL, a header
// or a nested object, and phone numbers are masked unless LOG_PHONE_NUMBERS=true.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GraphError } from '../../lambdas/adapters/meta/graph-client.js';
import { isSecretKey, maskPhone, redact, redactText, REDACTED } from '../../lambdas/adapters/runtime/redaction.js';

const TOKEN = 'EAAGm0PX4ZCpsBAKZCZAx7dV1example2ZCZBq9token';
const APP_SECRET = 'd41d8cd98f00b204e9800998ecf8427e';
const SIGNATURE = `sha256=${'ab12'.repeat(16)}`;

describe('redactText', () => {
  it.each([
    ['access_token', `https://graph.facebook.com/v26.0/me?access_token=${TOKEN}&fields=id`],
    ['client_secret', `oauth/access_token?grant_type=fb_exchange_token&client_id=1&client_secret=${APP_SECRET}`],
    ['input_token', `debug_token?input_token=${TOKEN}`],
    ['fb_exchange_token', `oauth/access_token?fb_exchange_token=${TOKEN}&set_token_expires_in_60_days=true`],
    ['hub.verify_token', `GET /webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${APP_SECRET}&hub.challenge=1`],
  ])('blanks the %s query value and keeps the rest of the URL', (param, url) => {
    const out = redactText(url);
    expect(out).toContain(`${param}=${REDACTED}`);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(APP_SECRET);
    expect(out).toMatch(/^(https:\/\/graph|oauth|debug_token|GET)/);
  });

  it('blanks Authorization headers in any spelling, bearer tokens and signatures', () => {
    for (const text of [
      `Authorization: Bearer ${TOKEN}`,
      `{"authorization":"Bearer ${TOKEN}"}`,
      `authorization=${TOKEN}`,
      `sent with Bearer ${TOKEN} to Graph`,
      `x-hub-signature-256: ${SIGNATURE}`,
    ]) {
      const out = redactText(text);
      expect(out, text).not.toContain(TOKEN);
      expect(out, text).not.toContain(SIGNATURE.slice(7));
      expect(out, text).toContain(REDACTED);
    }
  });

  it('blanks Meta tokens and app tokens by shape, and known secret values wherever they appear', () => {
    expect(redactText(`token ${TOKEN} is expired`)).toBe(`token ${REDACTED} is expired`);
    expect(redactText(`app token 1234567890123|${APP_SECRET}`)).toBe(`app token ${REDACTED}`);
    expect(redactText(`the secret is hunter2hunter2!`, { secrets: ['hunter2hunter2'] })).toBe(`the secret is ${REDACTED}!`);
    // short values would blank ordinary words, so they are not treated as secrets
    expect(redactText('a b c', { secrets: ['b'] })).toBe('a b c');
  });

  it('masks E.164 numbers in text unless phone numbers are shown', () => {
    expect(redactText('customer +996555123456 wrote')).toBe('customer +996555***456 wrote');
    expect(redactText('call +996 555 123 456 now')).toBe('call +996555***456 now');
    expect(redactText('US: +1 (555) 000-1111.')).toBe('US: +15550***111.');
    expect(redactText('customer +996555123456 wrote', { showPhoneNumbers: true })).toBe('customer +996555123456 wrote');
    // not phone numbers: too short, an epoch, an id without "+"
    expect(redactText('+12345 1700000000 106540352242922')).toBe('+12345 1700000000 106540352242922');
  });

  it('leaves ordinary text alone', () => {
    const text = 'stored 3 messages (wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA) for contact US.1349';
    expect(redactText(text)).toBe(text);
  });

  it('never lets a token embedded in arbitrary text through (property)', () => {
    const token = fc.stringMatching(/^EAA[A-Za-z0-9]{20,60}$/);
    const noise = fc.string({ maxLength: 40 }).map((s) => s.replace(/[A-Za-z0-9]$/, ' '));
    fc.assert(
      fc.property(noise, token, noise, fc.constantFrom('', 'access_token=', 'Bearer ', 'Authorization: '), (before, t, after, prefix) => {
        const text = `${before.replace(/[A-Za-z0-9]$/, '')} ${prefix}${t} ${after}`;
        expect(redactText(text)).not.toContain(t);
      }),
    );
  });
});

describe('maskPhone', () => {
  it('keeps the country and operator prefix and the last three digits, hides at least three', () => {
    expect(maskPhone('+996555123456')).toBe('+996555***456');
    expect(maskPhone('996555123456')).toBe('996555***456');
    expect(maskPhone('+15550001111')).toBe('+15550***111');
    expect(maskPhone('+4930123456')).toBe('+4930***456');
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{7,14}$/), (digits) => {
        const masked = maskPhone(`+${digits}`);
        const shown = masked.replace(/\D/g, '');
        expect(digits.length - shown.length).toBeGreaterThanOrEqual(3);
        expect(masked.endsWith(digits.slice(-3))).toBe(true);
      }),
    );
  });
});

describe('redact (structured values)', () => {
  it('replaces secret-named keys whatever their value, at any depth, in arrays too', () => {
    const out = redact({
      headers: { Authorization: `Bearer ${TOKEN}`, 'X-Hub-Signature-256': SIGNATURE, 'content-type': 'application/json' },
      nested: [{ accessToken: TOKEN }, { app_secret: { value: APP_SECRET } }],
      verifyToken: 'x',
      crmKey: 'k',
      ok: 'fine',
    });
    expect(out).toEqual({
      headers: { Authorization: REDACTED, 'X-Hub-Signature-256': REDACTED, 'content-type': 'application/json' },
      nested: [{ accessToken: REDACTED }, { app_secret: REDACTED }],
      verifyToken: REDACTED,
      crmKey: REDACTED,
      ok: 'fine',
    });
  });

  it('masks phone-named keys (strings, numbers, arrays, wa_id-based contact ids) and keeps BSUIDs', () => {
    const out = redact({ wa_id: '996555123456', from: 996555123456, phones: ['+996555123456'], contact_id: '996555123456', contactId: 'US.13491208655302741918', chatId: 'wazzup24-996555123456' });
    expect(out).toEqual({
      wa_id: '996555***456',
      from: '996555***456',
      phones: ['+996555***456'],
      contact_id: '996555***456',
      contactId: 'US.13491208655302741918',
      chatId: 'wazzup24-996555***456',
    });
    expect(redact({ wa_id: '996555123456' }, { showPhoneNumbers: true })).toEqual({ wa_id: '996555123456' });
  });

  it('scans Errors: message, stack, cause chain and own fields', () => {
    const cause = new Error(`Authorization: Bearer ${TOKEN}`);
    const error = Object.assign(new Error(`GET /debug_token?input_token=${TOKEN} failed`, { cause }), { url: `?access_token=${TOKEN}`, code: 190 });
    const text = JSON.stringify(redact({ error }));
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('"code":190');
    expect(text).toContain('input_token=[REDACTED]');
  });

  it('does not mutate the input and survives cycles, buffers and bigints', () => {
    const input: Record<string, unknown> = { token: TOKEN, bytes: Buffer.from('abc'), n: 10n };
    input['self'] = input;
    const out = redact(input) as Record<string, unknown>;
    expect(input['token']).toBe(TOKEN);
    expect(out).toEqual({ token: REDACTED, bytes: '<3 bytes>', n: '10', self: '[Circular]' });
  });

  it('knows which keys are credentials', () => {
    for (const k of ['authorization', 'Authorization', 'x-hub-signature-256', 'access_token', 'ACCESS_TOKEN', 'appSecret', 'hub.verify_token', 'ADMIN_TOKEN', 'client_secret', 'password']) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ['message', 'tokenValid', 'TokenDaysToExpiry', 'service', 'messageId']) expect(isSecretKey(k), k).toBe(false);
  });
});

describe('a real Powertools logger (adapters/runtime/logger.ts) writing to stdout', () => {
  let lines: string[];
  const restore: Array<() => void> = [];

  beforeEach(() => {
    lines = [];
    // Outside dev mode Powertools writes through its own Console on process.stdout/stderr, as in Lambda.
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    for (const stream of [process.stdout, process.stderr]) {
      const spy = vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        return true;
      });
      restore.push(() => spy.mockRestore());
    }
  });
  afterEach(() => {
    for (const r of restore.splice(0)) r();
    vi.unstubAllEnvs();
  });

  async function freshLogger(env: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    vi.resetModules();
    return import('../../lambdas/adapters/runtime/logger.js');
  }

  it('the compact Lambda context (the default) names the request, not the function; LOG_LAMBDA_CONTEXT=full adds it all', async () => {
    const context = { functionName: 'WhatsAppBusiness-webhook', awsRequestId: 'lambda-req-9', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:x', memoryLimitInMB: '512', functionVersion: '$LATEST' };
    for (const [env, expected] of [
      [{}, { function_request_id: 'lambda-req-9' }],
      [{ LOG_LAMBDA_CONTEXT: 'full' }, { function_request_id: 'lambda-req-9', function_name: 'WhatsAppBusiness-webhook', function_arn: context.invokedFunctionArn, function_memory_size: '512' }],
    ] as const) {
      lines = [];
      const { createLogger } = await freshLogger(env);
      const log = createLogger({ serviceName: 'webhook' });
      log.addContext(context as never);
      log.info('hello');
      const item = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(item).toMatchObject({ service: 'webhook', ...expected });
      if (!('function_name' in expected)) for (const key of ['function_name', 'function_arn', 'function_memory_size']) expect(item).not.toHaveProperty(key);
    }
  });

  it('never prints a token, secret or signature: message, extra keys, Error with cause, GraphError, headers', async () => {
    const { createLogger, redactSecretValues } = await freshLogger();
    const log = createLogger({ serviceName: 'webhook' });
    redactSecretValues(APP_SECRET);
    const graphError = new GraphError(
      { code: 190, message: `Error validating access token ${TOKEN}`, retryable: false, retryClass: 'token', hint: 'rotate' },
      { method: 'GET', url: `https://graph.facebook.com/v26.0/debug_token?input_token=${TOKEN}` },
    );
    log.info(`calling Graph with ${TOKEN}`);
    log.warn('delivery rejected', { headers: { 'x-hub-signature-256': SIGNATURE, authorization: `Bearer ${TOKEN}` } });
    log.error('rotation failed', { error: new Error(`exchange with client_secret=${APP_SECRET} failed`, { cause: graphError }) });
    log.error('graph failed', graphError);
    log.debug('config', { config: { appSecret: APP_SECRET, nested: [{ note: `secret is ${APP_SECRET}` }] } });

    expect(lines).toHaveLength(5);
    for (const line of lines) {
      const item = JSON.parse(line) as Record<string, unknown>; // one JSON object per line
      expect(item['service']).toBe('webhook');
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(APP_SECRET);
      expect(line).not.toContain(SIGNATURE.slice(7));
    }
    const rotation = JSON.parse(lines[2]!) as { error: { message: string; stack: string; cause: { name: string; error: { code: number } } } };
    expect(rotation.error.message).toBe(`exchange with client_secret=${REDACTED} failed`);
    expect(rotation.error.stack).toContain('client_secret=[REDACTED]');
    expect(rotation.error.cause.name).toBe('GraphError');
    expect(rotation.error.cause.error.code).toBe(190);
  });

  it('masks phone numbers by default and shows them with LOG_PHONE_NUMBERS=true', async () => {
    let mod = await freshLogger();
    mod.createLogger().info('inbound', { from: '996555123456', contact_id: '996555123456', note: 'reply to +996555123456' });
    mod = await freshLogger({ LOG_PHONE_NUMBERS: 'true' });
    mod.createLogger().info('inbound', { from: '996555123456' });
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ from: '996555***456', contact_id: '996555***456', note: 'reply to +996555***456' });
    expect(lines[0]).not.toContain('996555123456');
    expect(JSON.parse(lines[1]!)).toMatchObject({ from: '996555123456' });
  });

  it('the middy chain: Lambda context and correlation keys on every line of one invocation, gone after it, even after a throw', async () => {
    // Lambda sets this; Powertools reports a cold start only for on-demand environments.
    const { logger, correlationKeys, withCorrelation, httpCorrelation } = await freshLogger({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' });
    const { injectLambdaContext } = await import('@aws-lambda-powertools/logger/middleware');
    const { default: middy } = await import('@middy/core');
    const handler = middy(async (event: { requestContext: { requestId: string }; fail?: boolean }) => {
      logger.info('handling');
      await withCorrelation({ queue_message_id: 'q-1', message_id: 'wamid.A', contact_id: 'US.1' }, async () => logger.info('record'));
      logger.appendKeys({ message_ids: ['wamid.A'] });
      logger.info('after record');
      if (event.fail) throw new Error('storage down');
      return event.requestContext.requestId;
    })
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(correlationKeys(httpCorrelation));
    const context = { functionName: 'WhatsAppBusiness-webhook', awsRequestId: 'lambda-req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:x', memoryLimitInMB: '512', functionVersion: '$LATEST' };
    expect(await handler({ requestContext: { requestId: 'api-req-1' } }, context as never)).toBe('api-req-1');
    logger.info('between invocations');
    await expect(handler({ requestContext: { requestId: 'api-req-2' }, fail: true }, { ...context, awsRequestId: 'lambda-req-2' } as never)).rejects.toThrow('storage down');
    logger.info('after a failed invocation');
    const items = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((i) => 'level' in i);
    expect(items.map((i) => i['message'])).toEqual(['handling', 'record', 'after record', 'between invocations', 'handling', 'record', 'after record', 'after a failed invocation']);
    expect(items[0]).toMatchObject({ request_id: 'api-req-1', cold_start: true, function_request_id: 'lambda-req-1' });
    expect(items[1]).toMatchObject({ queue_message_id: 'q-1', message_id: 'wamid.A', contact_id: 'US.1', request_id: 'api-req-1' });
    expect(items[2]).toMatchObject({ request_id: 'api-req-1', message_ids: ['wamid.A'] });
    expect(items[2]).not.toHaveProperty('queue_message_id');
    for (const gone of ['request_id', 'message_ids']) expect(items[3]).not.toHaveProperty(gone);
    expect(items[4]).toMatchObject({ request_id: 'api-req-2', cold_start: false, function_request_id: 'lambda-req-2' });
    for (const gone of ['request_id', 'message_ids']) expect(items[7]).not.toHaveProperty(gone);
  });
});
