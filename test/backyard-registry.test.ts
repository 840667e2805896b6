/**
 * Acceptance (issue 12, the backyard registry): a backyard kind added through the registry alone —
 * one entry, and an executor handed to a worker — shows wherever the built-in kinds do, on both
 * stores, with no other file changed:
 * - the claim takes its jobs into its family's claimed status, and not while jobs are stopped;
 * - the execute-check has its key in every workspace and lists and counts its in-flight job;
 * - the API names its statuses in ja and en, its menu's emergency stop works, its log service is listed;
 * - a worker runs its job with its executor to a terminal status;
 * - the console's labels name it, and its buttons follow its family (web/src/pages/jobs/job-kinds.ts);
 * - a move its family does not allow does not compile, and at run time is refused, nothing written.
 *
 * The kind is registered before anything else reads the registry: the lists derived from it are
 * computed when the modules that use them load, and the registry refuses a registration after its
 * first read (src/backyard/kinds/registry.ts says why). So every module that reads it is imported
 * below, after the registration; static imports would load before it. Each test file runs in its
 * own process: no other test sees this kind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Executor } from '../src/backyard/executor.js';
import { backyardNames, registerBackyardKind, statusName, type Backyard, type BackyardKind } from '../src/backyard/kinds/registry.js';
import { DRIVER_STATUS, FAMILY_NAMES, isMoveAllowed, notStartedStatuses, statusFamily, terminalStatuses } from '../src/backyard/kinds/status-families.js';
import type { TestApp } from './support/app.js';
import { waitFor } from './support/wait-for.js';

/** The test's kind: a driver-family job with an execution menu, as a new driver would be. */
const FAKE_KIND: BackyardKind = {
  name: 'ita-by-fake-execute',
  family: 'driver',
  counted: true,
  label: { ja: 'フェイク作業実行', en: 'Fake run' },
  logService: 'ita-by-fake-execute',
  menus: ['execution_fake'],
  orchestrator: null,
};
// Typed as a built-in name: the compiler knows only those; at run time it is one like them.
const FAKE = FAKE_KIND.name as Backyard;
registerBackyardKind(FAKE_KIND);

const [{ IllegalTransitionError }, { claimJobs }, { registerJob, transition, getJobById }, { Worker }, app, { BACKENDS }, { tempDirs }, consoleKinds] =
  await Promise.all([
    import('../src/errors.js'),
    import('../src/backyard/claim.js'),
    import('../src/backyard/jobs.js'),
    import('../src/backyard/worker.js'),
    import('./support/app.js'),
    import('./support/backends.js'),
    import('./support/temp-dirs.js'),
    import('../web/src/pages/jobs/job-kinds.js'),
  ]);
const { ITA1, SEED, seedTenants, setMaintenance, startTestApp } = app;

/** What a new kind brings besides its registry entry: an executor, here one that ends at once. */
const fakeExecutor: Executor = {
  backyard: FAKE,
  async run(ctx) {
    await ctx.setStatus([DRIVER_STATUS.preparing], DRIVER_STATUS.executing);
    await ctx.log('stdout', 'fake work done\n');
    return { statusId: DRIVER_STATUS.completed, result: { fake: true } };
  },
};

describe('a backyard kind added through the registry', () => {
  it('is a backyard like the built-in ones, after them, and the registry is closed once read', () => {
    assert.equal(backyardNames().at(-1), FAKE);
    assert.equal(backyardNames().length, 8, 'the seven built-in kinds and this one');
    assert.throws(() => registerBackyardKind({ ...FAKE_KIND, name: 'ita-by-too-late' }), /registered after the registry was read/);
  });

  it("the console's labels name it, and its buttons follow its family", () => {
    assert.equal(consoleKinds.kindLabel(FAKE, 'ja'), 'フェイク作業実行');
    assert.equal(consoleKinds.kindLabel(FAKE, 'en'), 'Fake run');
    assert.equal(consoleKinds.controlPath(FAKE, 'id-1'), '/menu/execution_fake/driver/id-1', 'cancel and emergency stop through its menu');
    assert.equal(consoleKinds.isScheduled(FAKE, DRIVER_STATUS.scheduled), true);
    assert.equal(consoleKinds.isScheduled(FAKE, DRIVER_STATUS.unexecuted), false);
    assert.equal(consoleKinds.isUnfinished(FAKE, DRIVER_STATUS.executing, null), true);
    assert.equal(consoleKinds.isUnfinished(FAKE, DRIVER_STATUS.completed, null), false);
    assert.equal(consoleKinds.isCounted(FAKE), true);
  });

  it("each family's table holds the moves the claim, the reaper and the emergency stop make outside transition()", () => {
    for (const name of FAMILY_NAMES) {
      const f = statusFamily(name);
      for (const s of notStartedStatuses(name)) {
        assert.ok(isMoveAllowed(name, s, f.claimed), `${name}: the claim, ${s} → ${f.claimed}`);
        if (f.emergencyStop !== null) assert.ok(isMoveAllowed(name, s, f.emergencyStop), `${name}: emergency stop, ${s} → ${f.emergencyStop}`);
      }
      for (const s of f.inFlight) assert.ok(isMoveAllowed(name, s, f.lost), `${name}: the reaper, ${s} → ${f.lost}`);
      for (const s of terminalStatuses(name)) {
        assert.ok(!f.inFlight.includes(s) && !notStartedStatuses(name).includes(s), `${name}: ${s} is terminal`);
      }
    }
  });

  it('its statuses have their family names', () => {
    assert.equal(statusName(FAKE, DRIVER_STATUS.delayed, 'ja'), '実行中(遅延)');
    assert.equal(statusName(FAKE, DRIVER_STATUS.delayed, 'en'), 'Executing (delayed)');
  });
});

for (const backend of BACKENDS) {
  describe(`a backyard kind added through the registry (${backend})`, () => {
    let t: TestApp;
    const workDir = tempDirs('drydock-registry-work-');

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
    });
    after(async () => {
      await t?.close();
    });

    const register = () =>
      t.deps.store.transaction('shared', (trx) =>
        registerJob(t.deps.store, trx, { organizationId: SEED.org1, workspaceId: SEED.ws1, backyard: FAKE, spec: { fake: 1 }, createdBy: 'member1' }),
      );
    const claim = () => claimJobs(t.deps.store, { backyard: FAKE, workerId: 'registry-test', limit: 1, leaseMs: 600_000 });
    const check = async (language: 'ja' | 'en') => {
      const r = await t.admin({ url: '/api/ita/backyard-execute-check/', headers: { 'accept-language': language } });
      assert.equal(r.status, 200, r.text);
      return r.body.data;
    };

    let claimed: string;
    let waiting: string;

    it('the claim takes its oldest job into Preparing, and nothing while jobs are stopped', async () => {
      claimed = (await register()).id;
      waiting = (await register()).id;
      await setMaintenance(t, { backyard_execute_stop: '1' });
      assert.deepEqual(await claim(), [], 'the gate holds the new kind too');
      await setMaintenance(t, { backyard_execute_stop: '0' });
      const [job, ...more] = await claim();
      assert.deepEqual(more, []);
      assert.equal(job?.id, claimed, 'oldest first');
      assert.equal(job.status_id, DRIVER_STATUS.preparing);
      assert.equal(job.lease_owner, 'registry-test');
      assert.equal((await getJobById(t.deps.store.db, waiting))?.status_id, DRIVER_STATUS.unexecuted);
    });

    it('the execute-check has its key in every workspace, and lists and counts its job in flight', async () => {
      for (const language of ['en', 'ja'] as const) {
        const data = await check(language);
        for (const o of data.organizations) {
          for (const w of o.workspaces) assert.deepEqual(Object.keys(w.backyards), backyardNames(), `${o.id}/${w.id}: every key, in order`);
        }
        const ws1 = data.organizations.find((o: { id: string }) => o.id === SEED.org1).workspaces.find((w: { id: string }) => w.id === SEED.ws1);
        assert.deepEqual(
          ws1.backyards[FAKE].map((j: { id: string; status_id: string; status_name: string }) => [j.id, j.status_id, j.status_name]),
          [[claimed, DRIVER_STATUS.preparing, language === 'en' ? 'Preparing' : '準備中']],
        );
        assert.equal(ws1.execute_count, 1, 'counted');
        assert.equal(data.execute_count, 1);
      }
    });

    it('the API names its statuses, its menu stops it, and its log service is listed', async () => {
      const stop = await t.call({ method: 'PATCH', url: `${ITA1}/menu/execution_fake/driver/${waiting}/scram/`, auth: SEED.member1 });
      assert.equal(stop.status, 200, stop.text);
      for (const [language, name] of [
        ['en', 'Emergency stop'],
        ['ja', '緊急停止'],
      ] as const) {
        const r = await t.call({ url: `${ITA1}/executions/${waiting}/`, auth: SEED.member1, headers: { 'accept-language': language } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.data.backyard, FAKE);
        assert.equal(r.body.data.status_id, DRIVER_STATUS.emergencyStop);
        assert.equal(r.body.data.status_name, name);
      }
      const levels = await t.admin({ url: '/api/ita/loglevel-settings/' });
      assert.equal(levels.body.data[FAKE_KIND.logService], 'INFO');
    });

    it('a worker runs its job with its executor to Completed', async () => {
      const id = (await register()).id;
      const worker = new Worker(
        t.deps.store,
        pino({ level: 'silent' }),
        {
          backyards: [FAKE],
          concurrency: 1,
          leaseMs: 5000,
          pollMs: 100,
          graceMs: 2000,
          workDir: workDir(),
          settings: { terraformCloudUrl: undefined, terraformCloudToken: undefined, pollMs: 50 },
        },
        [fakeExecutor],
      );
      worker.start();
      try {
        await waitFor(`job ${id} completed`, async () => (await getJobById(t.deps.store.db, id))?.status_id === DRIVER_STATUS.completed, { timeoutMs: 20_000 });
      } finally {
        await worker.stop();
      }
      const r = await t.call({ url: `${ITA1}/executions/${id}/`, auth: SEED.member1, headers: { 'accept-language': 'en' } });
      assert.equal(r.body.data.status_name, 'Completed');
      assert.deepEqual(r.body.data.result, { fake: true });
      assert.match(r.body.data.log, /fake work done/);
    });

    it('a move its family does not allow is refused and writes nothing', async () => {
      const job = await register();
      await assert.rejects(
        // @ts-expect-error a driver job never moves from Unexecuted to Completed: this does not compile.
        transition(t.deps.store.db, job, 'driver', [DRIVER_STATUS.unexecuted], DRIVER_STATUS.completed),
        (err: unknown) => err instanceof IllegalTransitionError && err.from === '1' && err.to === '5',
      );
      await assert.rejects(
        transition(t.deps.store.db, job, 'menu', ['1'], '2'),
        (err: unknown) => err instanceof IllegalTransitionError && /follow the driver family/.test(err.message),
        'a move of another family',
      );
      const row = await getJobById(t.deps.store.db, job.id);
      assert.equal(row?.status_id, DRIVER_STATUS.unexecuted);
      assert.equal(row?.last_update_timestamp, job.last_update_timestamp, 'nothing written');
    });
  });
}
