/**
 * How the job page reads a log (web/src/pages/jobs/log-lines.ts): which lines are errors — Ansible's
 * `fatal:`/`failed:` (not when `...ignoring` follows), `ERROR`, a PLAY RECAP line counting failures,
 * Terraform's `Error:` — the line the failure summary points at with its task and host, the search,
 * and the downloaded file's name. The log below is ansible-playbook's own output (core 2.14).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyLog,
  firstErrorLine,
  highlightParts,
  hostOf,
  isErrorLine,
  logFileName,
  matchingLines,
  splitLog,
  taskOf,
} from '../web/src/pages/jobs/log-lines.js';

const ANSIBLE = [
  '',
  'PLAY [all] *********************************************************************',
  '',
  'TASK [ok step] *****************************************************************',
  'changed: [localhost]',
  '',
  'TASK [ignored] *****************************************************************',
  'fatal: [localhost]: FAILED! => {"changed": true, "cmd": ["/bin/false"], "msg": "non-zero return code", "rc": 1}',
  '...ignoring',
  '',
  'TASK [install the package] *****************************************************',
  'fatal: [web-1]: FAILED! => {"changed": true, "cmd": ["/bin/false"], "msg": "non-zero return code", "rc": 1}',
  '',
  'PLAY RECAP *********************************************************************',
  'localhost                  : ok=2    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=1   ',
  'web-1                      : ok=0    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   ',
  '',
].join('\n');

describe("a job log's lines", () => {
  it('marks a failed task, not one the playbook ignored, and the PLAY RECAP line of the host that failed', () => {
    const lines = classifyLog(ANSIBLE);
    const marked = lines.filter((l) => l.error).map((l) => l.no);
    assert.deepEqual(marked, [12, 16]);
    assert.match(lines[11]!.text, /^fatal: \[web-1\]/);
    assert.equal(lines[14]!.error, false, 'failed=0 is no error');
  });

  it('points the failure summary at the first failure itself (not the recap), with its task and host', () => {
    const lines = classifyLog(ANSIBLE);
    const first = firstErrorLine(lines)!;
    assert.equal(first.no, 12);
    assert.equal(taskOf(lines, first), 'install the package');
    assert.equal(hostOf(first), 'web-1');
    // With only the recap marked, the recap it is.
    const recapOnly = classifyLog('PLAY RECAP ***\nweb-1 : ok=1 changed=0 unreachable=1 failed=0 skipped=0\n');
    assert.equal(firstErrorLine(recapOnly)?.no, 2);
    assert.equal(firstErrorLine(classifyLog('all good\n')), undefined);
  });

  it("marks ERROR in capitals, a failed loop item, and Terraform's Error (inside its box too), but not a word that contains ERROR", () => {
    assert.equal(isErrorLine('ERROR! the playbook: site.yml could not be found'), true);
    assert.equal(isErrorLine('[ERROR]: Task failed: Module failed'), true);
    assert.equal(isErrorLine('2026-12-04 10:00:01 ERROR connection refused'), true);
    assert.equal(isErrorLine('failed: [web-1] (item=nginx) => {"msg": "No package matching"}'), true);
    assert.equal(isErrorLine('│ Error: Invalid reference'), true);
    assert.equal(isErrorLine('Error: No configuration files'), true);
    assert.equal(isErrorLine('LOG_ERRORS=0'), false);
    assert.equal(isErrorLine('no errors here'), false);
    assert.equal(isErrorLine('ok: [localhost] => {"msg": "failed=3 in a message"}'), false);
    assert.equal(isErrorLine('fatal: [localhost]: FAILED! => {}', '...ignoring'), false);
  });

  it('splits lines on any newline and numbers them from 1; an empty log has none', () => {
    assert.deepEqual(splitLog(''), []);
    assert.deepEqual(splitLog('a\r\nb\rc\n'), ['a', 'b', 'c']);
    assert.deepEqual(
      classifyLog('x\n\ny').map((l) => l.no),
      [1, 2, 3],
    );
  });

  it('finds the lines containing a text, ignoring case, and cuts a line around each occurrence', () => {
    const lines = classifyLog(ANSIBLE);
    assert.deepEqual(matchingLines(lines, 'TASK ['), [4, 7, 11]);
    assert.deepEqual(matchingLines(lines, 'WEB-1'), [12, 16]);
    assert.deepEqual(matchingLines(lines, '   '), []);
    assert.deepEqual(highlightParts('Fatal and fatal', 'fatal'), [
      { text: 'Fatal', match: true },
      { text: ' and ', match: false },
      { text: 'fatal', match: true },
    ]);
    assert.deepEqual(highlightParts('abc', ''), [{ text: 'abc', match: false }]);
  });

  it('names a downloaded log after its movement and the first characters of its id, safely', () => {
    assert.equal(logFileName('deploy-web', '965dfd15-aaaa-bbbb'), 'deploy-web-965dfd15.log');
    assert.equal(logFileName('ウェブ 配備/本番', '965dfd15-aaaa'), 'ウェブ_配備_本番-965dfd15.log');
    assert.equal(logFileName(undefined, '965dfd15-aaaa'), 'job-965dfd15.log');
    assert.equal(logFileName('../..', '965dfd15'), '.._..-965dfd15.log');
  });
});
