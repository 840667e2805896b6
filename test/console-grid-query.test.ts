/**
 * What the records grid asks the API for (web/src/pages/records/grid-query.ts), as plain functions:
 * the filter body and page query an Exastro client would send, the query kept in the page's
 * address, and which values are set in monospace. (The grid itself is driven in Chromium by
 * test/console-records.test.ts, which checks it shows what the API answers.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Column } from '../src/http/wire-types.js';
import { FIRST_QUERY, filterBody, fromSearch, looksLikeCode, pageQuery, toSearch, type GridQuery } from '../web/src/pages/records/grid-query.js';

const COLUMNS: Column[] = [
  { name: 'host', type: 'string', required: true, unique: true },
  { name: 'port', type: 'integer', required: false, unique: false },
  { name: 'enabled', type: 'boolean', required: false, unique: false },
  { name: 'since', type: 'date', required: false, unique: false },
  { name: 'seen', type: 'datetime', required: false, unique: false },
];

const query = (over: Partial<GridQuery>): GridQuery => ({ ...FIRST_QUERY, ...over });

describe("the records grid's query", () => {
  it('sends each filter as Exastro does: NORMAL contains, LIST exact or one of, RANGE with the stored date form; discarded left out unless asked', () => {
    const filters = new Map<string, import('../web/src/pages/records/grid-query.js').ColumnFilter>([
      ['host', { kind: 'text', mode: 'contains', text: ' web ' }],
      ['port', { kind: 'range', from: '80', to: '' }],
      ['enabled', { kind: 'list', values: ['true'] }],
      ['since', { kind: 'range', from: '2025-01-01', to: '2025-06-30' }],
      ['seen', { kind: 'range', from: '', to: '2026-12-04T10:30' }],
    ]);
    assert.deepEqual(filterBody(COLUMNS, query({ filters })), {
      host: { NORMAL: 'web' },
      port: { RANGE: { START: 80 } },
      enabled: { LIST: ['true'] },
      since: { RANGE: { START: '2025/01/01', END: '2025/06/30' } },
      seen: { RANGE: { END: '2026/12/04 10:30:59' } },
      discard: { LIST: ['0'] },
    });
    const exact = new Map([['host', { kind: 'text', mode: 'exact', text: 'web-1' } as const]]);
    assert.deepEqual(filterBody(COLUMNS, query({ filters: exact, showDiscarded: true })), { host: { LIST: ['web-1'] } });
    const empty = new Map([['host', { kind: 'text', mode: 'contains', text: '  ' } as const]]);
    assert.deepEqual(filterBody(COLUMNS, query({ filters: empty })), { discard: { LIST: ['0'] } }, 'an empty filter filters nothing');
  });

  it('asks for one page in the chosen order, without the files', () => {
    assert.equal(pageQuery(query({ page: 2, pageSize: 100, sort: { column: 'port', descending: true } })), '?file=no&limit=100&offset=200&sort=-port');
    assert.equal(pageQuery(FIRST_QUERY), '?file=no&limit=50&offset=0');
  });

  it('keeps the query in the address and reads it back; what it cannot read stays at the first query', () => {
    const q = query({
      page: 3,
      pageSize: 100,
      sort: { column: 'port', descending: true },
      showDiscarded: true,
      filters: new Map([
        ['host', { kind: 'text', mode: 'contains', text: 'web & db' }],
        ['port', { kind: 'range', from: '80', to: '443' }],
        ['enabled', { kind: 'list', values: ['false'] }],
      ]),
    });
    const search = toSearch(q);
    assert.equal(search, '?page=4&size=100&sort=-port&discarded=1&f.host=%7Eweb+%26+db&f.port=80..443&f.enabled=in%3Afalse');
    assert.deepEqual(fromSearch(search), q);
    assert.equal(toSearch(FIRST_QUERY), '', 'the first query writes nothing');
    assert.deepEqual(fromSearch('?page=0&size=7&sort=a%20b&f.x=plain'), FIRST_QUERY);
  });

  it('sets code, YAML and addresses in monospace, and prose not', () => {
    for (const code of [
      '10.0.1.7',
      '192.168.0.0/16',
      '10.0.0.1:8080',
      'fe80::1',
      '::1',
      'https://example.com/x',
      '/etc/hosts',
      '- hosts: all\n  tasks: []',
      '{"a": 1}',
    ]) {
      assert.equal(looksLikeCode(code), true, code);
    }
    for (const prose of ['RHEL 8.10', 'web-1.example.com', 'Windows Server 2022', '2.4.9', 'a: b']) assert.equal(looksLikeCode(prose), false, prose);
  });
});
