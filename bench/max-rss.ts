// Preloaded into a measured child process (`node --import ./bench/max-rss.ts ...`): on exit, its peak resident set
// size in KiB goes to the file MAX_RSS_FILE names. Portable where /usr/bin/time is not.
import { writeFileSync } from 'node:fs';

const file = process.env.MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
