/**
 * The arithmetic behind the console's charts (web/src/components/charts/), without a browser: the
 * count axis's whole-number ticks, time ticks on round instants of the local clock and how they are
 * labelled, the series styles (never colour alone), and a fleet run's progress per phase from its
 * run view and step log.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FleetRunView, FleetStep } from '../src/http/wire-types.js';
import { phaseProgress } from '../web/src/components/charts/phase-progress.js';
import { clockFormatter, countAxis, indexOfMax, linear, tickFormatter, timeTicks } from '../web/src/components/charts/scales.js';
import { seriesStyle } from '../web/src/components/charts/series-style.js';

const MINUTE = 60_000;

describe('chart scales', () => {
  it('maps a domain onto pixels, a flat domain without dividing by zero', () => {
    const x = linear([10, 20], [0, 100]);
    assert.deepEqual([x(10), x(15), x(20)], [0, 50, 100]);
    assert.equal(linear([5, 5], [0, 100])(5), 0);
  });

  it('gives counts whole-number ticks from 0, at least up to 1', () => {
    assert.deepEqual(countAxis(0), { top: 1, ticks: [0, 1] });
    assert.deepEqual(countAxis(1), { top: 1, ticks: [0, 1] });
    assert.deepEqual(countAxis(3), { top: 3, ticks: [0, 1, 2, 3] });
    const big = countAxis(15);
    assert.ok(big.top >= 15 && big.ticks.every((v) => Number.isInteger(v)) && big.ticks.at(-1) === big.top, JSON.stringify(big));
  });

  it('puts time ticks on round instants of the local clock, no more than asked', () => {
    const start = Date.UTC(2026, 11, 4, 18, 1, 30);
    const hour = timeTicks(start, start + 60 * MINUTE, 7);
    assert.equal(hour.step, 10 * MINUTE);
    assert.ok(hour.ticks.length <= 7 && hour.ticks.length >= 5);
    for (const t of hour.ticks) {
      assert.equal((t - new Date(t).getTimezoneOffset() * -MINUTE) % hour.step, 0, new Date(t).toString());
      assert.ok(t >= start && t <= start + 60 * MINUTE);
    }
    const seconds = timeTicks(start, start + 8_000, 10);
    assert.equal(seconds.step, 1000);
    assert.equal(seconds.ticks.length, 9);
    assert.deepEqual(timeTicks(start, start, 5).ticks, []);
    const days = timeTicks(start, start + 30 * 24 * 60 * MINUTE, 4);
    assert.ok(days.ticks.length <= 4 && days.step % (24 * 60 * MINUTE) === 0);
  });

  it('labels instants with a 24-hour clock, seconds when ticks are seconds apart, the date beyond a day', () => {
    const t = Date.UTC(2026, 11, 4, 18, 31, 5);
    const local = new Date(t);
    const hh = String(local.getHours()).padStart(2, '0');
    const mm = String(local.getMinutes()).padStart(2, '0');
    assert.equal(clockFormatter('en')(t), `${hh}:${mm}`);
    assert.equal(clockFormatter('ja')(t), `${hh}:${mm}`);
    assert.equal(tickFormatter('en', t, t + 10_000, 1000)(t), `${hh}:${mm}:05`);
    assert.match(tickFormatter('en', t, t + 3 * 24 * 60 * MINUTE, 12 * 60 * MINUTE)(t), new RegExp(`Dec.*${hh}:${mm}$`));
  });

  it('finds the first largest value', () => {
    assert.equal(indexOfMax([1, 3, 2, 3]), 1);
    assert.equal(indexOfMax([]), -1);
  });

  it('tells the first seven series apart by dash and marker as well as colour', () => {
    const styles = Array.from({ length: 7 }, (_, i) => seriesStyle(i));
    assert.equal(new Set(styles.map((s) => s.color)).size, 7);
    assert.equal(new Set(styles.map((s) => s.dash)).size, 7);
    assert.equal(new Set(styles.map((s) => s.marker)).size, 7);
    assert.ok(styles.every((s) => s.marker.startsWith('M')));
  });
});

describe("a fleet run's progress per phase", () => {
  const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 18, 0, s)).toISOString().replace('Z', '000Z');
  const step = (id: number, pairId: string, phase: number, state: FleetStep['state'], finished: number | null, attempt = 1): FleetStep => ({
    id,
    pairId,
    phase,
    attempt,
    step: `s${id}`,
    action: 'health',
    node: `${pairId}-node`,
    version: null,
    state,
    output: null,
    startedAt: at(0),
    finishedAt: finished === null ? null : at(finished),
    orchestrator: 'o',
    properties: null,
  });
  const pair = (name: string, phases: FleetRunView['pairs'][number]['phases']): FleetRunView['pairs'][number] => ({
    pair: name,
    state: 'running',
    completedPhase: 0,
    attempt: 1,
    error: null,
    active: null,
    primaryVersion: null,
    secondaryVersion: null,
    phases,
  });
  const view = {
    run: { createdAt: at(0), updatedAt: at(50), finishedAt: null },
    pairs: [
      pair('PROD_001', { '1': 'done', '2': 'done', '3': 'running', '4': 'pending' }),
      pair('PROD_002', { '1': 'done', '2': 'failed', '3': 'pending', '4': 'pending' }),
      pair('PROD_003', { '1': 'done', '2': 'running', '3': 'pending', '4': 'pending' }),
    ],
  } as unknown as FleetRunView;

  it('counts each phase’s cells and dates each done pair by its last succeeded step of the phase', () => {
    const steps = [
      step(1, 'PROD_001', 1, 'succeeded', 5),
      step(2, 'PROD_001', 1, 'succeeded', 9),
      step(3, 'PROD_002', 1, 'failed', 4),
      step(4, 'PROD_002', 1, 'succeeded', 12, 2),
      step(5, 'PROD_001', 2, 'succeeded', 20),
      step(6, 'PROD_001', 3, 'started', null),
      // PROD_003's phase 1 steps are not in the log yet: it is dated by the run's last update.
    ];
    const progress = phaseProgress(view, steps);
    assert.deepEqual(
      progress.map((p) => [p.phase, p.total, p.done, p.running, p.failed, p.pending]),
      [
        ['1', 3, 3, 0, 0, 0],
        ['2', 3, 1, 1, 1, 0],
        ['3', 3, 0, 1, 0, 2],
        ['4', 3, 0, 0, 0, 3],
      ],
    );
    assert.deepEqual(
      progress[0]!.doneAt.map((t) => (t - Date.parse(at(0))) / 1000),
      [9, 12, 50],
    );
    assert.deepEqual(
      progress[1]!.doneAt.map((t) => (t - Date.parse(at(0))) / 1000),
      [20],
    );
    assert.deepEqual(progress[3]!.doneAt, []);
  });
});
