/**
 * Every switch of the registry (src/maintenance/switches.ts) does what its entry says, on both
 * stores, through the same paths an operator and a worker use: the PATCH takes it as "0"/"1" and
 * the GETs show it; the audit records it; the metric shows it; a declared write is refused while it
 * is on exactly when it `refusesWrites`; a waiting job is claimed while it is on exactly when it
 * does not `stopsClaims`. Written against the registry, so a switch added there is checked here
 * without a new test — including that its migration gave it a column and, on PostgreSQL, that
 * `drydock_claim` names it when it stops claims (a claim through a stale function would succeed).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { claimJobs } from '../src/backyard/claim.js';
import { registerJob } from '../src/backyard/jobs.js';
import { SWITCHES, SWITCH_IDS } from '../src/maintenance/switches.js';
import { SEED, seedTenants, startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';

const SETTING = '/api/platform/maintenance-mode-setting';
const BACKYARD = 'ita-by-ansible-execute';
/** A declared write (loglevel_change, 498-00001). */
const WRITE = { method: 'PATCH', url: '/api/ita/loglevel-settings/', body: { 'ita-api-admin': 'INFO' } } as const;

const allOff = () => Object.fromEntries(SWITCH_IDS.map((id) => [id, '0']));

for (const backend of BACKENDS) {
  describe(`every maintenance switch as its registry entry says (${backend})`, () => {
    let t: TestApp;

    const patch = async (body: Record<string, unknown>) => {
      const r = await t.admin({ method: 'PATCH', url: SETTING, body });
      assert.equal(r.status, 200, r.text);
    };
    /** Registers one waiting job and tries to claim jobs: how many the claim took. */
    const registerAndClaim = async () => {
      const store = t.deps.store;
      await store.transaction('shared', (trx) =>
        registerJob(store, trx, { organizationId: SEED.org1, workspaceId: SEED.ws1, backyard: BACKYARD, spec: {}, createdBy: 'switch-test' }),
      );
      return (await claimJobs(store, { backyard: BACKYARD, workerId: 'switch-test', limit: 100, leaseMs: 600_000 })).length;
    };

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
    });
    after(async () => t?.close());
    beforeEach(async () => patch(allOff()));

    it('the PATCH refuses an empty body with a message naming every switch', async () => {
      const r = await t.admin({ method: 'PATCH', url: SETTING, body: {} });
      assert.equal(r.status, 400, r.text);
      for (const id of SWITCH_IDS) assert.match(r.text, new RegExp(id));
    });

    for (const id of SWITCH_IDS) {
      const { effects } = SWITCHES[id];
      const others = SWITCH_IDS.filter((o) => o !== id);

      it(`${id}: "1" on the wire turns it alone on — the views, the audit and the metric show it`, async () => {
        await patch({ [id]: '1' });
        const setting = (await t.admin({ url: SETTING })).body.data;
        const orgView = (await t.admin({ url: `/api/${SEED.org1}/platform/maintenance-mode-setting` })).body.data;
        const health = (await t.call({ url: '/api/healthz' })).body.data;
        for (const view of [setting, orgView, health.maintenance_mode]) {
          assert.equal(view[id], '1', JSON.stringify(view));
          for (const o of others) assert.equal(view[o], '0', JSON.stringify(view));
        }
        const [entry] = (await t.admin({ url: `${SETTING}/audit?limit=1` })).body.data;
        assert.equal(entry.before[id], false);
        assert.equal(entry.after[id], true);
        const metrics = (await t.call({ url: '/metrics' })).text;
        assert.match(metrics, new RegExp(`^drydock_maintenance_${id} 1$`, 'm'));

        await patch({ [id]: '0' });
        assert.equal((await t.admin({ url: SETTING })).body.data[id], '0');
      });

      it(`${id}: while it is on, writes are ${effects.refusesWrites ? 'refused' : 'accepted'}`, async () => {
        await patch({ [id]: '1' });
        const r = await t.admin(WRITE);
        assert.equal(r.status, effects.refusesWrites ? 498 : 200, r.text);
        if (effects.refusesWrites) assert.equal(r.body.result, '498-00001');
        await patch({ [id]: '0' });
        assert.equal((await t.admin(WRITE)).status, 200);
      });

      it(`${id}: while it is on, waiting jobs are ${effects.stopsClaims ? 'not claimed' : 'claimed'}`, async () => {
        await patch({ [id]: '1' });
        const claimed = await registerAndClaim();
        if (effects.stopsClaims) assert.equal(claimed, 0, 'a job was claimed while the switch was on');
        else assert.ok(claimed > 0, 'no job was claimed');
        await patch({ [id]: '0' });
        assert.ok((await registerAndClaim()) > 0, 'no job was claimed once the switch was off');
      });
    }
  });
}
