// The image guard through `wa card` (bin/wa.ts under tsx, without npx's own start-up): a 14000x14000 PNG (41 KB on disk, 196 million pixels when
// decoded) refused from its header, against the same CLI printing its usage (the cost of starting it at all) and,
// for scale, reading a real card photo. Each run is a fresh Node process; peak memory is its own maxRSS.
// `npx tsx bench/card-guard.ts` prints the table; bench/run.ts imports benchCardGuard().
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { whitePng } from '../test/support/images.js';
import { CARDS_DIR } from './cards.js';
import { median, printTable, type Row } from './table.js';

const outDir = resolve('.bench');
const runs = 5;

interface Run {
  ms: number;
  rssMb: number;
  status: number | null;
  stderr: string;
}

function waCard(args: string[]): Run {
  const rssFile = join(outDir, `max-rss-${process.pid}`);
  rmSync(rssFile, { force: true });
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--import', './bench/max-rss.ts', 'bin/wa.ts', 'card', ...args], {
    encoding: 'utf8',
    env: { ...process.env, MAX_RSS_FILE: rssFile },
  });
  const ms = performance.now() - start;
  return { ms, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024, status: child.status, stderr: child.stderr };
}

export async function benchCardGuard(): Promise<Row[]> {
  mkdirSync(outDir, { recursive: true });
  const huge = join(outDir, 'huge-14000x14000.png');
  writeFileSync(huge, whitePng(14000, 14000));
  const refused: Run[] = [];
  const started: Run[] = [];
  for (let i = 0; i < runs; i++) {
    refused.push(waCard([huge]));
    started.push(waCard(['--help']));
  }
  const wrong = refused.find((r) => r.status !== 1 || !/14000x14000 pixels/.test(r.stderr));
  if (wrong) throw new Error(`wa card did not refuse the 14000x14000 PNG: exit ${wrong.status}, ${wrong.stderr}`);
  const card = waCard([join(CARDS_DIR, 'en-acme-classic.png')]);
  const ms = median(refused.map((r) => r.ms));
  const rss = Math.max(...refused.map((r) => r.rssMb));
  const mb = (v: number) => `${v.toFixed(0)} MB`;
  return [
    { metric: `wa card refuses a 14000x14000 PNG (41 KB file), median of ${runs}`, value: `${ms.toFixed(0)} ms`, baseline: `${median(started.map((r) => r.ms)).toFixed(0)} ms wa card --help`, target: '< 2000 ms', pass: ms < 2000 },
    { metric: `its peak memory, worst of ${runs}`, value: mb(rss), baseline: `${mb(Math.max(...started.map((r) => r.rssMb)))} wa card --help`, target: '< 400 MB', pass: rss < 400 },
    { metric: 'for scale: wa card reading a 1050x600 card (QR, then tesseract)', value: `${card.ms.toFixed(0)} ms, ${mb(card.rssMb)}` },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) printTable('Card image guard (issue 12)', await benchCardGuard());
