// Run by the card worker's bundling (lib/constructs/card-pipeline.ts) after esbuild: fills the asset folder with the
// files lib/card-worker-files.ts lists. Usage: tsx scripts/stage-card-worker-files.ts <asset folder>
import { stageCardWorkerFiles } from '../lib/card-worker-files.js';

const [outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: stage-card-worker-files <asset folder>');
  process.exit(2);
}
stageCardWorkerFiles(outDir);
