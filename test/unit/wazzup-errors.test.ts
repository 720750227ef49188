import { describe, expect, it } from 'vitest';
import {
  WAZZUP_HTTP_ERROR,
  WAZZUP_TRANSPORT_ERROR,
  mapWazzupError,
  mapWazzupWebhookError,
  normaliseWazzupCode,
  wazzupApiKeyMissing,
  wazzupRetryDelayMs,
  wazzupTransportError,
} from '../../lambdas/domain/outbound/wazzup-errors.js';

describe('mapWazzupError', () => {
  it('repeatedCrmMessageId (the documented body) counts as already sent, in either spelling', () => {
    const documented = { error: 'repeatedCrmMessageId', description: 'You have already sent message with the same crmMessageId' };
    for (const body of [documented, JSON.stringify(documented), { error: 'REPEATED_CRM_MESSAGE_ID' }]) {
      const e = mapWazzupError(body, 400);
      expect(e.alreadySent).toBe(true);
      expect(e.retryable).toBe(false);
      expect(e.retryClass).toBe('none');
      expect(e.httpStatus).toBe(400);
    }
    expect(mapWazzupError(documented, 400)).toMatchObject({ code: 'repeatedCrmMessageId', message: documented.description });
  });

  it.each([
    ['BAD_CONTACT', 400, 'none'],
    ['24_HOURS_EXCEEDED', 400, 'none'],
    ['7_DAYS_EXCEEDED', 400, 'none'],
    ['CHANNEL_NOT_FOUND', 400, 'none'],
    ['CHANNEL_BLOCKED', 400, 'none'],
    ['CHANNEL_NO_MONEY', 400, 'none'],
    ['CHANNEL_SOMETHING_NEW', 400, 'none'],
    ['MESSAGE_CHANNEL_UNAVAILABLE', 400, 'backoff'],
    ['TOO_MANY_REQUESTS', 429, 'throughput'],
    ['TOO_LONG_TEXT', 400, 'none'],
    ['INVALID_MESSAGE_DATA', 400, 'none'],
    ['testPostNotPassed', 400, 'none'],
    ['uriNotValid', 400, 'none'],
    ['SOME_UNKNOWN_CODE', 400, 'none'],
    ['SOME_UNKNOWN_CODE', 503, 'backoff'],
  ] as const)('%s (HTTP %i) -> %s', (code, status, retryClass) => {
    const e = mapWazzupError({ error: code, description: `about ${code}` }, status);
    expect(e.code).toBe(code);
    expect(e.message).toBe(`about ${code}`);
    expect(e.retryClass).toBe(retryClass);
    expect(e.retryable).toBe(retryClass !== 'none');
    expect(e.hint.length).toBeGreaterThan(20);
    expect(e.alreadySent).toBeUndefined();
  });

  it('hints say what to do', () => {
    expect(mapWazzupError({ error: '24_HOURS_EXCEEDED' }, 400).hint).toMatch(/template/);
    expect(mapWazzupError({ error: 'CHANNEL_NOT_FOUND' }, 400).hint).toMatch(/wa wazzup channels/);
    expect(mapWazzupError({ error: 'CHANNEL_WHATEVER' }, 400).hint).toMatch(/CHANNEL_WHATEVER.*wa wazzup channels/);
    expect(mapWazzupError({ error: 'testPostNotPassed' }, 400).hint).toMatch(/200/);
  });

  it('empty bodies fall back on the HTTP status', () => {
    expect(mapWazzupError('', 429)).toMatchObject({ code: WAZZUP_HTTP_ERROR, retryClass: 'throughput', retryable: true, httpStatus: 429 });
    expect(mapWazzupError('', 401)).toMatchObject({ code: WAZZUP_HTTP_ERROR, retryClass: 'token', retryable: true });
    expect(mapWazzupError(undefined, 403)).toMatchObject({ retryClass: 'none', hint: expect.stringMatching(/sidecar/) });
    expect(mapWazzupError('', 500)).toMatchObject({ retryClass: 'backoff', retryable: true });
    expect(mapWazzupError('<html>Bad gateway</html>', 502)).toMatchObject({ retryClass: 'backoff', details: '<html>Bad gateway</html>' });
    expect(mapWazzupError('', 400)).toMatchObject({ code: WAZZUP_HTTP_ERROR, retryClass: 'none', message: 'HTTP 400 without a Wazzup error code' });
  });

  it('a code wins over the status; nested { error: { code } } and data/requestId are read', () => {
    expect(mapWazzupError({ error: 'BAD_CONTACT' }, 500).retryClass).toBe('none');
    const nested = mapWazzupError({ error: { code: 'CHAT_NO_ACCESS', description: 'no access', data: { chatId: '1' } }, requestId: 'r-9' }, 403);
    expect(nested).toMatchObject({ code: 'CHAT_NO_ACCESS', message: 'no access', details: '{"chatId":"1"}', requestId: 'r-9', retryClass: 'none' });
    expect(mapWazzupError({ error: 'INVALID_MESSAGE_DATA', data: { fields: ['chatId'] } }, 400).details).toBe('{"fields":["chatId"]}');
  });
});

describe('mapWazzupWebhookError', () => {
  it('reads the error of a failed status', () => {
    expect(mapWazzupWebhookError({ error: 'BAD_CONTACT', description: 'no WhatsApp' })).toMatchObject({ code: 'BAD_CONTACT', message: 'no WhatsApp', retryable: false });
    expect(mapWazzupWebhookError('SPAM')).toMatchObject({ code: 'SPAM', retryClass: 'none' });
    expect(mapWazzupWebhookError({ code: 'MESSAGE_CHANNEL_UNAVAILABLE' })).toMatchObject({ retryClass: 'backoff' });
    expect(mapWazzupWebhookError(null)).toMatchObject({ code: WAZZUP_HTTP_ERROR, retryClass: 'none' });
  });
});

describe('retry delays', () => {
  it('429 waits the 5-second window plus jitter; 5xx backs off; permanent errors are not retried', () => {
    const tooMany = mapWazzupError('', 429);
    expect(wazzupRetryDelayMs(tooMany, 0, { random: () => 0 })).toBe(5_000);
    expect(wazzupRetryDelayMs(tooMany, 3, { random: () => 0.999 })).toBe(5_999);
    const server = mapWazzupError('', 500);
    expect(wazzupRetryDelayMs(server, 2, { random: () => 0.5 })).toBe(2_000);
    expect(wazzupRetryDelayMs(mapWazzupError({ error: 'BAD_CONTACT' }, 400), 0)).toBeUndefined();
    expect(wazzupRetryDelayMs(mapWazzupError({ error: 'repeatedCrmMessageId' }, 400), 0)).toBeUndefined();
    const auth = mapWazzupError('', 401);
    expect(wazzupRetryDelayMs(auth, 0)).toBe(0);
    expect(wazzupRetryDelayMs(auth, 1)).toBeUndefined();
  });

  it('transport errors are retryable', () => {
    expect(wazzupTransportError('ECONNRESET')).toMatchObject({ code: WAZZUP_TRANSPORT_ERROR, retryable: true, retryClass: 'backoff', message: expect.stringContaining('ECONNRESET') });
  });

  it('normalises code spellings', () => {
    expect(normaliseWazzupCode('repeatedCrmMessageId')).toBe(normaliseWazzupCode('REPEATED_CRM_MESSAGE_ID'));
  });
});

describe('an unconfigured API key', () => {
  it('is a mapped error in the shared shape, not retried as is, with where to paste the key', () => {
    const e = wazzupApiKeyMissing();
    expect(e).toMatchObject({ code: 'API_KEY_MISSING', retryable: false, retryClass: 'none' });
    expect(e.hint).toMatch(/WazzupApiKeyName/);
    expect(e.hint).toMatch(/WAZZUP_API_KEY/);
    expect(wazzupRetryDelayMs(e, 0)).toBeUndefined();
  });
});
