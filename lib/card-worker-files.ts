// What the card worker's Lambda asset holds besides its esbuild bundle (index.mjs), put there after esbuild by a
// command hook of lib/constructs/card-pipeline.ts (scripts/stage-card-worker-files.ts runs stageCardWorkerFiles):
//
//   tesseract/worker.cjs          tesseract.js' worker-thread script, bundled on its own: tesseract.js starts it with
//                                 `new Worker(path)`, so it cannot live inside index.mjs (TESSERACT_WORKER_PATH)
//   tesseract/lang/*.gz           the traineddata of every OCR language, read from disk (TESSERACT_LANG_PATH);
//                                 nothing is downloaded at run time
//   node_modules/tesseract.js-core  the .wasm builds the worker script loads (TESSERACT_CORE_FILES)
//   node_modules/sharp, @img/...  sharp with its native build for Lambda (linux arm64 glibc), installed from the npm
//                                 registry for that platform into a cache folder, never into the project's
//                                 node_modules (which holds this machine's build)
//
// Node resolves `sharp` and `tesseract.js-core` from the asset's own node_modules, so the asset runs anywhere its
// platform's sharp build is present (test/infra/card-worker-asset.test.ts runs it on this machine).
import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Tesseract languages the worker reads with, in the order tesseract.js is given them (`kir+eng`). */
export const OCR_LANGUAGES = ['kir', 'eng'] as const;

/** Paths inside the asset (Lambda unpacks it at /var/task). */
export const ASSET_PATHS = {
  worker: 'tesseract/worker.cjs',
  langDir: 'tesseract/lang',
} as const;

/**
 * The tesseract.js-core builds the worker script's getCore() picks from by the CPU's WebAssembly features (plain,
 * SIMD, relaxed SIMD). tesseract.js 7.0.0 hands getCore() a boolean where it compares an OEM number, so in Node it
 * always loads the full builds, never the `-lstm` ones (the asset test would fail if that changed).
 */
export const TESSERACT_CORE_FILES = [
  'package.json',
  'LICENSE',
  ...['tesseract-core', 'tesseract-core-simd', 'tesseract-core-relaxedsimd'].flatMap((v) => [`${v}.js`, `${v}.wasm`]),
] as const;

export interface NativePlatform {
  os: string;
  cpu: string;
  libc: string;
}

/** Lambda's: the house function runs on arm64 (Graviton) with Amazon Linux 2023's glibc. */
export const LAMBDA_PLATFORM: NativePlatform = { os: 'linux', cpu: 'arm64', libc: 'glibc' };

/** The sharp version the project pins: the asset gets the same one for its platform. */
export function sharpVersion(): string {
  // sharp's `exports` hide its package.json; its entry is dist/index.cjs.
  const pkg = join(dirname(require.resolve('sharp')), '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

function traineddata(lang: string): string {
  return join(dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), '4.0.0_best_int', `${lang}.traineddata.gz`);
}

/**
 * sharp for `platform`, installed once per version and platform into node_modules/.cache (a fresh `npm ci` starts
 * over); the first synth needs the npm registry or npm's own cache, later ones nothing. Installed beside the cache
 * folder and renamed into place, so two synths at once never see half an install.
 */
export function sharpForPlatform(platform: NativePlatform, version = sharpVersion()): string {
  const cache = join(PROJECT_ROOT, 'node_modules', '.cache', 'card-worker-sharp', `${version}-${platform.os}-${platform.cpu}-${platform.libc}`);
  if (existsSync(join(cache, 'node_modules', 'sharp', 'package.json'))) return join(cache, 'node_modules');
  const staging = `${cache}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync(
    'npm',
    [
      'install',
      `--os=${platform.os}`,
      `--cpu=${platform.cpu}`,
      `--libc=${platform.libc}`,
      `sharp@${version}`,
      '--prefix',
      staging,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    renameSync(staging, cache);
  } catch (error) {
    // Another synth finished first: its install is as good as this one.
    if (!existsSync(join(cache, 'node_modules', 'sharp', 'package.json'))) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  return join(cache, 'node_modules');
}

/** Fills an asset folder that already holds the handler's index.mjs. */
export function stageCardWorkerFiles(outDir: string, platform: NativePlatform = LAMBDA_PLATFORM): void {
  buildSync({
    entryPoints: [require.resolve('tesseract.js/src/worker-script/node/index.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minify: true,
    // Its .js finds its .wasm beside itself (__dirname), so the package is copied whole, not bundled.
    external: ['tesseract.js-core'],
    outfile: join(outDir, ASSET_PATHS.worker),
    logLevel: 'error',
  });

  const coreDir = dirname(require.resolve('tesseract.js-core/package.json'));
  for (const file of TESSERACT_CORE_FILES) {
    cpSync(join(coreDir, file), join(outDir, 'node_modules', 'tesseract.js-core', file));
  }

  for (const lang of OCR_LANGUAGES) {
    cpSync(traineddata(lang), join(outDir, ASSET_PATHS.langDir, `${lang}.traineddata.gz`));
  }

  cpSync(sharpForPlatform(platform), join(outDir, 'node_modules'), {
    recursive: true,
    // npm's own records and bin links (symlinks) are not part of any package.
    filter: (src) => !src.endsWith('.package-lock.json') && !src.includes(`node_modules${sep}.bin`),
  });
}
