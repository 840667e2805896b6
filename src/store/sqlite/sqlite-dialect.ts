import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Dialect, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite dialect with every transaction started as BEGIN IMMEDIATE.
 *
 * A deferred BEGIN takes the writer lock only at the first write, so a transaction could read the
 * maintenance switch, lose the race to a toggle, and still write. BEGIN IMMEDIATE takes the writer
 * lock before the first statement: the switch read inside it is the switch at commit time. This is
 * the whole SQLite side of the maintenance gate (see maintenance/gate.ts).
 */
export function immediateSqliteDialect(config: SqliteDialectConfig): Dialect {
  const base = new SqliteDialect(config);
  return {
    createAdapter: () => base.createAdapter(),
    createDriver: () => new ImmediateSqliteDriver(config),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
  };
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
