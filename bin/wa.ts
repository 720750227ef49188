#!/usr/bin/env -S npx tsx
// The `wa` admin CLI: lib/cli/commands.ts lists the commands, lib/cli/main.ts dispatches.
import '../lib/cli/cli-runtime.js';
import { main } from '../lib/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
