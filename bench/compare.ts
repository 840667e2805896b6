/**
 * `npm run bench:compare -- --base REF [NAME…] [--rounds N] [--small]`: runs the named benchmarks on
 * this working tree and on the commit REF, alternately in rounds on the same machine, and prints
 * every table once with each number as `base → this` (the median over the rounds). For a change
 * that must leave the figures "no worse than before": the two are measured side by side in one
 * run, so the machine's load moves both. REF is checked out once into a temporary git worktree
 * (sharing this tree's node_modules) and removed at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderTable, type Cell, type Table } from './support/report.js';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Run {
  readonly results: ReadonlyArray<{ readonly name: string; readonly tables: readonly Table[] }>;
  readonly machine: { readonly loadAverage1m: { readonly before: number; readonly after: number } };
}

function usage(): string {
  return 'usage: npm run bench:compare -- --base REF [NAME…] [--rounds N] [--small]   (REF: a commit, branch or tag)';
}

function parseArgs(args: readonly string[]): { base: string; names: string[]; rounds: number; small: boolean } {
  let base: string | undefined;
  let rounds = 3;
  let small = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--base') base = args[++i];
    else if (a === '--rounds') rounds = Number(args[++i]);
    else if (a === '--small') small = true;
    else if (a.startsWith('-')) throw new Error(`unknown flag ${a}\n${usage()}`);
    else names.push(a);
  }
  if (!base) throw new Error(`--base is required\n${usage()}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number of at least 1\n${usage()}`);
  return { base, names, rounds, small };
}

/** One `npm run bench -- … --json` in `tree`. */
function runBench(tree: string, names: readonly string[], small: boolean, label: string): Run {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${label}: bench ${names.join(' ') || '(all)'}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...names, '--json', ...(small ? ['--small'] : [])], {
    cwd: tree,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${label}: the benchmark failed (exit ${r.status ?? r.signal})`);
  return JSON.parse(r.stdout) as Run;
}

/** A number a table cell holds ("1.2", "3,400", "1.0x", 17), or undefined for text. */
function numberIn(cell: Cell): number | undefined {
  if (typeof cell === 'number') return cell;
  if (typeof cell !== 'string') return undefined;
  const m = /^([-+]?[\d,]*\.?\d+)(x|%| ms| s)?$/.exec(cell.trim());
  return m ? Number(m[1]!.replaceAll(',', '')) : undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function shortNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
}

/** The table with each numeric cell as "base → this" (medians over the rounds); text cells as this run has them. */
function sideBySide(base: readonly Table[], head: readonly Table[]): Table {
  const first = head[0]!;
  const rows = first.rows.map((row, r) =>
    row.map((cell, c) => {
      const mine = head.map((t) => numberIn(t.rows[r]?.[c] ?? null)).filter((n): n is number => n !== undefined);
      const theirs = base.map((t) => numberIn(t.rows[r]?.[c] ?? null)).filter((n): n is number => n !== undefined);
      if (mine.length === 0 || theirs.length === 0) return cell;
      return `${shortNumber(median(theirs))} → ${shortNumber(median(mine))}`;
    }),
  );
  return { title: `${first.title}  (base → this, median of ${head.length})`, columns: first.columns, rows };
}

function main(): number {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const commit = execFileSync('git', ['rev-parse', '--verify', `${options.base}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const baseTree = path.join(mkdtempSync(path.join(os.tmpdir(), 'drydock-bench-base-')), 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', baseTree, commit], { cwd: ROOT, stdio: 'ignore' });
  try {
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(baseTree, 'node_modules'));
    const baseRuns: Run[] = [];
    const headRuns: Run[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
      const order = round % 2 ? (['base', 'this'] as const) : (['this', 'base'] as const);
      for (const which of order) {
        const run = runBench(which === 'base' ? baseTree : ROOT, options.names, options.small, `round ${round}/${options.rounds}, ${which}`);
        (which === 'base' ? baseRuns : headRuns).push(run);
      }
    }
    process.stdout.write(`base ${options.base} (${commit.slice(0, 10)}) → this working tree; ${options.rounds} round(s), alternating\n\n`);
    for (const result of headRuns[0]!.results) {
      const head = headRuns.map((run) => run.results.find((r) => r.name === result.name)!);
      const base = baseRuns.map((run) => run.results.find((r) => r.name === result.name));
      result.tables.forEach((table, t) => {
        const baseTables = base.map((b) => b?.tables.find((x) => x.title === table.title) ?? b?.tables[t]).filter((x): x is Table => x !== undefined);
        if (baseTables.length === 0) {
          process.stdout.write(`${renderTable(table)}\n(no such table on the base)\n\n`);
          return;
        }
        process.stdout.write(
          `${renderTable(
            sideBySide(
              baseTables,
              head.map((h) => h.tables[t]!),
            ),
          )}\n\n`,
        );
      });
    }
    const loads = [...baseRuns, ...headRuns].map((r) => r.machine.loadAverage1m.before);
    process.stdout.write(`load average (1 min) at the start of each run: ${loads.map((l) => l.toFixed(1)).join(', ')}\n`);
    return 0;
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', baseTree], { cwd: ROOT, stdio: 'ignore' });
    rmSync(path.dirname(baseTree), { recursive: true, force: true });
  }
}

process.exitCode = main();
