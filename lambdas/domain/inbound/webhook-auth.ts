// Who may reach the webhooks, decided here so the handlers only read secrets and map the verdict to HTTP.
// Meta: the GET handshake's verify token, and X-Hub-Signature-256 (HMAC of the raw body, signature.ts) on every POST.
// Wazzup24 signs nothing (../shared/reference/wazzup24-api-facts.md §1.6), so its URL carries a secret and, when a
// crmKey is configured, the Authorization header must carry it too. Secrets are compared in constant time; a miss
// stores nothing; an unconfigured secret is the operator's to fix and answers 5xx (Meta and Wazzup then retry).
import { secretsEqual } from '../shared/secret-compare.js';
import { verifyMetaSignature } from './signature.js';

export type AuthVerdict =
  | { ok: true }
  | {
      ok: false;
      status: 401 | 403 | 500;
      /** The answer's error text: says how to fix it, never the secret. */
      message: string;
      /** For the operator's log; absent when the caller simply sent no secret. */
      log?: { level: 'warn' | 'error'; message: string };
    };

const OK: AuthVerdict = { ok: true };

// ----- Meta

/** The GET handshake's query, checked before the verify token is read. */
export function readHandshake(
  query: Record<string, string | undefined>,
): { ok: true; token: string; challenge: string } | { ok: false; status: 400 | 403; message: string } {
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (query['hub.mode'] !== 'subscribe') return { ok: false, status: 403, message: 'hub.mode must be "subscribe"' };
  if (!token) return { ok: false, status: 403, message: 'hub.verify_token is missing' };
  if (challenge === undefined || challenge === '') return { ok: false, status: 400, message: 'hub.challenge is missing' };
  return { ok: true, token, challenge };
}

export function checkVerifyToken(token: string, expected: string): AuthVerdict {
  if (!expected) return { ok: false, status: 500, message: 'the verify token is not configured' };
  if (!secretsEqual(token, expected)) {
    return {
      ok: false,
      status: 403,
      message: 'hub.verify_token does not match the configured verify token',
      log: { level: 'warn', message: 'webhook handshake with a wrong verify token' },
    };
  }
  return OK;
}

/** The header's shape, checked before the app secret is read. */
export function checkSignatureHeader(signature: string): AuthVerdict {
  if (!signature) return { ok: false, status: 401, message: 'missing X-Hub-Signature-256 header' };
  if (!/^sha256=[0-9a-f]{64}$/i.test(signature.trim())) {
    return { ok: false, status: 401, message: 'X-Hub-Signature-256 must be "sha256=" followed by 64 hex digits' };
  }
  return OK;
}

export function checkMetaSignature(raw: Uint8Array, signature: string, appSecret: string): AuthVerdict {
  if (!appSecret.trim()) {
    // 5xx, not 401: Meta keeps retrying for days, so deliveries arrive once the operator sets the secret.
    return {
      ok: false,
      status: 500,
      message: 'the app secret is not configured',
      log: { level: 'error', message: 'app secret is empty: paste the Meta app secret into the secret' },
    };
  }
  if (!verifyMetaSignature(raw, signature, [appSecret])) {
    return {
      ok: false,
      status: 401,
      message: 'X-Hub-Signature-256 does not match the body (wrong app secret, or the body was altered)',
      log: { level: 'warn', message: 'webhook delivery with a wrong signature' },
    };
  }
  return OK;
}

// ----- Wazzup24

/** `given`: the `{secret}` path parameter or `?secret=`; `expected`: the configured secret, trimmed. */
export function checkWazzupPathSecret(given: string | undefined, expected: string): AuthVerdict {
  if (!expected) {
    return {
      ok: false,
      status: 500,
      message: 'the Wazzup24 webhook secret is not configured',
      log: { level: 'error', message: 'the Wazzup24 webhook secret is empty: set it (WAZZUP_WEBHOOK_SECRET locally) and register the URL again' },
    };
  }
  if (!given) return { ok: false, status: 401, message: 'the webhook secret is missing: register the URL /webhooks/wazzup24/<secret> (npx wa wazzup register)' };
  if (!secretsEqual(given, expected)) {
    return {
      ok: false,
      status: 401,
      message: 'the webhook secret in the URL is wrong: register the URL again with npx wa wazzup register',
      log: { level: 'warn', message: 'Wazzup24 delivery with a wrong path secret' },
    };
  }
  return OK;
}

/** `crmKey`: the configured key, trimmed; empty = none required. `authorization`: the request's header. */
export function checkWazzupCrmKey(authorization: string | undefined, crmKey: string): AuthVerdict {
  if (!crmKey) return OK;
  const m = /^Bearer\s+(.+)$/i.exec((authorization ?? '').trim());
  if (m?.[1] && secretsEqual(m[1].trim(), crmKey)) return OK;
  return {
    ok: false,
    status: 401,
    message: 'Authorization must be "Bearer <crmKey>" (a crmKey is configured for Wazzup24 webhooks)',
    log: { level: 'warn', message: 'Wazzup24 delivery without the configured crmKey' },
  };
}
