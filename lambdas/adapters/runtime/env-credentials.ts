// Stands in for @aws-sdk/credential-provider-node inside Lambda bundles (see lib/bundling.ts).
// Lambda hands the execution role's credentials to the function in environment variables, so the SDK's
// full chain (SSO, ini files, process, web identity, container and instance metadata) is ~80 KB of code
// a Lambda never runs and pays for at every cold start.
import { fromEnv } from '@aws-sdk/credential-provider-env';

type FromEnvInit = Parameters<typeof fromEnv>[0];
interface Expiring {
  expiration?: Date;
}

export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);
export const credentialsWillNeedRefresh = (credentials?: Expiring) => credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials?: Expiring) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
