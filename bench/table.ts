// A benchmark result row and the plain-text tables `npm run bench` and `npm run load` print (markdown pipes, so
// they paste into the README).
export interface Row {
  metric: string;
  value: string;
  baseline?: string;
  target?: string;
  pass?: boolean;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const cells = (r: Row) => [r.metric, r.value, r.baseline ?? '', r.target ?? '', r.pass === undefined ? '' : r.pass ? 'ok' : 'MISS'];
  console.log(`\n## ${title}\n`);
  console.log(formatTable(['metric', 'value', 'baseline (same run)', 'target', ''], rows.map(cells)));
}

/** A table with its own columns (a before/after comparison). */
export function printGrid(title: string, headers: readonly string[], rows: readonly (readonly string[])[]): void {
  console.log(`\n## ${title}\n`);
  console.log(formatTable(headers, rows));
}

/** Columns padded to their widest cell, a markdown separator under the headers. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) if (row.length !== headers.length) throw new Error(`row has ${row.length} cells, the table ${headers.length} columns`);
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
