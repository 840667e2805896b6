import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ApiClient } from '../api-client/api-client.js';
import type { DatabaseLocation } from '../config/options.js';
import { controlSocketPath } from '../handover/protocol.js';
import type { AppliedStep } from '../store/migrations/migration.js';
import { splitForHandover, type MigrationPlan } from '../store/migrations/plan.js';
import { backup, restore } from './backup.js';
import { drain, resume, type StepResult } from './drain.js';
import { switchAccessOverApi } from './switch-access.js';
import { handOver, HandoverUnavailable, isAlive, readPidFile, waitForExit } from './handover.js';
import { migrateWith, quote, runToEnd, startServer, stopServer, waitHealthy } from './release-process.js';

/**
 * How the old release makes way for the new one.
 * - `handover` (the default): the old server keeps serving reads while the schema is migrated,
 *   then hands its listening socket to the new release; nothing is ever stopped before its
 *   successor is ready.
 * - `stop-start`: the old server is stopped, the schema migrated, the new release started. Every
 *   request fails meanwhile; kept for a store whose pending steps the old release cannot run on
 *   and to measure what the hand-over saves (`npm run bench -- upgrade`).
 */
export type UpgradeMode = 'handover' | 'stop-start';

export interface UpgradeOptions {
  readonly mode: UpgradeMode;
  readonly client: ApiClient;
  readonly location: DatabaseLocation;
  /** How to run the installed (old) release, e.g. `node /opt/drydock-1.2/bin/drydock.mjs` (stop-start: for a rollback). */
  readonly oldCommand: string | undefined;
  /** How to run the new release. */
  readonly newCommand: string;
  /** The running server's pid file (`serve --pid-file`); the new server writes the same file. */
  readonly pidFile: string;
  readonly backupDir: string;
  /** Where the output of the commands the upgrade runs goes (and, stop-start, the started server's). */
  readonly logFile: string;
  readonly drainTimeoutMs: number;
  /** How long the new release has to become ready. */
  readonly healthTimeoutMs: number;
  readonly logger: Logger;
  readonly onStep: (step: StepResult) => void;
}

/** Which release serves when the upgrade is over. */
export type Serving = 'new' | 'old' | 'none';

export interface UpgradeReport {
  readonly ok: boolean;
  readonly mode: UpgradeMode;
  /** The upgrade failed and the old release serves the data as it was before (a migration step, or the whole backup, undone). */
  readonly rolledBack: boolean;
  readonly serving: Serving;
  readonly steps: StepResult[];
  readonly backupFile?: string;
  readonly schemaVersion?: number;
}

/**
 * The single-machine upgrade.
 *
 * Hand-over (default): check the plan → drain (read-only) → backup → migrate the expand steps with
 * the new release while the old one serves → hand the listening socket to the new release → health
 * check → the old one finishes what it has in flight and exits → resume → contract steps, if any. Reads
 * are served throughout; writes are refused only while read-only is on. If a migration step fails,
 * it is rolled back (each step is one transaction) and the old release goes on serving on the
 * steps before it, which it runs on; if the new release does not become ready, the old one — never
 * stopped — goes on serving. Either way the upgrade resumes and says so. The backup is not restored
 * in either case: nothing needs undoing, and a restore under a serving process would fail its
 * reads. It is there for the operator.
 *
 * Stop-start: drain → backup → stop the old server → migrate → start the new one → health check →
 * resume; a failure restores the backup and starts the old release again.
 */
export async function upgradeLocal(o: UpgradeOptions): Promise<UpgradeReport> {
  const steps: StepResult[] = [];
  const record = (step: StepResult) => {
    steps.push(step);
    o.onStep(step);
  };
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const start = Date.now();
    const value = await fn();
    return [value, Date.now() - start];
  };
  const report = (r: Omit<UpgradeReport, 'steps' | 'mode'>): UpgradeReport => ({ mode: o.mode, steps, ...r });

  // Preflight: nothing is changed until the plan is known to work.
  let split: { before: AppliedStep[]; after: AppliedStep[] } = { before: [], after: [] };
  if (o.mode === 'handover') {
    const refusal = await (async (): Promise<string | undefined> => {
      try {
        const pid = readPidFile(o.pidFile);
        if (!isAlive(pid)) return `no server runs with pid ${pid} (from ${o.pidFile})`;
      } catch (err) {
        return (err as Error).message;
      }
      if (!existsSync(controlSocketPath(o.pidFile))) {
        return (
          `the server has no control socket (${controlSocketPath(o.pidFile)}): it runs a drydock from before the hand-over. ` +
          'Upgrade it this once with --mode stop-start --old "<its command>" (requests fail while it runs); later upgrades hand over'
        );
      }
      const planned = await runToEnd(`${o.newCommand} migrate --plan --json`, o.logFile);
      let plan: MigrationPlan;
      try {
        plan = JSON.parse(planned.stdout) as MigrationPlan;
      } catch {
        return `the new release cannot read the store (exit ${planned.code}): ${planned.stderr.trim().slice(0, 500)}`;
      }
      if (plan.refusal) return `the new release refuses the store: ${plan.refusal}`;
      const s = splitForHandover(plan.pending);
      if ('refusal' in s) return `${s.refusal} Or run this upgrade with --mode stop-start (every request fails while it runs).`;
      split = s;
      return undefined;
    })();
    const describe = (list: AppliedStep[]) => list.map((s) => `${s.version} ${s.name}`).join(', ') || 'none';
    if (refusal) {
      record({ step: 'check the plan', status: 'Error', detail: `${refusal} — nothing was changed` });
      return report({ ok: false, rolledBack: false, serving: 'old' });
    }
    record({
      step: 'check the plan',
      status: 'Success',
      detail: `expand steps while the old release serves: ${describe(split.before)}; contract steps after it exited: ${describe(split.after)}`,
    });
  }

  const [drained, drainMs] = await timed(() =>
    drain(o.client, { timeoutMs: o.drainTimeoutMs, readOnly: true, signal: new AbortController().signal, onProgress: () => {} }),
  );
  if (!drained.ok) {
    record({
      step: 'drain',
      status: 'TimedOut',
      ms: drainMs,
      detail: `${drained.blocking.length} job(s) still in flight; nothing else was changed (jobs stay stopped: drydock resume)`,
    });
    return report({ ok: false, rolledBack: false, serving: 'old' });
  }
  record({ step: 'drain', status: 'Success', ms: drainMs, detail: `read-only, nothing in flight (waited ${drained.waitedMs} ms)` });

  const backupFile = path.join(o.backupDir, `pre-upgrade-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`);
  try {
    const [manifest, ms] = await timed(() => backup(o.location, { out: backupFile, force: false, logger: o.logger, warn: () => {} }));
    record({ step: 'backup', status: 'Success', ms, detail: `${backupFile} (schema ${manifest.schema_version})` });
  } catch (err) {
    record({ step: 'backup', status: 'Error', detail: `${(err as Error).message} — the old release serves; still read-only (drydock resume)` });
    return report({ ok: false, rolledBack: false, serving: 'old' });
  }

  return o.mode === 'handover' ? upgradeByHandover(o, split, backupFile, record, report) : upgradeByStopStart(o, backupFile, record, report);
}

async function upgradeByHandover(
  o: UpgradeOptions,
  split: { before: AppliedStep[]; after: AppliedStep[] },
  backupFile: string,
  record: (step: StepResult) => void,
  report: (r: Omit<UpgradeReport, 'steps' | 'mode'>) => UpgradeReport,
): Promise<UpgradeReport> {
  const resumeAfterFailure = async (): Promise<void> => {
    try {
      await resume(switchAccessOverApi(o.client));
      record({ step: 'resume', status: 'Success', detail: 'the old release serves, writable again' });
    } catch (err) {
      record({ step: 'resume', status: 'Error', detail: `${(err as Error).message} — run drydock resume` });
    }
  };

  // 1. Expand steps, with the new release, while the old one serves reads on the schema as it grows.
  const target = split.before.at(-1)?.version;
  if (target !== undefined) {
    const started = Date.now();
    const migrated = await migrateWith(o.newCommand, o.logFile, target);
    if (migrated.error !== undefined) {
      record({
        step: 'migrate',
        status: 'Error',
        ms: Date.now() - started,
        detail:
          `${migrated.error} The failed step was rolled back (each step is one transaction): the store is at schema ${migrated.schemaVersion ?? 'as before'}, ` +
          `whose steps the old release runs on. It was never stopped and goes on serving; nothing is restored (backup kept: ${backupFile}).`,
      });
      await resumeAfterFailure();
      return report({
        ok: false,
        rolledBack: true,
        serving: 'old',
        backupFile,
        ...(migrated.schemaVersion !== undefined && { schemaVersion: migrated.schemaVersion }),
      });
    }
    record({ step: 'migrate', status: 'Success', ms: Date.now() - started, detail: `schema ${migrated.schemaVersion} (the old release served throughout)` });
  } else {
    record({ step: 'migrate', status: 'AlreadyDone', detail: 'no expand step pending' });
  }

  // 2. The hand-over: the old server stops accepting only once the new one is ready.
  const started = Date.now();
  let outcome: Awaited<ReturnType<typeof handOver>>;
  try {
    outcome = await handOver({ pidFile: o.pidFile, command: o.newCommand, readyTimeoutMs: o.healthTimeoutMs });
  } catch (err) {
    const detail = err instanceof HandoverUnavailable ? err.message : `${(err as Error).message}`;
    record({ step: 'hand over', status: 'Error', ms: Date.now() - started, detail: `${detail} — the old release goes on serving` });
    await resumeAfterFailure();
    return report({ ok: false, rolledBack: true, serving: 'old', backupFile });
  }
  if (!outcome.ok) {
    record({
      step: 'hand over',
      status: 'Error',
      ms: Date.now() - started,
      detail: `the new release did not become ready: ${outcome.reason}. The old release (pid ${outcome.oldPid}) was never stopped and goes on serving.`,
    });
    await resumeAfterFailure();
    return report({ ok: false, rolledBack: true, serving: 'old', backupFile });
  }
  record({
    step: 'hand over',
    status: 'Success',
    ms: Date.now() - started,
    detail: `pid ${outcome.oldPid} → ${outcome.newPid} (drydock ${outcome.version}, schema ${outcome.schemaVersion})`,
  });

  const health = await waitHealthy(o.client, o.healthTimeoutMs, outcome.schemaVersion);
  if (health !== undefined) {
    record({ step: 'health check', status: 'Error', detail: `${health} — still read-only: check the server, then drydock resume` });
    return report({ ok: false, rolledBack: false, serving: 'new', backupFile, schemaVersion: outcome.schemaVersion });
  }
  record({ step: 'health check', status: 'Success' });
  // The old process no longer accepts connections; it finishes what it has in flight. Resume only
  // once it is gone: its copy of the switches may lag the resume by a poll period, and a write it
  // answered then would be refused after read-only was already off.
  const exited = await waitForExit(outcome.oldPid, HANDOVER_EXIT_MS);
  record(
    exited
      ? { step: 'the old release exits', status: 'Success' }
      : {
          step: 'the old release exits',
          status: 'TimedOut',
          detail: `pid ${outcome.oldPid} is still finishing its connections or jobs after ${HANDOVER_EXIT_MS / 1000} s`,
        },
  );
  const r = await resume(switchAccessOverApi(o.client));
  record({ step: 'resume', status: 'Success', detail: r.kept.length ? `left on: ${r.kept.join(', ')}` : undefined });

  // 3. Contract steps, once no older release runs.
  let schemaVersion = outcome.schemaVersion;
  if (split.after.length > 0) {
    if (!exited) {
      record({
        step: 'migrate (contract steps)',
        status: 'NotExecuted',
        detail: `the old release still runs: run \`drydock migrate\` with the new release once pid ${outcome.oldPid} has exited`,
      });
      return report({ ok: false, rolledBack: false, serving: 'new', backupFile, schemaVersion });
    }
    const migrated = await migrateWith(o.newCommand, o.logFile, undefined);
    if (migrated.error !== undefined) {
      record({ step: 'migrate (contract steps)', status: 'Error', detail: `${migrated.error} The new release serves; the failed step was rolled back.` });
      return report({ ok: false, rolledBack: false, serving: 'new', backupFile, schemaVersion });
    }
    schemaVersion = migrated.schemaVersion ?? schemaVersion;
    record({ step: 'migrate (contract steps)', status: 'Success', detail: `schema ${schemaVersion}` });
  }
  return report({ ok: true, rolledBack: false, serving: 'new', backupFile, schemaVersion });
}

/** How long the old process gets, once the new one took over, to finish its connections and exit. */
const HANDOVER_EXIT_MS = 120_000;

async function upgradeByStopStart(
  o: UpgradeOptions,
  backupFile: string,
  record: (step: StepResult) => void,
  report: (r: Omit<UpgradeReport, 'steps' | 'mode'>) => UpgradeReport,
): Promise<UpgradeReport> {
  const oldCommand = o.oldCommand;
  if (oldCommand === undefined) throw new Error('stop-start needs the old release command (--old) for a rollback');
  try {
    const started = Date.now();
    await stopServer(o.pidFile);
    record({ step: 'stop the old server', status: 'Success', ms: Date.now() - started });
  } catch (err) {
    record({ step: 'stop the old server', status: 'Error', detail: (err as Error).message });
    await resume(switchAccessOverApi(o.client)).catch(() => {});
    return report({ ok: false, rolledBack: false, serving: 'old', backupFile });
  }

  let schemaVersion: number | undefined;
  const failure = await (async (): Promise<string | undefined> => {
    const started = Date.now();
    const migrated = await migrateWith(o.newCommand, o.logFile, undefined);
    if (migrated.error !== undefined) {
      record({ step: 'migrate', status: 'Error', ms: Date.now() - started, detail: migrated.error });
      return 'migrate';
    }
    schemaVersion = migrated.schemaVersion;
    record({ step: 'migrate', status: 'Success', ms: Date.now() - started, detail: `schema ${schemaVersion}` });
    const starting = Date.now();
    startServer(`${o.newCommand} serve --no-migrate --pid-file ${quote(o.pidFile)}`, o.logFile);
    record({ step: 'start the new server', status: 'Success' });
    const health = await waitHealthy(o.client, o.healthTimeoutMs, schemaVersion);
    if (health !== undefined) {
      record({ step: 'health check', status: 'Error', ms: Date.now() - starting, detail: health });
      return 'health';
    }
    record({ step: 'health check', status: 'Success', ms: Date.now() - starting });
    return undefined;
  })();

  if (failure === undefined) {
    const r = await resume(switchAccessOverApi(o.client));
    record({ step: 'resume', status: 'Success', detail: r.kept.length ? `left on: ${r.kept.join(', ')}` : undefined });
    return report({ ok: true, rolledBack: false, serving: 'new', backupFile, ...(schemaVersion !== undefined && { schemaVersion }) });
  }

  // Rollback: back to the old release on the data as it was.
  try {
    await stopServer(o.pidFile).catch(() => {});
    record({ step: 'rollback: stop the new server', status: 'Success' });
    await restore(o.location, { file: backupFile, force: true, logger: o.logger, migrate: false });
    record({ step: 'rollback: restore the backup', status: 'Success' });
    startServer(`${oldCommand} serve --no-migrate --pid-file ${quote(o.pidFile)}`, o.logFile);
    // The way back gets at least a minute whatever --health-timeout gave the new release: giving up
    // here leaves the system down, and the old release is known to work.
    const health = await waitHealthy(o.client, Math.max(o.healthTimeoutMs, ROLLBACK_HEALTH_MS), undefined);
    if (health !== undefined) {
      record({ step: 'rollback: start the old server', status: 'Error', detail: health });
      return report({ ok: false, rolledBack: false, serving: 'none', backupFile });
    }
    record({ step: 'rollback: start the old server', status: 'Success' });
    await resume(switchAccessOverApi(o.client));
    record({ step: 'rollback: resume', status: 'Success' });
    return report({ ok: false, rolledBack: true, serving: 'old', backupFile });
  } catch (err) {
    record({ step: 'rollback', status: 'Error', detail: `${(err as Error).message} — restore ${backupFile} by hand` });
    return report({ ok: false, rolledBack: false, serving: 'none', backupFile });
  }
}

/** The least time the old release gets to answer again after a rollback. */
const ROLLBACK_HEALTH_MS = 60_000;
