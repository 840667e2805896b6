/**
 * The backyards' history by minute (backyard/job-history.ts, `GET /api/ita/backyard-execute-check/history/`),
 * on both backends, from job rows whose timestamps the test writes:
 * - each minute's in-flight value is the most jobs in flight at once during it (a ten-second job
 *   shows; a job ending at the instant another starts is not counted with it; a job ending exactly at
 *   a minute's start is not in that minute), per backyard and for the counted backyards together
 *   (conductors listed, not counted, as in the execute-check);
 * - jobs that ended are counted in the minute they ended, as succeeded (the family's success status)
 *   or failed; jobs that never ran (stopped before the claim, scheduled) and jobs that ended before
 *   the window are in no series; an end stamped a little after now (a clock ahead) is in the last minute;
 * - the API answers what the domain function computes, from another app on the same store too (a
 *   second node, or the same after a restart); `minutes` is validated; only system administrators.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jobHistory, toMicros, type JobHistory } from '../src/backyard/job-history.js';
import type { Backyard } from '../src/backyard/kinds/registry.js';
import { formatMicros } from '../src/store/clock.js';
import type { BackyardJobsTable } from '../src/store/schema.js';
import { SEED, seedTenants, startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';

const URL_HISTORY = '/api/ita/backyard-execute-check/history/';
const ANSIBLE: Backyard = 'ita-by-ansible-execute';
const TERRAFORM: Backyard = 'ita-by-terraform-cli-execute';
const CONDUCTOR: Backyard = 'ita-by-conductor-synchronize';
const MENU_CREATE: Backyard = 'ita-by-menu-create';

/** A job row as a worker leaves it; the test sets its status and times. */
function row(
  org: string,
  ws: string,
  backyard: Backyard,
  status: string,
  startedAt: string | null,
  finishedAt: string | null,
  o: { inFlight?: boolean; scheduledAt?: string } = {},
): BackyardJobsTable {
  const created = startedAt ?? finishedAt ?? '2026-03-01T17:00:00.000000Z';
  return {
    id: randomUUID(),
    organization_id: org,
    workspace_id: ws,
    backyard,
    status_id: status,
    in_flight: o.inFlight ? 1 : 0,
    parent_id: null,
    spec: '{}',
    result: null,
    delay_minutes: null,
    scheduled_at: o.scheduledAt ?? null,
    created_at: created,
    created_by: 'job-history-test',
    started_at: startedAt,
    finished_at: finishedAt,
    last_update_timestamp: finishedAt ?? startedAt ?? created,
    lease_owner: o.inFlight ? 'test-worker' : null,
    lease_expires_at: null,
    stop_requested: 0,
  };
}

async function insert(t: TestApp, rows: readonly BackyardJobsTable[]): Promise<void> {
  await t.deps.store.transaction('shared', async (trx) => {
    await trx
      .insertInto('backyard_jobs')
      .values([...rows])
      .execute();
  });
}

const of = (h: JobHistory, backyard: Backyard) => h.backyards.find((b) => b.backyard === backyard)!;

/** `hh:mm:ss(.ffffff)` on the test's day → a canonical timestamp. */
const at = (time: string) => `2026-03-01T${time.length === 8 ? `${time}.000000` : time}Z`;

for (const backend of BACKENDS) {
  describe(`backyard job history (${backend})`, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
    });

    after(async () => {
      await t?.close();
    });

    it('counts the most in flight at once and the ends per minute, from the rows alone', async () => {
      const { org1, org2, ws1, ws2 } = SEED;
      await insert(t, [
        // A: running since before the window, succeeded at 18:33:10.
        row(org1, ws1, ANSIBLE, '5', at('18:20:00'), at('18:33:10')),
        // B: 18:32:00 – 18:32:40, completed with an error (another organization: the history is system-wide).
        row(org2, ws2, ANSIBLE, '6', at('18:32:00'), at('18:32:40')),
        // C: starts the instant A ends, still executing.
        row(org1, ws1, ANSIBLE, '3', at('18:33:10'), null, { inFlight: true }),
        // D: 18:35:30 – 18:36:00.000000 exactly, an unexpected error: in 18:35 only, ended in 18:36.
        row(org1, ws1, TERRAFORM, '7', at('18:35:30'), at('18:36:00')),
        // E: a conductor executing since 18:34: listed, not counted.
        row(org1, ws1, CONDUCTOR, '3', at('18:34:00'), null, { inFlight: true }),
        // F: a menu job that ended a microsecond before the window.
        row(org1, ws1, MENU_CREATE, '3', at('18:30:00'), at('18:30:59.999999')),
        // G: stopped before it was claimed; H: scheduled for later. Neither ran.
        row(org1, ws1, ANSIBLE, '8', null, null),
        row(org1, ws1, ANSIBLE, '9', null, null, { scheduledAt: at('19:00:00') }),
        // I and J: ten and fifteen seconds in 18:37, overlapping, both succeeded.
        row(org1, ws1, ANSIBLE, '5', at('18:37:10'), at('18:37:20')),
        row(org2, ws2, ANSIBLE, '5', at('18:37:15'), at('18:37:30')),
        // K: ended a second after "now", stamped by a clock ahead of ours: in flight up to now, not ended yet.
        row(org1, ws1, MENU_CREATE, '4', at('18:39:50'), at('18:40:31')),
      ]);

      const h = await jobHistory(t.deps.store.db, 10, at('18:40:30.250000'));
      assert.equal(h.minutes, 10);
      assert.equal(h.from, at('18:31:00'));
      assert.equal(h.to, at('18:40:30.250000'));
      assert.deepEqual(
        h.buckets,
        Array.from({ length: 10 }, (_, i) => at(`18:${31 + i}:00`)),
      );
      //                                                18:31 32 33 34 35 36 37 38 39 40
      assert.deepEqual(of(h, ANSIBLE).in_flight, /*    */ [1, 2, 1, 1, 1, 1, 3, 1, 1, 1]);
      assert.deepEqual(of(h, TERRAFORM).in_flight, /*  */ [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
      assert.deepEqual(of(h, CONDUCTOR).in_flight, /*  */ [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
      assert.deepEqual(of(h, MENU_CREATE).in_flight, /**/ [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
      assert.deepEqual(h.in_flight, /*                 */ [1, 2, 1, 1, 2, 1, 3, 1, 2, 2]);
      assert.deepEqual(of(h, ANSIBLE).succeeded, /*    */ [0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
      assert.deepEqual(of(h, ANSIBLE).failed, /*       */ [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
      assert.deepEqual(of(h, TERRAFORM).failed, /*     */ [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
      assert.deepEqual(of(h, MENU_CREATE).failed, /*   */ [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      assert.deepEqual(h.succeeded, /*                 */ [0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
      assert.deepEqual(h.failed, /*                    */ [0, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
      assert.equal(h.in_flight_now, 1, 'C; the conductor is not counted');
      assert.equal(of(h, ANSIBLE).in_flight_now, 1);
      assert.equal(of(h, CONDUCTOR).in_flight_now, 1);
      assert.equal(of(h, CONDUCTOR).counted, false);
      assert.equal(of(h, ANSIBLE).counted, true);
      assert.deepEqual(
        h.backyards.map((b) => b.backyard),
        Object.keys((await t.admin({ url: '/api/ita/backyard-execute-check/' })).body.data.organizations[0].workspaces[0].backyards),
        "every backyard, in the execute-check's order",
      );

      // A window of one minute is the current minute alone; one before anything ran is all zeros
      // (what ran after that now does not count), and a second later K has ended.
      const one = await jobHistory(t.deps.store.db, 1, at('18:37:59.999999'));
      assert.deepEqual([one.buckets, one.in_flight, one.succeeded], [[at('18:37:00')], [3], [2]]);
      const early = await jobHistory(t.deps.store.db, 5, at('18:10:00'));
      assert.deepEqual(
        [early.in_flight, early.succeeded, early.failed],
        [
          [0, 0, 0, 0, 0],
          [0, 0, 0, 0, 0],
          [0, 0, 0, 0, 0],
        ],
      );
      const later = await jobHistory(t.deps.store.db, 10, at('18:40:31.000000'));
      assert.deepEqual([later.in_flight.at(-1), of(later, MENU_CREATE).failed.at(-1)], [2, 1]);
    });

    it('answers the same through the API, on another node and after a restart; validates minutes; administrators only', async () => {
      // Jobs in the last few minutes of the real clock (the API's now): two that ran 20 s each, two
      // minutes ago (one succeeded, one failed), and one running since five minutes ago.
      const minuteStart = (offset: number) => {
        const now = toMicros(formatMicros(BigInt(Date.now()) * 1000n));
        return now - (now % 60_000_000) - offset * 60_000_000;
      };
      const ts = (micros: number) => formatMicros(BigInt(micros));
      const two = minuteStart(2);
      await insert(t, [
        row(SEED.org1, SEED.ws1, ANSIBLE, '5', ts(two + 5_000_000), ts(two + 25_000_000)),
        row(SEED.org1, SEED.ws1, ANSIBLE, '6', ts(two + 10_000_000), ts(two + 30_000_000)),
        row(SEED.org1, SEED.ws1, TERRAFORM, '3', ts(minuteStart(5) + 1_000_000), null, { inFlight: true }),
      ]);

      const r = await t.admin({ url: `${URL_HISTORY}?minutes=15` });
      assert.equal(r.status, 200, r.text);
      const h = r.body.data as JobHistory;
      assert.equal(h.buckets.length, 15);
      assert.deepEqual(h, await jobHistory(t.deps.store.db, 15, h.to), 'the API answers what the domain computes');
      const i = h.buckets.indexOf(ts(two));
      if (i >= 0) {
        // (Unless the clock passed into a new minute between the inserts and the call.)
        assert.equal(of(h, ANSIBLE).in_flight[i], 3, 'the two, and C of the first test, executing since March');
        assert.equal(h.succeeded[i], 1);
        assert.equal(h.failed[i], 1);
      }
      assert.equal(of(h, TERRAFORM).in_flight_now, 1);
      assert.equal(h.in_flight_now, 2, 'C of the first test and the Terraform job');

      // Another node on the same store computes the same; so does a fresh process after a restart.
      const other = await startTestApp(backend, {}, t.database);
      try {
        assert.deepEqual(await jobHistory(other.deps.store.db, 15, h.to), h);
        const viaOther = await other.admin({ url: URL_HISTORY });
        assert.equal(viaOther.status, 200, viaOther.text);
        assert.equal(viaOther.body.data.minutes, 60, 'an hour unless asked');
        assert.equal(viaOther.body.data.buckets.length, 60);
      } finally {
        await other.close();
      }

      for (const bad of ['0', '1441', '1.5', 'x', '']) {
        const refused = await t.admin({ url: `${URL_HISTORY}?minutes=${bad}` });
        assert.equal(refused.status, 400, `minutes=${bad}: ${refused.text}`);
      }
      assert.equal((await t.admin({ url: `${URL_HISTORY}?minutes=1440` })).body.data.buckets.length, 1440);
      assert.equal((await t.admin({ url: `${URL_HISTORY}?hours=1` })).status, 400, 'an unknown parameter');
      // On a path without an organization, Basic names the organization as `organization/user`.
      assert.equal((await t.call({ url: URL_HISTORY, auth: { basic: [`${SEED.org1}/manager1`, 'manager1-password'] } })).status, 403);
      assert.equal((await t.call({ url: URL_HISTORY })).status, 401);
    });
  });
}
