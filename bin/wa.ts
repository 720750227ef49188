#!/usr/bin/env -S npx tsx
// The `wa` admin CLI: lib/cli/commands.ts lists the commands, lib/cli/main.ts dispatches.
import '../lib/cli/cli-runtime.js';
import { main } from '../lib/cli/main.js';
import { useEnvAliases } from '../lib/env-aliases.js';

// The seeds' variable names (WHATSAPP_PHONE_ID, WAZZUP24_API_KEY, ...) are read as ours; two values for one setting stop here.
const refused = useEnvAliases();
if (refused !== undefined) process.exit(refused);

process.exitCode = await main(process.argv.slice(2));
