// Secrets by their resources.ts name. In AWS the function's environment holds the secret's ARN and the value
// is read from Secrets Manager, cached per container for five minutes (rotation reaches warm containers
// without a deploy). Locally there is no ARN and the plain value comes from the local variable instead.
import { CLIENT_LIMITS, sdkClientLimits } from '../runtime/client-limits.js';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secrets, type SecretName } from '../../../lib/resources.js';

export const SECRET_TTL_MS = 5 * 60 * 1000;

export class SecretUnavailable extends Error {
  override readonly name = 'SecretUnavailable';
}

export interface SecretReader {
  get(name: SecretName): Promise<string>;
  /** Drops the cached value so the next `get` re-reads it (e.g. after Graph error 190). */
  forget(name: SecretName): void;
}

// One client per container, made at the first read: a function holds several readers (the token's, the app
// secret's, Wazzup's key) and each client costs its own setup and connection pool.
let sharedClient: SecretsManagerClient | undefined;

export function createSecretReader(options: {
  env?: NodeJS.ProcessEnv;
  client?: SecretsManagerClient;
  now?: () => number;
  ttlMs?: number;
} = {}): SecretReader {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? SECRET_TTL_MS;
  let client = options.client;
  const cache = new Map<SecretName, { value: Promise<string>; expires: number }>();

  async function fetch(name: SecretName): Promise<string> {
    const spec = secrets[name];
    const arn = env[spec.arnEnvVar];
    if (!arn) {
      const local = env[spec.localEnvVar];
      if (local === undefined) {
        throw new SecretUnavailable(`secret ${name}: neither ${spec.arnEnvVar} (AWS) nor ${spec.localEnvVar} (local) is set`);
      }
      return local;
    }
    client ??= sharedClient ??= new SecretsManagerClient(sdkClientLimits(CLIENT_LIMITS.secretsManager));
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (out.SecretString === undefined) {
      throw new SecretUnavailable(`secret ${name} (${spec.arnEnvVar}) has no string value`);
    }
    return out.SecretString;
  }

  return {
    get(name) {
      const hit = cache.get(name);
      if (hit && hit.expires > now()) return hit.value;
      const value = fetch(name);
      cache.set(name, { value, expires: now() + ttlMs });
      // A failed read must not be cached: the next request tries again.
      value.catch(() => {
        if (cache.get(name)?.value === value) cache.delete(name);
      });
      return value;
    },
    forget(name) {
      cache.delete(name);
    },
  };
}
