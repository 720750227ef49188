// Relative timing for "bounded time" checks: never an absolute limit, always a comparison made in the same run
// (the machine may be slow or busy, but it is equally so for both sides). Runs are interleaved and the fastest
// of each kept, so a pause of the scheduler or the garbage collector lands on one sample, not on the result.

/** Fastest of `reps` runs of each function, interleaved. */
export function fastest(fns: (() => unknown)[], reps: number): number[] {
  const best = fns.map(() => Infinity);
  for (let r = 0; r < reps; r++) {
    fns.forEach((f, i) => {
      const t0 = performance.now();
      f();
      best[i] = Math.min(best[i]!, performance.now() - t0);
    });
  }
  return best;
}

export interface Growth {
  /** ms for the input of length n, 4n, and the baseline of length 4n. */
  small: number;
  big: number;
  baseline: number;
}

/**
 * Times `run` on an input of length n and 4n, and on the baseline (typical input) of length 4n.
 * Linear work grows about 4x from n to 4n, quadratic 16x. A check that fails is measured once more with
 * more runs before it counts, so only a growth that shows twice is reported.
 */
export function measureGrowth(run: (input: string) => unknown, make: (n: number) => string, baseline: string, n: number, ok: (g: Growth) => boolean): Growth {
  const small = make(n);
  const big = make(4 * n);
  let g: Growth | undefined;
  for (const reps of [3, 9]) {
    const [s, b, base] = fastest([() => run(small), () => run(big), () => run(baseline)], reps);
    g = { small: s!, big: b!, baseline: base! };
    if (ok(g)) return g;
  }
  return g!;
}
