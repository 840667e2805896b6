import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { ITA1, SEED, seedTenants, setMaintenance, startTestApp, type TestApp } from './support/app.js';

for (const backend of BACKENDS) {
  describe(`smoke (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
    });
    after(async () => t?.close());

    it('registers a record and refuses it in read-only', async () => {
      const reg = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
        auth: SEED.member1,
        body: [{ type: 'Register', parameter: { host: 'a', port: '22', enabled: 'true' } }],
      });
      assert.equal(reg.status, 200, reg.text);
      await setMaintenance(t, { data_update_stop: '1' });
      const refused = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/${SEED.menu}/maintenance/all/`,
        auth: SEED.member1,
        body: [{ type: 'Register', parameter: { host: 'b' } }],
      });
      assert.equal(refused.status, 498, refused.text);
      assert.equal(refused.body.result, '498-00001');
      const list = await t.call({ url: `${ITA1}/menu/${SEED.menu}/filter/`, auth: SEED.member1 });
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.data.map((r: { parameter: { host: string } }) => r.parameter.host),
        ['a'],
      );
    });
  });
}
