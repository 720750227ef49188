// Webhook bundle: minified size and cold import time of the webhook handler as it is now ("after") and as it was
// at a baseline commit ("before"), side by side, against a bundle that imports only the DynamoDB client (the
// floor every DynamoDB-backed Lambda pays). All three are built with the same esbuild options and measured in
// this run, interleaved, so machine load hits them alike.
//
// The baseline is BENCH_BASE_REF (any git ref), by default the last commit before the handlers became middy
// chains. Its lambdas/ and lib/ are read with `git archive` into .bench/ and bundled against this checkout's
// node_modules: the comparison is of our code, not of dependency versions.
import { build, type Metafile } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleOptions } from '../lib/bundling.js';
import { median } from './table.js';

/** Handlers as Powertools middy chains were introduced on top of this commit (issue 13). */
export const DEFAULT_BASE_REF = '61b0e497b00b25492180e964c40282bb9656fde0';
const ENTRY = 'lambdas/handlers/webhook.ts';
const outDir = resolve('.bench');
const coldRuns = 21;
/** The issue's budget: the handler chain may cost at most 5% in size and in cold import ratio. */
const ALLOWED_GROWTH = 1.05;

async function bundle(entry: string, name: string): Promise<{ file: string; metafile: Metafile }> {
  const outfile = join(outDir, `${name}.mjs`);
  const result = await build({
    ...bundleOptions,
    mainFields: [...bundleOptions.mainFields],
    entryPoints: [entry],
    bundle: true,
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  return { file: outfile, metafile: result.metafile };
}

/** Each run is a fresh node process, so module caches are cold like a new Lambda container's. */
function coldImportMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, AWS_REGION: 'us-east-1', CONTACTS_TABLE: 'c', MESSAGES_TABLE: 'm' },
  });
  if (run.status !== 0) throw new Error(`import of ${file} failed: ${run.stderr}`);
  return Number(run.stdout);
}

/** The baseline's sources (and the tsconfig and package.json esbuild reads) in .bench/base-<commit>/. */
function checkoutBaseline(ref: string): { commit: string; root: string } {
  let commit: string;
  try {
    commit = execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`BENCH_BASE_REF "${ref}" is not a commit of this repository: fetch it, or set BENCH_BASE_REF to a ref that exists`);
  }
  const root = join(outDir, `base-${commit.slice(0, 12)}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', commit, 'lambdas', 'lib', 'tsconfig.json', 'package.json'], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', root], { input: tar });
  return { commit, root };
}

/** Output bytes per package (node_modules/<name>) or per source folder, from esbuild's metafile. */
function bytesByOrigin(metafile: Metafile): Map<string, number> {
  const by = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
      const origin = pkg ?? `our code (${path.replace(/^.*?(lambdas|lib)\//, '$1/').split('/').slice(0, 2).join('/')})`;
      by.set(origin, (by.get(origin) ?? 0) + input.bytesInOutput);
    }
  }
  return by;
}

export interface BundleComparison {
  /** Before and after side by side. */
  rows: string[][];
  /** What changed in size, by package or folder (esbuild metafile), largest first. */
  growth: string[][];
  /** The after bundle, for the latency benchmark. */
  bundle: string;
  /** The baseline commit. */
  base: string;
}

export async function benchWebhookBundle(ref: string = process.env['BENCH_BASE_REF'] || DEFAULT_BASE_REF): Promise<BundleComparison> {
  mkdirSync(outDir, { recursive: true });
  const floorEntry = join(outDir, 'floor-dynamodb.ts');
  writeFileSync(floorEntry, "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n");
  const baseline = checkoutBaseline(ref);
  const after = await bundle(ENTRY, 'webhook');
  const before = await bundle(join(baseline.root, ENTRY), 'webhook-base');
  const floor = await bundle(floorEntry, 'floor-dynamodb');

  const ms = { after: [] as number[], before: [] as number[], floor: [] as number[] };
  for (let i = 0; i < coldRuns; i++) {
    ms.after.push(coldImportMs(after.file));
    ms.before.push(coldImportMs(before.file));
    ms.floor.push(coldImportMs(floor.file));
  }
  const kb = (file: string) => statSync(file).size / 1024;
  const size = { after: kb(after.file), before: kb(before.file), floor: kb(floor.file) };
  const cold = { after: median(ms.after), before: median(ms.before), floor: median(ms.floor) };
  const ratio = { after: cold.after / cold.floor, before: cold.before / cold.floor };
  const growth = (a: number, b: number) => `${(a / b).toFixed(3)}x`;
  const ok = (pass: boolean) => (pass ? 'ok' : 'MISS');

  const rows = [
    [
      'webhook bundle size (minified, no source map)',
      `${size.before.toFixed(1)} KB`,
      `${size.after.toFixed(1)} KB`,
      growth(size.after, size.before),
      `<= ${ALLOWED_GROWTH}x before, < 400 KB`,
      ok(size.after <= size.before * ALLOWED_GROWTH && size.after < 400),
    ],
    [`webhook cold import, median of ${coldRuns}`, `${cold.before.toFixed(1)} ms`, `${cold.after.toFixed(1)} ms`, growth(cold.after, cold.before), '', ''],
    [
      'cold import ratio to the DynamoDB-client floor',
      `${ratio.before.toFixed(2)}x`,
      `${ratio.after.toFixed(2)}x`,
      growth(ratio.after, ratio.before),
      `<= ${ALLOWED_GROWTH}x before, <= 1.5x floor`,
      ok(ratio.after <= ratio.before * ALLOWED_GROWTH && ratio.after <= 1.5),
    ],
    ['floor: DynamoDB client only (same options)', `${size.floor.toFixed(1)} KB`, `${cold.floor.toFixed(1)} ms`, '', '', ''],
  ];

  const beforeBytes = bytesByOrigin(before.metafile);
  const afterBytes = bytesByOrigin(after.metafile);
  const changed = [...new Set([...beforeBytes.keys(), ...afterBytes.keys()])]
    .map((origin) => ({ origin, delta: (afterBytes.get(origin) ?? 0) - (beforeBytes.get(origin) ?? 0) }))
    .filter((c) => c.delta !== 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
  const signed = (bytes: number) => `${bytes > 0 ? '+' : ''}${Math.abs(bytes) < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`}`;
  return {
    rows,
    growth: changed.map((c) => [c.origin, signed(c.delta)]),
    bundle: after.file,
    base: baseline.commit,
  };
}
