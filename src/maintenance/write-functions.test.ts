import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WRITE_FUNCTIONS, refusalMessage, type WriteFunction } from './write-functions.js';

describe('refusal messages', () => {
  const functions = Object.keys(WRITE_FUNCTIONS) as WriteFunction[];

  it('give every write function its own 498 result code', () => {
    const codes = functions.map((fn) => WRITE_FUNCTIONS[fn].result);
    for (const code of codes) assert.match(code, /^498-\d{5}$/);
    assert.equal(new Set(codes).size, codes.length, 'one code per function');
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
