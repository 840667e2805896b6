import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppliedStep } from './migration.js';
import { splitForHandover } from './plan.js';

const step = (version: number, compatibility: AppliedStep['compatibility']): AppliedStep => ({ version, name: `step-${version}`, compatibility });

describe('splitForHandover: which pending steps run while the old release serves', () => {
  it('expand steps all run before the hand-over', () => {
    assert.deepEqual(splitForHandover([step(7, 'expand'), step(8, 'expand')]), { before: [step(7, 'expand'), step(8, 'expand')], after: [] });
    assert.deepEqual(splitForHandover([]), { before: [], after: [] });
  });

  it('contract steps at the end wait until the old release has exited', () => {
    assert.deepEqual(splitForHandover([step(7, 'expand'), step(8, 'contract'), step(9, 'contract')]), {
      before: [step(7, 'expand')],
      after: [step(8, 'contract'), step(9, 'contract')],
    });
  });

  it('an expand step after a contract step is refused, naming both and saying what to do', () => {
    const r = splitForHandover([step(7, 'expand'), step(8, 'contract'), step(9, 'expand')]);
    assert.ok('refusal' in r);
    assert.match(r.refusal, /step 8 \(step-8\) is a contract step/);
    assert.match(r.refusal, /expand step 9 \(step-9\) comes after it/);
    assert.match(r.refusal, /Upgrade to the release that introduced step 8 first/);
  });
});
