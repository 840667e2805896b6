/**
 * Every status the console shows belongs to an outcome family (web/src/components/outcome.ts), which
 * decides its badge's colour and symbol. The statuses are read from where they are defined — the
 * backyard kinds' status families (src/backyard/kinds/, Exastro's ids and names) and the fleet's
 * answer schemas (src/http/wire/fleet.ts) — so a status added there without a family fails here.
 * The badges themselves are checked in Chromium by test/console-outcomes.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backyardKinds } from '../src/backyard/kinds/registry.js';
import { FAMILY_NAMES, notStartedStatuses, statusFamily, terminalStatuses } from '../src/backyard/kinds/status-families.js';
import { phaseCellSchema, runPairStateSchema, runStateSchema } from '../src/http/wire/fleet.js';
import {
  CELL_OUTCOMES,
  familyStatusOutcome,
  isPausedStatus,
  jobOutcome,
  OUTCOME_SYMBOL,
  OUTCOMES,
  PAIR_OUTCOMES,
  runOutcome,
  type Outcome,
} from '../web/src/components/outcome.js';

const ENDED: readonly Outcome[] = ['succeeded', 'partial', 'failed', 'stopped'];

describe('outcome families of job statuses', () => {
  for (const family of FAMILY_NAMES) {
    const f = statusFamily(family);
    it(`maps every status of the ${family} family (ids and Exastro's ja/en names) to a family`, () => {
      for (const [key, id] of Object.entries(f.status)) {
        const outcome = familyStatusOutcome(family, id);
        const names = (f.names as Record<string, { ja: string; en: string }>)[key];
        assert.ok(outcome && OUTCOMES.includes(outcome), `${family} ${id} ${names?.en} (${names?.ja}) has no outcome family`);
        assert.ok(names?.ja && names.en, `${family} ${id} has its names in both languages`);
      }
    });

    it(`gives the ${family} family's statuses the family their lifecycle says`, () => {
      for (const id of notStartedStatuses(family)) assert.equal(familyStatusOutcome(family, id), 'waiting', `${family} ${id} has not started`);
      for (const id of f.inFlight) {
        const o = familyStatusOutcome(family, id);
        assert.ok(o === 'running' || (o === 'waiting' && isPausedStatus(kindOfFamily(family), id)), `${family} ${id} is in flight: ${o}`);
      }
      for (const id of terminalStatuses(family)) {
        assert.ok(ENDED.includes(familyStatusOutcome(family, id)!), `${family} ${id} is an end, not ${familyStatusOutcome(family, id)}`);
      }
      // Where a job whose worker died ends is a failure; an emergency stop is a stop — neither looks like success.
      assert.equal(familyStatusOutcome(family, f.lost), 'failed');
      if (f.emergencyStop !== null) assert.equal(familyStatusOutcome(family, f.emergencyStop), 'stopped');
    });
  }

  it("maps every backyard kind's statuses through its name, as the lists have them", () => {
    for (const kind of backyardKinds()) {
      for (const id of Object.values(statusFamily(kind.family).status)) {
        assert.ok(jobOutcome(kind.name, id), `${kind.name} ${id}`);
      }
    }
  });

  it("knows Exastro's failures as failures and never shows one as success", () => {
    assert.equal(jobOutcome('ita-by-ansible-execute', '5'), 'succeeded'); // 完了 Completed
    assert.equal(jobOutcome('ita-by-ansible-execute', '6'), 'failed'); // 完了(異常) Completed (error)
    assert.equal(jobOutcome('ita-by-ansible-execute', '7'), 'failed'); // 想定外エラー Unexpected error
    assert.equal(jobOutcome('ita-by-ansible-execute', '8'), 'stopped'); // 緊急停止 Emergency stop
    assert.equal(jobOutcome('ita-by-conductor-synchronize', '7'), 'failed'); // 異常終了 Abend
    assert.equal(jobOutcome('ita-by-conductor-synchronize', '8'), 'partial'); // 警告終了 Warning end
    assert.equal(jobOutcome('ita-by-menu-create', '4'), 'failed'); // 完了(異常)
  });

  it('leaves a status or backyard it does not know without a family (the badge shows it as sent, with ?)', () => {
    assert.equal(jobOutcome('ita-by-ansible-execute', '99'), undefined);
    assert.equal(jobOutcome('ita-by-no-such-kind', '1'), undefined);
  });
});

describe('outcome families of fleet states', () => {
  it('maps every run state, pair state and phase cell the API may send to a family', () => {
    for (const state of runStateSchema.options) assert.ok(runOutcome(state), `run ${state}`);
    for (const state of runPairStateSchema.options) assert.ok(PAIR_OUTCOMES[state], `pair ${state}`);
    for (const cell of phaseCellSchema.options) assert.ok(CELL_OUTCOMES[cell], `cell ${cell}`);
  });

  it('shows a run completed with failed pairs as partial (amber), one whose every pair is done as succeeded', () => {
    assert.equal(runOutcome('completed', { done: 7, failed: 1, total: 8 }), 'partial');
    assert.equal(runOutcome('completed', { done: 8, failed: 0, total: 8 }), 'succeeded');
    assert.equal(runOutcome('failed', { done: 0, failed: 8, total: 8 }), 'failed');
    assert.equal(runOutcome('halted', { done: 1, failed: 3, total: 8 }), 'stopped');
  });

  it('gives every family its own symbol', () => {
    assert.equal(new Set(OUTCOMES.map((o) => OUTCOME_SYMBOL[o])).size, OUTCOMES.length);
  });
});

/** A backyard kind of a family (for the pause check, which goes by kind). */
function kindOfFamily(family: string): string {
  return backyardKinds().find((k) => k.family === family)!.name;
}
