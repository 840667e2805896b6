import path from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT } from './exit-codes.js';
import { parseDuration } from '../util/duration.js';

/** `drydock restart`: the server hands its listening socket to a fresh process of the same release. */
export function registerRestart(program: Command): void {
  program
    .command('restart')
    .description('Replace the running server by a fresh process (a changed config file or certificate) without refusing a single request')
    .requiredOption('--pid-file <file>', 'pid file of the running server (started with `serve --pid-file`)')
    .option('--ready-timeout <duration>', 'how long the new process has to become ready', '120s')
    .option('--exit-timeout <duration>', 'how long to wait for the old process to finish its requests and jobs', '10m')
    .option('--json', 'print the outcome as JSON')
    .addHelpText(
      'after',
      [
        '',
        'The new process is `serve` with the same arguments and environment as the old one; it reads the config file anew.',
        'The old process stops accepting only once the new one is ready; if the new one fails, the old one goes on serving.',
        'Exit codes: 0 restarted; 1 the new process failed (the old one still serves); 5 no server to restart.',
        'Example:',
        '  drydock restart --pid-file /run/drydock.pid',
      ].join('\n'),
    )
    .action(async (flags: { pidFile: string; readyTimeout: string; exitTimeout: string; json?: boolean }) => {
      // A server that cannot be asked (HandoverUnavailable) is a refusal: exit 5 (cli/exit-codes.ts).
      const { handOver, waitForExit } = await import('../runbook/handover.js');
      let readyTimeoutMs: number;
      let exitTimeoutMs: number;
      try {
        readyTimeoutMs = parseDuration(flags.readyTimeout);
        exitTimeoutMs = parseDuration(flags.exitTimeout);
      } catch (err) {
        throw new CliError((err as Error).message, EXIT.usage);
      }
      const handedOver = await handOver({
        pidFile: path.resolve(flags.pidFile),
        readyTimeoutMs,
        onEvent: (e) => {
          if (flags.json) return;
          const line =
            e.event === 'starting'
              ? `starting the new process (pid ${e.pid})`
              : e.event === 'ready'
                ? `the new process (pid ${e.pid}, drydock ${e.version}, schema ${e.schemaVersion}) is ready and takes over`
                : e.event === 'draining'
                  ? `the old process (pid ${e.pid}) stopped accepting; finishing ${e.connections} connection(s) and ${e.jobs} job(s)`
                  : e.event === 'exiting'
                    ? `the old process (pid ${e.pid}) is done${e.forcedConnections ? ` (${e.forcedConnections} idle connection(s) closed)` : ''}`
                    : `the new process failed: ${e.reason}`;
          process.stderr.write(`${line}\n`);
        },
      });
      // The old process finishes what it has in flight (requests, jobs), then exits.
      const outcome = handedOver.ok ? { ...handedOver, oldExited: await waitForExit(handedOver.oldPid, exitTimeoutMs) } : handedOver;
      if (flags.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else if (outcome.ok)
        process.stdout.write(
          `restarted: pid ${outcome.oldPid} → ${outcome.newPid}${outcome.oldExited ? '' : ' (the old process is still finishing its jobs)'}\n`,
        );
      else process.stdout.write(`restart FAILED: ${outcome.reason}\nthe old process (pid ${outcome.oldPid}) goes on serving\n`);
      if (!outcome.ok) process.exitCode = EXIT.failed;
    });
}
