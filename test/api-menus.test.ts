/**
 * Menus (parameter sheets) and their records through Exastro IT Automation's API: definitions,
 * batch maintenance with the optimistic lock, all-or-nothing batches, search, and concurrent
 * updates of one record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { ITA1, SEED, seedTenants, startTestApp, type CallResult, type TestApp } from './support/app.js';

interface RecordParameter {
  uuid: string;
  discard: '0' | '1';
  remarks: string | null;
  last_update_date_time: string;
  last_updated_user: string;
  [column: string]: unknown;
}

function assertEnvelope(r: CallResult): void {
  assert.deepEqual(Object.keys(r.body ?? {}).sort(), ['data', 'message', 'result', 'ts'], r.text);
}

function assertOk(r: CallResult, what: string): void {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  assert.equal(r.body.result, '000-00000', what);
}

function assertError(r: CallResult, status: number, result: string, what: string): void {
  assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status} ${r.text}`);
  assertEnvelope(r);
  assert.equal(r.body.result, result, `${what}: ${r.text}`);
  assert.equal(r.body.data, null, what);
}

/**
 * A refusal of records as Exastro words it: HTTP 499, 499-00201, and a message that is a JSON object
 * `{"<row>": {"<column or "Individual check">": ["…"]}}`; each expected problem is matched by a pattern,
 * and no other row or column has one.
 */
function assertProblems(r: CallResult, expected: Record<number, Record<string, RegExp>>, what: string): void {
  assertError(r, 499, '499-00201', what);
  const problems = JSON.parse(r.body.message) as Record<string, Record<string, string[]>>;
  assert.deepEqual(Object.keys(problems).sort(), Object.keys(expected).sort(), `${what}: the rows with problems: ${r.body.message}`);
  for (const [row, columns] of Object.entries(expected)) {
    assert.deepEqual(Object.keys(problems[row]!).sort(), Object.keys(columns).sort(), `${what}: row ${row}'s keys: ${r.body.message}`);
    for (const [column, pattern] of Object.entries(columns)) {
      assert.ok(
        problems[row]![column]!.some((m) => pattern.test(m)),
        `${what}: row ${row}, ${column} ${pattern}: ${r.body.message}`,
      );
    }
  }
}

const ROW = 'Individual check';

for (const backend of BACKENDS) {
  describe(`menus API (${backend})`, () => {
    let t: TestApp;
    let counter = 0;
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
    });
    after(async () => t?.close());

    /** A fresh menu like the seeded one: host (string, required, unique), port (integer), enabled (boolean). */
    async function hostsMenu(extra: Array<Record<string, unknown>> = []): Promise<string> {
      const menu = `hosts_${counter++}`;
      const r = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/`,
        auth: SEED.manager1,
        body: {
          menu,
          title: 'Hosts',
          columns: [
            { name: 'host', type: 'string', required: true, unique: true },
            { name: 'port', type: 'integer' },
            { name: 'enabled', type: 'boolean' },
            ...extra,
          ],
        },
      });
      assertOk(r, `define ${menu}`);
      return menu;
    }

    const maintain = (menu: string, items: unknown) =>
      t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/maintenance/all/`, auth: SEED.member1, body: items });

    async function records(menu: string, query = ''): Promise<RecordParameter[]> {
      const r = await t.call({ url: `${ITA1}/menu/${menu}/filter/${query}`, auth: SEED.member1 });
      assertOk(r, `records of ${menu}`);
      return r.body.data.map((x: { parameter: RecordParameter; file: unknown }) => {
        assert.deepEqual(x.file, {});
        return x.parameter;
      });
    }

    async function one(menu: string, host: string): Promise<RecordParameter> {
      const found = (await records(menu)).filter((p) => p.host === host);
      assert.equal(found.length, 1, `one record with host ${host}`);
      return found[0]!;
    }

    it('defines a menu and returns its definition', async () => {
      const defined = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/`,
        auth: SEED.manager1,
        body: {
          menu: 'inventory',
          title: 'Inventory',
          columns: [
            { name: 'name', type: 'string', title: 'Name', required: true, unique: true, max_length: 64 },
            { name: 'cpus', type: 'integer' },
            { name: 'load', type: 'number' },
            { name: 'active', type: 'boolean' },
            { name: 'bought', type: 'date' },
            { name: 'seen', type: 'datetime' },
          ],
        },
      });
      assertOk(defined, 'define');
      assert.equal(defined.body.data.menu, 'inventory');

      const info = await t.call({ url: `${ITA1}/menu/inventory/`, auth: SEED.member1 });
      assertOk(info, 'definition');
      assert.equal(info.body.data.menu, 'inventory');
      assert.equal(info.body.data.title, 'Inventory');
      assert.equal(info.body.data.workspace_id, SEED.ws1);
      assert.deepEqual(
        info.body.data.columns.map((c: { name: string; type: string }) => [c.name, c.type]),
        [
          ['name', 'string'],
          ['cpus', 'integer'],
          ['load', 'number'],
          ['active', 'boolean'],
          ['bought', 'date'],
          ['seen', 'datetime'],
        ],
      );
      assert.deepEqual(info.body.data.columns[0], { name: 'name', type: 'string', title: 'Name', required: true, unique: true, max_length: 64 });

      const list = await t.call({ url: `${ITA1}/menu/`, auth: SEED.member1 });
      assertOk(list, 'list');
      assert.ok(list.body.data.some((m: { menu: string }) => m.menu === 'inventory'));

      const dup = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/`,
        auth: SEED.manager1,
        body: { menu: 'inventory', title: 'Again', columns: [{ name: 'x', type: 'string' }] },
      });
      assertError(dup, 409, '409-00001', 'duplicate menu');
      assert.match(dup.body.message, /inventory/);

      const missing = await t.call({ url: `${ITA1}/menu/nosuchmenu/info/`, auth: SEED.member1 });
      assertError(missing, 499, '499-00002', 'unknown menu');
      assert.match(missing.body.message, /nosuchmenu/);
    });

    it("describes a menu as Exastro's info does: menu_info, column_info keyed c1…, names in the request's language", async () => {
      const menu = await hostsMenu([{ name: 'os', type: 'string', title: 'OS', max_length: 32 }]);
      assertOk(
        await maintain(menu, [
          { type: 'Register', parameter: { host: 'b', os: 'linux' } },
          { type: 'Register', parameter: { host: 'a', os: 'linux' } },
        ]),
        'register',
      );
      const info = await t.call({ url: `${ITA1}/menu/${menu}/info/`, auth: SEED.member1, headers: { language: 'ja' } });
      assertOk(info, 'info');
      const { menu_info, column_info, column_group_info } = info.body.data;
      assert.equal(menu_info.menu_name_rest, menu);
      assert.equal(menu_info.pk_column_name_rest, 'uuid');
      assert.deepEqual(menu_info.columns, ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']);
      assert.deepEqual(column_group_info, {});
      const byRest = Object.fromEntries(Object.values(column_info).map((c: any) => [c.column_name_rest, c]));
      assert.deepEqual(
        Object.values(column_info).map((c: any) => c.column_name_rest),
        ['uuid', 'host', 'port', 'enabled', 'os', 'discard', 'remarks', 'last_update_date_time', 'last_updated_user'],
      );
      assert.deepEqual(
        [byRest.host.column_type, byRest.host.required_item, byRest.host.unique_item, byRest.host.input_item],
        ['SingleTextColumn', '1', '1', '1'],
      );
      assert.deepEqual([byRest.port.column_type, byRest.port.required_item], ['NumColumn', '0']);
      assert.equal(byRest.enabled.column_type, 'IDColumn');
      assert.deepEqual(JSON.parse(byRest.os.validate_option), { min_length: 0, max_length: 32 });
      assert.equal(byRest.os.column_name, 'OS');
      assert.deepEqual([byRest.uuid.auto_input, byRest.uuid.input_item], ['1', '0']);
      assert.equal(byRest.remarks.input_item, '1');
      assert.equal(byRest.last_update_date_time.column_type, 'LastUpdateDateColumn');
      assert.equal(byRest.remarks.column_name, '備考', 'system columns are named in the language asked for');

      const names = await t.call({ url: `${ITA1}/menu/${menu}/info/column/`, auth: SEED.member1 });
      assertOk(names, 'info/column');
      assert.equal(names.body.data.remarks, 'Remarks');
      assert.equal(names.body.data.os, 'OS');
      const pulldown = await t.call({ url: `${ITA1}/menu/${menu}/info/pulldown/`, auth: SEED.member1 });
      assert.deepEqual(pulldown.body.data, { enabled: { True: 'True', False: 'False' } });
      const candidates = await t.call({ url: `${ITA1}/menu/${menu}/info/search/candidates/host/`, auth: SEED.member1 });
      assert.deepEqual(candidates.body.data, ['b', 'a'], 'distinct values, in the order the records show them');
      assert.deepEqual((await t.call({ url: `${ITA1}/menu/${menu}/info/search/candidates/os/`, auth: SEED.member1 })).body.data, ['linux']);
      const noColumn = await t.call({ url: `${ITA1}/menu/${menu}/info/search/candidates/colour/`, auth: SEED.member1 });
      assertError(noColumn, 499, '499-00006', 'a column the menu lacks');
    });

    it('refuses bad definitions with 400 naming the problem', async () => {
      const define = (columns: unknown, menu = 'bad_menu') =>
        t.call({ method: 'POST', url: `${ITA1}/menu/`, auth: SEED.manager1, body: { menu, title: 'Bad', columns } });

      const reserved = await define([{ name: 'uuid', type: 'string' }]);
      assertError(reserved, 400, '400-00027', 'reserved column name');
      assert.match(reserved.body.message, /columns\.0\.name/);
      assert.match(reserved.body.message, /reserved/);
      const reserved2 = await define([
        { name: 'host', type: 'string' },
        { name: 'last_update_date_time', type: 'datetime' },
      ]);
      assertError(reserved2, 400, '400-00027', 'reserved column name');
      assert.match(reserved2.body.message, /columns\.1\.name.*reserved/);

      const duplicate = await define([
        { name: 'host', type: 'string' },
        { name: 'host', type: 'integer' },
      ]);
      assertError(duplicate, 400, '400-00027', 'duplicate columns');
      assert.match(duplicate.body.message, /column names must be unique/);

      const badType = await define([{ name: 'blob', type: 'binary' }]);
      assertError(badType, 400, '400-00027', 'bad type');
      assert.match(badType.body.message, /columns\.0\.type/);
      assert.match(badType.body.message, /string/, 'the message lists the types to use');

      const badName = await define([{ name: 'Has Space', type: 'string' }]);
      assertError(badName, 400, '400-00027', 'bad column name');
      assert.match(badName.body.message, /columns\.0\.name/);

      const none = await define([]);
      assertError(none, 400, '400-00027', 'no columns');
      assert.match(none.body.message, /at least one column/);

      const unknownKey = await define([{ name: 'host', type: 'string', colour: 'red' }]);
      assertError(unknownKey, 400, '400-00026', 'unknown column key');
      assert.match(unknownKey.body.message, /columns\.0\.colour/);

      const badMenuName = await define([{ name: 'host', type: 'string' }], 'Bad-Menu');
      assertError(badMenuName, 400, '400-00027', 'bad menu name');
      assert.match(badMenuName.body.message, /menu/);

      const nothing = await t.call({ url: `${ITA1}/menu/bad_menu/info/`, auth: SEED.member1 });
      assert.equal(nothing.status, 499, 'no refused definition was stored');
    });

    it('registers, updates, discards, restores and deletes records with the optimistic lock', async () => {
      const menu = await hostsMenu();
      const registered = await maintain(menu, [
        { type: 'Register', parameter: { host: 'web1', port: '80', enabled: 'true' } },
        { type: 'Register', parameter: { host: 'web2', port: 8080, enabled: false } },
      ]);
      assertOk(registered, 'register');
      assert.deepEqual(registered.body.data, { Register: 2, Update: 0, Restore: 0, Discard: 0, Delete: 0, IdList: registered.body.data.IdList });
      assert.equal(registered.body.data.IdList.length, 2);

      const web1 = await one(menu, 'web1');
      assert.equal(web1.uuid, registered.body.data.IdList[0]);
      assert.equal(web1.remarks, null);
      assert.equal(web1.port, 80);
      assert.equal(web1.enabled, true);
      assert.equal(web1.discard, '0');
      assert.equal(web1.last_updated_user, 'member1');
      assert.match(web1.last_update_date_time, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/, 'Exastro’s display form');

      // Update with the timestamp just read.
      const updated = await maintain(menu, [
        { type: 'Update', parameter: { uuid: web1.uuid, last_update_date_time: web1.last_update_date_time, port: '443' } },
      ]);
      assertOk(updated, 'update');
      assert.equal(updated.body.data.Update, 1);
      const web1b = await one(menu, 'web1');
      assert.equal(web1b.port, 443);
      assert.equal(web1b.enabled, true, 'columns the update does not name are kept');
      assert.notEqual(web1b.last_update_date_time, web1.last_update_date_time, 'the timestamp moved');

      // Reusing the old timestamp is a stale update.
      const stale = await maintain(menu, [{ type: 'Update', parameter: { uuid: web1.uuid, last_update_date_time: web1.last_update_date_time, port: '8443' } }]);
      assertProblems(stale, { 0: { [ROW]: /updated by member1 at .* after you read it/ } }, 'stale update');
      assert.equal((await one(menu, 'web1')).port, 443, 'the stale update changed nothing');
      const staleDiscard = await maintain(menu, [{ type: 'Discard', parameter: { uuid: web1.uuid, last_update_date_time: web1.last_update_date_time } }]);
      assertProblems(staleDiscard, { 0: { [ROW]: /after you read it/ } }, 'stale discard');

      // The ISO form of the same timestamp is accepted too.
      const iso = web1b.last_update_date_time.replace(' ', 'T').replaceAll('/', '-') + 'Z';
      const discarded = await maintain(menu, [{ type: 'Discard', parameter: { uuid: web1.uuid, last_update_date_time: iso } }]);
      assertOk(discarded, 'discard');
      assert.equal(discarded.body.data.Discard, 1);
      const web1c = await one(menu, 'web1');
      assert.equal(web1c.discard, '1');
      assert.equal(web1c.port, 443, 'a discarded record keeps its values');

      const twice = await maintain(menu, [{ type: 'Discard', parameter: { uuid: web1.uuid, last_update_date_time: web1c.last_update_date_time } }]);
      assertProblems(twice, { 0: { [ROW]: /already discarded/ } }, 'discarding a discarded record');

      const restored = await maintain(menu, [{ type: 'Restore', parameter: { uuid: web1.uuid, last_update_date_time: web1c.last_update_date_time } }]);
      assertOk(restored, 'restore');
      assert.equal(restored.body.data.Restore, 1);
      const web1d = await one(menu, 'web1');
      assert.equal(web1d.discard, '0');

      const noTimestamp = await maintain(menu, [{ type: 'Delete', parameter: { uuid: web1.uuid } }]);
      assertProblems(noTimestamp, { 0: { [ROW]: /last_update_date_time/ } }, 'delete without timestamp');
      const notATimestamp = await maintain(menu, [{ type: 'Delete', parameter: { uuid: web1.uuid, last_update_date_time: 'yesterday' } }]);
      assertProblems(notATimestamp, { 0: { [ROW]: /last_update_date_time/ } }, 'delete with garbage timestamp');
      const noUuid = await maintain(menu, [{ type: 'Update', parameter: { port: 1 } }]);
      assertProblems(noUuid, { 0: { [ROW]: /parameter\.uuid/ } }, 'update without uuid');
      const unknownRecord = await maintain(menu, [
        { type: 'Update', parameter: { uuid: '00000000-0000-4000-8000-000000000000', last_update_date_time: web1d.last_update_date_time } },
      ]);
      assertProblems(unknownRecord, { 0: { [ROW]: /does not exist/ } }, 'unknown record');

      const deleted = await maintain(menu, [{ type: 'Delete', parameter: { uuid: web1.uuid, last_update_date_time: web1d.last_update_date_time } }]);
      assertOk(deleted, 'delete');
      assert.equal(deleted.body.data.Delete, 1);
      assert.deepEqual(
        (await records(menu)).map((p) => p.host),
        ['web2'],
      );
      // A deleted record's unique value is free again.
      assertOk(await maintain(menu, [{ type: 'Register', parameter: { host: 'web1' } }]), 're-register web1');
    });

    it('refuses missing required values, bad values and unknown columns with 499-00201, each by its row and column', async () => {
      const menu = await hostsMenu();
      const missing = await maintain(menu, [{ type: 'Register', parameter: { port: '22' } }]);
      assertProblems(missing, { 0: { host: /^is required$/ } }, 'required missing');
      const empty = await maintain(menu, [{ type: 'Register', parameter: { host: '' } }]);
      assertProblems(empty, { 0: { host: /^is required$/ } }, 'required empty');

      const bad = await maintain(menu, [{ type: 'Register', parameter: { host: 'h', port: 'twenty-two', enabled: 'maybe' } }]);
      assertProblems(bad, { 0: { port: /must be an integer/, enabled: /must be true or false/ } }, 'bad values');

      const fraction = await maintain(menu, [{ type: 'Register', parameter: { host: 'h', port: '22.5' } }]);
      assertProblems(fraction, { 0: { port: /must be an integer/ } }, 'fraction for an integer');
      const hex = await maintain(menu, [{ type: 'Register', parameter: { host: 'h', port: '0x16' } }]);
      assertProblems(hex, { 0: { port: /must be an integer/ } }, 'hexadecimal for an integer');

      const unknown = await maintain(menu, [{ type: 'Register', parameter: { host: 'h', colour: 'red' } }]);
      assertProblems(unknown, { 0: { [ROW]: /not columns of the menu: colour/ } }, 'unknown column');

      const badType = await maintain(menu, [{ type: 'Upsert', parameter: { host: 'h' } }]);
      assertError(badType, 400, '400-00027', 'unknown item type');
      assert.match(badType.body.message, /0\.type/);

      const emptyBatch = await maintain(menu, []);
      assertError(emptyBatch, 400, '400-00027', 'empty batch');

      assert.deepEqual(await records(menu), [], 'nothing was registered');
    });

    it('coerces the strings Exastro clients send to the column types', async () => {
      const menu = await hostsMenu([
        { name: 'load', type: 'number' },
        { name: 'bought', type: 'date' },
        { name: 'seen', type: 'datetime' },
      ]);
      assertOk(
        await maintain(menu, [
          {
            type: 'Register',
            parameter: { host: 'h1', port: '22', enabled: '1', load: '0.75', bought: '2024-02-29', seen: '2024/03/01 09:30' },
          },
          { type: 'Register', parameter: { host: 2, port: 22, enabled: false, load: 3, bought: '', seen: null } },
        ]),
        'register',
      );
      const h1 = await one(menu, 'h1');
      assert.equal(h1.port, 22);
      assert.equal(h1.enabled, true);
      assert.equal(h1.load, 0.75);
      assert.equal(h1.bought, '2024/02/29');
      assert.equal(h1.seen, '2024/03/01 09:30:00');
      const h2 = await one(menu, '2');
      assert.equal(h2.port, 22);
      assert.equal(h2.enabled, false);
      assert.equal(h2.bought, null, 'an empty optional value is null');
      assert.equal(h2.seen, null);

      const badDate = await maintain(menu, [{ type: 'Register', parameter: { host: 'h3', bought: '2023/02/29' } }]);
      assertProblems(badDate, { 0: { bought: /must be a date/ } }, 'not a date');
    });

    it('refuses a duplicate unique value by its row and column', async () => {
      const menu = await hostsMenu();
      assertOk(await maintain(menu, [{ type: 'Register', parameter: { host: 'db1' } }]), 'db1');
      const dup = await maintain(menu, [{ type: 'Register', parameter: { host: 'db1', port: 5432 } }]);
      assertProblems(dup, { 0: { host: /must be unique: record .* already has "db1"/ } }, 'duplicate');

      // An update onto another record's value is refused the same way.
      assertOk(await maintain(menu, [{ type: 'Register', parameter: { host: 'db2' } }]), 'db2');
      const db2 = await one(menu, 'db2');
      const onto = await maintain(menu, [{ type: 'Update', parameter: { uuid: db2.uuid, last_update_date_time: db2.last_update_date_time, host: 'db1' } }]);
      assertProblems(onto, { 0: { host: /must be unique/ } }, 'update onto a taken value');
      // Renaming frees the old value.
      assertOk(
        await maintain(menu, [{ type: 'Update', parameter: { uuid: db2.uuid, last_update_date_time: db2.last_update_date_time, host: 'db3' } }]),
        'rename db2 → db3',
      );
      assertOk(await maintain(menu, [{ type: 'Register', parameter: { host: 'db2' } }]), 'db2 is free again');
      assert.deepEqual((await records(menu)).map((p) => p.host).sort(), ['db1', 'db2', 'db3']);

      // Two items of one batch claiming the same value.
      const inBatch = await maintain(menu, [
        { type: 'Register', parameter: { host: 'db9' } },
        { type: 'Register', parameter: { host: 'db9' } },
      ]);
      assertProblems(inBatch, { 1: { host: /must be unique/ } }, 'duplicate within a batch');
    });

    it("follows Exastro's record rules: discard in an Update discards or restores, remarks, one-record calls, the journal", async () => {
      const menu = await hostsMenu();
      const at = async (host: string) => (await one(menu, host)).last_update_date_time;
      const registered = await maintain(menu, [{ type: 'Register', parameter: { host: 'h1', port: '22', remarks: 'first' } }]);
      assertOk(registered, 'register');
      const uuid = registered.body.data.IdList[0] as string;
      assert.equal((await one(menu, 'h1')).remarks, 'first');

      // An Update carrying discard "1" is a Discard (counted as one), and only the remarks change with it.
      const discarded = await maintain(menu, [
        { type: 'Update', parameter: { uuid, discard: '1', port: '9999', remarks: 'retired', last_update_date_time: await at('h1') } },
      ]);
      assertOk(discarded, 'update with discard "1"');
      assert.deepEqual(discarded.body.data, { Register: 0, Update: 0, Restore: 0, Discard: 1, Delete: 0, IdList: [uuid] });
      let h1 = await one(menu, 'h1');
      assert.equal(h1.discard, '1');
      assert.equal(h1.remarks, 'retired');
      assert.equal(h1.port, 22, 'a discard changes no column value');

      // discard "0" on a discarded record restores it; on an active one it is a plain Update.
      const restored = await maintain(menu, [{ type: 'Update', parameter: { uuid, discard: '0', last_update_date_time: h1.last_update_date_time } }]);
      assert.equal(restored.body.data.Restore, 1, restored.text);
      assert.equal((await one(menu, 'h1')).discard, '0');
      const updated = await maintain(menu, [{ type: 'Update', parameter: { uuid, discard: 0, port: 2222, last_update_date_time: await at('h1') } }]);
      assert.equal(updated.body.data.Update, 1, updated.text);
      assert.equal((await one(menu, 'h1')).port, 2222);

      // The one-record calls answer the counts alone; PATCH names the record in the path.
      const posted = await t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/maintenance/`, auth: SEED.member1, body: { parameter: { host: 'h2' } } });
      assertOk(posted, 'POST maintenance/');
      assert.deepEqual(posted.body.data, { Register: 1, Update: 0, Restore: 0, Discard: 0, Delete: 0 });
      const patched = await t.call({
        method: 'PATCH',
        url: `${ITA1}/menu/${menu}/maintenance/${uuid}/`,
        auth: SEED.member1,
        body: { parameter: { port: '8022', remarks: null, last_update_date_time: await at('h1') } },
      });
      assertOk(patched, 'PATCH maintenance/{uuid}/');
      assert.deepEqual(patched.body.data, { Register: 0, Update: 1, Restore: 0, Discard: 0, Delete: 0 });
      h1 = await one(menu, 'h1');
      assert.equal(h1.port, 8022);
      assert.equal(h1.remarks, null, 'remarks: null clears them');
      const stalePatch = await t.call({
        method: 'PATCH',
        url: `${ITA1}/menu/${menu}/maintenance/${uuid}/`,
        auth: SEED.member1,
        body: { parameter: { port: '1', last_update_date_time: '2000/01/01 00:00:00.000000' } },
      });
      assertProblems(stalePatch, { 0: { [ROW]: /after you read it/ } }, 'stale PATCH');

      // The journal: every registration and change, newest first, each the record after it.
      const journal = await t.call({ url: `${ITA1}/menu/${menu}/filter/journal/${uuid}/`, auth: SEED.member1 });
      assertOk(journal, 'journal');
      const entries = journal.body.data.map((e: { parameter: RecordParameter }) => e.parameter);
      assert.deepEqual(
        entries.map((e: RecordParameter) => [e.journal_action, e.discard, e.port, e.remarks]),
        [
          ['UPDATE', '0', 8022, null],
          ['UPDATE', '0', 2222, 'retired'],
          ['UPDATE', '0', 22, 'retired'],
          ['UPDATE', '1', 22, 'retired'],
          ['INSERT', '0', 22, 'first'],
        ],
      );
      assert.equal(entries[0].last_update_date_time, h1.last_update_date_time, 'the newest entry is the record as it is');
      assert.equal(entries[0].journal_datetime, h1.last_update_date_time);
      assert.equal(new Set(entries.map((e: RecordParameter) => e.journal_id)).size, 5);
      assert.ok(entries.every((e: RecordParameter) => e.uuid === uuid));
      const none = await t.call({ url: `${ITA1}/menu/${menu}/filter/journal/00000000-0000-4000-8000-000000000000/?file=no`, auth: SEED.member1 });
      assertOk(none, 'journal of a uuid the menu never had');
      assert.deepEqual(none.body.data, []);

      // A physical delete adds nothing to the history, and what was there stays readable.
      assertOk(await maintain(menu, [{ type: 'Delete', parameter: { uuid, last_update_date_time: h1.last_update_date_time } }]), 'delete');
      const afterDelete = await t.call({ url: `${ITA1}/menu/${menu}/filter/journal/${uuid}/`, auth: SEED.member1 });
      assert.equal(afterDelete.body.data.length, 5);

      // GET count and ?file=no, as Exastro's clients send them.
      const count = await t.call({ url: `${ITA1}/menu/${menu}/filter/count/`, auth: SEED.member1 });
      assertOk(count, 'GET count');
      assert.equal(count.body.data, 1);
      assert.equal((await t.call({ url: `${ITA1}/menu/${menu}/filter/count/?host=nope`, auth: SEED.member1 })).body.data, 0);
      assert.deepEqual(
        (await records(menu, '?file=no')).map((p) => p.host),
        ['h2'],
      );
      const noFiles = await t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/filter/?file=no`, auth: SEED.member1, body: { discard: { NORMAL: '0' } } });
      assertOk(noFiles, 'POST filter ?file=no');
    });

    it('words the problems of records in the language the request asks for', async () => {
      const menu = await hostsMenu();
      const r = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/${menu}/maintenance/all/`,
        auth: SEED.member1,
        headers: { language: 'ja' },
        body: [
          { type: 'Register', parameter: { port: 'x' } },
          { type: 'Update', parameter: { host: 'y' } },
        ],
      });
      assertError(r, 499, '499-00201', 'ja problems');
      assert.deepEqual(JSON.parse(r.body.message), {
        '0': { host: ['必須項目です'], port: ['整数で入力してください'] },
        '1': { '(個別チェック)': ['変更するレコードを parameter.uuid で指定してください。'] },
      });
    });

    it('is all-or-nothing: a batch whose third item fails keeps nothing of the first two', async () => {
      const menu = await hostsMenu();
      assertOk(await maintain(menu, [{ type: 'Register', parameter: { host: 'keep', port: 1 } }]), 'existing');
      const keep = await one(menu, 'keep');

      const invalid = await maintain(menu, [
        { type: 'Register', parameter: { host: 'a1' } },
        { type: 'Update', parameter: { uuid: keep.uuid, last_update_date_time: keep.last_update_date_time, port: 2 } },
        { type: 'Register', parameter: { port: 'not a number' } },
      ]);
      assertProblems(invalid, { 2: { host: /is required/, port: /must be an integer/ } }, 'third item invalid');

      const conflicting = await maintain(menu, [
        { type: 'Register', parameter: { host: 'a2' } },
        { type: 'Update', parameter: { uuid: keep.uuid, last_update_date_time: keep.last_update_date_time, port: 3 } },
        { type: 'Register', parameter: { host: 'keep' } },
      ]);
      assertProblems(conflicting, { 2: { host: /must be unique/ } }, 'third item duplicate');

      const stale = await maintain(menu, [
        { type: 'Register', parameter: { host: 'a3' } },
        { type: 'Discard', parameter: { uuid: keep.uuid, last_update_date_time: keep.last_update_date_time } },
        { type: 'Discard', parameter: { uuid: keep.uuid, last_update_date_time: keep.last_update_date_time } },
      ]);
      assertProblems(stale, { 2: { [ROW]: /after you read it/ } }, 'third item stale (the second changed the record)');

      const all = await records(menu);
      assert.deepEqual(
        all.map((p) => p.host),
        ['keep'],
        'no registration of a failed batch survived',
      );
      assert.equal(all[0]!.port, 1, 'no update of a failed batch survived');
      assert.equal(all[0]!.discard, '0', 'no discard of a failed batch survived');
      assert.equal(all[0]!.last_update_date_time, keep.last_update_date_time);
      // The unique values claimed by the failed batches were rolled back too.
      assertOk(
        await maintain(menu, [
          { type: 'Register', parameter: { host: 'a1' } },
          { type: 'Register', parameter: { host: 'a2' } },
        ]),
        'a1, a2 free',
      );
    });

    it('GET filter pages with ?limit=&offset= and filters with ?column=value', async () => {
      const menu = await hostsMenu();
      assertOk(
        await maintain(
          menu,
          ['h1', 'h2', 'h3', 'h4', 'h5'].map((host, i) => ({ type: 'Register', parameter: { host, port: 22 + (i % 2) } })),
        ),
        'register 5',
      );
      const hosts = async (query: string) => (await records(menu, query)).map((p) => p.host);
      assert.deepEqual(await hosts(''), ['h1', 'h2', 'h3', 'h4', 'h5'], 'oldest first');
      assert.deepEqual(await hosts('?limit=2'), ['h1', 'h2']);
      assert.deepEqual(await hosts('?limit=2&offset=1'), ['h2', 'h3']);
      assert.deepEqual(await hosts('?offset=3'), ['h4', 'h5']);
      assert.deepEqual(await hosts('?limit=10&offset=5'), []);
      assert.deepEqual(await hosts('?host=h3'), ['h3']);
      assert.deepEqual(await hosts('?host=h'), [], '?column=value is an exact match');
      assert.deepEqual(await hosts('?port=23'), ['h2', 'h4']);
      assert.deepEqual(await hosts('?port=22&limit=1&offset=1'), ['h3']);
      assert.deepEqual(await hosts('?host=h1&host=h5'), ['h1', 'h5'], 'a repeated parameter is any of its values');
      assert.deepEqual(await hosts('?discard=0&limit=1'), ['h1'], 'system columns filter too');

      for (const query of ['?limit=0', '?limit=abc', '?offset=-1']) {
        const r = await t.call({ url: `${ITA1}/menu/${menu}/filter/${query}`, auth: SEED.member1 });
        assertError(r, 400, '400-00027', query);
      }
      const unknown = await t.call({ url: `${ITA1}/menu/${menu}/filter/?colour=red`, auth: SEED.member1 });
      assertError(unknown, 400, '400-00026', 'unknown column in the query');
      assert.match(unknown.body.message, /colour/);
    });

    it('?sort=column orders a list or a search, numbers as numbers, -column descending, empty values last, before paging', async () => {
      const menu = await hostsMenu();
      assertOk(
        await maintain(menu, [
          { type: 'Register', parameter: { host: 'web-10', port: 8080 } },
          { type: 'Register', parameter: { host: 'web-9', port: 9 } },
          { type: 'Register', parameter: { host: 'db-1', port: null } },
          { type: 'Register', parameter: { host: 'web-2', port: 443 } },
        ]),
        'register',
      );
      const hosts = async (query: string) => (await records(menu, query)).map((p) => p.host);
      assert.deepEqual(await hosts('?sort=port'), ['web-9', 'web-2', 'web-10', 'db-1'], 'numeric order, empty last');
      assert.deepEqual(await hosts('?sort=-port'), ['web-10', 'web-2', 'web-9', 'db-1'], 'descending, empty still last');
      assert.deepEqual(await hosts('?sort=host'), ['db-1', 'web-2', 'web-9', 'web-10'], 'text with numbers in natural order');
      assert.deepEqual(await hosts('?sort=-host&limit=2&offset=1'), ['web-9', 'web-2'], 'sorted, then paged');
      const searched = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/${menu}/filter/?sort=-host&limit=2`,
        auth: SEED.member1,
        body: { host: { NORMAL: 'web' } },
      });
      assertOk(searched, 'sorted search');
      assert.deepEqual(
        (searched.body.data as { parameter: { host: string } }[]).map((r) => r.parameter.host),
        ['web-10', 'web-9'],
      );
      const unknown = await t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/filter/?sort=colour`, auth: SEED.member1, body: {} });
      assertError(unknown, 400, '400-00026', 'sorting by an unknown column');
      assert.match(unknown.body.message, /colour/);
      assertError(await t.call({ url: `${ITA1}/menu/${menu}/filter/?sort=a%20b`, auth: SEED.member1 }), 400, '400-00027', 'not a column name');
    });

    it('POST filter searches with NORMAL, LIST and RANGE; filter/count counts', async () => {
      const menu = await hostsMenu([{ name: 'since', type: 'date' }]);
      assertOk(
        await maintain(menu, [
          { type: 'Register', parameter: { host: 'Web-01', port: 80, since: '2024/01/10' } },
          { type: 'Register', parameter: { host: 'web-02', port: 8080, since: '2024/02/10' } },
          { type: 'Register', parameter: { host: 'db-01', port: 5432, since: '2024/03/10' } },
          { type: 'Register', parameter: { host: 'cache-01', port: 9, since: null } },
        ]),
        'register',
      );
      const search = async (body: unknown, query = '') => {
        const r = await t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/filter/${query}`, auth: SEED.member1, body });
        assertOk(r, `search ${JSON.stringify(body)}`);
        return r.body.data.map((x: { parameter: RecordParameter }) => x.parameter.host);
      };
      const count = async (body: unknown) => {
        const r = await t.call({ method: 'POST', url: `${ITA1}/menu/${menu}/filter/count/`, auth: SEED.member1, body });
        assertOk(r, `count ${JSON.stringify(body)}`);
        return r.body.data;
      };

      assert.deepEqual(await search({ host: { NORMAL: 'web' } }), ['Web-01', 'web-02'], 'NORMAL: contains, case-insensitive');
      assert.deepEqual(await search({ host: { LIST: ['db-01', 'cache-01', 'nope'] } }), ['db-01', 'cache-01']);
      assert.deepEqual(await search({ port: { RANGE: { START: 80, END: 8080 } } }), ['Web-01', 'web-02', 'db-01'], 'numeric range, inclusive');
      assert.deepEqual(await search({ port: { RANGE: { START: '100' } } }), ['web-02', 'db-01'], 'numbers compare as numbers');
      assert.deepEqual(await search({ port: { RANGE: { END: 80 } } }), ['Web-01', 'cache-01']);
      assert.deepEqual(await search({ since: { RANGE: { START: '2024/02/01', END: '2024/03/31' } } }), ['web-02', 'db-01']);
      assert.deepEqual(await search({ host: { NORMAL: '01' }, port: { RANGE: { START: 10 } } }), ['Web-01', 'db-01'], 'several columns: all must match');
      assert.deepEqual(await search({}), ['Web-01', 'web-02', 'db-01', 'cache-01'], 'an empty filter matches all');
      assert.deepEqual(await search({ host: { NORMAL: '0' } }, '?limit=2&offset=1'), ['web-02', 'db-01'], 'paging applies to searches');

      assert.equal(await count({}), 4);
      assert.equal(await count({ host: { NORMAL: 'WEB' } }), 2);
      assert.equal(await count({ port: { LIST: [9, 5432] } }), 2);
      assert.equal(await count({ host: { LIST: ['nope'] } }), 0);

      const unknown = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/${menu}/filter/`,
        auth: SEED.member1,
        body: { colour: { NORMAL: 'red' } },
      });
      assertError(unknown, 400, '400-00026', 'unknown filter column');
      assert.match(unknown.body.message, /colour/);
      const unknownCount = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/${menu}/filter/count/`,
        auth: SEED.member1,
        body: { colour: { LIST: ['red'] } },
      });
      assertError(unknownCount, 400, '400-00026', 'unknown filter column in count');
      const badOperator = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/${menu}/filter/`,
        auth: SEED.member1,
        body: { host: { LIKE: 'web%' } },
      });
      assert.equal(badOperator.status, 400, badOperator.text);
      assertEnvelope(badOperator);
    });

    it('concurrent updates of one record with the same last_update_date_time: exactly one wins', async () => {
      const menu = await hostsMenu();
      assertOk(await maintain(menu, [{ type: 'Register', parameter: { host: 'contended', port: 0 } }]), 'register');
      for (let round = 0; round < 3; round++) {
        const before = await one(menu, 'contended');
        const ports = [1, 2, 3, 4, 5].map((p) => p + round * 10);
        const results = await Promise.all(
          ports.map((port) =>
            maintain(menu, [{ type: 'Update', parameter: { uuid: before.uuid, last_update_date_time: before.last_update_date_time, port } }]),
          ),
        );
        const statuses = results.map((r) => r.status);
        const winners = results.flatMap((r, i) => (r.status === 200 ? [ports[i]] : []));
        assert.equal(winners.length, 1, `round ${round}: exactly one update succeeds, got ${statuses.join(', ')}`);
        for (const r of results.filter((x) => x.status !== 200)) assertProblems(r, { 0: { [ROW]: /after you read it/ } }, `round ${round}: loser`);
        const after = await one(menu, 'contended');
        assert.equal(after.port, winners[0], 'the stored value is the winner’s');
        assert.notEqual(after.last_update_date_time, before.last_update_date_time);
      }
    });

    it('concurrent registrations of one unique value: exactly one wins', async () => {
      const menu = await hostsMenu();
      const results = await Promise.all([1, 2, 3, 4, 5].map((port) => maintain(menu, [{ type: 'Register', parameter: { host: 'same', port } }])));
      assert.equal(results.filter((r) => r.status === 200).length, 1, String(results.map((r) => r.status)));
      for (const r of results.filter((x) => x.status !== 200)) assertProblems(r, { 0: { host: /must be unique/ } }, 'loser');
      assert.equal((await records(menu)).length, 1);
    });

    it('deleting a menu deletes its records; a new menu of that name starts empty', async () => {
      const menu = await hostsMenu();
      assertOk(await maintain(menu, [{ type: 'Register', parameter: { host: 'x' } }]), 'register');
      assertOk(await t.call({ method: 'DELETE', url: `${ITA1}/menu/${menu}/`, auth: SEED.manager1 }), 'delete menu');
      assertError(await t.call({ url: `${ITA1}/menu/${menu}/filter/`, auth: SEED.member1 }), 499, '499-00002', 'records of a deleted menu');
      assertOk(
        await t.call({
          method: 'POST',
          url: `${ITA1}/menu/`,
          auth: SEED.manager1,
          body: { menu, title: 'Again', columns: [{ name: 'host', type: 'string', unique: true }] },
        }),
        'redefine',
      );
      assert.deepEqual(await records(menu), []);
      assertOk(await maintain(menu, [{ type: 'Register', parameter: { host: 'x' } }]), 'x is free in the new menu');
    });
  });
}
