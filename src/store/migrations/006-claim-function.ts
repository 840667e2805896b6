import type { Migration } from './migration.js';

/**
 * PostgreSQL: the gated job claim in ONE round trip (`Store.claimJobs`, see store/job-claim.ts for
 * the same statement in Kysely). Called as one autocommit statement, it takes the shared gate lock,
 * then claims with the maintenance predicate in the claim statement itself. Inside a VOLATILE
 * PL/pgSQL function each statement takes a fresh snapshot (READ COMMITTED), so the statements after
 * the lock see a toggle of the switches that committed while the lock was awaited, and the lock is
 * held until the claim commits: exactly the guarantee of BEGIN; lock; read; claim; COMMIT, in one
 * round trip where that took four. (The issue's bench, `npm run bench -- claim`: the gate cost
 * 10–28% of the throughput of no-op jobs with four round trips; see bench/claim.ts for today's.)
 *
 * The parameters are what the caller's clock and the job's family decide: `p_now` is the caller's
 * canonical time taken just before the call (it decides which scheduled jobs are due), and the
 * lease expiry is computed by the caller as well, so every timestamp keeps coming from Node's clock
 * (store/clock.ts), as with the two-statement claim. `started_at` alone is adjusted here: at least
 * one microsecond after the switches' `last_update_timestamp`, read under the lock. `p_now` was
 * taken before the lock was granted, possibly before a toggle that this claim then waited for (the
 * switch turned off while it waited); without the adjustment such a job's `started_at` would fall
 * inside the window in which the switch was on although the claim committed after it went off.
 * With it, `started_at` is in commit order with every toggle, as when it was stamped after the lock
 * (backyard/claim.ts explains both directions). Not hypothetical: with the lock kept and
 * `v_started := p_now`, test/backyard-gate.test.ts failed its `started_at` check ("no claim committed
 * while the switch was on") in three runs out of three on PostgreSQL; without the lock it fails the
 * same check.
 *
 * Unexecuted is `'1'` in every family; `p_scheduled_status` is the family's "waiting for its start
 * time" status (NULL for a family without one, which then matches nothing).
 *
 * Additive (expand): a release without it, or this release on a schema without it, claims in a
 * transaction with the lock and the switches read first (postgres-store.ts looks it up). Released
 * schema: a changed claim is a new function in a new migration, not an edit of this one.
 * SQLite needs nothing: BEGIN IMMEDIATE already orders the claim against a toggle, and a
 * transaction there costs no round trip.
 */
export const claimFunction: Migration = {
  version: 6,
  name: 'claim-function',
  compatibility: 'expand',
  sqlite: [],
  postgres: [
    `CREATE OR REPLACE FUNCTION drydock_claim(
       lock_key bigint,
       p_backyard text,
       p_claimed_status text,
       p_scheduled_status text,
       p_owner text,
       p_now timestamptz,
       p_lease_expires_at timestamptz,
       p_limit integer)
       RETURNS SETOF backyard_jobs
       LANGUAGE plpgsql VOLATILE AS $$
     DECLARE
       v_started timestamptz;
     BEGIN
       PERFORM pg_advisory_xact_lock_shared(lock_key);
       v_started := GREATEST(p_now,
         (SELECT s.last_update_timestamp + interval '1 microsecond' FROM maintenance_settings s WHERE s.id = 1));
       RETURN QUERY
       UPDATE backyard_jobs j
          SET status_id = p_claimed_status,
              in_flight = 1,
              started_at = v_started,
              last_update_timestamp = v_started,
              lease_owner = p_owner,
              lease_expires_at = p_lease_expires_at
        WHERE j.id IN (SELECT c.id FROM backyard_jobs c
                        WHERE c.backyard = p_backyard
                          AND (c.status_id = '1' OR (c.status_id = p_scheduled_status AND c.scheduled_at <= p_now))
                        ORDER BY c.created_at
                        LIMIT p_limit
                        FOR UPDATE SKIP LOCKED)
          AND NOT EXISTS (SELECT 1 FROM maintenance_settings m
                           WHERE m.id = 1 AND (m.backyard_execute_stop = 1 OR m.data_update_stop = 1))
       RETURNING j.*;
     END
     $$`,
  ],
};
