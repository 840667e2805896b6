import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecuteCheck, SettingView } from '../http/wire-types.js';
import { countedJobs, drainFinishChange, drainStartChange, maintenancePhase, resumePlan } from './drain-plan.js';

/** A setting as the API answers it, with the switches and drain record given. */
function setting(jobs: '0' | '1', readOnly: '0' | '1', prior: SettingView['drain_prior'] = null): SettingView {
  return {
    backyard_execute_stop: jobs,
    data_update_stop: readOnly,
    message: null,
    announced_end: null,
    message_ja: null,
    message_en: null,
    last_update_user: 'admin',
    last_update_timestamp: '2026-12-01T00:00:00.000000Z',
    drain_prior: prior,
  };
}
const OFF = { backyard_execute_stop: '0', data_update_stop: '0' } as const;

describe('the drain and resume plan (what drydock drain/resume and the console both send)', () => {
  it('a drain stops jobs recording what was on, and ends with read-only on', () => {
    assert.deepEqual(drainStartChange(), { backyard_execute_stop: '1', drain: 'start' });
    assert.deepEqual(drainFinishChange(), { data_update_stop: '1' });
  });

  it('resume turns off what the drain turned on, read-only first, and forgets the record with the last change', () => {
    const plan = resumePlan(setting('1', '1', OFF));
    assert.deepEqual(
      plan.steps.map((s) => [s.id, s.status, s.change]),
      [
        ['data_update_stop', 'Success', { data_update_stop: '0' }],
        ['backyard_execute_stop', 'Success', { backyard_execute_stop: '0', drain: 'end' }],
      ],
    );
    assert.deepEqual(plan.kept, []);
  });

  it('resume leaves on a switch that was on before the drain, and still forgets the record', () => {
    const plan = resumePlan(setting('1', '1', { backyard_execute_stop: '1', data_update_stop: '0' }));
    assert.deepEqual(
      plan.steps.map((s) => [s.id, s.status, s.change]),
      [
        ['data_update_stop', 'Success', { data_update_stop: '0' }],
        ['backyard_execute_stop', 'NotExecuted', { drain: 'end' }],
      ],
    );
    assert.deepEqual(plan.kept, ['backyard_execute_stop']);
  });

  it('without a recorded drain, resume turns every switch off and sends nothing for one already off', () => {
    const plan = resumePlan(setting('1', '0'));
    assert.deepEqual(
      plan.steps.map((s) => [s.id, s.status, s.change]),
      [
        ['data_update_stop', 'AlreadyDone', null],
        ['backyard_execute_stop', 'Success', { backyard_execute_stop: '0' }],
      ],
    );
  });

  it('names the phase: normal, stopping, draining (recorded, read-only not on), read-only', () => {
    assert.equal(maintenancePhase(setting('0', '0')), 'normal');
    assert.equal(maintenancePhase(setting('1', '0')), 'stopping');
    assert.equal(maintenancePhase(setting('1', '0', OFF)), 'draining');
    assert.equal(maintenancePhase(setting('1', '1', OFF)), 'read-only');
    assert.equal(maintenancePhase(setting('0', '1')), 'read-only');
    // A record left behind with jobs no longer stopped is no drain.
    assert.equal(maintenancePhase(setting('0', '0', OFF)), 'normal');
  });

  it('counts the jobs a drain waits for: not conductor rows', () => {
    const job = (id: string) => ({
      id,
      last_update_timestamp: '2026-12-01T00:00:00.000000Z',
      status_id: '3',
      status_name: 'Executing',
      lease_expired: false,
      started_at: '2026-12-01T00:00:00.000000Z',
    });
    const check = {
      execute_count: 1,
      organizations: [
        {
          id: 'o',
          execute_count: 1,
          workspaces: [{ id: 'w', execute_count: 1, backyards: { 'ita-by-ansible-execute': [job('a')], 'ita-by-conductor-synchronize': [job('c')] } }],
        },
      ],
      held_back_count: 0,
      held_back: [],
    } as unknown as ExecuteCheck;
    const counted = countedJobs(check, Date.parse('2026-12-01T00:00:10Z'));
    assert.deepEqual(
      counted.map((j) => [j.organization, j.workspace, j.backyard, j.id, j.ageSeconds]),
      [['o', 'w', 'ita-by-ansible-execute', 'a', 10]],
    );
  });
});
