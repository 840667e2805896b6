/**
 * What the system state page sends and says, as plain functions (the page itself is driven in
 * Chromium by test/console-maintenance.test.ts): the banner message a viewer sees, the form's
 * messages and changes, the PATCH body (both messages when either changes, so a message kept from
 * Exastro's single `message` stays), and who last changed each switch ("never changed" only when no
 * entry of the whole history changed it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEntry } from '../src/http/wire-types.js';
import { bannerMessage } from '../web/src/maintenance/banner-message.js';
import { currentMessages, lastChanges, messageChanges, messagesBody } from '../web/src/pages/settings/setting-rules.js';

const entry = (id: number, before: Partial<AuditEntry['before']>, after: Partial<AuditEntry['after']>): AuditEntry => ({
  id,
  changed_at: '2026-12-01T00:00:00.000000Z',
  changed_by: `user${id}`,
  before: { message: null, announced_end: null, ...before },
  after: { message: null, announced_end: null, ...after },
});

describe('the system state page’s rules', () => {
  it('a viewer sees the message of their language, else the other one, else Exastro’s single message', () => {
    assert.equal(bannerMessage({ message: 'J', message_ja: 'J', message_en: 'E' }, 'en'), 'E');
    assert.equal(bannerMessage({ message: 'J', message_ja: 'J', message_en: 'E' }, 'ja'), 'J');
    assert.equal(bannerMessage({ message: 'J', message_ja: 'J', message_en: null }, 'en'), 'J');
    assert.equal(bannerMessage({ message: 'E', message_ja: null, message_en: 'E' }, 'ja'), 'E');
    assert.equal(bannerMessage({ message: 'from Exastro', message_ja: null, message_en: null }, 'en'), 'from Exastro');
    // A server before per-language messages answers `message` alone.
    assert.equal(bannerMessage({ message: 'old' }, 'ja'), 'old');
    assert.equal(bannerMessage({ message: null, message_ja: null, message_en: null }, 'ja'), null);
  });

  it('the form shows Exastro’s single message as the Japanese one, and saving a change sends both', () => {
    const now = currentMessages({ message: 'from Exastro', message_ja: null, message_en: null });
    assert.deepEqual(now, { ja: 'from Exastro', en: '' });
    const next = { ...now, en: ' In English ' };
    assert.deepEqual(messageChanges(now, next), [{ kind: 'message', language: 'en', value: 'In English' }]);
    assert.deepEqual(messagesBody(next), { message_ja: 'from Exastro', message_en: 'In English' });
    // Spaces alone are no change; an emptied message is cleared, and sent as null.
    assert.deepEqual(messageChanges(now, { ...now, ja: 'from Exastro  ' }), []);
    assert.deepEqual(messageChanges({ ja: 'J', en: '' }, { ja: '', en: '' }), [{ kind: 'messageCleared', language: 'ja' }]);
    assert.deepEqual(messagesBody({ ja: ' ', en: '' }), { message_ja: null, message_en: null });
    // A server before per-language messages answers `message` alone.
    assert.deepEqual(currentMessages({ message: 'old' }), { ja: 'old', en: '' });
  });

  it('says a switch was never changed only when the whole history has no change of it', () => {
    const history = [
      entry(3, { data_update_stop: false }, { data_update_stop: true }),
      entry(2, { backyard_execute_stop: false }, { backyard_execute_stop: false }),
    ];
    // The whole history: read-only changed by user3; jobs never.
    const whole = lastChanges(history, true);
    assert.equal(whole.data_update_stop?.changed_by, 'user3');
    assert.equal(whole.backyard_execute_stop, null);
    // Only the newest entries: not known yet, so not "never".
    assert.equal(lastChanges(history, false).backyard_execute_stop, undefined);
    // Not loaded yet: nothing is said.
    assert.equal(lastChanges(undefined, true).data_update_stop, undefined);
    // An entry from before a switch existed does not name it: it was off, no change.
    assert.equal(lastChanges([entry(1, {}, {})], true).backyard_execute_stop, null);
  });
});
