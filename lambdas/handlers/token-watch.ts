// Runs on the tokenWatch schedule (daily by default): asks debug_token about the access token, publishes
// TokenDaysToExpiry and TokenValid (EMF through the metric catalogue's sink, namespace WhatsAppBusiness) for
// the expiry and validity alarms, and, when enabled, revokes the token the last rotation replaced once its
// grace period is over.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { tokenLifecycle } from '../../lib/resources.js';
import type { MetricSink } from '../domain/shared/metric-catalog.js';
import { assessToken, tokenCheckLog, tokenMetrics, type TokenHealth } from '../domain/token/token-health.js';
import { revokePreviousIfDue, type RevocationOutcome, type RevocationPolicy, type SecretVersionStore, type TokenAuthority } from '../domain/token/token-rotation.js';
import { createAccessTokenSource } from '../adapters/meta/access-token.js';
import { optionalEnv } from '../adapters/runtime/env.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { correlationKeys, logger } from '../adapters/runtime/logger.js';
import { metricSink, metricsMiddleware } from '../adapters/runtime/metrics.js';
import { createSecretReader } from '../adapters/secrets/secrets.js';
import { createSecretVersionStore } from '../adapters/secrets/secret-versions.js';
import { tokenAuthorityFromEnv } from '../adapters/meta/token-authority.js';

export interface WatchLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface WatchDeps {
  readToken: () => Promise<string>;
  authority: TokenAuthority;
  metrics: MetricSink;
  log: WatchLog;
  now?: () => Date;
  /** Present in AWS when revokePreviousToken is on: the secret's ARN and its versions. */
  revocation?: { secretId: string; store: SecretVersionStore; policy: RevocationPolicy };
}

export interface WatchResult {
  health?: TokenHealth;
  revocation?: RevocationOutcome;
}

export function createTokenWatchHandler(deps: WatchDeps): () => Promise<WatchResult> {
  const now = () => (deps.now ? deps.now() : new Date());
  return async () => {
    let token: string;
    try {
      token = await deps.readToken();
    } catch (error) {
      // No token at all: nothing can be sent, which is exactly what the validity alarm is for.
      deps.log.error('no access token to check', { error: (error as Error).message });
      deps.metrics.emit('TokenValid', 0);
      return {};
    }
    const health = assessToken(await deps.authority.inspect(token), now());
    const values = tokenMetrics(health);
    deps.metrics.emit('TokenDaysToExpiry', values.TokenDaysToExpiry);
    deps.metrics.emit('TokenValid', values.TokenValid);
    const summary = { type: health.type, valid: health.valid, daysToExpiry: values.TokenDaysToExpiry, missingScopes: health.missingScopes };
    const lines = tokenCheckLog(health);
    deps.log[lines.check.level](lines.check.message, summary);
    if (lines.missingScopes) deps.log.warn(lines.missingScopes);

    const result: WatchResult = { health };
    if (deps.revocation) {
      result.revocation = await revokePreviousIfDue(deps.revocation.secretId, deps.revocation.policy, {
        store: deps.revocation.store,
        authority: deps.authority,
        log: deps.log,
        now,
      });
      deps.log.info('previous token revocation', { outcome: result.revocation });
    }
    return result;
  };
}

function defaultDeps(): WatchDeps {
  const deps: WatchDeps = {
    // A fresh read every run: the watch must see the secret as it is now, not as a warm container cached it.
    readToken: createAccessTokenSource({ reader: createSecretReader({ ttlMs: 0 }) }),
    authority: tokenAuthorityFromEnv(),
    metrics: metricSink,
    log: {
      info: (m, e) => logger.info(m, e ?? {}),
      warn: (m, e) => logger.warn(m, e ?? {}),
      error: (m, e) => logger.error(m, e ?? {}),
    },
  };
  const secretArn = optionalEnv('ACCESS_TOKEN_ARN');
  if (secretArn && optionalEnv('REVOKE_PREVIOUS_TOKEN') === 'true') {
    const grace = Number(optionalEnv('REVOKE_GRACE_MINUTES') ?? tokenLifecycle.revokeGraceMinutes);
    deps.revocation = { secretId: secretArn, store: createSecretVersionStore(), policy: { enabled: true, graceMinutes: grace } };
  }
  return deps;
}

export const handler = lambdaEntry(
  middy(createTokenWatchHandler(defaultDeps()))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys())
    .use(metricsMiddleware()),
);
