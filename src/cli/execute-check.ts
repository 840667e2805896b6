import type { Command } from 'commander';
import type { ExecuteCheck } from '../http/wire-types.js';
import { kindOf } from '../backyard/kinds/registry.js';
import { countedJobs } from '../runbook/drain.js';
import { clientFrom, output, withConnection, type ConnectionFlags } from './connection.js';
import { EXIT } from './exit-codes.js';
import { table } from './progress.js';

/** The execute-check as a table: one row per in-flight job, then the counts. */
export function renderCheck(check: ExecuteCheck): string {
  const jobs = countedJobs(check);
  // The rows of the kinds that are not counted: the conductors (their driver jobs are counted).
  const conductors = check.organizations.flatMap((o) =>
    o.workspaces.flatMap((w) =>
      Object.entries(w.backyards)
        .filter(([backyard]) => kindOf(backyard)?.counted === false)
        .flatMap(([, jobs]) => jobs.map((j) => [o.id, w.id, j.id, `${j.status_id} ${j.status_name}`])),
    ),
  );
  const lines = [`in flight: ${check.execute_count}`];
  if (jobs.length > 0) {
    lines.push(
      '',
      table(
        ['organization', 'workspace', 'backyard', 'job', 'status', 'age'],
        jobs.map((j) => [
          j.organization,
          j.workspace,
          j.backyard,
          j.id,
          j.status + (j.leaseExpired ? ' (lease expired)' : ''),
          j.ageSeconds === null ? '-' : `${j.ageSeconds}s`,
        ]),
      ),
    );
  }
  if (conductors.length > 0) {
    lines.push('', 'conductors (not counted; their driver jobs are):', table(['organization', 'workspace', 'conductor', 'status'], conductors));
  }
  const perWorkspace = check.organizations.flatMap((o) => o.workspaces.filter((w) => w.execute_count > 0).map((w) => [o.id, w.id, String(w.execute_count)]));
  if (perWorkspace.length > 0) lines.push('', table(['organization', 'workspace', 'count'], perWorkspace));
  return lines.join('\n');
}

/** `drydock execute-check [--watch]`. */
export function registerExecuteCheck(program: Command): void {
  withConnection(program.command('execute-check'))
    .description('Every job in flight across all organizations and workspaces (system administrators)')
    .option('--watch', 'keep showing it as it changes (server-sent events), until Ctrl-C')
    .addHelpText('after', '\nExamples:\n  drydock execute-check\n  drydock execute-check --watch\n  drydock execute-check --json | jq .execute_count')
    .action(async (flags: ConnectionFlags & { watch?: boolean }) => {
      const client = clientFrom(flags);
      if (!flags.watch) {
        const check = await client.call<ExecuteCheck>('GET', '/api/ita/backyard-execute-check/');
        output(flags, check, () => renderCheck(check));
        return;
      }
      const controller = new AbortController();
      process.once('SIGINT', () => {
        controller.abort();
        process.exitCode = EXIT.ok;
      });
      await client.follow(
        '/api/ita/backyard-execute-check/stream/',
        (event, data) => {
          if (event !== 'execute-check') return;
          const check = data as ExecuteCheck;
          if (flags.json) process.stdout.write(JSON.stringify(check) + '\n');
          else process.stdout.write(`${process.stdout.isTTY ? '\x1b[2J\x1b[H' : '\n'}${new Date().toISOString()}\n${renderCheck(check)}\n`);
        },
        controller.signal,
      );
    });
}
