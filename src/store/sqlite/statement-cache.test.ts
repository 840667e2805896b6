import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql, type Generated } from 'kysely';
import { immediateSqliteDialect } from './sqlite-dialect.js';
import { withStatementCache } from './statement-cache.js';

interface Db {
  items: { id: Generated<number>; name: string };
}

/** A Kysely on an in-memory database through the cache, and how many times the cache had to prepare. */
function open(capacity?: number): { db: Kysely<Db>; prepared: () => number } {
  const raw = new BetterSqlite3(':memory:');
  raw.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  let prepared = 0;
  const prepare = raw.prepare.bind(raw);
  raw.prepare = (text: string) => {
    prepared++;
    return prepare(text);
  };
  const db = new Kysely<Db>({ dialect: immediateSqliteDialect({ database: withStatementCache(raw, capacity) }) });
  return { db, prepared: () => prepared };
}

describe('the SQLite statement cache', () => {
  it('prepares a statement text once, and runs it with each use’s values', async () => {
    const { db, prepared } = open();
    for (const name of ['a', 'b', 'c']) await db.insertInto('items').values({ name }).execute();
    const before = prepared();
    for (const name of ['a', 'b', 'c']) {
      const row = await db.selectFrom('items').select('id').where('name', '=', name).executeTakeFirstOrThrow();
      assert.equal(row.id, name.charCodeAt(0) - 96);
    }
    assert.equal(prepared() - before, 1, 'the three selects share one statement');
    await db.destroy();
  });

  it('keeps returning rows from INSERT … RETURNING and counts from plain writes, in turn on one text each', async () => {
    const { db } = open();
    for (let i = 1; i <= 3; i++) {
      const inserted = await db
        .insertInto('items')
        .values({ name: `n${i}` })
        .returning(['id', 'name'])
        .executeTakeFirstOrThrow();
      assert.equal(inserted.name, `n${i}`);
      assert.equal(inserted.id, i);
      const updated = await db
        .updateTable('items')
        .set({ name: `m${i}` })
        .where('id', '=', inserted.id)
        .executeTakeFirst();
      assert.equal(updated.numUpdatedRows, 1n);
      const plain = await db.insertInto('items').values({ id: -i, name: 'plain' }).executeTakeFirst();
      assert.equal(plain.insertId, BigInt(-i));
    }
    await db.destroy();
  });

  it('reuses statements across transactions, committed or rolled back', async () => {
    const { db, prepared } = open();
    await db.transaction().execute((trx) => trx.insertInto('items').values({ name: 'kept' }).execute());
    const before = prepared();
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ name: 'undone' }).execute();
        throw new Error('roll back');
      }),
    );
    await db.transaction().execute((trx) => trx.insertInto('items').values({ name: 'kept too' }).execute());
    assert.equal(prepared() - before, 1, 'only ROLLBACK, on its first use: BEGIN IMMEDIATE, the INSERT and COMMIT were kept');
    const names = (await db.selectFrom('items').select('name').orderBy('id').execute()).map((r) => r.name);
    assert.deepEqual(names, ['kept', 'kept too']);
    await db.destroy();
  });

  it('runs a statement that failed again with other values', async () => {
    const { db } = open();
    await db.insertInto('items').values({ id: 1, name: 'one' }).execute();
    await assert.rejects(db.insertInto('items').values({ id: 1, name: 'again' }).execute(), /UNIQUE/);
    await db.insertInto('items').values({ id: 2, name: 'two' }).execute();
    assert.equal(
      (
        await db
          .selectFrom('items')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
      2,
    );
    await db.destroy();
  });

  it('gives a query run while the same query is being iterated a statement of its own', () => {
    const raw = new BetterSqlite3(':memory:');
    const cache = withStatementCache(raw);
    const text = 'SELECT value FROM json_each(?)';
    const outer = cache.prepare(text);
    const seen: unknown[] = [];
    for (const row of outer.iterate(['[1,2]']) as Iterable<{ value: number }>) {
      const inner = cache.prepare(text);
      assert.notEqual(inner, outer);
      seen.push(row.value, ...inner.all(['[7]']).map((r) => (r as { value: number }).value));
    }
    assert.deepEqual(seen, [1, 7, 2, 7]);
    assert.equal(cache.prepare(text), outer, 'the kept one, once it is done');
    cache.close();
  });

  it('drops the least recently used statement past its capacity', async () => {
    const { db, prepared } = open(2);
    const q = (n: number) => sql`SELECT ${sql.lit(n)} AS n`.execute(db);
    await q(1);
    await q(2);
    await q(1); // 1 is now the most recent: 2 goes when 3 comes
    await q(3);
    const before = prepared();
    await q(1);
    assert.equal(prepared() - before, 0, '1 was kept');
    await q(2);
    assert.equal(prepared() - before, 1, '2 was dropped');
    await db.destroy();
  });

  it('picks up a schema change under a kept statement', async () => {
    const { db } = open();
    const read = () => sql<Record<string, unknown>>`SELECT * FROM items`.execute(db);
    await db.insertInto('items').values({ name: 'x' }).execute();
    assert.deepEqual(Object.keys((await read()).rows[0]!), ['id', 'name']);
    await sql`ALTER TABLE items ADD COLUMN extra TEXT`.execute(db);
    assert.deepEqual(Object.keys((await read()).rows[0]!), ['id', 'name', 'extra']);
    await db.destroy();
  });
});
