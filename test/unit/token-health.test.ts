import { describe, expect, it } from 'vitest';
import { assessToken, describeHealth, NEVER_EXPIRES_DAYS, tokenCheckLog, tokenMetrics, wabaIdsOf, type TokenFacts } from '../../lambdas/domain/token/token-health.js';
import { tokenLifecycle } from '../../lib/resources.js';

const NOW = new Date('2026-09-01T00:00:00Z');
const nowS = NOW.getTime() / 1000;
const base = (over: Partial<TokenFacts> = {}): TokenFacts => ({
  isValid: true,
  type: 'SYSTEM_USER',
  expiresAt: nowS + 20 * 86400 + 3600,
  scopes: ['whatsapp_business_management', 'whatsapp_business_messaging'],
  granularScopes: [],
  ...over,
});

describe('assessToken', () => {
  it('counts whole days left and reports both metrics', () => {
    const h = assessToken(base(), NOW);
    expect(h).toMatchObject({ valid: true, neverExpires: false, daysToExpiry: 20, missingScopes: [], shortLived: false });
    expect(tokenMetrics(h)).toEqual({ TokenDaysToExpiry: 20, TokenValid: 1 });
    expect(describeHealth(h)).toBe('SYSTEM_USER token is valid and expires 2026-09-21T01:00:00.000Z (20 days left)');
  });

  it('a never-expiring token (expires_at 0) reports the fixed large value', () => {
    const h = assessToken(base({ expiresAt: 0 }), NOW);
    expect(h.neverExpires).toBe(true);
    expect(tokenMetrics(h).TokenDaysToExpiry).toBe(NEVER_EXPIRES_DAYS);
    expect(NEVER_EXPIRES_DAYS).toBe(tokenLifecycle.neverExpiresDays);
    expect(describeHealth(h)).toMatch(/never expires/);
  });

  it('an expired token is invalid with the reason, and its days clamp to 0 for the metric', () => {
    const h = assessToken(base({ isValid: false, expiresAt: nowS - 2 * 86400, error: { code: 190, subcode: 463 } }), NOW);
    expect(h).toMatchObject({ valid: false, invalidReason: 'it has expired', daysToExpiry: -2 });
    expect(tokenMetrics(h)).toEqual({ TokenDaysToExpiry: 0, TokenValid: 0 });
    const revoked = assessToken(base({ isValid: false, error: { code: 190, subcode: 460 } }), NOW);
    expect(revoked.invalidReason).toMatch(/invalidated/);
  });

  it('flags missing scopes and short-lived user tokens', () => {
    expect(assessToken(base({ scopes: ['public_profile'] }), NOW).missingScopes).toEqual(['whatsapp_business_messaging', 'whatsapp_business_management']);
    expect(assessToken(base({ type: 'USER', expiresAt: nowS + 3600 }), NOW).shortLived).toBe(true);
    expect(assessToken(base({ type: 'USER' }), NOW).shortLived).toBe(false);
  });

  it('WABAs come from the management scope, else the messaging scope, without duplicates', () => {
    expect(wabaIdsOf({ granularScopes: [{ scope: 'whatsapp_business_management', targetIds: ['2', '1', '2'] }, { scope: 'whatsapp_business_messaging', targetIds: ['3'] }] })).toEqual(['2', '1']);
    expect(wabaIdsOf({ granularScopes: [{ scope: 'whatsapp_business_messaging', targetIds: ['3'] }] })).toEqual(['3']);
  });
});

describe('tokenCheckLog', () => {
  it('logs a valid expiring token as information, with its expiry', () => {
    expect(tokenCheckLog(assessToken(base(), NOW))).toEqual({
      check: { level: 'info', message: 'access token check: SYSTEM_USER token is valid and expires 2026-09-21T01:00:00.000Z (20 days left)' },
    });
  });

  it('says a never-expiring token reports the fixed value', () => {
    const { check } = tokenCheckLog(assessToken(base({ expiresAt: 0 }), NOW));
    expect(check.level).toBe('info');
    expect(check.message).toContain(`never expires (debug_token expires_at 0); reporting TokenDaysToExpiry=${NEVER_EXPIRES_DAYS}`);
  });

  it('logs an invalid token as an error and missing scopes as a separate warning', () => {
    const log = tokenCheckLog(assessToken(base({ isValid: false, scopes: ['whatsapp_business_messaging'], error: { code: 190, subcode: 463 } }), NOW));
    expect(log.check).toEqual({ level: 'error', message: 'access token check: SYSTEM_USER token is invalid: it has expired' });
    expect(log.missingScopes).toBe('the access token lacks whatsapp_business_management');
  });
});
