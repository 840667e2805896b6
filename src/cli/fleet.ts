import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type {
  FleetDeclared,
  FleetRun,
  FleetRunPairProgress,
  FleetRunSummary,
  FleetRunView as RunView,
  StatusDefinition,
  UpgradePlan,
  VersionChanged,
  VersionStatuses,
} from '../http/wire-types.js';
import { ApiCallError } from '../api-client/api-errors.js';
import { CliError, EXIT } from './exit-codes.js';
import { clientFrom, output, withConnection, type ConnectionFlags } from './connection.js';
import { renderMatrix, renderPlan, stateWord } from './fleet-render.js';
import { runPhaseOptions } from './fleet-run-options.js';
import { registerFleetAgent } from './fleet-agent.js';
import { Progress, table } from './progress.js';
import { parseDuration } from '../util/duration.js';
import { sleep } from '../util/sleep.js';

/** The dry run's URL for `fleet plan` and `fleet run --dry-run`. */
function planPath(flags: { env: string; version: string; phases?: string }): string {
  const phases = flags.phases === undefined ? '' : `&phases=${encodeURIComponent(flags.phases)}`;
  return `/api/platform/fleet/plan?environment=${encodeURIComponent(flags.env)}&version=${encodeURIComponent(flags.version)}${phases}`;
}

function readFleetFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the fleet file ${file}: ${(err as Error).message}`, EXIT.usage);
  }
  return text;
}

const positive = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`${flag} takes a number, not "${v}"`, EXIT.usage);
  return n;
};

/** Exit code of a finished run: 0 only when every pair reached the version. */
function runExit(run: FleetRun): number {
  return run.state === 'completed' && run.reason === null ? EXIT.ok : EXIT.failed;
}

/**
 * Follows a run until it completes, fails, is halted or paused: a live line on a terminal, the
 * matrix at the end. Polls the API (a run changes every few seconds at most; one GET per second
 * is nothing next to the run's own work).
 */
async function watchRun(flags: ConnectionFlags & { all?: boolean }, runId: string, untilDone: boolean, intervalMs: number): Promise<RunView> {
  const client = clientFrom(flags);
  const progress = new Progress({ json: flags.json === true });
  const interrupted = new AbortController();
  const onSigint = () => interrupted.abort();
  process.once('SIGINT', onSigint);
  try {
    let last = '';
    for (;;) {
      const view = await client.call<RunView>('GET', `/api/platform/fleet/runs/${encodeURIComponent(runId)}`);
      const c = view.counts;
      const state = view.holdingUntil
        ? `holding until ${view.holdingUntil} (after phase ${view.run.phase})`
        : `${stateWord(view.run, c)} phase ${view.run.phase}`;
      const line = `${state} of ${view.run.firstPhase}-${view.run.lastPhase}: ${c.done} done, ${c.running} running, ${c.waiting} waiting, ${c.failed} failed of ${c.total}`;
      if (flags.json && line !== last)
        process.stdout.write(
          JSON.stringify({ run: view.run.id, state: view.run.state, phase: view.run.phase, holdingUntil: view.holdingUntil, counts: c }) + '\n',
        );
      last = line;
      progress.update(line);
      const settled = ['completed', 'failed'].includes(view.run.state) || (!untilDone && ['paused', 'halted'].includes(view.run.state));
      if (settled) return view;
      await sleep(intervalMs);
      if (interrupted.signal.aborted) {
        throw new CliError(
          `stopped watching; run ${runId} goes on (the orchestrator drives it). Follow it with: drydock fleet status ${runId} --watch; pause it with: drydock fleet pause ${runId}`,
          EXIT.interrupted,
        );
      }
    }
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSigint);
  }
}

/** `drydock fleet …`: phased upgrades of primary/secondary pairs. */
export function registerFleet(program: Command): void {
  const fleet = program
    .command('fleet')
    .description('Phased upgrades of primary/secondary node pairs, gated by version statuses')
    .addHelpText(
      'after',
      '\nExample, a typical upgrade:\n  drydock fleet validate fleet.yaml\n  drydock fleet apply fleet.yaml\n  drydock fleet versions 2.5.1 --add QA_OK\n  drydock fleet plan --env PROD --version 2.5.1\n  drydock fleet run --env PROD --version 2.5.1',
    );

  fleet
    .command('validate <file>')
    .description('Check a fleet file (YAML or JSON) without sending it anywhere; every problem is listed')
    .option('--json', 'print machine-readable JSON on stdout')
    .addHelpText('after', '\nExample:\n  drydock fleet validate fleet.yaml')
    .action(async (file: string, flags: { json?: boolean }) => {
      const { validateFleetText, formatIssues } = await import('../fleet/fleet-file.js');
      const result = validateFleetText(readFleetFile(file) as string);
      if (!result.ok) {
        if (flags.json) process.stdout.write(JSON.stringify({ valid: false, issues: result.issues }, null, 2) + '\n');
        throw new CliError(`${file}: ${result.issues.length} problem(s):\n${formatIssues(result.issues)}`, EXIT.failed);
      }
      const summary = result.fleet.environments.map(
        (e) => `${e.name}: ${result.fleet.pairs.filter((p) => p.environment === e.name).length} pairs, driver ${e.driver.type}`,
      );
      output(
        { json: flags.json },
        { valid: true, environments: result.fleet.environments.length, pairs: result.fleet.pairs.length },
        () => `${file} is valid\n${summary.join('\n')}`,
      );
    });

  withConnection(fleet.command('apply <file>'))
    .description('Declare the fleet from a file: topology and drivers follow the file; what the store learned (installed versions, active node) is kept')
    .addHelpText('after', '\nExample:\n  drydock fleet apply fleet.yaml')
    .action(async (file: string, flags: ConnectionFlags) => {
      const { parse } = await import('yaml');
      let body: unknown;
      try {
        body = parse(readFleetFile(file) as string);
      } catch (err) {
        throw new CliError(`${file} is not valid YAML: ${(err as Error).message}`, EXIT.failed);
      }
      const r = await clientFrom(flags).call<FleetDeclared>('PUT', '/api/platform/fleet', body);
      output(
        flags,
        r,
        () =>
          `declared ${r.environments} environment(s), ${r.pairs} pair(s); added ${r.added.length}, removed ${r.removed.length}${r.removed.length ? ` (${r.removed.join(', ')})` : ''}`,
      );
    });

  withConnection(fleet.command('versions [version]'))
    .description('Show version statuses, or add/remove statuses of a version (e.g. Staging_OK)')
    .option('--add <status...>', 'statuses to add')
    .option('--remove <status...>', 'statuses to remove')
    .addHelpText('after', '\nExamples:\n  drydock fleet versions\n  drydock fleet versions 2.5.1 --add QA_OK Staging_OK')
    .action(async (version: string | undefined, flags: ConnectionFlags & { add?: string[]; remove?: string[] }) => {
      const client = clientFrom(flags);
      if (flags.add || flags.remove) {
        if (!version) throw new CliError('name the version whose statuses change, e.g. drydock fleet versions 2.5.1 --add QA_OK', EXIT.usage);
        const r = await client.call<VersionChanged>('PATCH', `/api/platform/fleet/versions/${encodeURIComponent(version)}`, {
          ...(flags.add && { add: flags.add }),
          ...(flags.remove && { remove: flags.remove }),
        });
        output(flags, r, () => `${r.version}: ${r.statuses.join(', ') || 'no status'}`);
        return;
      }
      const all = await client.call<VersionStatuses[]>('GET', '/api/platform/fleet/versions');
      const shown = version ? all.filter((v) => v.version === version) : all;
      output(flags, shown, () =>
        table(
          ['version', 'status', 'added', 'by'],
          shown.flatMap((v) => v.statuses.map((s) => [v.version, s.status, s.addedAt, s.addedBy])),
        ),
      );
    });

  withConnection(fleet.command('statuses'))
    .description('The status catalogue: the statuses gates may name and versions may be given, with their descriptions')
    .addHelpText('after', '\nExample:\n  drydock fleet statuses')
    .action(async (flags: ConnectionFlags) => {
      const all = await clientFrom(flags).call<StatusDefinition[]>('GET', '/api/platform/fleet/statuses');
      const source = { declared: 'fleet file', phase: 'drydock (phase)', gate: 'named by a gate' } as const;
      output(flags, all, () =>
        all.length === 0
          ? 'no statuses: declare a fleet first with drydock fleet apply FILE'
          : table(
              ['status', 'defined by', 'description'],
              all.map((s) => [s.name, source[s.source], s.description ?? '']),
            ),
      );
    });

  withConnection(fleet.command('plan'))
    .description('Dry run: what an upgrade would do to each pair and why (nothing changes)')
    .requiredOption('--env <name>', 'environment, e.g. PROD')
    .requiredOption('--version <version>', 'the version to deploy')
    .option('--phases <range>', 'the phases the run would cover (default 1-4)')
    .addHelpText('after', '\nExamples:\n  drydock fleet plan --env PROD --version 2.5.1\n  drydock fleet plan --env PROD --version 2.5.1 --phases 3-4')
    .action(async (flags: ConnectionFlags & { env: string; version: string; phases?: string }) => {
      const plan = await clientFrom(flags).call<UpgradePlan>('GET', planPath(flags));
      output(flags, plan, () => renderPlan(plan));
      if (!plan.gate.open) throw new CliError(`the ${plan.environment} gate is closed for ${plan.version}: ${plan.gate.reason}`, EXIT.refused);
    });

  withConnection(fleet.command('run'))
    .description('Start an upgrade run and follow it (an orchestrator — `drydock fleet orchestrator` or `serve --workers` — drives it)')
    .requiredOption('--env <name>', 'environment, e.g. PROD')
    .requiredOption('--version <version>', 'the version to deploy')
    .option('--phases <range>', 'the phases to run: 1-4 (default), 1-2, 3-4, 2 … (a run from phase N needs <ENV>_Phase<N-1>_OK)')
    .option('--hold-after <phase-and-duration...>', 'wait after that phase completed for every pair, e.g. --hold-after 2 30m (90s, 30m, 2h, 1d)')
    .option('--concurrency <n>', 'pairs at once in a phase (default: the environment’s)')
    .option('--max-failures <n>', 'halt when more than n pairs failed')
    .option('--max-failures-percent <p>', 'halt when more than p % of the pairs failed')
    .option('--dry-run', 'print the plan instead (same as fleet plan)')
    .option('--detach', 'start the run and return at once')
    .option('--all', 'show every pair in the final matrix')
    .addHelpText(
      'after',
      '\nExamples:\n  drydock fleet run --env PROD --version 2.5.1 --concurrency 4 --max-failures 2\n  drydock fleet run --env PROD --version 2.5.1 --phases 1-2 --hold-after 1 2h\n  drydock fleet run --env PROD --version 2.5.1 --phases 3-4   (days later, once PROD_Phase2_OK soaked)\nExit: 0 every pair upgraded, 1 some failed or the run halted, 5 the gate is closed, 130 Ctrl-C (the run goes on).',
    )
    .action(
      async (
        flags: ConnectionFlags & {
          env: string;
          version: string;
          phases?: string;
          holdAfter?: string[];
          concurrency?: string;
          maxFailures?: string;
          maxFailuresPercent?: string;
          dryRun?: boolean;
          detach?: boolean;
          all?: boolean;
        },
      ) => {
        const client = clientFrom(flags);
        if (flags.dryRun) {
          const plan = await client.call<UpgradePlan>('GET', planPath(flags));
          output(flags, plan, () => renderPlan(plan));
          if (!plan.gate.open) throw new CliError(`the ${plan.environment} gate is closed for ${plan.version}: ${plan.gate.reason}`, EXIT.refused);
          return;
        }
        const concurrency = positive(flags.concurrency, '--concurrency');
        const count = positive(flags.maxFailures, '--max-failures');
        const percent = positive(flags.maxFailuresPercent, '--max-failures-percent');
        const phases = runPhaseOptions(flags);
        let run: FleetRun;
        try {
          run = await client.call<FleetRun>('POST', '/api/platform/fleet/runs', {
            environment: flags.env,
            version: flags.version,
            ...phases,
            ...(concurrency !== undefined && { concurrency }),
            ...((count !== undefined || percent !== undefined) && {
              failureBudget: { ...(count !== undefined && { count }), ...(percent !== undefined && { percent }) },
            }),
          });
        } catch (err) {
          if (err instanceof ApiCallError && err.status === 409 && /gate is closed|may not be deployed|needs \S+_OK on/.test(err.serverMessage))
            throw new CliError(err.message, EXIT.refused);
          throw err;
        }
        if (flags.detach) {
          output(flags, run, () => `started ${run.id}; follow it with: drydock fleet status ${run.id} --watch`);
          return;
        }
        if (!flags.json) process.stderr.write(`started ${run.id}; Ctrl-C stops watching, not the run\n`);
        const view = await watchRun(flags, run.id, false, 500);
        if (!flags.json) process.stdout.write(renderMatrix(view, flags.all) + '\n');
        else process.stdout.write(JSON.stringify(view) + '\n');
        process.exitCode = runExit(view.run);
      },
    );

  withConnection(fleet.command('status [run]'))
    .description('Without a run: the runs and the fleet. With a run: its pairs × phases matrix')
    .option('--watch', 'follow the run until it ends')
    .option('--all', 'show every pair')
    .option('--interval <duration>', 'how often --watch refreshes', '1s')
    .addHelpText('after', '\nExamples:\n  drydock fleet status\n  drydock fleet status run-20261201-1a2b3c4d --watch')
    .action(async (runId: string | undefined, flags: ConnectionFlags & { watch?: boolean; all?: boolean; interval: string }) => {
      const client = clientFrom(flags);
      if (!runId) {
        const runs = await client.call<FleetRunSummary[]>('GET', '/api/platform/fleet/runs');
        output(flags, runs, () =>
          runs.length === 0
            ? 'no runs yet: start one with drydock fleet run --env ENV --version V'
            : table(
                ['run', 'environment', 'version', 'state', 'phase', 'created', 'reason'],
                runs.map((r) => [
                  r.id,
                  r.environment,
                  r.version,
                  `${stateWord(r, r.counts)}${r.holdingUntil ? ` (holding until ${r.holdingUntil})` : ''}`,
                  r.firstPhase === 1 && r.lastPhase === 4 ? String(r.phase) : `${r.phase} of ${r.firstPhase}-${r.lastPhase}`,
                  r.createdAt,
                  r.reason ?? '',
                ]),
              ),
        );
        return;
      }
      const view = flags.watch
        ? await watchRun(flags, runId, true, parseDuration(flags.interval))
        : await client.call<RunView>('GET', `/api/platform/fleet/runs/${encodeURIComponent(runId)}`);
      output(flags, view, () => renderMatrix(view, flags.all));
      if (flags.watch) process.exitCode = runExit(view.run);
    });

  for (const [verb, description] of [
    ['pause', 'Pause a run: pairs in the middle of a phase finish it, no new phase starts'],
    ['resume', 'Resume a paused or halted run, or end the hold of a running run now'],
  ] as const) {
    withConnection(fleet.command(`${verb} <run>`))
      .description(description)
      .addHelpText('after', `\nExample:\n  drydock fleet ${verb} run-20261201-1a2b3c4d`)
      .action(async (runId: string, flags: ConnectionFlags) => {
        const run = await clientFrom(flags).call<FleetRun>('POST', `/api/platform/fleet/runs/${encodeURIComponent(runId)}/${verb}`);
        output(flags, run, () => `${run.id}: ${run.state}`);
      });
  }

  withConnection(fleet.command('retry <run> <pair>'))
    .description('Retry a failed pair: it starts again at the phase it failed in and catches up with the run')
    .addHelpText('after', '\nExample:\n  drydock fleet retry run-20261201-1a2b3c4d PROD_007')
    .action(async (runId: string, pair: string, flags: ConnectionFlags) => {
      const r = await clientFrom(flags).call<FleetRunPairProgress>(
        'POST',
        `/api/platform/fleet/runs/${encodeURIComponent(runId)}/pairs/${encodeURIComponent(pair)}/retry`,
      );
      output(flags, r, () => `${r.pairId}: ${r.state} (attempt ${r.attempt})`);
    });

  registerFleetAgent(fleet);

  fleet
    .command('orchestrator')
    .description('Drive upgrade runs: claims open runs (a lease per run), runs their node actions, resumes runs whose orchestrator died')
    .option('--lease <duration>', 'how long a run stays owned without renewal (DRYDOCK_FLEET_LEASE_SECONDS, default 15s)')
    .option('--database-url <url>', 'SQLite file or postgres:// URL (DRYDOCK_DATABASE_URL)')
    .option('--config <file>', 'JSON config file (DRYDOCK_CONFIG)')
    .addHelpText('after', '\nExample:\n  DRYDOCK_DATABASE_URL=postgres://drydock@db/drydock drydock fleet orchestrator --lease 30s')
    .action(async (flags: { lease?: string; databaseUrl?: string; config?: string }) => {
      const [{ Orchestrator }, { loadOptions }, { createLogger }, { openStore }] = await Promise.all([
        import('../fleet/orchestrator.js'),
        import('../config/compile.js'),
        import('../logging/logger.js'),
        import('../store/open-store.js'),
      ]);
      const options = loadOptions({
        env: process.env,
        configFile: flags.config,
        flags: { databaseUrl: flags.databaseUrl, ...(flags.lease !== undefined && { fleetLeaseSeconds: String(parseDuration(flags.lease) / 1000) }) },
      });
      const logger = createLogger(options.logLevel);
      const store = await openStore(options.database, { logger, sqlitePollMs: options.sqlitePollMs });
      const report = await store.migrate();
      if (report.error) throw report.error;
      const orchestrator = new Orchestrator({ store, logger, baseDir: process.cwd(), leaseMs: options.fleetLeaseMs, pollMs: options.fleetPollMs });
      orchestrator.start();
      logger.info({ owner: orchestrator.owner, leaseMs: options.fleetLeaseMs }, 'fleet orchestrator started');
      let signals = 0;
      const stop = (signal: string) => {
        signals++;
        logger.info({ signal }, signals === 1 ? 'fleet orchestrator: finishing the pair phases in flight' : 'fleet orchestrator: forcing stop');
        void orchestrator.stop(signals > 1).then(async () => {
          await store.close();
          process.exit(0);
        });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
