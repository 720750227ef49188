#!/usr/bin/env -S npx tsx
// The `wa` admin CLI. Each command lives in lib/cli/<command>.ts and exports
// `run(args: string[]): Promise<number>` (the exit code); this file only dispatches.
import { commands } from '../lib/cli/commands.js';
import { useEnvAliases } from '../lib/env-aliases.js';

// The seeds' variable names (WHATSAPP_PHONE_ID, WAZZUP24_API_KEY, ...) are read as ours; two values for one setting stop here.
const refused = useEnvAliases();
if (refused !== undefined) process.exit(refused);

const [name, ...args] = process.argv.slice(2);
const load = name ? commands[name] : undefined;
if (!load) {
  console.error(`usage: wa <command> [options]\n\ncommands:\n${Object.keys(commands).map((c) => `  ${c}`).join('\n')}`);
  process.exit(name && name !== '--help' ? 2 : 0);
}
const command = await load();
process.exitCode = await command.run(args);
