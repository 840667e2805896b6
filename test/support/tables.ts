/**
 * Everything a store holds, read straight from the database, table by table: for comparing a store
 * with its backup's restore (or with itself after a rolled-back upgrade). Generic: the tables are
 * listed from the catalog (sqlite_master / information_schema), never named here.
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseLocation } from '../../src/config/options.js';

export interface StoreDump {
  /** Table name → its columns (name and declared type, in order). */
  readonly columns: Record<string, string[]>;
  /** Table name → every row as JSON (all columns), sorted. */
  readonly rows: Record<string, string[]>;
  /** Sequence name → last value (PostgreSQL; SQLite keeps them in the sqlite_sequence table). */
  readonly sequences: Record<string, string | null>;
  /** Index names → definition, and (PostgreSQL) function signatures. */
  readonly objects: string[];
}

const rowText = (row: Record<string, unknown>) => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export async function dumpStore(location: DatabaseLocation): Promise<StoreDump> {
  if (location.kind === 'sqlite') {
    const db = new BetterSqlite3(location.path, { readonly: true, fileMustExist: true });
    try {
      const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((t) => t.name);
      const columns: Record<string, string[]> = {};
      const rows: Record<string, string[]> = {};
      for (const t of tables) {
        columns[t] = (db.prepare(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`).all(t) as Array<Record<string, unknown>>).map(
          (c) =>
            `${String(c.name)} ${String(c.type)}${c.notnull ? ' NOT NULL' : ''}${c.dflt_value !== null ? ` DEFAULT ${String(c.dflt_value as string | number)}` : ''}${c.pk ? ' PK' : ''}`,
        );
        rows[t] = (db.prepare(`SELECT * FROM "${t.replaceAll('"', '""')}"`).all() as Array<Record<string, unknown>>).map(rowText).sort();
      }
      const objects = (
        db.prepare(`SELECT type || ' ' || name || ': ' || COALESCE(sql, '') AS o FROM sqlite_master WHERE type <> 'table' ORDER BY 1`).all() as Array<{
          o: string;
        }>
      ).map((r) => r.o);
      return { columns, rows, sequences: {}, objects };
    } finally {
      db.close();
    }
  }
  // Every value as PostgreSQL's own text (timestamps to the microsecond, bytea as hex, jsonb as
  // stored), so nothing is lost to JavaScript types before the comparison.
  const client = new pg.Client({ connectionString: location.url, types: { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig });
  await client.connect();
  try {
    const tables = (
      await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
      )
    ).rows.map((r) => r.table_name);
    const columns: Record<string, string[]> = {};
    const rows: Record<string, string[]> = {};
    for (const t of tables) {
      columns[t] = (
        await client.query<{ c: string }>(
          `SELECT column_name || ' ' || data_type || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END
                  || COALESCE(' DEFAULT ' || column_default, '') || CASE WHEN is_identity = 'YES' THEN ' IDENTITY' ELSE '' END AS c
             FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [t],
        )
      ).rows.map((r) => r.c);
      rows[t] = (await client.query<Record<string, unknown>>(`SELECT * FROM "${t.replaceAll('"', '""')}"`)).rows.map(rowText).sort();
    }
    const sequences = Object.fromEntries(
      (
        await client.query<{ sequencename: string; last_value: string | null }>(
          `SELECT sequencename, last_value::text AS last_value FROM pg_sequences WHERE schemaname = current_schema() ORDER BY sequencename`,
        )
      ).rows.map((r) => [r.sequencename, r.last_value]),
    );
    const objects = [
      ...(
        await client.query<{ o: string }>(
          `SELECT 'index ' || indexname || ': ' || indexdef AS o FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1`,
        )
      ).rows.map((r) => r.o),
      ...(
        await client.query<{ o: string }>(
          `SELECT 'function ' || p.oid::regprocedure::text AS o FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() ORDER BY 1`,
        )
      ).rows.map((r) => r.o),
    ];
    return { columns, rows, sequences, objects };
  } finally {
    await client.end();
  }
}

/** The tables whose rows differ between two dumps (by name), for a readable failure. */
export function differingTables(a: StoreDump, b: StoreDump, except: readonly string[] = []): string[] {
  const names = [...new Set([...Object.keys(a.rows), ...Object.keys(b.rows)])].filter((n) => !except.includes(n)).sort();
  return names.filter((n) => JSON.stringify(a.rows[n]) !== JSON.stringify(b.rows[n]) || JSON.stringify(a.columns[n]) !== JSON.stringify(b.columns[n]));
}

/** A column's name in a dump's column list ("name TYPE …"). */
const columnName = (column: string) => column.split(' ', 1)[0]!;

/**
 * `after` as `before`'s schema saw it: the columns an upgrade added to tables that were already
 * there (an expand step's nullable columns) are left out — where every row holds null in them, so
 * an added column that changed a row from before still shows in a comparison.
 */
export function withoutAddedColumns(before: StoreDump, after: StoreDump): StoreDump {
  const columns: Record<string, string[]> = { ...after.columns };
  const rows: Record<string, string[]> = { ...after.rows };
  for (const [table, had] of Object.entries(before.columns)) {
    const now = after.columns[table];
    if (!now) continue;
    const known = new Set(had.map(columnName));
    const added = now.map(columnName).filter((c) => !known.has(c));
    if (added.length === 0) continue;
    const parsed = (after.rows[table] ?? []).map((r) => JSON.parse(r) as Record<string, unknown>);
    const nullEverywhere = added.filter((c) => parsed.every((row) => row[c] === null));
    if (nullEverywhere.length === 0) continue;
    columns[table] = now.filter((c) => !nullEverywhere.includes(columnName(c)));
    rows[table] = parsed.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([k]) => !nullEverywhere.includes(k))))).sort();
  }
  return { ...after, columns, rows };
}
