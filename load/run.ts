// `npm run load`: the local stack (`bin/local.ts`) in a child process, signed Meta deliveries at increasing rates
// with autocannon from this process, and after each step proof that what is stored equals what was sent.
// LOAD_RATES (comma list, req/s), LOAD_SECONDS (per step), LOAD_CONNECTIONS (max concurrent connections),
// LOAD_CUSTOMERS (pool size), LOAD_REDELIVERY (share of in-step redeliveries), LOAD_CPU_PROFILE (a directory:
// the stack writes a V8 CPU profile there when it stops). Exit 1 when anything was lost or miscounted.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { localSettings } from '../lib/local/defaults.js';
import { startLocalStack, type RunningStack } from '../lib/local/local-child.js';
import { runLoad } from './run-load.js';

export const DEFAULT_RATES = [25, 50, 100, 200, 400];

function numberList(name: string, fallback: readonly number[]): number[] {
  const raw = process.env[name];
  if (!raw) return [...fallback];
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (!values.length || values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${name} must be a comma list of positive integers, got "${raw}"`);
  return values;
}

function number(name: string, fallback: number, check: (v: number) => boolean, what: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!check(value)) throw new Error(`${name} must be ${what}, got "${raw}"`);
  return value;
}

async function main(): Promise<number> {
  const rates = numberList('LOAD_RATES', DEFAULT_RATES);
  const seconds = number('LOAD_SECONDS', 60, (v) => v > 0, 'a positive number of seconds');
  const maxConnections = number('LOAD_CONNECTIONS', 50, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
  const customers = number('LOAD_CUSTOMERS', 300, (v) => Number.isInteger(v) && v >= 1 && v <= 5000, 'an integer from 1 to 5000');
  const redeliveryRatio = number('LOAD_REDELIVERY', 0.05, (v) => v >= 0 && v < 1, 'a share from 0 to below 1');
  const profileDir = process.env.LOAD_CPU_PROFILE ? resolve(process.env.LOAD_CPU_PROFILE) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  // The same values the child falls back to, unless the shell sets them.
  const settings = localSettings(process.env);
  let stack: RunningStack | undefined;
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error('\ninterrupted: stopping the local stack …');
    void (stack?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  console.log('starting the local stack (bin/local.ts) in its own process …');
  stack = await startLocalStack({
    env: settings,
    // Plain texts never reach Graph, but a real token or Wazzup key in the shell must not point the stack at them.
    without: ['WHATSAPP_ACCESS_TOKEN', 'GRAPH_BASE_URL', 'WAZZUP_API_KEY', 'WAZZUP_BASE_URL'],
    ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
  });
  try {
    const result = await runLoad({
      baseUrl: stack.url,
      adminToken: settings.ADMIN_TOKEN,
      appSecret: settings.WHATSAPP_APP_SECRET,
      phoneNumberId: settings.WHATSAPP_PHONE_NUMBER_ID,
      rates,
      seconds,
      customers,
      redeliveryRatio,
      maxConnections,
      stackCpuSeconds: () => stack?.cpuSeconds(),
      stack:
        'npm start (bin/local.ts) in a child process: the webhook handler behind the local HTTP router, ' +
        'dynalite (DynamoDB on LevelDB in a temporary DATA_DIR), fauxqs, Graph and Wazzup24 sandboxes; POWERTOOLS_LOG_LEVEL=WARN',
    });
    if (!result.ok) console.log(`\nlast output of the local stack:\n${stack.output().slice(-4000)}`);
    return result.ok ? 0 : 1;
  } finally {
    await stack.close();
    if (profileDir) console.log(`CPU profile of the stack written to ${profileDir}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
