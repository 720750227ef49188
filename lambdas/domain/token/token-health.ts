// What a debug_token answer means for the people running the system: is the token usable, which kind is it,
// which WhatsApp scopes does it lack, how many days does it have left. Shared by the expiry watch, the
// rotation's test step, diagnostics and `wa token status`, so they can never disagree.

export const MESSAGING_SCOPE = 'whatsapp_business_messaging';
export const MANAGEMENT_SCOPE = 'whatsapp_business_management';
export const REQUIRED_SCOPES: readonly string[] = [MESSAGING_SCOPE, MANAGEMENT_SCOPE];

/** TokenDaysToExpiry for a token that never expires: large enough to never trip an expiry alarm. */
export const NEVER_EXPIRES_DAYS = 3650;

const DAY_SECONDS = 24 * 3600;

/** The parts of a debug_token answer this module reads (the Graph client's DebugTokenInfo fits). */
export interface TokenFacts {
  isValid: boolean;
  type?: string;
  /** Epoch seconds; 0 (or absent) means the token never expires. */
  expiresAt?: number;
  dataAccessExpiresAt?: number;
  scopes: string[];
  granularScopes: { scope: string; targetIds: string[] }[];
  error?: { code?: number; subcode?: number; message?: string };
}

export interface TokenHealth {
  valid: boolean;
  neverExpires: boolean;
  /** When it expires; undefined for a token that never expires. */
  expiresAt?: Date;
  /** Whole days left (0 on the last day, negative once expired); NEVER_EXPIRES_DAYS when it never expires. */
  daysToExpiry: number;
  type?: string;
  missingScopes: string[];
  /** A short-lived user token (the "temporary" token of App Dashboard > API Setup, valid for hours). */
  shortLived: boolean;
  /** WABA ids the token can manage (granular scope whatsapp_business_management), newest first as Meta lists them. */
  wabaIds: string[];
  /** Why the token is invalid, from debug_token's error. */
  invalidReason?: string;
}

const INVALID_REASONS: Readonly<Record<number, string>> = {
  458: 'the app is not installed for the user who created it',
  459: 'the user who created it is checkpointed',
  460: 'it was invalidated (password change or revoked)',
  463: 'it has expired',
  464: 'the user who created it is not confirmed',
  467: 'it was invalidated (logged out or revoked)',
};

export function assessToken(facts: TokenFacts, now: Date): TokenHealth {
  const neverExpires = !facts.expiresAt;
  const nowS = now.getTime() / 1000;
  const secondsLeft = neverExpires ? Number.POSITIVE_INFINITY : (facts.expiresAt ?? 0) - nowS;
  const health: TokenHealth = {
    valid: facts.isValid,
    neverExpires,
    daysToExpiry: neverExpires ? NEVER_EXPIRES_DAYS : Math.floor(secondsLeft / DAY_SECONDS),
    missingScopes: REQUIRED_SCOPES.filter((s) => !facts.scopes.includes(s)),
    shortLived: facts.type === 'USER' && !neverExpires && secondsLeft <= DAY_SECONDS,
    wabaIds: wabaIdsOf(facts),
  };
  if (!neverExpires) health.expiresAt = new Date((facts.expiresAt ?? 0) * 1000);
  if (facts.type !== undefined) health.type = facts.type;
  if (!facts.isValid) {
    const sub = facts.error?.subcode;
    health.invalidReason =
      (sub !== undefined ? INVALID_REASONS[sub] : undefined) ??
      (!neverExpires && secondsLeft <= 0 ? 'it has expired' : facts.error?.message ?? 'debug_token reports it as invalid');
  }
  return health;
}

/** WABAs from the management scope's target ids (falling back to the messaging scope's), without duplicates. */
export function wabaIdsOf(facts: Pick<TokenFacts, 'granularScopes'>): string[] {
  const pick = (scope: string) => facts.granularScopes.filter((g) => g.scope === scope).flatMap((g) => g.targetIds);
  const ids = pick(MANAGEMENT_SCOPE);
  return [...new Set(ids.length ? ids : pick(MESSAGING_SCOPE))];
}

/** The two values the expiry watch publishes. Days never go below 0, so "expired" and "expires today" look alike to the alarm. */
export function tokenMetrics(health: TokenHealth): { TokenDaysToExpiry: number; TokenValid: 0 | 1 } {
  return { TokenDaysToExpiry: Math.max(0, health.daysToExpiry), TokenValid: health.valid ? 1 : 0 };
}

/** One line for a log or a terminal. Never contains the token. */
export function describeHealth(health: TokenHealth): string {
  const kind = health.type ? `${health.type} token` : 'token';
  if (!health.valid) return `${kind} is invalid: ${health.invalidReason ?? 'unknown reason'}`;
  const expiry = health.neverExpires
    ? 'never expires'
    : `expires ${health.expiresAt?.toISOString()} (${health.daysToExpiry} day${health.daysToExpiry === 1 ? '' : 's'} left)`;
  const scopes = health.missingScopes.length ? `; missing scope ${health.missingScopes.join(', ')}` : '';
  return `${kind} is valid and ${expiry}${scopes}`;
}

/** What the daily watch logs about a check: an invalid token is an error, the rest information; missing scopes warn. */
export function tokenCheckLog(health: TokenHealth): { check: { level: 'info' | 'error'; message: string }; missingScopes?: string } {
  const check: { level: 'info' | 'error'; message: string } = !health.valid
    ? { level: 'error', message: `access token check: ${describeHealth(health)}` }
    : health.neverExpires
      ? {
          level: 'info',
          message: `access token check: the token never expires (debug_token expires_at 0); reporting TokenDaysToExpiry=${tokenMetrics(health).TokenDaysToExpiry}`,
        }
      : { level: 'info', message: `access token check: ${describeHealth(health)}` };
  return health.missingScopes.length ? { check, missingScopes: `the access token lacks ${health.missingScopes.join(', ')}` } : { check };
}
