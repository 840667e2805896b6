/**
 * What the maintenance setting records, on both stores (README "API", docs/decisions/maintenance-gate.md):
 * - a PATCH that changes nothing — the same values, a message that sanitizes to the one stored, a
 *   drain started again — writes nothing: no history entry, the last change stays who and when it was;
 * - the banner in Japanese and in English (`message_ja`, `message_en`, drydock's) beside Exastro's
 *   single `message`, which follows them (the Japanese one, else the English one) and, sent alone,
 *   is the message for every language; each at most 1,000 characters, sanitized; `message` with
 *   them is refused; a `message` changed by a release that does not know them (an upgrade in
 *   progress) wins over them;
 * - a drain started while jobs were already stopped is recorded and audited (`drain_prior`), so the
 *   console's and the CLI's resume keep them stopped.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ITA1, SEED, seedTenants, setMaintenance, startTestApp, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';

const SETTING = '/api/platform/maintenance-mode-setting';
const AUDIT = `${SETTING}/audit?limit=1000`;
const ORG_SETTING = `/api/${SEED.org1}/platform/maintenance-mode-setting`;

for (const backend of BACKENDS) {
  describe(`what a maintenance change records (${backend})`, () => {
    let t: TestApp;
    const get = async () => {
      const r = await t.admin({ url: SETTING });
      assert.equal(r.status, 200, r.text);
      return r.body.data;
    };
    const patch = async (body: unknown, status = 200) => {
      const r = await t.admin({ method: 'PATCH', url: SETTING, body });
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
      return r;
    };
    const audit = async () => {
      const r = await t.admin({ url: AUDIT });
      assert.equal(r.status, 200, r.text);
      return r.body.data as Array<{ id: number; changed_at: string; before: Record<string, unknown>; after: Record<string, unknown> }>;
    };

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
    });
    after(async () => t?.close());
    beforeEach(async () => {
      await setMaintenance(t, { backyard_execute_stop: '0', data_update_stop: '0', message: null, announced_end: null });
      await patch({ drain: 'end' });
    });

    it('a PATCH that changes nothing adds no history entry and leaves the last change as it was', async () => {
      await patch({ backyard_execute_stop: '1', message: 'Back at six', announced_end: '2030-01-02T02:30:00Z' });
      const changed = await get();
      const entries = (await audit()).length;
      for (const same of [
        { backyard_execute_stop: '1' },
        { data_update_stop: '0' },
        { backyard_execute_stop: '1', data_update_stop: '0', message: 'Back at six' },
        // Sanitized, it is the message stored; the same end written another way.
        { message: '  <b>Back at six</b>  ' },
        { announced_end: '2030-01-02T11:30:00+09:00' },
        // No drain recorded: ending one changes nothing.
        { drain: 'end' },
      ]) {
        await patch(same);
        assert.equal((await audit()).length, entries, `${JSON.stringify(same)} added a history entry`);
        const now = await get();
        assert.equal(now.last_update_timestamp, changed.last_update_timestamp, `${JSON.stringify(same)} moved the last change`);
        assert.deepEqual(now, changed);
      }
      // A real change is still recorded, once.
      await patch({ backyard_execute_stop: '0' });
      assert.equal((await audit()).length, entries + 1);
    });

    it('a drain started again changes nothing; one started while jobs were stopped is recorded and audited', async () => {
      await patch({ backyard_execute_stop: '1' });
      const entries = (await audit()).length;
      // Jobs were already stopped: only the record changes — and that is a change, audited.
      await patch({ backyard_execute_stop: '1', drain: 'start' });
      assert.deepEqual((await get()).drain_prior, { backyard_execute_stop: '1', data_update_stop: '0' });
      const [started] = await audit();
      assert.equal((await audit()).length, entries + 1);
      assert.deepEqual([started!.before.drain_prior, started!.after.drain_prior], [null, { backyard_execute_stop: true, data_update_stop: false }]);
      assert.equal(started!.after.backyard_execute_stop, true);

      // Retried (the console's Continue, `drydock drain` run again): the first record stays, nothing is added.
      await patch({ backyard_execute_stop: '1', drain: 'start' });
      assert.equal((await audit()).length, entries + 1);
      assert.deepEqual((await get()).drain_prior, { backyard_execute_stop: '1', data_update_stop: '0' });

      // Read-only on, then the resume's changes: read-only off, jobs kept stopped, the record forgotten.
      await patch({ data_update_stop: '1' });
      await patch({ data_update_stop: '0' });
      await patch({ drain: 'end' });
      const now = await get();
      assert.deepEqual([now.backyard_execute_stop, now.data_update_stop, now.drain_prior], ['1', '0', null]);
      assert.equal((await audit()).length, entries + 4);
    });

    it('the banner in Japanese and in English: each view has both, and Exastro’s message follows them', async () => {
      await patch({ data_update_stop: '1', message_ja: '06:00 に再開します', message_en: 'Back at 06:00' });
      const views = [
        await get(),
        (await t.call({ url: ORG_SETTING, auth: SEED.member1 })).body.data,
        (await t.call({ url: `${ITA1}/user/`, auth: SEED.member1 })).body.data.maintenance_mode,
      ];
      for (const v of views) {
        assert.deepEqual([v.message, v.message_ja, v.message_en], ['06:00 に再開します', '06:00 に再開します', 'Back at 06:00']);
      }
      // One language changed, the other kept; without Japanese, Exastro's message is the English one.
      await patch({ message_en: 'Back at 07:00' });
      assert.deepEqual(pick(await get()), ['06:00 に再開します', '06:00 に再開します', 'Back at 07:00']);
      await patch({ message_ja: null });
      assert.deepEqual(pick(await get()), ['Back at 07:00', null, 'Back at 07:00']);
      // Markup is removed from each, as from `message`; nothing left is no message.
      await patch({ message_ja: '<b>再開</b>は07:00', message_en: '<i></i>' });
      assert.deepEqual(pick(await get()), ['再開は07:00', '再開は07:00', null]);
      const [last] = await audit();
      assert.deepEqual([last!.after.message_ja, last!.after.message_en, last!.before.message_en], ['再開は07:00', null, 'Back at 07:00']);

      // An Exastro client sets `message`: the message for every language, the per-language ones cleared.
      await patch({ message: 'Exastro says hello' });
      assert.deepEqual(pick(await get()), ['Exastro says hello', null, null]);
    });

    it('each message is at most 1,000 characters, and message with message_ja/message_en is refused', async () => {
      await patch({ message_ja: 'あ'.repeat(1000), message_en: 'e'.repeat(1000) });
      assert.equal((await get()).message_ja, 'あ'.repeat(1000));
      for (const body of [{ message_ja: 'あ'.repeat(1001) }, { message_en: 'e'.repeat(1001) }, { message_en: 7 }]) {
        const r = await patch(body, 400);
        assert.equal(r.body.result, '400-00027', r.text);
      }
      const both = await patch({ message: 'one', message_en: 'two' }, 400);
      assert.match(both.body.message, /message_ja \/ message_en, not both/);
      assert.equal((await get()).message_en, 'e'.repeat(1000), 'the refused PATCHes changed nothing');
    });

    it('a message written by a release that does not know the per-language ones wins over them', async () => {
      await patch({ message_ja: '日本語', message_en: 'English' });
      // What the previous release's PATCH does: it writes `message` alone (break-glass on an old binary too).
      await t.deps.store.db.updateTable('maintenance_settings').set({ message: 'from the old release' }).where('id', '=', 1).execute();
      assert.deepEqual(pick(await get()), ['from the old release', null, null]);
      const org = (await t.call({ url: ORG_SETTING, auth: SEED.member1 })).body.data;
      assert.deepEqual([org.message, org.message_ja, org.message_en], ['from the old release', null, null]);
    });
  });
}

/** Exastro's message, then the Japanese and the English ones. */
function pick(v: { message: string | null; message_ja: string | null; message_en: string | null }) {
  return [v.message, v.message_ja, v.message_en];
}
