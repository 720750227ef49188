#!/usr/bin/env -S npx tsx
// `npm start`: the whole system on this machine (see lib/local/runner.ts). Entry point only.
import { DEFAULT_DATA_DIR, DEFAULT_PORT } from '../lib/local/defaults.js';
import { describeLocal } from '../lib/local/banner.js';
import { startLocal } from '../lib/local/runner.js';

const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}
// Snapshot first: startLocal fills in defaults, and the banner tells apart what the user set.
const userEnv = { ...process.env };
const stack = await startLocal({ port, dataDir: process.env.DATA_DIR || DEFAULT_DATA_DIR, host: process.env.HOST || undefined });
console.log(describeLocal(stack, userEnv));

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(130);
    closing = true;
    console.log('\nstopping…');
    stack.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
