/**
 * Exastro's per-menu Excel (`…/menu/{menu}/excel/`, `excel/format/`, `excel/journal/`,
 * `excel/maintenance/`) on both stores, as an operator uses it: download the menu's records,
 * mark rows in `_type` in the workbook (with exceljs, as Excel would save it), upload it as the
 * multipart form Exastro's web UI sends or as base64, and read the records back; a stale row,
 * a wrong `_type` and a file that is no workbook are refused with what to fix; read-only mode
 * refuses the upload and serves the downloads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { ITA1, SEED, seedTenants, setMaintenance, startTestApp, type CallResult, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { multipartBody } from './support/multipart.js';

const MENU = `${ITA1}/menu/hosts_xl`;
const auth = SEED.member1;

async function workbookOf(r: CallResult): Promise<ExcelJS.Workbook> {
  assert.equal(r.status, 200, r.text);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.raw! as unknown as ArrayBuffer);
  return wb;
}

/** A sheet as rows of header → cell value (row 1 is the header). */
function rowsOf(sheet: ExcelJS.Worksheet): Array<Record<string, unknown>> {
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Array<Record<string, unknown>> = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
  });
  return rows;
}

/** The workbook as Exastro's web UI uploads it: a multipart form with the file as `excel`. */
async function multipartWorkbook(wb: ExcelJS.Workbook): Promise<{ headers: Record<string, string>; payload: Buffer }> {
  const form = new FormData();
  form.append('excel', new Blob([Buffer.from(await wb.xlsx.writeBuffer())]), 'hosts_xl.xlsx');
  return multipartBody(form);
}

for (const backend of BACKENDS) {
  describe(`per-menu Excel (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      const defined = await t.call({
        method: 'POST',
        url: `${ITA1}/menu/`,
        auth: SEED.manager1,
        body: {
          menu: 'hosts_xl',
          title: 'Hosts',
          columns: [
            { name: 'host', type: 'string', required: true, unique: true },
            { name: 'os_version', type: 'string' },
            { name: 'cpus', type: 'integer' },
            { name: 'patched_on', type: 'date' },
          ],
        },
      });
      assert.equal(defined.status, 200, defined.text);
      const registered = await t.call({
        method: 'POST',
        url: `${MENU}/maintenance/all/`,
        auth,
        body: [
          { type: 'Register', parameter: { host: 'web1', os_version: '8.10', cpus: 4, patched_on: '2026/11/30' } },
          { type: 'Register', parameter: { host: 'web2', os_version: '9.4', cpus: 2 } },
          { type: 'Register', parameter: { host: 'old', os_version: '7.9', cpus: 1 } },
        ],
      });
      assert.equal(registered.status, 200, registered.text);
      const old = await find('old');
      const discarded = await t.call({
        method: 'PATCH',
        url: `${MENU}/maintenance/${old.uuid}/`,
        auth,
        body: { parameter: { discard: '1', last_update_date_time: old.last_update_date_time } },
      });
      assert.equal(discarded.status, 200, discarded.text);
    });
    after(async () => t?.close());

    async function find(host: string): Promise<Record<string, any>> {
      const r = await t.call({ method: 'POST', url: `${MENU}/filter/`, auth, body: { host: { NORMAL: host } } });
      assert.equal(r.status, 200, r.text);
      return r.body.data[0]?.parameter;
    }

    it("downloads the menu's records as a workbook: _type first, cells typed, discarded records too; base64 without ?file=binary", async () => {
      const r = await t.call({ url: `${MENU}/excel/?file=binary`, auth });
      assert.equal(r.headers['content-type'], 'application/octet-stream');
      assert.match(String(r.headers['content-disposition']), /^attachment; filename\*=UTF-8''hosts_xl_\d{14}\.xlsx$/);
      const sheet = (await workbookOf(r)).getWorksheet('hosts_xl')!;
      assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1), [
        '_type',
        'uuid',
        'discard',
        'host',
        'os_version',
        'cpus',
        'patched_on',
        'remarks',
        'last_update_date_time',
        'last_updated_user',
      ]);
      const rows = rowsOf(sheet);
      assert.deepEqual(
        rows.map((x) => [x._type, x.host, x.discard, x.os_version, x.cpus]),
        [
          [null, 'web1', '0', '8.10', 4],
          [null, 'web2', '0', '9.4', 2],
          [null, 'old', '1', '7.9', 1],
        ],
        '"8.10" stays text, cpus are numbers, the discarded record is there',
      );
      assert.ok(rows[0]!.patched_on instanceof Date, 'a date column is a date cell');
      assert.deepEqual(sheet.getCell('A2').dataValidation.formulae, ['"Register,Update,Discard,Restore"'], '_type offers its list');

      const b64 = await t.call({ url: `${MENU}/excel/`, auth });
      assert.equal(b64.status, 200, b64.text);
      const again = new ExcelJS.Workbook();
      await again.xlsx.load(Buffer.from(b64.body.data, 'base64') as unknown as ArrayBuffer);
      assert.equal(rowsOf(again.getWorksheet('hosts_xl')!).length, 3);
    });

    it('POST excel/ answers the records a filter finds; excel/format/ the header alone', async () => {
      const filtered = rowsOf(
        (await workbookOf(await t.call({ method: 'POST', url: `${MENU}/excel/?file=binary`, auth, body: { host: { LIST: ['web2'] } } }))).worksheets[0]!,
      );
      assert.deepEqual(
        filtered.map((x) => x.host),
        ['web2'],
      );
      const unknown = await t.call({ method: 'POST', url: `${MENU}/excel/`, auth, body: { hots: { NORMAL: 'x' } } });
      assert.equal(unknown.status, 400, unknown.text);
      assert.match(unknown.body.message, /hots/);

      const format = await t.call({ url: `${MENU}/excel/format/?file=binary`, auth });
      assert.match(String(format.headers['content-disposition']), /hosts_xl_format_\d{14}\.xlsx/);
      const sheet = (await workbookOf(format)).worksheets[0]!;
      assert.equal(rowsOf(sheet).length, 0, 'no records');
      assert.equal(sheet.getCell('A1').value, '_type');
    });

    it('applies the rows marked in _type, all or nothing, from the multipart form: Register, Update, Discard, Restore; other rows untouched', async () => {
      const wb = await workbookOf(await t.call({ url: `${MENU}/excel/?file=binary`, auth }));
      const sheet = wb.getWorksheet('hosts_xl')!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
      const col = (name: string) => header.indexOf(name) + 1;
      // Row 2: web1 updated; row 3: web2 left alone; row 4: old restored; row 5: a new host (in Japanese).
      sheet.getCell(2, col('_type')).value = 'Update';
      sheet.getCell(2, col('os_version')).value = '8.10.1';
      sheet.getCell(2, col('cpus')).value = 8;
      sheet.getCell(4, col('_type')).value = 'Restore';
      sheet.getCell(5, col('_type')).value = '登録';
      sheet.getCell(5, col('host')).value = 'db1';
      sheet.getCell(5, col('cpus')).value = 16;
      sheet.getCell(5, col('patched_on')).value = new Date(Date.UTC(2026, 11, 1));
      const web2Before = await find('web2');

      const r = await t.call({ method: 'POST', url: `${MENU}/excel/maintenance/`, auth, ...(await multipartWorkbook(wb)) });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual({ ...r.body.data, IdList: undefined }, { Register: 1, Update: 1, Restore: 1, Discard: 0, Delete: 0, IdList: undefined });
      assert.equal(r.body.data.IdList.length, 3);

      const web1 = await find('web1');
      assert.equal(web1.os_version, '8.10.1');
      assert.equal(web1.cpus, 8);
      assert.equal(web1.patched_on, '2026/11/30', 'an unchanged date cell is read back as the same date');
      assert.equal((await find('old')).discard, '0');
      const db1 = await find('db1');
      assert.equal(db1.cpus, 16);
      assert.equal(db1.patched_on, '2026/12/01');
      assert.deepEqual(await find('web2'), web2Before, 'a row without _type is not touched');

      // The same workbook again: web1 changed since it was downloaded → refused, per workbook row, nothing applied.
      const stale = await t.call({ method: 'POST', url: `${MENU}/excel/maintenance/`, auth, ...(await multipartWorkbook(wb)) });
      assert.equal(stale.status, 499, stale.text);
      assert.equal(stale.body.result, '499-00201');
      const problems = JSON.parse(stale.body.message);
      assert.match(JSON.stringify(problems['2']), /updated by/, `the problem names workbook row 2: ${stale.body.message}`);
      assert.equal((await find('web1')).os_version, '8.10.1');
    });

    it('takes the workbook as base64 too; refuses a wrong _type, a workbook without _type rows, and what is no workbook, saying what to fix', async () => {
      const wb = await workbookOf(await t.call({ url: `${MENU}/excel/format/?file=binary`, auth }));
      const sheet = wb.worksheets[0]!;
      sheet.getCell('A2').value = 'Discard';
      sheet.getCell('B2').value = (await find('web2')).uuid;
      sheet.getCell('E2').value = 'Upsert';
      sheet.getRow(3).values = ['Insert', null, null, 'x1'];
      const wrong = await t.call({
        method: 'POST',
        url: `${MENU}/excel/maintenance/`,
        auth,
        body: { excel: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') },
      });
      assert.equal(wrong.status, 400, wrong.text);
      assert.match(wrong.body.message, /row 3 _type: "Insert" is none of Register, Update, Discard, Restore/);

      const empty = await t.call({
        method: 'POST',
        url: `${MENU}/excel/maintenance/`,
        auth,
        body: {
          excel: Buffer.from(await (await workbookOf(await t.call({ url: `${MENU}/excel/format/?file=binary`, auth }))).xlsx.writeBuffer()).toString('base64'),
        },
      });
      assert.equal(empty.status, 400, empty.text);
      assert.match(empty.body.message, /no row to apply: write Register, Update, Discard or Restore/);
      const emptyJa = await t.call({
        method: 'POST',
        url: `${MENU}/excel/maintenance/`,
        auth,
        headers: { 'accept-language': 'ja' },
        body: {
          excel: Buffer.from(await (await workbookOf(await t.call({ url: `${MENU}/excel/format/?file=binary`, auth }))).xlsx.writeBuffer()).toString('base64'),
        },
      });
      assert.match(emptyJa.body.message, /反映する行がありません/, 'in the caller’s language');

      const notXlsx = await t.call({ method: 'POST', url: `${MENU}/excel/maintenance/`, auth, body: { excel: Buffer.from('host,cpus\n').toString('base64') } });
      assert.equal(notXlsx.status, 400, notXlsx.text);
      assert.match(notXlsx.body.message, /not an \.xlsx workbook/);
      const notBase64 = await t.call({ method: 'POST', url: `${MENU}/excel/maintenance/`, auth, body: { excel: 'not base64!' } });
      assert.equal(notBase64.status, 400, notBase64.text);
      assert.match(notBase64.body.message, /base64/);
      assert.equal((await find('web2')).discard, '0', 'nothing was applied');
    });

    it("excel/journal/ holds every record's history, newest first, with its action", async () => {
      const sheet = (await workbookOf(await t.call({ url: `${MENU}/excel/journal/?file=binary`, auth }))).worksheets[0]!;
      assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1, 5), ['journal_id', 'journal_datetime', 'journal_action', 'uuid']);
      const rows = rowsOf(sheet);
      const web1 = rows.filter((x) => x.host === 'web1');
      assert.deepEqual(
        web1.map((x) => [x.journal_action, x.os_version]),
        [
          ['UPDATE', '8.10.1'],
          ['INSERT', '8.10'],
        ],
      );
      const times = rows.map((x) => String(x.journal_datetime));
      assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    });

    it('read-only mode refuses the upload with 498-00001 and serves every download', async () => {
      const wb = await workbookOf(await t.call({ url: `${MENU}/excel/format/?file=binary`, auth }));
      wb.worksheets[0]!.getRow(2).values = ['Register', null, null, 'ro-host'];
      await setMaintenance(t, { data_update_stop: '1' });
      try {
        const refused = await t.call({ method: 'POST', url: `${MENU}/excel/maintenance/`, auth, ...(await multipartWorkbook(wb)) });
        assert.equal(refused.status, 498, refused.text);
        assert.equal(refused.body.result, '498-00001');
        for (const path of ['excel/', 'excel/format/', 'excel/journal/']) {
          const r = await t.call({ url: `${MENU}/${path}`, auth });
          assert.equal(r.status, 200, `${path}: ${r.text}`);
        }
        const filtered = await t.call({ method: 'POST', url: `${MENU}/excel/`, auth, body: {} });
        assert.equal(filtered.status, 200, filtered.text);
      } finally {
        await setMaintenance(t, { data_update_stop: '0' });
      }
      assert.equal(await find('ro-host'), undefined);
    });
  });
}
