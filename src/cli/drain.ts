import type { Command } from 'commander';
import { drain, leftAsItStopped, resume } from '../runbook/drain.js';
import { clientFrom, output, withConnection, type ConnectionFlags } from './connection.js';
import { openSwitches, withBreakGlass, type BreakGlassFlags } from './break-glass.js';
import { CliError, EXIT } from './exit-codes.js';
import { Progress, table } from './progress.js';
import { parseDuration } from '../util/duration.js';

/** `drydock drain` and `drydock resume`: the first and last steps of every maintenance. */
export function registerDrain(program: Command): void {
  withConnection(program.command('drain'))
    .description('Stop server-side jobs, wait until nothing is in flight, then (with --read-only) make the system read-only')
    .option('--timeout <duration>', 'give up after this long (e.g. 90s, 15m, 2h); the switches stay as they are', '30m')
    .option('--read-only', 'turn read-only mode on once nothing is in flight (for a consistent backup)')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 drained; 3 timed out (the jobs still in flight are listed); 130 interrupted.',
        'Example:',
        '  drydock drain --read-only --timeout 20m && drydock backup --out backup.tar',
      ].join('\n'),
    )
    .action(async (flags: ConnectionFlags & { timeout: string; readOnly?: boolean }) => {
      let timeoutMs: number;
      try {
        timeoutMs = parseDuration(flags.timeout);
      } catch (err) {
        throw new CliError((err as Error).message, EXIT.usage);
      }
      const client = clientFrom(flags);
      const progress = new Progress({ json: Boolean(flags.json) });
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      let report;
      try {
        report = await drain(client, {
          timeoutMs,
          readOnly: Boolean(flags.readOnly),
          signal: controller.signal,
          onProgress: (count, jobs) => {
            if (count < 0) return progress.update('reconnecting to the execute-check stream…');
            const oldest = jobs.reduce((m, j) => Math.max(m, j.ageSeconds ?? 0), 0);
            progress.update(`waiting: ${count} job(s) in flight${count > 0 ? `, oldest ${oldest}s` : ''}`);
          },
        });
      } finally {
        progress.stop();
        process.removeListener('SIGINT', onSigint);
      }
      const blockingTable = () =>
        table(
          ['organization', 'workspace', 'backyard', 'job', 'status', 'age'],
          report.blocking.map((j) => [j.organization, j.workspace, j.backyard, j.id, j.status, j.ageSeconds === null ? '-' : `${j.ageSeconds}s`]),
        );
      output(flags, report, () =>
        [
          ...report.steps.map((s) => `${s.status.padEnd(12)} ${s.step}${s.detail ? ` — ${s.detail}` : ''}`),
          ...(report.blocking.length ? ['', 'still in flight:', blockingTable()] : []),
        ].join('\n'),
      );
      if (!report.ok) {
        const interrupted = controller.signal.aborted;
        process.stderr.write(
          [
            '',
            interrupted ? 'Drain interrupted.' : 'Drain timed out.',
            leftAsItStopped(),
            'Run `drydock drain` again to keep waiting, or `drydock resume` to let jobs run again.',
          ].join('\n') + '\n',
        );
        process.exitCode = interrupted ? EXIT.interrupted : EXIT.timeout;
      }
    });

  withBreakGlass(withConnection(program.command('resume')))
    .description('Undo a drain in the safe order: read-only off first, then jobs; never a mode that was on before the drain')
    .addHelpText(
      'after',
      '\nExamples:\n  drydock resume\n  drydock resume --database-url postgres://drydock@db/drydock   # break-glass, on a host that reaches the store',
    )
    .action(async (flags: BreakGlassFlags) => {
      const { switches, close } = await openSwitches(flags);
      try {
        const result = await resume(switches);
        output(flags, { ...result, via: switches.via }, () =>
          [
            ...result.steps.map((s) => `${s.status.padEnd(12)} ${s.step}${s.detail ? ` — ${s.detail}` : ''}`),
            ...(result.kept.length ? [`left on (it was on before the drain): ${result.kept.join(', ')}`] : []),
            ...(flags.databaseUrl ? [`changed on ${switches.via}`] : []),
          ].join('\n'),
        );
      } finally {
        await close();
      }
    });
}
