import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WRITE_FUNCTIONS, refusalMessage, type WriteFunction } from './write-functions.js';

describe('refusal messages', () => {
  const functions = Object.keys(WRITE_FUNCTIONS) as WriteFunction[];

  it('give every write function a 498 result code (Exastro’s for it: test/api-read-only.test.ts checks each)', () => {
    for (const fn of functions) assert.match(WRITE_FUNCTIONS[fn].result, /^498-\d{5}$/, fn);
  });

  it('are written in the language asked for and name the refused function', () => {
    for (const fn of functions) {
      const en = refusalMessage(fn, 'en');
      const ja = refusalMessage(fn, 'ja');
      assert.ok(en.includes(WRITE_FUNCTIONS[fn].en), en);
      assert.match(en, /maintenance/);
      assert.ok(ja.includes(WRITE_FUNCTIONS[fn].ja), ja);
      assert.match(ja, /メンテナンス/);
      assert.doesNotMatch(ja, /[A-Za-z]{12,}/, 'the Japanese message is not English');
    }
    assert.notEqual(refusalMessage('menu_record_maintenance', 'en'), refusalMessage('menu_definition', 'en'));
  });
});
