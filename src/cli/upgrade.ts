import path from 'node:path';
import type { Command } from 'commander';
import { clientFrom, output, withConnection, type ConnectionFlags } from './connection.js';
import { CliError, EXIT } from './exit-codes.js';
import { parseDuration } from './progress.js';

/** `drydock upgrade local`: the whole single-machine upgrade with rollback. */
export function registerUpgrade(program: Command): void {
  const upgrade = program
    .command('upgrade')
    .description('Upgrade drydock')
    .addHelpText('after', '\nExample:\n  drydock upgrade local --old "node /opt/drydock-1.2/bin/drydock.mjs" --new "node /opt/drydock-1.3/bin/drydock.mjs" --pid-file /run/drydock.pid');
  withConnection(upgrade.command('local'))
    .description('Drain → backup → stop the old server → migrate → start the new one → health check → resume; rolls back on failure')
    .requiredOption('--new <command>', 'how to run the new release, e.g. "node /opt/drydock-1.3/bin/drydock.mjs"')
    .requiredOption('--old <command>', 'how to run the installed release (for a rollback), e.g. "node /opt/drydock-1.2/bin/drydock.mjs"')
    .requiredOption('--pid-file <file>', 'pid file of the running server (started with `serve --pid-file`)')
    .option('--backup-dir <dir>', 'where the pre-upgrade backup goes', '.')
    .option('--log-file <file>', "the started server's output", 'drydock-upgrade.log')
    .option('--drain-timeout <duration>', 'give up if jobs are still in flight after this long', '30m')
    .option('--health-timeout <duration>', 'how long the new server has to become healthy', '60s')
    .option('--database-url <url>', 'the store (DRYDOCK_DATABASE_URL): backup and restore read it directly')
    .option('--config <file>', 'JSON config file (DRYDOCK_CONFIG)')
    .addHelpText(
      'after',
      [
        '',
        'The new server inherits this command\'s environment (DRYDOCK_PORT, DRYDOCK_DATABASE_URL …).',
        'Exit codes: 0 upgraded; 1 failed and rolled back (data as before); 3 drain timed out; 5 failed, rollback incomplete.',
        'Example:',
        '  drydock upgrade local --old "node /opt/drydock-1.2/bin/drydock.mjs" --new "node /opt/drydock-1.3/bin/drydock.mjs" \\',
        '    --pid-file /run/drydock.pid --backup-dir /var/backups/drydock',
      ].join('\n'),
    )
    .action(
      async (
        flags: ConnectionFlags & {
          new: string;
          old: string;
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
        let drainTimeoutMs: number;
        let healthTimeoutMs: number;
        try {
          drainTimeoutMs = parseDuration(flags.drainTimeout);
          healthTimeoutMs = parseDuration(flags.healthTimeout);
        } catch (err) {
          throw new CliError((err as Error).message, EXIT.usage);
        }
        const report = await upgradeLocal({
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
            if (!flags.json) process.stderr.write(`${s.status.padEnd(12)} ${s.step}${s.detail ? ` — ${s.detail}` : ''}\n`);
          },
        });
        output(flags, report, () =>
          report.ok
            ? `upgraded: schema ${report.schemaVersion}, backup ${report.backupFile}`
            : report.rolledBack
              ? `upgrade FAILED and was rolled back: the old release runs on the data as before (backup ${report.backupFile})`
              : 'upgrade FAILED: see the steps above',
        );
        if (!report.ok) {
          const timedOut = report.steps.some((s) => s.status === 'TimedOut');
          process.exitCode = timedOut ? EXIT.timeout : report.rolledBack ? EXIT.failed : EXIT.refused;
        }
      },
    );
}
