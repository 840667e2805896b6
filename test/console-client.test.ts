/**
 * The console's API client, as plain functions: how it words a refusal it shows. (The pages that
 * show them are driven in Chromium by test/console.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readableMessage } from '../web/src/api/client.js';

describe("the console's refusal messages", () => {
  it('shows the problems of records (499-00201) one per line, rows counted from 1 as on screen', () => {
    const message = JSON.stringify({
      '0': { host: ['is required'], port: ['must be an integer'] },
      '2': { 'Individual check': ['The record was updated by alice'] },
    });
    assert.equal(
      readableMessage('499-00201', message),
      '#1 host: is required\n#1 port: must be an integer\n#3 Individual check: The record was updated by alice',
    );
  });

  it('leaves every other message as the server wrote it, and a 499-00201 that is not JSON too', () => {
    assert.equal(readableMessage('498-00001', 'メンテナンス中のため…'), 'メンテナンス中のため…');
    assert.equal(readableMessage('499-00201', 'not JSON'), 'not JSON');
    assert.equal(readableMessage('499-00201', '"a string"'), '"a string"');
  });
});
