// Secrets Manager's four-step rotation for the Meta access token, over two ports: the secret's versions and
// Meta's token endpoints. The flow follows AWS's rotation template (SecretsManagerRotationTemplate):
//   createSecret  refresh the current token (oauth/access_token fb_exchange_token, 60 days) and store it as
//                 AWSPENDING under the ClientRequestToken; a retry finds it stored and does nothing;
//   setSecret     nothing: Meta already knows the new token, there is no downstream system to update;
//   testSecret    debug_token says the pending token is valid with both WhatsApp scopes, and a real read of
//                 the phone number succeeds with it;
//   finishSecret  move AWSCURRENT to the new version (AWSPREVIOUS follows automatically).
// A token that never expires (debug_token expires_at 0) has nothing to refresh: createSecret re-stages the
// current value unchanged as AWSPENDING, so the remaining steps test and promote the same token and the
// rotation ends cleanly instead of leaving an empty AWSPENDING version that Secrets Manager reports as failed.
// The old token stays valid after a refresh (Meta only invalidates it when revoked), so warm functions keep
// working until their cache re-reads the secret.
import { assessToken, describeHealth, type TokenFacts } from './token-health.js';

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
export const ROTATION_STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

export interface RotationRequest {
  step: RotationStep;
  secretId: string;
  clientRequestToken: string;
}

export type Stage = 'AWSCURRENT' | 'AWSPENDING' | 'AWSPREVIOUS';

export interface SecretMetadata {
  rotationEnabled: boolean;
  /** Version id -> staging labels. */
  versions: Record<string, string[]>;
}

export interface StoredVersion {
  value: string;
  versionId: string;
  createdAt?: Date;
}

/** The secret's versions (Secrets Manager in AWS). */
export interface SecretVersionStore {
  describe(secretId: string): Promise<SecretMetadata>;
  /** undefined when there is no such version or it holds no value. */
  get(secretId: string, select: { stage: Stage; versionId?: string }): Promise<StoredVersion | undefined>;
  putPending(secretId: string, versionId: string, value: string): Promise<void>;
  /** Moves AWSCURRENT from `fromVersionId` to `versionId`. */
  promote(secretId: string, versionId: string, fromVersionId: string): Promise<void>;
}

/** Meta's token endpoints, each call made with the token given (never with a cached one). */
export interface TokenAuthority {
  /** debug_token for `token`. */
  inspect(token: string): Promise<TokenFacts>;
  /** oauth/access_token?grant_type=fb_exchange_token&set_token_expires_in_60_days=true. */
  refresh(token: string): Promise<{ token: string; expiresInSeconds?: number }>;
  /** A real read with `token` (GET /{phone-number-id}); resolves to what was read, for the log; throws on failure. */
  probe(token: string): Promise<string>;
  /** oauth/revoke. */
  revoke(token: string): Promise<void>;
}

export interface RotationLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface RotationDeps {
  store: SecretVersionStore;
  authority: TokenAuthority;
  log: RotationLog;
  now?: () => Date;
}

export type RotationOutcome =
  | 'refreshed'
  | 'restaged-never-expiring'
  | 'already-pending'
  | 'already-current'
  | 'nothing-to-set'
  | 'tested'
  | 'promoted';

/** A rotation that must not proceed; the message says what to fix and never contains a token. */
export class RotationError extends Error {
  override readonly name = 'RotationError';
}

export function isRotationStep(value: unknown): value is RotationStep {
  return typeof value === 'string' && (ROTATION_STEPS as readonly string[]).includes(value);
}

export async function runRotationStep(request: RotationRequest, deps: RotationDeps): Promise<RotationOutcome> {
  const { step, secretId, clientRequestToken: token } = request;
  const meta = await deps.store.describe(secretId);
  if (!meta.rotationEnabled) throw new RotationError(`rotation is not enabled on the secret ${secretId}`);
  const stages = meta.versions[token];
  if (!stages) throw new RotationError(`version ${token} of ${secretId} has no staging label: this is not a rotation Secrets Manager started`);
  if (stages.includes('AWSCURRENT')) {
    deps.log.info(`${step}: version is already AWSCURRENT, nothing to do`, { versionId: token });
    return 'already-current';
  }
  if (!stages.includes('AWSPENDING')) throw new RotationError(`version ${token} of ${secretId} is not AWSPENDING`);

  switch (step) {
    case 'createSecret':
      return createSecret(secretId, token, deps);
    case 'setSecret':
      deps.log.info('setSecret: nothing to push, Meta issued the token itself');
      return 'nothing-to-set';
    case 'testSecret':
      return testSecret(secretId, token, deps);
    case 'finishSecret':
      return finishSecret(secretId, token, meta, deps);
  }
}

async function createSecret(secretId: string, versionId: string, deps: RotationDeps): Promise<RotationOutcome> {
  const current = await deps.store.get(secretId, { stage: 'AWSCURRENT' });
  if (!current || current.value.trim() === '') {
    throw new RotationError(
      `the access token secret ${secretId} has no current value: store the Meta token first (aws secretsmanager put-secret-value --secret-id <AccessTokenName output> --secret-string <token>)`,
    );
  }
  if (await deps.store.get(secretId, { stage: 'AWSPENDING', versionId })) {
    deps.log.info('createSecret: the pending version already exists (a retried step), not refreshing again', { versionId });
    return 'already-pending';
  }
  const currentToken = current.value.trim();
  const health = assessToken(await deps.authority.inspect(currentToken), now(deps));
  if (!health.valid) {
    throw new RotationError(
      `the current access token cannot be refreshed because ${health.invalidReason ?? 'it is invalid'}: paste a new system-user token into the secret`,
    );
  }
  if (health.neverExpires) {
    deps.log.info('createSecret: the token never expires (debug_token expires_at 0), so it is not refreshed; the current value is re-staged unchanged', {
      versionId,
      type: health.type,
    });
    await deps.store.putPending(secretId, versionId, currentToken);
    return 'restaged-never-expiring';
  }
  const fresh = await deps.authority.refresh(currentToken);
  await deps.store.putPending(secretId, versionId, fresh.token);
  deps.log.info('createSecret: refreshed token stored as AWSPENDING', {
    versionId,
    previousExpiry: health.expiresAt?.toISOString(),
    expiresInDays: fresh.expiresInSeconds !== undefined ? Math.floor(fresh.expiresInSeconds / 86400) : 'never',
  });
  return 'refreshed';
}

async function testSecret(secretId: string, versionId: string, deps: RotationDeps): Promise<RotationOutcome> {
  const pending = await deps.store.get(secretId, { stage: 'AWSPENDING', versionId });
  if (!pending) throw new RotationError(`testSecret: version ${versionId} has no pending value; createSecret did not complete`);
  const health = assessToken(await deps.authority.inspect(pending.value), now(deps));
  if (!health.valid) throw new RotationError(`testSecret: debug_token rejects the pending token: ${health.invalidReason ?? 'invalid'}`);
  if (health.missingScopes.length) {
    throw new RotationError(`testSecret: the pending token lacks ${health.missingScopes.join(' and ')}; it would break sending`);
  }
  const read = await deps.authority.probe(pending.value);
  deps.log.info('testSecret: pending token works', { versionId, token: describeHealth(health), read });
  return 'tested';
}

async function finishSecret(secretId: string, versionId: string, meta: SecretMetadata, deps: RotationDeps): Promise<RotationOutcome> {
  const current = Object.entries(meta.versions).find(([, labels]) => labels.includes('AWSCURRENT'))?.[0];
  if (current === undefined) throw new RotationError(`finishSecret: no version of ${secretId} is AWSCURRENT`);
  await deps.store.promote(secretId, versionId, current);
  deps.log.info('finishSecret: new version is AWSCURRENT', { versionId, previousVersionId: current });
  return 'promoted';
}

// ----- revoking the token a rotation replaced

export type RevocationOutcome = 'disabled' | 'no-previous' | 'unchanged' | 'in-grace' | 'already-invalid' | 'revoked';

export interface RevocationPolicy {
  enabled: boolean;
  /** Minutes after the current version was created before the previous token is revoked. */
  graceMinutes: number;
}

/**
 * Called by each expiry-watch run: once the current version is older than the grace period (longer than any
 * container's token cache), revoke the AWSPREVIOUS token if it differs and is still valid. Idempotent: a
 * revoked token is invalid and is left alone on the next run.
 */
export async function revokePreviousIfDue(
  secretId: string,
  policy: RevocationPolicy,
  deps: Pick<RotationDeps, 'store' | 'authority' | 'log' | 'now'>,
): Promise<RevocationOutcome> {
  if (!policy.enabled) return 'disabled';
  const previous = await deps.store.get(secretId, { stage: 'AWSPREVIOUS' });
  if (!previous) return 'no-previous';
  const current = await deps.store.get(secretId, { stage: 'AWSCURRENT' });
  if (!current || current.value.trim() === previous.value.trim()) return 'unchanged';
  const since = current.createdAt ? (now(deps).getTime() - current.createdAt.getTime()) / 60_000 : Number.POSITIVE_INFINITY;
  if (since < policy.graceMinutes) {
    deps.log.info('previous token kept until the grace period ends', { minutesSinceRotation: Math.floor(since), graceMinutes: policy.graceMinutes });
    return 'in-grace';
  }
  const health = assessToken(await deps.authority.inspect(previous.value.trim()), now(deps));
  if (!health.valid) return 'already-invalid';
  await deps.authority.revoke(previous.value.trim());
  deps.log.info('previous access token revoked', { previousVersionId: previous.versionId });
  return 'revoked';
}

function now(deps: Pick<RotationDeps, 'now'>): Date {
  return deps.now ? deps.now() : new Date();
}
