import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { BACKENDS, type BackendName } from './support/backends.js';
import { ITA1, SEED, adminAuth, seedTenants, startTestApp, type TestApp } from './support/app.js';
import { httpCall } from './support/http.js';

const WRITERS = 50;

/**
 * The store's own commit order, per backend. PostgreSQL: the commit timestamp of the transaction
 * that wrote each row (the test cluster runs with track_commit_timestamp = on). SQLite: every
 * transaction holds the single writer lock from BEGIN IMMEDIATE to COMMIT, so timestamps taken
 * inside transactions by one process are in commit order.
 */
async function commitOrder(t: TestApp, backend: BackendName) {
  const db = t.deps.store.db;
  if (backend === 'postgres') {
    const toggle = await sql<{ ts: string }>`
      SELECT pg_xact_commit_timestamp(xmin)::text AS ts FROM maintenance_settings WHERE id = 1`.execute(db);
    const records = await sql<{ ts: string; host: string }>`
      SELECT pg_xact_commit_timestamp(xmin)::text AS ts, parameter->>'host' AS host FROM menu_records`.execute(db);
    const micros = (s: string) =>
      Date.parse(s.replace(' ', 'T').replace(/\+00$/, 'Z')) * 1000 + Number((/\.(\d+)/.exec(s)?.[1] ?? '0').padEnd(6, '0').slice(3));
    return {
      toggle: micros(toggle.rows[0]!.ts),
      records: records.rows.map((r) => ({ host: r.host, at: micros(r.ts) })),
    };
  }
  const audit = await db.selectFrom('maintenance_audit').select('changed_at').orderBy('id', 'desc').executeTakeFirstOrThrow();
  const records = await db.selectFrom('menu_records').select(['parameter', 'last_update_timestamp']).execute();
  const micros = (s: string) => Date.parse(s) * 1000 + Number(s.slice(23, 26));
  return {
    toggle: micros(audit.changed_at),
    records: records.map((r) => ({ host: (JSON.parse(r.parameter) as { host: string }).host, at: micros(r.last_update_timestamp) })),
  };
}

for (const backend of BACKENDS) {
  describe(`linearizable read-only switch (${backend})`, () => {
    let t: TestApp;
    let base: string;
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => t?.close());

    it(`${WRITERS} concurrent writers: nothing commits after the toggle, every client saw the truth`, async () => {
      type Outcome = { host: string; status: number; result: string | undefined; startedAt: number };
      const outcomes: Outcome[] = [];
      let stop = false;
      let patchReturnedAt = Infinity;

      const writer = async (w: number) => {
        for (let n = 0; !stop; n++) {
          const host = `w${w}-${n}`;
          const startedAt = performance.now();
          const r = await httpCall(base, {
            method: 'POST',
            url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
            auth: SEED.member1,
            body: [{ type: 'Register', parameter: { host, port: n } }],
          });
          outcomes.push({ host, status: r.status, result: r.body?.result, startedAt });
        }
      };
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

      // Let writes flow, toggle mid-stream, keep writing, stop.
      const deadline = Date.now() + 30_000;
      while (outcomes.filter((o) => o.status === 200).length < 4 * WRITERS && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const patch = await httpCall(base, {
        method: 'PATCH',
        url: '/api/platform/maintenance-mode-setting',
        auth: adminAuth,
        body: { data_update_stop: '1' },
      });
      patchReturnedAt = performance.now();
      assert.equal(patch.status, 200, patch.text);
      const countAtReturn = Number(
        (
          await t.deps.store.db
            .selectFrom('menu_records')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      await new Promise((r) => setTimeout(r, 400));
      stop = true;
      await Promise.all(writers);

      // Every client saw either success (committed) or the maintenance refusal (not committed).
      const unexpected = outcomes.filter((o) => !(o.status === 200 || (o.status === 498 && o.result === '498-00001')));
      assert.deepEqual(unexpected, [], 'every answer is a success or the read-only refusal');
      const ok = outcomes.filter((o) => o.status === 200);
      const refused = outcomes.filter((o) => o.status === 498);
      assert.ok(ok.length > WRITERS, `writes succeeded before the toggle (${ok.length})`);
      assert.ok(refused.length > WRITERS, `writes were refused after the toggle (${refused.length})`);

      const order = await commitOrder(t, backend);
      const stored = new Set(order.records.map((r) => r.host));
      assert.deepEqual(
        ok.filter((o) => !stored.has(o.host)),
        [],
        'nothing a client saw succeed was lost',
      );
      assert.deepEqual(
        refused.filter((o) => stored.has(o.host)),
        [],
        'nothing a client saw refused was stored',
      );

      // From the store's own commit order: zero writes committed after the toggle committed.
      const late = order.records.filter((r) => r.at >= order.toggle);
      assert.deepEqual(late, [], 'no write committed after the toggle');
      assert.equal(order.records.length, countAtReturn, 'no write committed after the PATCH returned');
      assert.deepEqual(
        ok.filter((o) => o.startedAt > patchReturnedAt),
        [],
        'no write sent after the PATCH returned succeeded',
      );
    });
  });
}
