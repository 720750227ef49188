// Every configuration check `GET /diagnose` and `wa diagnose` run, as a pure function over facts an adapter
// fetched (lambdas/adapters/meta/diagnose-facts.ts). Each check ends ok, warn or fail with a hint that says what to
// do; a check whose prerequisite failed says so instead of guessing. The two classic support cases get the
// loudest hints: an expired or wrong token, and a WABA id configured where the phone number id belongs.
import { wazzupChecks, type WazzupFacts } from './wazzup-diagnose.js';
import { assessToken, describeHealth, MANAGEMENT_SCOPE, MESSAGING_SCOPE, type TokenFacts, type TokenHealth } from '../token/token-health.js';

import type { CheckId, CheckResult, CheckStatus } from './check.js';

/** A Graph call that failed: the mapped code and the hint graph-errors.ts gives for it. */
export interface FetchFailure {
  code: number;
  message: string;
  hint?: string;
}

export interface PhoneNumberFacts {
  id: string;
  displayPhoneNumber?: string;
  verifiedName?: string;
  nameStatus?: string;
  status?: string;
  qualityRating?: string;
  messagingLimitTier?: string;
  throughputLevel?: string;
}

export interface WabaFacts {
  id: string;
  name?: string;
  phoneNumbers: PhoneNumberFacts[];
  /** undefined when the list could not be read. */
  subscribedAppIds?: string[];
  subscribedAppNames?: string[];
  listError?: FetchFailure;
  subscribedAppsError?: FetchFailure;
}

export interface DiagnoseFacts {
  tokenPresent: boolean;
  /** debug_token's answer, or why it could not be asked. */
  debug?: { ok: true; facts: TokenFacts } | { ok: false; failure: FetchFailure };
  appId?: string;
  phoneNumberId?: string;
  /** `GET /{phone-number-id}` with phone fields. */
  phone?: { ok: true; facts: PhoneNumberFacts } | { ok: false; failure: FetchFailure };
  /** Set when the configured id answered as a WhatsApp Business Account. */
  configuredIdIsWaba?: { name?: string };
  /** WABAs the token can see (debug_token granular scopes), each with its numbers. */
  wabas: WabaFacts[];
  verifyTokenSet: boolean;
  appSecretSet: boolean;
  /** Present when Wazzup24 is configured (an API key is set): its checks follow Meta's. */
  wazzup?: WazzupFacts;
}

export interface DiagnoseOptions {
  now: Date;
  /** Warn when fewer days than this remain. */
  expiryWarnDays: number;
  /** Where the token lives, named in hints: `WHATSAPP_ACCESS_TOKEN` locally, the secret in AWS. */
  tokenHome: string;
}

export interface DiagnoseReport {
  ok: boolean;
  counts: Record<CheckStatus, number>;
  checks: CheckResult[];
}

const NEW_TOKEN =
  'create a system-user token (Business Settings > System users > Generate token, with whatsapp_business_messaging and whatsapp_business_management)';

export function diagnose(facts: DiagnoseFacts, options: DiagnoseOptions): DiagnoseReport {
  const checks: CheckResult[] = [];
  const add = (id: CheckId, title: string, status: CheckStatus, detail: string, hint = '') => checks.push({ id, title, status, detail, hint });
  // The failed check carries the fix; the ones after it say why they were not run.
  const blocked = (id: CheckId, title: string, because: string) => add(id, title, 'skip', `skipped: ${because}`);

  // ----- token
  if (facts.tokenPresent) add('token-present', 'Access token is set', 'ok', `found in ${options.tokenHome}`);
  else add('token-present', 'Access token is set', 'fail', `no access token in ${options.tokenHome}`, `${capital(NEW_TOKEN)} and store it in ${options.tokenHome}.`);

  let health: TokenHealth | undefined;
  if (!facts.tokenPresent) {
    for (const [id, title] of TOKEN_CHECKS) blocked(id, title, 'there is no access token (token-present)');
  } else if (!facts.debug) {
    add('token-valid', 'Access token is valid', 'fail', 'debug_token was not asked', 'Check that Graph answers (GRAPH_BASE_URL locally) and the token is the one you meant.');
    for (const [id, title] of TOKEN_CHECKS.slice(1)) blocked(id, title, 'debug_token was not asked (token-valid)');
  } else if (!facts.debug.ok) {
    const f = facts.debug.failure;
    add('token-valid', 'Access token is valid', 'fail', `debug_token failed: ${f.message} (code ${f.code})`, f.hint ?? `${capital(NEW_TOKEN)}.`);
    for (const [id, title] of TOKEN_CHECKS.slice(1)) blocked(id, title, 'debug_token failed (token-valid)');
  } else {
    health = assessToken(facts.debug.facts, options.now);
    tokenChecks(health, options, add, blocked);
  }

  if (facts.appId) add('app-id', 'Meta app id is configured', 'ok', `app ${facts.appId}`);
  else {
    add('app-id', 'Meta app id is configured', 'warn', 'META_APP_ID is not set', 'Set it (cdk deploy -c metaAppId=<id>; locally META_APP_ID): token rotation, the expiry watch and app checks need it. App Dashboard > Settings > Basic shows it.');
  }

  // ----- phone number
  phoneChecks(facts, health, add, blocked);

  // ----- webhook secrets
  if (facts.verifyTokenSet) add('verify-token', 'Webhook verify token is set', 'ok', 'set');
  else add('verify-token', 'Webhook verify token is set', 'fail', 'empty or missing', 'Set the verify token (WHATSAPP_VERIFY_TOKEN locally, the VerifyTokenName secret in AWS) and type the same value into Meta > WhatsApp > Configuration.');
  if (facts.appSecretSet) add('app-secret', 'App secret is set', 'ok', 'set');
  else add('app-secret', 'App secret is set', 'fail', 'empty or missing', 'Copy the app secret from App Dashboard > Settings > Basic into WHATSAPP_APP_SECRET (AWS: the AppSecretName secret); without it every webhook is rejected with 401.');

  if (facts.wazzup) checks.push(...wazzupChecks(facts.wazzup));
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status] += 1;
  return { ok: counts.fail === 0, counts, checks };
}

const TOKEN_CHECKS: ReadonlyArray<[CheckId, string]> = [
  ['token-valid', 'Access token is valid'],
  ['token-type', 'Token type'],
  ['token-scopes', 'Token has the WhatsApp scopes'],
  ['token-expiry', 'Token expiry'],
];

type Add = (id: CheckId, title: string, status: CheckStatus, detail: string, hint?: string) => void;
type Blocked = (id: CheckId, title: string, because: string) => void;

function tokenChecks(health: TokenHealth, options: DiagnoseOptions, add: Add, blocked: Blocked): void {
  if (health.valid) add('token-valid', 'Access token is valid', 'ok', describeHealth(health));
  else {
    add('token-valid', 'Access token is valid', 'fail', `invalid: ${health.invalidReason ?? 'unknown reason'}`,
      health.invalidReason === 'it has expired'
        ? `The token expired${health.expiresAt ? ` on ${health.expiresAt.toISOString()}` : ''}: run \`npx wa token rotate\` only while it is still valid; now ${NEW_TOKEN} and store it in ${options.tokenHome}.`
        : `${capital(NEW_TOKEN)} and store it in ${options.tokenHome}.`);
    // debug_token could not even tell what the token is (not a token, or revoked): nothing more to read from it.
    if (!health.type) {
      for (const [id, title] of TOKEN_CHECKS.slice(1)) blocked(id, title, 'debug_token does not know this token (token-valid)');
      return;
    }
  }

  const type = health.type ?? 'unknown';
  if (type === 'SYSTEM_USER') add('token-type', 'Token type', 'ok', 'system user token');
  else if (type === 'USER' && health.shortLived) {
    add('token-type', 'Token type', 'warn', 'short-lived user token (the temporary token from API Setup, valid for hours)', `It will stop working within a day: ${NEW_TOKEN}.`);
  } else if (type === 'USER') {
    add('token-type', 'Token type', 'warn', 'long-lived user token (60 days, tied to a person)', `Works, but it breaks when that person leaves or changes their password: prefer a system user token (${NEW_TOKEN}).`);
  } else add('token-type', 'Token type', 'fail', `${type} token`, `A ${type} token cannot send WhatsApp messages: ${NEW_TOKEN}.`);

  if (!health.missingScopes.length) add('token-scopes', 'Token has the WhatsApp scopes', 'ok', `${MESSAGING_SCOPE}, ${MANAGEMENT_SCOPE}`);
  else {
    add('token-scopes', 'Token has the WhatsApp scopes', 'fail', `missing ${health.missingScopes.join(' and ')}`,
      `Generate the token again with ${health.missingScopes.join(' and ')} ticked (Business Settings > System users > Generate token); without ${MESSAGING_SCOPE} sends fail with error 10, without ${MANAGEMENT_SCOPE} account reads fail with error 200.`);
  }

  if (health.neverExpires) add('token-expiry', 'Token expiry', 'ok', 'never expires (debug_token expires_at 0)');
  else if (health.daysToExpiry < 0 || (!health.valid && health.invalidReason === 'it has expired')) {
    add('token-expiry', 'Token expiry', 'fail', `expired ${health.expiresAt?.toISOString()}`, `${capital(NEW_TOKEN)}; in AWS, automatic rotation then keeps it fresh.`);
  } else if (health.daysToExpiry < options.expiryWarnDays) {
    add('token-expiry', 'Token expiry', 'warn', `expires ${health.expiresAt?.toISOString()}: ${health.daysToExpiry} day(s) left`, 'Refresh it now: `npx wa token rotate` (it must still be valid to be refreshed).');
  } else add('token-expiry', 'Token expiry', 'ok', `expires ${health.expiresAt?.toISOString()}: ${health.daysToExpiry} days left`);
}

const PHONE_CHECKS: ReadonlyArray<[CheckId, string]> = [
  ['phone-not-waba', 'Phone number id is not a WABA id'],
  ['phone-exists', 'Phone number id exists'],
  ['phone-waba-visible', "Token can see the number's WABA"],
  ['phone-status', 'Phone number status'],
  ['phone-verified-name', 'Verified name'],
  ['phone-quality', 'Quality rating'],
  ['phone-messaging-limit', 'Messaging limit tier'],
  ['phone-throughput', 'Throughput'],
  ['app-subscribed', "App is subscribed to the number's WABA"],
];

function listNumbers(wabas: WabaFacts[]): string {
  const all = wabas.flatMap((w) => w.phoneNumbers.map((p) => `${p.id}${p.displayPhoneNumber ? ` (${p.displayPhoneNumber})` : ''}`));
  return all.length ? all.join(', ') : 'none visible to this token';
}

function phoneChecks(facts: DiagnoseFacts, health: TokenHealth | undefined, add: Add, blocked: Blocked): void {
  const id = facts.phoneNumberId;
  if (!id) {
    add('phone-configured', 'Phone number id is configured', 'fail', 'no phone number id is configured',
      `Set WHATSAPP_PHONE_NUMBER_ID locally, or deploy with -c phoneNumberId=<id>. Phone number ids this token can see: ${listNumbers(facts.wabas)} (\`npx wa accounts\`).`);
    for (const [cid, title] of PHONE_CHECKS) blocked(cid, title, 'no phone number id is configured (phone-configured)');
    return;
  }
  add('phone-configured', 'Phone number id is configured', 'ok', id);

  if (facts.configuredIdIsWaba) {
    const waba = facts.wabas.find((w) => w.id === id);
    add('phone-not-waba', 'Phone number id is not a WABA id', 'fail',
      `${id} is a WhatsApp Business Account id${facts.configuredIdIsWaba.name ? ` ("${facts.configuredIdIsWaba.name}")` : ''}, not a phone number id`,
      `Use the id of one of its phone numbers instead: ${waba ? listNumbers([waba]) : listNumbers(facts.wabas)}. \`npx wa accounts\` lists them all.`);
    for (const [cid, title] of PHONE_CHECKS.slice(1)) blocked(cid, title, 'the configured id is a WABA id (phone-not-waba)');
    return;
  }
  add('phone-not-waba', 'Phone number id is not a WABA id', 'ok', `${id} is not one of the token's WABAs`);

  if (!facts.phone) {
    for (const [cid, title] of PHONE_CHECKS.slice(1)) blocked(cid, title, health?.valid ? 'the phone number was not read' : 'the token is not usable (token-present, token-valid)');
    return;
  }
  if (!facts.phone.ok) {
    const f = facts.phone.failure;
    add('phone-exists', 'Phone number id exists', 'fail', `GET /${id} failed: ${f.message} (code ${f.code})`,
      `${f.hint ?? 'Check the id.'} Phone number ids this token can see: ${listNumbers(facts.wabas)}.`);
    for (const [cid, title] of PHONE_CHECKS.slice(2)) blocked(cid, title, 'the phone number could not be read (phone-exists)');
    return;
  }
  const phone = facts.phone.facts;
  add('phone-exists', 'Phone number id exists', 'ok', `${phone.displayPhoneNumber ?? id}`);

  const owner = facts.wabas.find((w) => w.phoneNumbers.some((p) => p.id === id));
  if (owner) add('phone-waba-visible', "Token can see the number's WABA", 'ok', `WABA ${owner.id}${owner.name ? ` (${owner.name})` : ''}`);
  else if (!facts.wabas.length) {
    add('phone-waba-visible', "Token can see the number's WABA", 'fail', 'debug_token lists no WhatsApp Business Account for this token',
      'Give the system user access to the WABA (Business Settings > System users > Assign assets > WhatsApp accounts), then generate the token again.');
  } else {
    add('phone-waba-visible', "Token can see the number's WABA", 'fail', `${id} is in none of the token's WABAs (${facts.wabas.map((w) => w.id).join(', ')})`,
      'The number belongs to a WABA this token was not granted: assign that WABA to the system user and generate the token again, or use one of these numbers: ' + listNumbers(facts.wabas) + '.');
  }

  const status = phone.status?.toUpperCase();
  if (status === 'CONNECTED') add('phone-status', 'Phone number status', 'ok', 'CONNECTED');
  else if (!status) add('phone-status', 'Phone number status', 'warn', 'Graph did not report a status', 'Check the number in WhatsApp Manager > Phone numbers.');
  else if (status === 'FLAGGED') add('phone-status', 'Phone number status', 'warn', 'FLAGGED: quality is low', 'Improve message quality within 7 days or the messaging limit drops.');
  else {
    add('phone-status', 'Phone number status', 'fail', status,
      status === 'PENDING' || status === 'UNVERIFIED' || status === 'DISCONNECTED'
        ? 'Register the number with Cloud API (POST /{phone-number-id}/register with the two-step PIN) and finish verification in WhatsApp Manager.'
        : 'The number cannot send: see WhatsApp Manager > Phone numbers and Business Support Home.');
  }

  if (phone.verifiedName) {
    const declined = phone.nameStatus && /DECLINED|REJECTED/i.test(phone.nameStatus);
    add('phone-verified-name', 'Verified name', declined ? 'warn' : 'ok', `${phone.verifiedName}${phone.nameStatus ? ` (${phone.nameStatus})` : ''}`,
      declined ? 'The display name was declined: edit it in WhatsApp Manager > Phone numbers.' : '');
  } else add('phone-verified-name', 'Verified name', 'warn', 'no verified name', 'Set a display name in WhatsApp Manager > Phone numbers; it must be approved before the number can send at scale.');

  const quality = phone.qualityRating?.toUpperCase();
  if (quality === 'RED') add('phone-quality', 'Quality rating', 'fail', 'RED', 'Recipients block or report these messages: slow down, send only opted-in, relevant messages, or the number gets restricted.');
  else if (quality === 'YELLOW') add('phone-quality', 'Quality rating', 'warn', 'YELLOW', 'Quality is dropping: review what is sent and to whom.');
  else if (quality === 'GREEN') add('phone-quality', 'Quality rating', 'ok', 'GREEN');
  else add('phone-quality', 'Quality rating', 'ok', `${quality ?? 'not reported'} (no rating yet; normal for a new or little-used number)`);

  if (phone.messagingLimitTier) add('phone-messaging-limit', 'Messaging limit tier', 'ok', phone.messagingLimitTier);
  else add('phone-messaging-limit', 'Messaging limit tier', 'warn', 'not reported', 'See WhatsApp Manager > Insights for the number\'s messaging limit.');

  if (phone.throughputLevel) add('phone-throughput', 'Throughput', 'ok', phone.throughputLevel);
  else add('phone-throughput', 'Throughput', 'warn', 'not reported', 'Graph did not return throughput.level for this number.');

  if (!owner) {
    blocked('app-subscribed', "App is subscribed to the number's WABA", "the number's WABA is not visible (phone-waba-visible)");
  } else if (!owner.subscribedAppIds) {
    const f = owner.subscribedAppsError;
    add('app-subscribed', "App is subscribed to the number's WABA", 'fail', `GET /${owner.id}/subscribed_apps failed${f ? `: ${f.message} (code ${f.code})` : ''}`, f?.hint ?? 'Check the token has whatsapp_business_management.');
  } else if (!owner.subscribedAppIds.length) {
    add('app-subscribed', "App is subscribed to the number's WABA", 'fail', `no app is subscribed to WABA ${owner.id}: Meta sends this number's webhooks nowhere`,
      `Subscribe the app: POST /${owner.id}/subscribed_apps with this token (or WhatsApp Manager > Configuration).`);
  } else if (facts.appId && !owner.subscribedAppIds.includes(facts.appId)) {
    add('app-subscribed', "App is subscribed to the number's WABA", 'fail', `app ${facts.appId} is not among the subscribed apps (${owner.subscribedAppIds.join(', ')})`,
      `Subscribe it: POST /${owner.id}/subscribed_apps with a token of app ${facts.appId}.`);
  } else if (!facts.appId) {
    add('app-subscribed', "App is subscribed to the number's WABA", 'warn', `subscribed: ${(owner.subscribedAppNames ?? owner.subscribedAppIds).join(', ')}; cannot tell which is this app`, 'Set META_APP_ID so diagnostics can confirm it is this app.');
  } else add('app-subscribed', "App is subscribed to the number's WABA", 'ok', `app ${facts.appId} receives WABA ${owner.id}'s webhooks`);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The fixed-width table `wa diagnose` prints. */
export function formatReport(report: DiagnoseReport): string {
  const rows = report.checks.map((c) => [c.status.toUpperCase(), c.title, c.detail]);
  const widths = [4, Math.max(...rows.map((r) => r[1]!.length), 5)];
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${c.status.toUpperCase().padEnd(widths[0]!)}  ${c.title.padEnd(widths[1]!)}  ${c.detail}`);
    if (c.hint) lines.push(`${' '.repeat(widths[0]! + 2)}${' '.repeat(widths[1]! + 2)}-> ${c.hint}`);
  }
  // `skip` is absent from reports of an API deployed before it existed.
  const skipped = report.counts.skip ? `, ${report.counts.skip} skipped` : '';
  lines.push('', `${report.counts.ok} ok, ${report.counts.warn} warn, ${report.counts.fail} fail${skipped}`);
  return lines.join('\n');
}
