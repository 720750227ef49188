// The seeds' variable names beside ours: read as ours with one warning naming the preferred variable, refused when
// two names give one setting different values, never printing a value.
import { describe, expect, it } from 'vitest';
import { applyEnvAliases, preferredName, useEnvAliases } from '../../lib/env-aliases.js';

describe('old variable names', () => {
  it('maps the seeds\' names, and every WAZZUP24_* to WAZZUP_*', () => {
    expect(preferredName('WHATSAPP_PHONE_ID')).toBe('WHATSAPP_PHONE_NUMBER_ID');
    expect(preferredName('WHATSAPP_API_URL')).toBe('GRAPH_BASE_URL');
    expect(preferredName('WHATSAPP_APP_ID')).toBe('META_APP_ID');
    expect(preferredName('WAZZUP24_API_KEY')).toBe('WAZZUP_API_KEY');
    expect(preferredName('WAZZUP24_CHANNEL_ID')).toBe('WAZZUP_CHANNEL_ID');
    expect(preferredName('WAZZUP24_WEBHOOK_SECRET')).toBe('WAZZUP_WEBHOOK_SECRET');
    expect(preferredName('WAZZUP24_API_URL')).toBe('WAZZUP_BASE_URL');
    expect(preferredName('WAZZUP24_')).toBeUndefined();
    expect(preferredName('WHATSAPP_ACCESS_TOKEN')).toBeUndefined();
  });

  it('copies each old name to ours with one warning line naming the preferred variable', () => {
    const env: NodeJS.ProcessEnv = { WHATSAPP_PHONE_ID: '106540352242922', WAZZUP24_API_KEY: 'k-secret-value', WHATSAPP_APP_ID: '1234' };
    const result = applyEnvAliases(env);
    expect(result).toEqual({
      warnings: [
        'warning: WAZZUP24_API_KEY is an old name: use WAZZUP_API_KEY instead',
        'warning: WHATSAPP_APP_ID is an old name: use META_APP_ID instead',
        'warning: WHATSAPP_PHONE_ID is an old name: use WHATSAPP_PHONE_NUMBER_ID instead',
      ],
    });
    expect(env).toMatchObject({ WHATSAPP_PHONE_NUMBER_ID: '106540352242922', WAZZUP_API_KEY: 'k-secret-value', META_APP_ID: '1234' });
  });

  it('reads the seeds\' API URLs with their version path as our bare hosts', () => {
    const env: NodeJS.ProcessEnv = { WHATSAPP_API_URL: 'https://graph.facebook.com/v19.0/', WAZZUP24_API_URL: 'https://api.wazzup24.com/v3' };
    expect(applyEnvAliases(env).error).toBeUndefined();
    expect(env).toMatchObject({ GRAPH_BASE_URL: 'https://graph.facebook.com', GRAPH_API_VERSION: 'v19.0', WAZZUP_BASE_URL: 'https://api.wazzup24.com' });
  });

  it('accepts both names with the same value (warning still), refuses different ones without changing anything or printing values', () => {
    const same: NodeJS.ProcessEnv = { WHATSAPP_PHONE_ID: '111111', WHATSAPP_PHONE_NUMBER_ID: '111111' };
    expect(applyEnvAliases(same)).toEqual({ warnings: ['warning: WHATSAPP_PHONE_ID is an old name: use WHATSAPP_PHONE_NUMBER_ID instead'] });
    const env: NodeJS.ProcessEnv = { WAZZUP24_API_KEY: 'old-secret', WAZZUP_API_KEY: 'new-secret', WHATSAPP_APP_ID: '42' };
    const result = applyEnvAliases(env);
    expect(result.error).toBe('WAZZUP24_API_KEY and WAZZUP_API_KEY are both set, to different values: keep WAZZUP_API_KEY only');
    expect(env['META_APP_ID']).toBeUndefined();
    const lines: string[] = [];
    expect(useEnvAliases({ ...env }, (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).not.toMatch(/old-secret|new-secret/);
    expect(lines.at(-1)).toMatch(/^error: WAZZUP24_API_KEY and WAZZUP_API_KEY/);
  });

  it('refuses two old names for one setting that disagree', () => {
    const env: NodeJS.ProcessEnv = { WAZZUP24_API_URL: 'https://a.example/v3', WAZZUP24_BASE_URL: 'https://b.example' };
    expect(applyEnvAliases(env).error).toBe('WAZZUP24_API_URL and WAZZUP24_BASE_URL are both set, to different values: set WAZZUP_BASE_URL only');
    expect(env['WAZZUP_BASE_URL']).toBeUndefined();
  });

  it('changes nothing and says nothing when only our names are used', () => {
    const env: NodeJS.ProcessEnv = { WHATSAPP_PHONE_NUMBER_ID: '1', WAZZUP_API_KEY: 'k' };
    expect(applyEnvAliases(env)).toEqual({ warnings: [] });
    expect(env).toEqual({ WHATSAPP_PHONE_NUMBER_ID: '1', WAZZUP_API_KEY: 'k' });
  });
});
