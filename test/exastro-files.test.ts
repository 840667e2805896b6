/**
 * File columns as Exastro's clients use them (menus/record-files.ts): the content as base64 in
 * `file` of a maintenance item or as a part of Exastro's multipart form (`json_parameters`, parts
 * `{row}.{column}` / `{column}`), returned by the filter (left out with `?file=no`), downloaded from
 * `…/{uuid}/{column}/file/`, and kept in the record's history.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planFromWorkbook, writeWorkbook } from '../src/menus/excel.js';
import { collectExport, importPlan, planFromJson } from '../src/menus/transfer.js';
import { BACKENDS } from './support/backends.js';
import { multipartBody } from './support/multipart.js';
import { ITA1, SEED, seedTenants, setMaintenance, startTestApp, type CallResult, type TestApp } from './support/app.js';

const MENU = `${ITA1}/menu/configs`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Exastro's web-UI form: `json_parameters` and file parts, encoded as a browser would. */
async function multipart(json: unknown, files: Record<string, string>): Promise<{ headers: Record<string, string>; payload: Buffer }> {
  const form = new FormData();
  form.append('json_parameters', JSON.stringify(json));
  for (const [part, text] of Object.entries(files)) form.append(part, new Blob([text]), `upload-${part}.bin`);
  return multipartBody(form);
}

function assertProblems(r: CallResult, expected: Record<string, Record<string, RegExp>>, what: string): void {
  assert.equal(r.status, 499, `${what}: ${r.text}`);
  assert.equal(r.body.result, '499-00201', what);
  const problems = JSON.parse(r.body.message) as Record<string, Record<string, string[]>>;
  for (const [row, columns] of Object.entries(expected)) {
    for (const [column, pattern] of Object.entries(columns)) {
      assert.match(problems[row]?.[column]?.join(' ') ?? '', pattern, `${what}: row ${row}, ${column}: ${r.body.message}`);
    }
  }
}

for (const backend of BACKENDS) {
  describe(`file columns (${backend})`, () => {
    let t: TestApp;
    const auth = SEED.manager1;
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      const defined = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/`,
        auth,
        body: {
          menu: 'configs',
          title: 'Configs',
          columns: [
            { name: 'name', type: 'string', required: true, unique: true },
            { name: 'config', type: 'file' },
          ],
        },
      });
      assert.equal(defined.status, 200, defined.text);
    });
    after(async () => t?.close());

    const find = async (name: string, query = '') => {
      const r = await t.call({ method: 'POST', url: `${MENU}/filter/${query}`, auth, body: { name: { LIST: [name] } } });
      assert.equal(r.status, 200, r.text);
      return r.body.data[0] as { parameter: Record<string, string>; file: Record<string, string | null> };
    };

    it('a file sent as base64 comes back from the filter and downloads as the file; ?file=no leaves the contents out', async () => {
      const r = await t.call({
        method: 'POST',
        url: `${MENU}/maintenance/all/`,
        auth,
        body: [{ type: 'Register', parameter: { name: 'web', config: 'web.env' }, file: { config: b64('PORT=8080\n') } }],
      });
      assert.equal(r.status, 200, r.text);
      const record = await find('web');
      assert.equal(record.parameter.config, 'web.env', 'the value is the file name');
      assert.equal(record.file.config, b64('PORT=8080\n'));
      assert.deepEqual((await find('web', '?file=no')).file, {}, '?file=no: no contents');

      const download = await t.call({ url: `${MENU}/${record.parameter.uuid}/config/file/`, auth });
      assert.equal(download.status, 200, download.text);
      assert.equal(download.headers['content-type'], 'application/octet-stream');
      assert.match(String(download.headers['content-disposition']), /^attachment; filename\*=UTF-8''web\.env$/);
      assert.equal(download.text, 'PORT=8080\n');

      const noFile = await t.call({ method: 'POST', url: `${MENU}/maintenance/`, auth, body: { parameter: { name: 'empty' } } });
      assert.equal(noFile.status, 200, noFile.text);
      assert.deepEqual((await find('empty')).file, { config: null }, 'a file column without a file: null');
      const none = await t.call({ url: `${MENU}/${(await find('empty')).parameter.uuid}/config/file/`, auth });
      assert.equal(none.status, 404, `no file: a 404 that says so, not an empty file: ${none.text}`);
      assert.match(none.body.message, /no file in config/);
      const notFile = await t.call({ url: `${MENU}/${record.parameter.uuid}/name/file/`, auth });
      assert.equal(notFile.status, 499, notFile.text);
      assert.equal(notFile.body.result, '499-00006');
    });

    it("Exastro's multipart form: json_parameters with parts {row}.{column} for maintenance/all, {column} for one record", async () => {
      const form = await multipart(
        [
          { type: 'Register', parameter: { name: 'db', config: 'db.env' } },
          { type: 'Register', parameter: { name: 'cache', config: 'cache.env' } },
        ],
        { '0.config': 'DB=postgres\n', '1.config': 'TTL=60\n', '7.config': 'no such row: ignored' },
      );
      const r = await t.call({ method: 'POST', url: `${MENU}/maintenance/all/`, auth, ...form });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.data.Register, 2);
      assert.equal((await find('db')).file.config, b64('DB=postgres\n'));
      assert.equal((await find('cache')).file.config, b64('TTL=60\n'));

      const db = await find('db');
      const patch = await multipart({ parameter: { config: 'db2.env', last_update_date_time: db.parameter.last_update_date_time } }, { config: 'DB=mysql\n' });
      const patched = await t.call({ method: 'PATCH', url: `${MENU}/maintenance/${db.parameter.uuid}/`, auth, ...patch });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.data.Update, 1);
      const after = await find('db');
      assert.equal(after.parameter.config, 'db2.env');
      assert.equal(after.file.config, b64('DB=mysql\n'));

      const single = await multipart({ parameter: { name: 'queue', config: 'q.env' } }, { config: 'Q=1\n' });
      const registered = await t.call({ method: 'POST', url: `${MENU}/maintenance/`, auth, ...single });
      assert.equal(registered.status, 200, registered.text);
      assert.equal((await find('queue')).file.config, b64('Q=1\n'));

      const noJson = await multipart(undefined, { '0.config': 'x' });
      const bare = await t.call({ method: 'POST', url: `${MENU}/maintenance/all/`, auth, ...noJson, payload: noJson.payload });
      assert.equal(bare.status, 400, bare.text);
      const filterForm = await multipart({ name: { NORMAL: 'db' } }, {});
      const refusedForm = await t.call({ method: 'POST', url: `${MENU}/filter/`, auth, ...filterForm });
      assert.equal(refusedForm.status, 415, `a route that takes no form refuses one: ${refusedForm.text}`);
    });

    it('an Update without content keeps the file; a cleared name drops it; the history keeps every version', async () => {
      const web = await find('web');
      const renamed = await t.call({
        method: 'PATCH',
        url: `${MENU}/maintenance/${web.parameter.uuid}/`,
        auth,
        body: { parameter: { config: 'web-renamed.env', last_update_date_time: web.parameter.last_update_date_time } },
      });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal((await find('web')).file.config, b64('PORT=8080\n'), 'no new content: the file stays');

      const v2 = await find('web');
      const replaced = await t.call({
        method: 'PATCH',
        url: `${MENU}/maintenance/${web.parameter.uuid}/`,
        auth,
        body: { parameter: { last_update_date_time: v2.parameter.last_update_date_time }, file: { config: b64('PORT=9090\n') } },
      });
      assert.equal(replaced.status, 200, replaced.text);
      const v3 = await find('web');
      const cleared = await t.call({
        method: 'PATCH',
        url: `${MENU}/maintenance/${web.parameter.uuid}/`,
        auth,
        body: { parameter: { config: null, last_update_date_time: v3.parameter.last_update_date_time } },
      });
      assert.equal(cleared.status, 200, cleared.text);
      assert.deepEqual((await find('web')).file, { config: null });

      const journal = await t.call({ url: `${MENU}/filter/journal/${web.parameter.uuid}/`, auth });
      assert.equal(journal.status, 200, journal.text);
      const versions = journal.body.data.map((e: { file: { config: string | null } }) => e.file.config);
      assert.deepEqual(versions, [null, b64('PORT=9090\n'), b64('PORT=8080\n'), b64('PORT=8080\n')], 'newest first');
      const first = journal.body.data.at(-1).parameter.journal_id;
      const old = await t.call({ url: `${MENU}/${web.parameter.uuid}/config/file/journal/${first}/`, auth });
      assert.equal(old.status, 200, old.text);
      assert.equal(old.text, 'PORT=8080\n', 'the file as it was at the first entry');
      assert.match(String(old.headers['content-disposition']), /web\.env/);
      const withoutFiles = await t.call({ url: `${MENU}/filter/journal/${web.parameter.uuid}/?file=no`, auth });
      assert.deepEqual(withoutFiles.body.data[0].file, {});
    });

    it('refuses a name without content, content without a name, bad base64, a bad name and content for another column, by row and column', async () => {
      const r = await t.call({
        method: 'POST',
        url: `${MENU}/maintenance/all/`,
        auth,
        body: [
          { type: 'Register', parameter: { name: 'a1', config: 'a.env' } },
          { type: 'Register', parameter: { name: 'a2' }, file: { config: b64('x') } },
          { type: 'Register', parameter: { name: 'a3', config: 'c.env' }, file: { config: 'not base64!' } },
          { type: 'Register', parameter: { name: 'a4', config: '../etc/passwd' }, file: { config: b64('x') } },
          { type: 'Register', parameter: { name: 'a5' }, file: { name: b64('x') } },
        ],
      });
      assertProblems(
        r,
        {
          '0': { config: /not been uploaded/ },
          '1': { config: /name the uploaded file/ },
          '2': { config: /base64/ },
          '3': { config: /file name/ },
          '4': { 'Individual check': /not file columns/ },
        },
        'five bad items',
      );
      const listed = await t.call({ url: `${MENU}/filter/count/`, auth });
      assert.equal(listed.body.data, 5, 'web, empty, db, cache, queue: nothing of the refused batch was kept');
    });

    it('a menu export carries the files (_files); importing it, or a workbook of it (names only), keeps them', async () => {
      const doc = await collectExport(t.deps.store.db, SEED.org1, SEED.ws1, ['configs']);
      const cache = doc.menus[0]!.records.find((r) => r.name === 'cache')!;
      assert.deepEqual(cache._files, { config: b64('TTL=60\n') });
      assert.equal(doc.menus[0]!.records.find((r) => r.name === 'empty')!._files, undefined, 'no file, no _files');

      const created = await t.call({
        method: 'POST',
        url: `/api/${SEED.org1}/platform/workspaces`,
        auth,
        body: { id: 'wsfiles', name: 'files', informations: { description: '', environments: [], workspace_administrators: [] } },
      });
      assert.equal(created.status, 200, created.text);
      const plan = planFromJson(Buffer.from(JSON.stringify(doc)));
      await t.deps.store.transaction('shared', (trx) => importPlan(trx, SEED.org1, 'wsfiles', plan, 'tester', true));
      const other = `/api/${SEED.org1}/workspaces/wsfiles/ita/menu/configs`;
      const copied = await t.call({ method: 'POST', url: `${other}/filter/`, auth, body: { name: { LIST: ['cache'] } } });
      const copy = copied.body.data[0];
      assert.equal(copy.file.config, b64('TTL=60\n'), 'the file came along');
      const download = await t.call({ url: `${other}/${copy.parameter.uuid}/config/file/`, auth });
      assert.equal(download.text, 'TTL=60\n');

      const broken = structuredClone(doc);
      (broken.menus[0]!.records[0] as Record<string, unknown>)._files = { name: b64('x') };
      assert.throws(() => planFromJson(Buffer.from(JSON.stringify(broken))), /_files\.name is not a file column/);

      // A workbook carries names only: re-importing it where the records are keeps their files.
      const workbook = await writeWorkbook(doc);
      const fromSheet = await planFromWorkbook(workbook);
      await t.deps.store.transaction('shared', (trx) => importPlan(trx, SEED.org1, SEED.ws1, fromSheet, 'tester', true));
      assert.equal((await find('cache')).file.config, b64('TTL=60\n'), 'the workbook import kept the file of the record it replaced');
    });

    it('read-only mode refuses a multipart write with 498 and keeps the file as it was', async () => {
      await setMaintenance(t, { data_update_stop: '1' });
      try {
        const form = await multipart([{ type: 'Register', parameter: { name: 'late', config: 'late.env' } }], { '0.config': 'LATE=1\n' });
        const r = await t.call({ method: 'POST', url: `${MENU}/maintenance/all/`, auth, ...form });
        assert.equal(r.status, 498, r.text);
        assert.equal(r.body.result, '498-00001');
        const download = await t.call({ url: `${MENU}/${(await find('cache')).parameter.uuid}/config/file/`, auth });
        assert.equal(download.status, 200, 'downloads are reads: served in read-only mode');
        assert.equal(download.text, 'TTL=60\n');
      } finally {
        await setMaintenance(t, { data_update_stop: '0' });
      }
    });
  });
}
