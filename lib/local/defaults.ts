// Values local mode uses when the environment does not set them. Printed at start-up; never used in AWS
// (the stack sets ARNs, not these variables).
export const localDefaults = {
  WHATSAPP_APP_SECRET: 'local-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'local-verify-token',
  WHATSAPP_ACCESS_TOKEN: 'local-access-token',
  WHATSAPP_PHONE_NUMBER_ID: '100000000000001',
  ADMIN_TOKEN: 'local-admin-token',
} as const;

export type LocalSetting = keyof typeof localDefaults;

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = '.data';
export const LOCAL_TABLE_PREFIX = 'whatsapp-local';

/** The local value of each setting: the environment's when set, else the default. */
export function localSettings(env: NodeJS.ProcessEnv = process.env): Record<LocalSetting, string> {
  const out = {} as Record<LocalSetting, string>;
  for (const key of Object.keys(localDefaults) as LocalSetting[]) out[key] = env[key] || localDefaults[key];
  return out;
}
