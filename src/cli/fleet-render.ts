import type { FleetRun, FleetRunView as RunView, UpgradePlan } from '../http/wire-types.js';
import { ownValue } from '../util/own-value.js';
import { table } from './progress.js';

/**
 * A run's state as the CLI says it: a run that completed with failed pairs is "completed with
 * failures (1/8 pairs failed)", never a plain "completed" (its exit code is 1 too), as the console's
 * amber badge says. `loud`: the state's words in capitals, as the matrix's head has them.
 */
export function stateWord(run: Pick<FleetRun, 'state'>, counts: { readonly failed: number; readonly total: number }, { loud = false } = {}): string {
  const partial = run.state === 'completed' && counts.failed > 0;
  const word = partial ? 'completed with failures' : run.state;
  return `${loud ? word.toUpperCase() : word}${partial ? ` (${counts.failed}/${counts.total} pairs failed)` : ''}`;
}

const CELL: Record<string, string> = { done: '✓', running: '▶', failed: '✗', pending: '·' };

/** The pairs × phases matrix as text; long fleets show every unfinished pair and a count of the finished ones. */
export function renderMatrix(view: RunView, all = false): string {
  const r = view.run;
  const head = [
    `run ${r.id}: ${r.environment} → ${r.version}  ${stateWord(r, view.counts, { loud: true })}  phase ${r.phase} of ${r.firstPhase}-${r.lastPhase}${r.reason ? `  (${r.reason})` : ''}`,
    ...(view.holdingUntil ? [`holding until ${view.holdingUntil} (after phase ${r.hold?.afterPhase}); drydock fleet resume ${r.id} ends the hold now`] : []),
    `pairs: ${view.counts.done} done, ${view.counts.running} running, ${view.counts.waiting} waiting, ${view.counts.failed} failed of ${view.counts.total}; version statuses: ${view.statuses.join(', ') || 'none'}`,
  ];
  const rows = view.pairs.filter((p) => all || view.pairs.length <= 40 || p.state !== 'done');
  const hidden = view.pairs.length - rows.length;
  const body = table(
    ['pair', '1 sec', '2 switch', '3 pri', '4 back', 'active', 'primary', 'secondary', 'note'],
    rows.map((p) => [
      p.pair,
      ...['1', '2', '3', '4'].map((k) => ownValue(CELL, ownValue(p.phases, k) ?? 'pending') ?? '?'),
      p.active ?? '-',
      p.primaryVersion ?? '-',
      p.secondaryVersion ?? '-',
      p.error ? p.error.slice(0, 120) : p.attempt > 1 ? `attempt ${p.attempt}` : '',
    ]),
  );
  return [...head, body, ...(hidden > 0 ? [`(${hidden} pairs done, not shown; --all shows them)`] : [])].join('\n');
}

/** A dry-run plan as text: the gate, what each pair would do, where it would stop. */
export function renderPlan(plan: UpgradePlan): string {
  const lines = [
    `plan: ${plan.environment} → ${plan.version} (driver ${plan.driver}, ${plan.concurrency} pairs at a time)`,
    `gate: ${plan.gate.expression ?? '(none)'} → ${plan.gate.open ? 'open' : `CLOSED: ${plan.gate.reason}`}`,
    `${plan.summary.complete} of ${plan.summary.pairs} pairs would complete ${plan.firstPhase === 1 && plan.lastPhase === 4 ? 'all four phases' : `phases ${plan.firstPhase}-${plan.lastPhase}`}; ${plan.summary.blocked} would stop`,
    '',
  ];
  for (const p of plan.pairs) {
    lines.push(`${p.pair}: active ${p.active}; ${p.primary.name} ${p.primary.version}, ${p.secondary.name} ${p.secondary.version}`);
    for (const ph of p.phases) {
      if (ph.outcome === 'run') {
        lines.push(`  phase ${ph.phase} ${ph.title}${ph.note ? ` (${ph.note})` : ''}`);
        for (const r of ph.requires ?? []) lines.push(`    requires ${r}`);
        for (const s of ph.steps) lines.push(`    - ${s}`);
      } else if (ph.outcome === 'outside') {
        continue;
      } else if (ph.outcome === 'blocked') {
        lines.push(`  phase ${ph.phase} ${ph.title}: STOPS HERE, ${ph.reason}`);
      } else {
        lines.push(`  phase ${ph.phase} ${ph.title}: not reached`);
      }
    }
  }
  return lines.join('\n');
}
