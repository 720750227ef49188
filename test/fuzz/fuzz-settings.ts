// One seed and one case count for every fuzz property. `npm test` runs a few cases with a fixed seed (the same
// inputs every run); `npm run fuzz` sets FUZZ_RUNS=10000. A failure prints fast-check's seed and path:
// FUZZ_SEED=<seed> (and FUZZ_RUNS) replays it, or paste both into `fuzzParams` while debugging.
import type { Parameters } from 'fast-check';

const DEFAULT_SEED = 20_261_121;
const DEFAULT_RUNS = 25;

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export const FUZZ_SEED = intFromEnv('FUZZ_SEED', DEFAULT_SEED, -(2 ** 31));
export const FUZZ_RUNS = intFromEnv('FUZZ_RUNS', DEFAULT_RUNS, 1);

/**
 * fast-check parameters for one property: `scale` multiplies FUZZ_RUNS (a cheap pure property can afford 10x,
 * a property that stores into dynalite or times itself less).
 */
export function fuzzParams<T>(scale = 1, min = 1): Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: runs(scale, min) };
}

export function runs(scale = 1, min = 1): number {
  return Math.max(min, Math.round(FUZZ_RUNS * scale));
}

/** Vitest timeout for a property, growing with the number of cases it runs. */
export function fuzzTimeout(msPerCase: number, scale = 1, min = 1): number {
  return 30_000 + runs(scale, min) * msPerCase;
}
