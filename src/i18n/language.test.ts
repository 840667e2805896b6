import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickLanguage } from './language.js';

describe('pickLanguage', () => {
  it("honours Exastro's Language header first", () => {
    assert.equal(pickLanguage('ja', undefined), 'ja');
    assert.equal(pickLanguage('ja-JP', undefined), 'ja');
    assert.equal(pickLanguage(' JA ', undefined), 'ja');
    assert.equal(pickLanguage('en', undefined), 'en');
    assert.equal(pickLanguage('fr', undefined), 'en', 'anything not Japanese is English');
    assert.equal(pickLanguage('en', 'ja'), 'en', 'Language wins over Accept-Language');
    assert.equal(pickLanguage('ja', 'en-US,en;q=0.9'), 'ja');
  });

  it('falls back to Accept-Language, then English', () => {
    assert.equal(pickLanguage(undefined, undefined), 'en');
    assert.equal(pickLanguage('', undefined), 'en');
    assert.equal(pickLanguage(undefined, ''), 'en');
    assert.equal(pickLanguage(undefined, 'ja'), 'ja');
    assert.equal(pickLanguage(undefined, 'ja-JP'), 'ja');
    assert.equal(pickLanguage(undefined, 'en-GB'), 'en');
    assert.equal(pickLanguage('', 'ja'), 'ja', 'an empty Language header is no header');
  });

  it('ranks Accept-Language by q-value, not by position', () => {
    assert.equal(pickLanguage(undefined, 'en-US,en;q=0.9,ja;q=0.8'), 'en');
    assert.equal(pickLanguage(undefined, 'en;q=0.1, ja;q=0.9'), 'ja');
    assert.equal(pickLanguage(undefined, 'ja;q=0.5, en;q=0.9'), 'en');
    assert.equal(pickLanguage(undefined, 'ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7'), 'ja', 'a typical Japanese browser');
    assert.equal(pickLanguage(undefined, 'en;q=0.8,ja'), 'ja', 'no q means 1');
    assert.equal(pickLanguage(undefined, 'en , ja'), 'en', 'equal q: the first listed wins');
  });

  it('skips languages it does not have and refused ones', () => {
    assert.equal(pickLanguage(undefined, 'fr, de;q=0.9, ja;q=0.5'), 'ja', 'the best language drydock speaks');
    assert.equal(pickLanguage(undefined, 'fr, de'), 'en');
    assert.equal(pickLanguage(undefined, 'ja;q=0, en;q=0.1'), 'en', 'q=0 means "not acceptable"');
    assert.equal(pickLanguage(undefined, 'ja;q=0'), 'en');
    assert.equal(pickLanguage(undefined, '*'), 'en');
    assert.equal(pickLanguage(undefined, 'fr, *;q=0.5, ja;q=0.4'), 'en', 'a wildcard ranked above ja means English');
  });

  it('survives malformed headers', () => {
    for (const header of [';;;', ',,,', 'ja;q=abc', ';q=1', 'q=0.5', '  ,ja;q=', 'x'.repeat(10_000)]) {
      const language = pickLanguage(undefined, header);
      assert.ok(language === 'ja' || language === 'en', header.slice(0, 20));
    }
    assert.equal(pickLanguage(undefined, 'ja;q=abc, en;q=0.5'), 'en', 'an unreadable q drops that entry');
  });
});
