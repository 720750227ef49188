// Webhook bundle: minified size and cold import time, against a bundle that imports only the DynamoDB client
// (the floor every DynamoDB-backed Lambda pays), both built and measured in this run.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleOptions } from '../lib/bundling.js';
import { median, type Row } from './table.js';

const outDir = resolve('.bench');
const coldRuns = 11;

async function bundle(entry: string, name: string): Promise<string> {
  const outfile = join(outDir, `${name}.mjs`);
  await build({ ...bundleOptions, mainFields: [...bundleOptions.mainFields], entryPoints: [entry], bundle: true, outfile, logLevel: 'error' });
  return outfile;
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

export async function benchWebhookBundle(): Promise<{ rows: Row[]; bundle: string }> {
  mkdirSync(outDir, { recursive: true });
  const floorEntry = join(outDir, 'floor-dynamodb.ts');
  writeFileSync(floorEntry, "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n");
  const webhook = await bundle('lambdas/handlers/webhook.ts', 'webhook');
  const floor = await bundle(floorEntry, 'floor-dynamodb');
  const webhookKb = statSync(webhook).size / 1024;
  const floorKb = statSync(floor).size / 1024;
  const webhookMs: number[] = [];
  const floorMs: number[] = [];
  // Interleaved so machine noise hits both alike.
  for (let i = 0; i < coldRuns; i++) {
    webhookMs.push(coldImportMs(webhook));
    floorMs.push(coldImportMs(floor));
  }
  const ratio = median(webhookMs) / median(floorMs);
  const rows: Row[] = [
    { metric: 'webhook bundle size (minified, no source map)', value: `${webhookKb.toFixed(0)} KB`, baseline: `${floorKb.toFixed(0)} KB DynamoDB client only`, target: '< 400 KB', pass: webhookKb < 400 },
    { metric: `webhook cold import, median of ${coldRuns}`, value: `${median(webhookMs).toFixed(1)} ms`, baseline: `${median(floorMs).toFixed(1)} ms`, target: '<= 1.5x floor', pass: ratio <= 1.5 },
    { metric: 'cold import ratio', value: `${ratio.toFixed(2)}x` },
  ];
  return { rows, bundle: webhook };
}
