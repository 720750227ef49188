// A benchmark result row and the plain-text table `npm run bench` prints.
export interface Row {
  metric: string;
  value: string;
  baseline?: string;
  target?: string;
  pass?: boolean;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const head: Row = { metric: 'metric', value: 'value', baseline: 'baseline (same run)', target: 'target' };
  const cells = (r: Row) => [r.metric, r.value, r.baseline ?? '', r.target ?? '', r.pass === undefined ? '' : r.pass ? 'ok' : 'MISS'];
  const all = [head, ...rows].map(cells);
  const widths = all[0]!.map((_, i) => Math.max(...all.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join(' | ');
  console.log(`\n## ${title}\n`);
  console.log(line(all[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const c of all.slice(1)) console.log(line(c));
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
