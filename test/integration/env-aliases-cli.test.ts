// The seeds' variable names through the real `wa` entry point (bin/wa.ts in its own process): WHATSAPP_API_URL
// (with its version path) and WHATSAPP_PHONE_ID reach `wa diagnose` as GRAPH_BASE_URL and WHATSAPP_PHONE_NUMBER_ID,
// checked against a Graph sandbox, with one warning line each; two different values for one setting stop it (exit 2).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';

const run = promisify(execFile);
const TOKEN = 'aliases-test-token';
let sandbox: GraphSandbox;

beforeAll(async () => {
  sandbox = await startGraphSandbox({ appSecret: 'aliases-secret', accessToken: TOKEN });
});
afterAll(() => sandbox?.close());

/** Our names and the old ones removed from the caller's environment, then `extra`. */
async function wa(args: string[], extra: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1', ...extra };
  for (const name of Object.keys(env)) {
    if (/^(WHATSAPP_|WAZZUP|GRAPH_|META_APP_ID$|PHONE_NUMBER_ID$)/.test(name) && !(name in extra)) delete env[name];
  }
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'bin/wa.ts', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('wa with the seeds\' variable names', () => {
  it('reads them as ours, warning once per old name', async () => {
    const res = await wa(['diagnose', '--json'], {
      WHATSAPP_API_URL: `${sandbox.url}/v26.0`,
      WHATSAPP_PHONE_ID: DEFAULT_PHONE_NUMBER_ID,
      WHATSAPP_APP_ID: DEFAULT_APP_ID,
      WHATSAPP_ACCESS_TOKEN: TOKEN,
      WHATSAPP_APP_SECRET: 'aliases-secret',
    });
    expect(res.stderr.split('\n').filter(Boolean)).toEqual([
      'warning: WHATSAPP_API_URL is an old name: use GRAPH_BASE_URL (and GRAPH_API_VERSION) instead',
      'warning: WHATSAPP_APP_ID is an old name: use META_APP_ID instead',
      'warning: WHATSAPP_PHONE_ID is an old name: use WHATSAPP_PHONE_NUMBER_ID instead',
    ]);
    const report = JSON.parse(res.stdout) as { checks: { id: string; status: string }[] };
    // The phone number id reached the checks, and Graph (the sandbox, through the old URL) knows it.
    expect(report.checks.find((c) => c.id === 'phone-exists')?.status).toBe('ok');
    // debug_token authenticated with the app id given as WHATSAPP_APP_ID.
    expect(report.checks.find((c) => c.id === 'token-valid')?.status).toBe('ok');
    expect(sandbox.requests.some((r) => r.version === 'v26.0' && r.path === `/${DEFAULT_PHONE_NUMBER_ID}`)).toBe(true);
  }, 30_000);

  it('refuses two different values for one setting with a message naming both variables (exit 2)', async () => {
    const res = await wa(['diagnose'], { WAZZUP24_API_KEY: 'old-key-value', WAZZUP_API_KEY: 'new-key-value' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('error: WAZZUP24_API_KEY and WAZZUP_API_KEY are both set, to different values: keep WAZZUP_API_KEY only');
    expect(res.stderr + res.stdout).not.toMatch(/old-key-value|new-key-value/);
  }, 30_000);
});
