// Every diagnostic check in each state it can take, from hand-built facts (the fetching side is tested
// against the sandbox in test/integration/diagnose.test.ts).
import { describe, expect, it } from 'vitest';
import type { CheckId, CheckStatus } from '../../lambdas/domain/diagnose/check.js';
import { diagnose, formatReport, type DiagnoseFacts } from '../../lambdas/domain/diagnose/diagnose.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const nowS = NOW.getTime() / 1000;
const PHONE = '107878721936019';
const WABA = '114503234599312';
const APP = '670843887433847';

function healthy(): DiagnoseFacts {
  return {
    tokenPresent: true,
    debug: {
      ok: true,
      facts: {
        isValid: true,
        type: 'SYSTEM_USER',
        expiresAt: nowS + 40 * 86400,
        scopes: ['whatsapp_business_management', 'whatsapp_business_messaging'],
        granularScopes: [{ scope: 'whatsapp_business_management', targetIds: [WABA] }],
      },
    },
    appId: APP,
    phoneNumberId: PHONE,
    phone: {
      ok: true,
      facts: { id: PHONE, displayPhoneNumber: '+1 555-093-4873', verifiedName: 'Test Number', status: 'CONNECTED', qualityRating: 'GREEN', messagingLimitTier: 'TIER_250', throughputLevel: 'STANDARD' },
    },
    wabas: [{ id: WABA, name: 'Test WABA', phoneNumbers: [{ id: PHONE, displayPhoneNumber: '+1 555-093-4873' }], subscribedAppIds: [APP], subscribedAppNames: ['Sandbox App'] }],
    verifyTokenSet: true,
    appSecretSet: true,
  };
}

const run = (facts: DiagnoseFacts) => diagnose(facts, { now: NOW, expiryWarnDays: 14, tokenHome: 'WHATSAPP_ACCESS_TOKEN' });
const check = (facts: DiagnoseFacts, id: CheckId) => {
  const found = run(facts).checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};
function tokenFacts(f: DiagnoseFacts) {
  if (!f.debug?.ok) throw new Error('no debug facts');
  return f.debug.facts;
}
function phoneOf(f: DiagnoseFacts) {
  if (!f.phone?.ok) throw new Error('no phone');
  return f.phone.facts;
}

describe('a healthy configuration', () => {
  it('passes every check, with no hints', () => {
    const report = run(healthy());
    expect(report.ok).toBe(true);
    expect(report.counts).toEqual({ ok: report.checks.length, warn: 0, fail: 0, skip: 0 });
    expect(report.checks.map((c) => c.id)).toEqual([
      'token-present', 'token-valid', 'token-type', 'token-scopes', 'token-expiry', 'app-id', 'phone-configured', 'phone-not-waba',
      'phone-exists', 'phone-waba-visible', 'phone-status', 'phone-verified-name', 'phone-quality', 'phone-messaging-limit',
      'phone-throughput', 'app-subscribed', 'verify-token', 'app-secret',
    ]);
    for (const c of report.checks) expect(c.hint, c.id).toBe('');
  });
});

type Case = [CheckId, CheckStatus, (f: DiagnoseFacts) => void, RegExp];

const cases: Case[] = [
  ['token-present', 'fail', (f) => { f.tokenPresent = false; delete f.debug; }, /Generate token/],
  ['token-valid', 'fail', (f) => Object.assign(tokenFacts(f), { isValid: false, expiresAt: nowS - 3600, error: { code: 190, subcode: 463 } }), /expired/],
  ['token-valid', 'fail', (f) => { f.debug = { ok: false, failure: { code: 190, message: 'Invalid OAuth access token', hint: 'paste a new token' } }; }, /paste a new token/],
  ['token-type', 'warn', (f) => Object.assign(tokenFacts(f), { type: 'USER', expiresAt: nowS + 3600 }), /stop working within a day/],
  ['token-type', 'warn', (f) => Object.assign(tokenFacts(f), { type: 'USER' }), /prefer a system user token/],
  ['token-type', 'fail', (f) => Object.assign(tokenFacts(f), { type: 'PAGE' }), /cannot send/],
  ['token-scopes', 'fail', (f) => Object.assign(tokenFacts(f), { scopes: ['whatsapp_business_management'] }), /whatsapp_business_messaging/],
  ['token-expiry', 'warn', (f) => Object.assign(tokenFacts(f), { expiresAt: nowS + 5 * 86400 }), /wa token rotate/],
  ['token-expiry', 'fail', (f) => Object.assign(tokenFacts(f), { isValid: false, expiresAt: nowS - 86400 * 2 }), /system-user token/],
  ['token-expiry', 'ok', (f) => Object.assign(tokenFacts(f), { expiresAt: 0 }), /^$/],
  ['app-id', 'warn', (f) => { delete f.appId; }, /metaAppId/],
  ['phone-configured', 'fail', (f) => { delete f.phoneNumberId; delete f.phone; }, new RegExp(`${PHONE} \\(\\+1 555-093-4873\\)`)],
  ['phone-not-waba', 'fail', (f) => { f.phoneNumberId = WABA; f.configuredIdIsWaba = { name: 'Test WABA' }; delete f.phone; }, new RegExp(`Use the id of one of its phone numbers instead: ${PHONE}`)],
  ['phone-exists', 'fail', (f) => { f.phone = { ok: false, failure: { code: 100, message: 'Unsupported get request', hint: 'run npx wa accounts' } }; }, /npx wa accounts/],
  ['phone-waba-visible', 'fail', (f) => { f.wabas = [{ id: '999', phoneNumbers: [{ id: '555' }] }]; }, /assign that WABA/],
  ['phone-waba-visible', 'fail', (f) => { f.wabas = []; }, /Assign assets/],
  ['phone-status', 'fail', (f) => { phoneOf(f).status = 'DISCONNECTED'; }, /register/],
  ['phone-status', 'warn', (f) => { phoneOf(f).status = 'FLAGGED'; }, /quality/],
  ['phone-status', 'warn', (f) => { delete phoneOf(f).status; }, /WhatsApp Manager/],
  ['phone-verified-name', 'warn', (f) => { delete phoneOf(f).verifiedName; }, /display name/],
  ['phone-verified-name', 'warn', (f) => { phoneOf(f).nameStatus = 'DECLINED'; }, /declined/],
  ['phone-quality', 'warn', (f) => { phoneOf(f).qualityRating = 'YELLOW'; }, /dropping/],
  ['phone-quality', 'fail', (f) => { phoneOf(f).qualityRating = 'RED'; }, /restricted/],
  ['phone-quality', 'ok', (f) => { phoneOf(f).qualityRating = 'UNKNOWN'; }, /^$/],
  ['phone-messaging-limit', 'warn', (f) => { delete phoneOf(f).messagingLimitTier; }, /Insights/],
  ['phone-throughput', 'warn', (f) => { delete phoneOf(f).throughputLevel; }, /throughput/],
  ['app-subscribed', 'fail', (f) => { f.wabas[0]!.subscribedAppIds = []; }, /POST \/114503234599312\/subscribed_apps/],
  ['app-subscribed', 'fail', (f) => { f.wabas[0]!.subscribedAppIds = ['42']; }, /Subscribe it/],
  ['app-subscribed', 'warn', (f) => { delete f.appId; }, /META_APP_ID/],
  ['app-subscribed', 'fail', (f) => { delete f.wabas[0]!.subscribedAppIds; f.wabas[0]!.subscribedAppsError = { code: 200, message: 'Permission', hint: 'needs management' }; }, /needs management/],
  ['verify-token', 'fail', (f) => { f.verifyTokenSet = false; }, /Configuration/],
  ['app-secret', 'fail', (f) => { f.appSecretSet = false; }, /401/],
];

describe('each check in each state', () => {
  for (const [id, status, mutate, hint] of cases) {
    it(`${id}: ${status} (${hint.source})`, () => {
      const facts = healthy();
      mutate(facts);
      const c = check(facts, id);
      expect(c.status).toBe(status);
      expect(c.hint).toMatch(hint);
      expect(run(facts).ok).toBe(run(facts).checks.every((x) => x.status !== 'fail'));
    });
  }
});

describe('dependent checks', () => {
  it('are skipped, naming the failed check, when the token is missing or the id is a WABA: one cause, one FAIL', () => {
    const noToken = healthy();
    noToken.tokenPresent = false;
    delete noToken.debug;
    delete noToken.phone;
    const report = run(noToken);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['token-present']);
    expect(report.counts).toMatchObject({ fail: 1, skip: 12 });
    expect(report.ok).toBe(false);
    expect(check(noToken, 'token-scopes')).toMatchObject({ status: 'skip', detail: 'skipped: there is no access token (token-present)', hint: '' });
    expect(check(noToken, 'phone-exists')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/^skipped: the token is not usable/) });
    // The fix is on the failed check; nothing tells a user of diagnose to run diagnose.
    for (const c of report.checks) expect(c.hint, c.id).not.toMatch(/diagnos/i);
    expect(formatReport(report)).toMatch(/^SKIP\s+Token expiry\s+skipped: there is no access token \(token-present\)$/m);
    expect(formatReport(report)).toMatch(/, 1 fail, 12 skipped$/);

    const waba = healthy();
    waba.phoneNumberId = WABA;
    waba.configuredIdIsWaba = {};
    delete waba.phone;
    for (const id of ['phone-exists', 'phone-status', 'app-subscribed'] as const) {
      expect(check(waba, id)).toMatchObject({ status: 'skip', detail: 'skipped: the configured id is a WABA id (phone-not-waba)' });
    }
    expect(run(waba).checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['phone-not-waba']);
  });

  it('a token debug_token cannot identify fails once; its type, scopes and expiry are skipped', () => {
    const garbage = healthy();
    garbage.debug = { ok: true, facts: { isValid: false, scopes: [], granularScopes: [], error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' } } };
    delete garbage.phone;
    garbage.wabas = [];
    const report = run(garbage);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['token-valid']);
    for (const id of ['token-type', 'token-scopes', 'token-expiry'] as const) {
      expect(check(garbage, id)).toMatchObject({ status: 'skip', detail: 'skipped: debug_token does not know this token (token-valid)' });
    }
  });

  it('the table shows status, title, detail and the hint of every non-ok check', () => {
    const facts = healthy();
    facts.verifyTokenSet = false;
    const text = formatReport(run(facts));
    expect(text).toMatch(/^OK\s+Access token is set\s+found in WHATSAPP_ACCESS_TOKEN$/m);
    expect(text).toMatch(/^FAIL\s+Webhook verify token is set\s+empty or missing$/m);
    expect(text).toMatch(/-> Set the verify token/);
    expect(text).toMatch(/17 ok, 0 warn, 1 fail$/);
  });
});
