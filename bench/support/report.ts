/** What a benchmark hands back to the runner: tables to print and notes under them. */

export type Cell = string | number | null;

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** Lines printed under the table (settings, caveats, goal verdicts). */
  readonly notes?: readonly string[];
}

export interface BenchResult {
  readonly name: string;
  readonly tables: readonly Table[];
  /** Raw measurements for `--json`: anything JSON-serialisable. */
  readonly raw?: unknown;
}

/** Shared services a benchmark may use; the runner owns their lifetime. */
export interface BenchContext {
  /** `small` (--small, DRYDOCK_BENCH_SIZE=small): development sizes; `full`: the sizes to report. */
  readonly size: 'full' | 'small';
  /**
   * Admin URL of a throwaway PostgreSQL cluster, started on first use and shared by benchmarks:
   * fsync off, unless `durable` (a second cluster with fsync, synchronous_commit and
   * full_page_writes on, as a production server runs).
   */
  postgresAdminUrl(options?: { durable?: boolean }): Promise<string>;
  /** Progress on stderr (stdout carries only the tables or the JSON). */
  log(message: string): void;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** Formats a number for a table: fixed decimals, thousands kept plain so columns align. */
export function fmt(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  return value.toFixed(decimals);
}

/** A signed percentage, e.g. "+1.2%" / "-0.4%". */
export function pct(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  return `${value >= 0 ? '+' : ''}${value.toFixed(decimals)}%`;
}

/** A plain aligned text table: numbers right-aligned, text left-aligned. */
export function renderTable(table: Table): string {
  const cells = table.rows.map((row) => row.map((c) => (c === null ? '-' : String(c))));
  const widths = table.columns.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = table.columns.map((_, i) => table.rows.every((r) => typeof r[i] === 'number' || r[i] === null || /^[-+]?[\d.]+%?$|^-$/.test(String(r[i]))));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [table.title, line([...table.columns]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}
