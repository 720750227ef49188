// A plain-text table with named columns, in the same pipe style as bench/table.ts (so it pastes into the README
// as markdown); bench's printTable has fixed metric/value/baseline columns, a load step needs its own.
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) if (row.length !== headers.length) throw new Error(`row has ${row.length} cells, the table ${headers.length} columns`);
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
