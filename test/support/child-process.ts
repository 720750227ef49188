// A command as a user runs it, in its own process: its exit code and everything it printed, kept apart.
import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Variables a developer's shell may hold that would change what `wa` or `npm start` talks to. */
export const USER_SETTINGS = [
  'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'ADMIN_TOKEN',
  'GRAPH_BASE_URL', 'META_APP_ID', 'WAZZUP_API_KEY', 'WAZZUP_BASE_URL', 'WAZZUP_WEBHOOK_SECRET', 'WAZZUP_CHANNEL_ID',
  'WA_API', 'PORT', 'HOST', 'DATA_DIR', 'LOG_FORMAT', 'LOG_METRICS',
  // vitest sets it; it would turn Powertools metrics off and hide the EMF the CLI must keep off stdout itself.
  'POWERTOOLS_DEV', 'POWERTOOLS_LOG_LEVEL',
];

/** process.env without USER_SETTINGS, plus `env`. */
export function cleanEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const k of USER_SETTINGS) delete out[k];
  return { ...out, ...env };
}

/** `node --import tsx <script> ...args`, killed after `timeoutMs`. */
export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The `wa` CLI. */
export const wa = (args: string[], env: NodeJS.ProcessEnv): Promise<ChildResult> => runNode('bin/wa.ts', args, env);
