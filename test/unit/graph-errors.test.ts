import { describe, expect, it } from 'vitest';
import {
  HTTP_ERROR_CODE,
  TRANSPORT_ERROR_CODE,
  backoffDelayMs,
  mapGraphError,
  mapWebhookError,
  pairRateDelayMs,
  retryDelayMs,
  transportError,
  type RetryClass,
} from '../../lambdas/domain/outbound/graph-errors.js';

/** A Graph error body in Meta's layout (facts §7). */
function body(code: number, extra: Record<string, unknown> = {}) {
  return { error: { message: `(#${code}) something`, type: 'OAuthException', code, fbtrace_id: 'AbCdEf123', ...extra } };
}

describe('mapGraphError: every class of Meta error table (facts §7)', () => {
  const table: [number, RetryClass][] = [
    [0, 'token'],
    [190, 'token'],
    [1, 'backoff'],
    [2, 'backoff'],
    [4, 'backoff'],
    [80007, 'backoff'],
    [131000, 'backoff'],
    [131016, 'backoff'],
    [131057, 'backoff'],
    [133004, 'backoff'],
    [133015, 'backoff'],
    [133016, 'backoff'],
    [2494100, 'backoff'],
    [130429, 'throughput'],
    [131056, 'pair'],
    [3, 'none'],
    [10, 'none'],
    [200, 'none'],
    [299, 'none'],
    [33, 'none'],
    [100, 'none'],
    [368, 'none'],
    [130403, 'none'],
    [130472, 'none'],
    [130497, 'none'],
    [131005, 'none'],
    [131008, 'none'],
    [131009, 'none'],
    [131021, 'none'],
    [131026, 'none'],
    [131030, 'none'],
    [131031, 'none'],
    [131037, 'none'],
    [131042, 'none'],
    [131045, 'none'],
    [131047, 'none'],
    [131048, 'none'],
    [131049, 'none'],
    [131050, 'none'],
    [131051, 'none'],
    [131052, 'none'],
    [131053, 'none'],
    [131062, 'none'],
    [131063, 'none'],
    [131064, 'none'],
    [132000, 'none'],
    [132001, 'none'],
    [132005, 'none'],
    [132007, 'none'],
    [132012, 'none'],
    [132015, 'none'],
    [132016, 'none'],
    [132018, 'none'],
    [132068, 'none'],
    [132069, 'none'],
    [133000, 'none'],
    [133005, 'none'],
    [133010, 'none'],
    [134011, 'none'],
    [135000, 'none'],
    [2388019, 'none'],
  ];
  it.each(table)('code %i -> %s', (code, retryClass) => {
    const m = mapGraphError(body(code), 400);
    expect(m.code).toBe(code);
    expect(m.retryClass).toBe(retryClass);
    expect(m.retryable).toBe(retryClass !== 'none');
    expect(m.hint.length).toBeGreaterThan(20);
    expect(m.fbtraceId).toBe('AbCdEf123');
    expect(m.httpStatus).toBe(400);
  });

  it('branches on the code, never on the message text', () => {
    const misleading = mapGraphError({ error: { message: 'Rate limit hit, please retry', type: 'OAuthException', code: 131047 } });
    expect(misleading.retryable).toBe(false);
    expect(misleading.hint).toMatch(/template/);
    const plain = mapGraphError({ error: { message: 'Permanent failure', type: 'OAuthException', code: 130429 } });
    expect(plain.retryClass).toBe('throughput');
  });

  it('keeps subcode, details, type and message from a real cassette body (messages/read_message_with_a_valid_response.yml)', () => {
    const m = mapGraphError(
      '{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100,"error_data":{"messaging_product":"whatsapp","details":"Message supplied to mark message as read API with message ID: wamid.HBgL is outgoing. Please use an incoming message ID."},"fbtrace_id":"A37kyQyzvth42JAWv5dja9R"}}',
      400,
    );
    expect(m).toMatchObject({
      code: 100,
      message: '(#100) Invalid parameter',
      type: 'OAuthException',
      details: expect.stringContaining('is outgoing'),
      fbtraceId: 'A37kyQyzvth42JAWv5dja9R',
      retryable: false,
    });
    expect(m.subcode).toBeUndefined();
  });

  it('100/33 (cassette send_text_handles_error_response.yml) points at the phone number id and `wa accounts`', () => {
    const m = mapGraphError(
      '{"error":{"message":"Unsupported post request. Object with ID \'123123\' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https:\\/\\/developers.facebook.com\\/docs\\/graph-api","type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"AzJYAMZdf4WaDlLDXeqjTr9"}}',
      400,
    );
    expect(m.subcode).toBe(33);
    expect(m.type).toBe('GraphMethodException');
    expect(m.hint).toContain('npx wa accounts');
    expect(m.hint).toMatch(/phone number id/);
    expect(mapGraphError(body(100)).hint).not.toContain('wa accounts');
  });

  it('190 names the fix: `wa token rotate` and the Secrets Manager secret, with the subcode reason', () => {
    const expired = mapGraphError(body(190, { error_subcode: 463 }), 401);
    expect(expired.hint).toContain('npx wa token rotate');
    expect(expired.hint).toContain('ACCESS_TOKEN_ARN');
    expect(expired.hint).toMatch(/expired/);
    expect(mapGraphError(body(190, { error_subcode: 460 })).hint).toMatch(/password/);
    expect(mapGraphError(body(190)).retryClass).toBe('token');
  });

  it('specific hints: 131047 template, 131030 test numbers list, 368 Business Support Home, 131056 4^n', () => {
    expect(mapGraphError(body(131047)).hint).toMatch(/template/);
    expect(mapGraphError(body(131030)).hint).toMatch(/App Dashboard/);
    expect(mapGraphError(body(368)).hint).toMatch(/Business Support Home/);
    expect(mapGraphError(body(131056)).hint).toMatch(/4\^n/);
    expect(mapGraphError(body(131026)).hint).toMatch(/undeliverable/i);
    expect(mapGraphError(body(132001)).hint).toMatch(/language/);
  });

  it('an unknown code is generic, carries the fbtrace_id, and follows is_transient and 5xx', () => {
    const unknown = mapGraphError(body(987654), 400);
    expect(unknown.retryable).toBe(false);
    expect(unknown.hint).toContain('AbCdEf123');
    expect(mapGraphError(body(987654, { is_transient: true }), 400).retryClass).toBe('backoff');
    expect(mapGraphError(body(987654), 503).retryable).toBe(true);
  });

  it('string codes and subcodes are read as numbers', () => {
    const m = mapGraphError({ error: { message: 'x', code: '131056', error_subcode: '2494055' } });
    expect(m.code).toBe(131056);
    expect(m.subcode).toBe(2494055);
  });

  it('HTTP 5xx (and 429/408) with a non-JSON body is retryable; other non-Graph bodies are not', () => {
    const html = mapGraphError('<html><body>502 Bad Gateway</body></html>', 502);
    expect(html).toMatchObject({ code: HTTP_ERROR_CODE, httpStatus: 502, retryable: true, retryClass: 'backoff' });
    expect(html.details).toContain('502 Bad Gateway');
    expect(mapGraphError('', 503).retryable).toBe(true);
    expect(mapGraphError('slow down', 429).retryable).toBe(true);
    expect(mapGraphError('not found', 404)).toMatchObject({ code: HTTP_ERROR_CODE, retryable: false });
    expect(mapGraphError({ unexpected: true }, 400)).toMatchObject({ code: HTTP_ERROR_CODE, retryable: false });
  });

  it('transport failures are retryable', () => {
    expect(transportError('timed out')).toMatchObject({ code: TRANSPORT_ERROR_CODE, retryable: true, retryClass: 'backoff' });
  });
});

describe('mapWebhookError', () => {
  it('maps a failed status error (facts §2.4, 131047)', () => {
    const m = mapWebhookError({
      code: 131047,
      title: 'Re-engagement message',
      message: 'Re-engagement message',
      error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    });
    expect(m).toMatchObject({ code: 131047, title: 'Re-engagement message', retryable: false, retryClass: 'none' });
    expect(m.details).toMatch(/24 hours/);
    expect(m.hint).toMatch(/template/);
  });

  it('maps an async throughput failure as retryable and survives junk', () => {
    expect(mapWebhookError({ code: 130429, title: 'Rate limit hit' }).retryClass).toBe('throughput');
    expect(mapWebhookError('nonsense')).toMatchObject({ code: HTTP_ERROR_CODE, retryable: false });
  });
});

describe('backoff', () => {
  it('full jitter: uniform below min(cap, base * 2^attempt)', () => {
    expect(backoffDelayMs(0, { random: () => 0.999 })).toBe(999);
    expect(backoffDelayMs(3, { random: () => 0.5 })).toBe(4_000);
    expect(backoffDelayMs(30, { random: () => 0.5, capMs: 60_000 })).toBe(30_000);
    expect(backoffDelayMs(5, { random: () => 0 })).toBe(0);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelayMs(4);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(16_000);
    }
  });

  it('pair rate limit: 4^X seconds from X=0', () => {
    expect([0, 1, 2, 3].map((x) => pairRateDelayMs(x))).toEqual([1_000, 4_000, 16_000, 64_000]);
    expect(pairRateDelayMs(40)).toBe(12 * 60 * 60_000);
  });

  it('retryDelayMs follows the class: none -> undefined, pair -> 4^X s, token -> immediate first retry', () => {
    const random = () => 0.5;
    expect(retryDelayMs(mapGraphError(body(131047)), 0)).toBeUndefined();
    expect(retryDelayMs(mapGraphError(body(131056)), 2)).toBe(16_000);
    expect(retryDelayMs(mapGraphError(body(190)), 0)).toBe(0);
    expect(retryDelayMs(mapGraphError(body(190)), 1, { random })).toBe(1_000);
    expect(retryDelayMs(mapGraphError(body(130429)), 10, { random })).toBe(30_000);
    expect(retryDelayMs(mapGraphError(body(131000)), 2, { random })).toBe(2_000);
  });
});
