#!/usr/bin/env -S npx tsx
// The `wa` admin CLI. Each command lives in lib/cli/<command>.ts and exports
// `run(args: string[]): Promise<number>` (the exit code); this file only dispatches.
import { commands } from '../lib/cli/commands.js';

const [name, ...args] = process.argv.slice(2);
const load = name ? commands[name] : undefined;
if (!load) {
  console.error(`usage: wa <command> [options]\n\ncommands:\n${Object.keys(commands).map((c) => `  ${c}`).join('\n')}`);
  process.exit(name && name !== '--help' ? 2 : 0);
}
const command = await load();
process.exitCode = await command.run(args);
