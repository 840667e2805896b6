import path from 'node:path';
import type { Command } from 'commander';
import { clientFrom, output, withConnection, type ConnectionFlags } from './connection.js';
import { CliError, EXIT } from './exit-codes.js';
import { parseDuration } from '../util/duration.js';

/** `drydock upgrade local`: the whole single-machine upgrade with rollback. */
export function registerUpgrade(program: Command): void {
  const upgrade = program
    .command('upgrade')
    .description('Upgrade drydock')
    .addHelpText('after', '\nExample:\n  drydock upgrade local --new "node /opt/drydock-1.3/bin/drydock.mjs" --pid-file /run/drydock.pid');
  withConnection(upgrade.command('local'))
    .description('Drain → backup → migrate while the old server serves reads → hand its socket to the new release → resume; reads never fail')
    .requiredOption('--new <command>', 'how to run the new release, e.g. "node /opt/drydock-1.3/bin/drydock.mjs"')
    .option('--old <command>', 'how to run the installed release, e.g. "node /opt/drydock-1.2/bin/drydock.mjs" (needed by --mode stop-start, for its rollback)')
    .option(
      '--mode <mode>',
      'handover: the old server serves until the new one is ready; stop-start: stop, migrate, start (every request fails meanwhile)',
      'handover',
    )
    .requiredOption('--pid-file <file>', 'pid file of the running server (started with `serve --pid-file`)')
    .option('--backup-dir <dir>', 'where the pre-upgrade backup goes', '.')
    .option('--log-file <file>', "the started server's output", 'drydock-upgrade.log')
    .option('--drain-timeout <duration>', 'give up if jobs are still in flight after this long', '30m')
    .option('--health-timeout <duration>', 'how long the new server has to become ready', '120s')
    .option('--database-url <url>', 'the store (DRYDOCK_DATABASE_URL): backup and restore read it directly')
    .option('--config <file>', 'JSON config file (DRYDOCK_CONFIG)')
    .addHelpText(
      'after',
      [
        '',
        "handover: the new server gets the old one's serve arguments and environment; it takes over the same socket.",
        "stop-start: the new server inherits this command's environment (DRYDOCK_PORT, DRYDOCK_DATABASE_URL …).",
        'Exit codes: 0 upgraded; 1 failed, the old release serves the data as before; 3 drain timed out;',
        '5 refused before changing anything (the plan has a contract step the old release cannot run on, no server) or nothing serves.',
        'Example:',
        '  drydock upgrade local --new "node /opt/drydock-1.3/bin/drydock.mjs" --pid-file /run/drydock.pid --backup-dir /var/backups/drydock',
      ].join('\n'),
    )
    .action(
      async (
        flags: ConnectionFlags & {
          new: string;
          old?: string;
          mode: string;
          pidFile: string;
          backupDir: string;
          logFile: string;
          drainTimeout: string;
          healthTimeout: string;
          databaseUrl?: string;
          config?: string;
        },
      ) => {
        // Loaded here, not at CLI start (see backup.ts).
        const [{ loadOptions }, { createLogger }, { upgradeLocal }] = await Promise.all([
          import('../config/compile.js'),
          import('../logging/logger.js'),
          import('../runbook/upgrade-local.js'),
        ]);
        const options = loadOptions({ env: process.env, configFile: flags.config, flags: { databaseUrl: flags.databaseUrl } });
        if (flags.mode !== 'handover' && flags.mode !== 'stop-start') throw new CliError(`--mode is handover or stop-start, not "${flags.mode}"`, EXIT.usage);
        if (flags.mode === 'stop-start' && flags.old === undefined)
          throw new CliError('--mode stop-start needs --old (the installed release, started again by a rollback)', EXIT.usage);
        let drainTimeoutMs: number;
        let healthTimeoutMs: number;
        try {
          drainTimeoutMs = parseDuration(flags.drainTimeout);
          healthTimeoutMs = parseDuration(flags.healthTimeout);
        } catch (err) {
          throw new CliError((err as Error).message, EXIT.usage);
        }
        const report = await upgradeLocal({
          mode: flags.mode,
          client: clientFrom(flags),
          location: options.database,
          oldCommand: flags.old,
          newCommand: flags.new,
          pidFile: path.resolve(flags.pidFile),
          backupDir: path.resolve(flags.backupDir),
          logFile: path.resolve(flags.logFile),
          drainTimeoutMs,
          healthTimeoutMs,
          logger: createLogger('warn'),
          onStep: (s) => {
            if (!flags.json) {
              const took = s.ms === undefined ? '' : ` (${(s.ms / 1000).toFixed(1)} s)`;
              process.stderr.write(`${s.status.padEnd(12)} ${s.step}${took}${s.detail ? ` — ${s.detail}` : ''}\n`);
            }
          },
        });
        const refused = report.steps.some((s) => s.step === 'check the plan' && s.status === 'Error');
        output(flags, report, () =>
          report.ok
            ? `upgraded: schema ${report.schemaVersion}, backup ${report.backupFile}`
            : refused
              ? 'upgrade REFUSED before anything was changed: see the reason above'
              : report.serving === 'old'
                ? `upgrade FAILED: the old release serves${report.rolledBack ? ' the data as before' : ''}${report.backupFile ? ` (backup ${report.backupFile})` : ''}`
                : report.serving === 'new'
                  ? 'upgrade FAILED after the new release took over: see the steps above'
                  : 'upgrade FAILED and nothing serves: see the steps above',
        );
        if (!report.ok) {
          const drainTimedOut = report.steps.some((s) => s.step === 'drain' && s.status === 'TimedOut');
          process.exitCode = drainTimedOut ? EXIT.timeout : refused || report.serving === 'none' ? EXIT.refused : EXIT.failed;
        }
      },
    );
}
