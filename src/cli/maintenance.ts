import type { Command } from 'commander';
import type { SettingView } from '../maintenance/mode.js';
import { CliError, EXIT } from './exit-codes.js';
import { openSwitches, withBreakGlass, type BreakGlassFlags } from './break-glass.js';
import { clientFrom, output, withConnection, type ConnectionFlags } from './connection.js';
import { table } from './progress.js';

const onOff = (v: string | undefined, flag: string): '0' | '1' | undefined => {
  if (v === undefined) return undefined;
  if (v === 'on') return '1';
  if (v === 'off') return '0';
  throw new CliError(`${flag} takes on or off, not "${v}"`, EXIT.usage);
};

function describe(s: SettingView & { last_update_user?: string; last_update_timestamp?: string }): string {
  return table(
    ['setting', 'value'],
    [
      ['server-side jobs', s.backyard_execute_stop === '1' ? 'STOPPED (backyard_execute_stop=1)' : 'running (backyard_execute_stop=0)'],
      ['data', s.data_update_stop === '1' ? 'READ-ONLY (data_update_stop=1)' : 'writable (data_update_stop=0)'],
      ['message', s.message ?? '-'],
      ['announced end', s.announced_end ?? '-'],
      ['drain recorded', s.drain_prior ? `yes (before it: jobs ${s.drain_prior.backyard_execute_stop === '1' ? 'stopped' : 'running'}, read-only ${s.drain_prior.data_update_stop === '1' ? 'on' : 'off'})` : 'no'],
      ['last changed', `${s.last_update_timestamp ?? '-'} by ${s.last_update_user ?? '-'}`],
    ],
  );
}

/** `drydock maintenance status|set` and `drydock audit`. */
export function registerMaintenance(program: Command): void {
  const maintenance = program
    .command('maintenance')
    .description('Read or change the maintenance switches (system administrators)')
    .addHelpText('after', '\nExamples:\n  drydock maintenance status\n  drydock maintenance set --jobs on --read-only on --message "Backup until 02:30 UTC"');

  withBreakGlass(withConnection(maintenance.command('status')))
    .description('Show both switches, the banner message and who changed them last')
    .addHelpText('after', '\nExample:\n  drydock maintenance status --url http://127.0.0.1:8080 --user admin --password secret')
    .action(async (flags: BreakGlassFlags) => {
      const { switches, close } = await openSwitches(flags);
      try {
        const s = await switches.read();
        output(flags, s, () => describe(s));
      } finally {
        await close();
      }
    });

  withBreakGlass(withConnection(maintenance.command('set')))
    .description('Turn switches on or off; when it returns, every drydock process enforces the change')
    .option('--jobs <on|off>', 'on: stop server-side jobs (backyard_execute_stop)')
    .option('--read-only <on|off>', 'on: refuse every write (data_update_stop)')
    .option('--message <text>', 'banner message shown on every console page (at most 1,000 characters)')
    .option('--clear-message', 'remove the banner message')
    .option('--until <time>', 'announced end, e.g. 2026-11-24T06:00:00Z (drives Retry-After); "none" clears it')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  drydock maintenance set --jobs on --message "Backup in progress" --until 2026-11-24T06:00:00Z',
        '  drydock maintenance set --read-only off --database-url postgres://drydock@db/drydock   # break-glass: the API cannot be used',
      ].join('\n'),
    )
    .action(async (flags: BreakGlassFlags & { jobs?: string; readOnly?: string; message?: string; clearMessage?: boolean; until?: string }) => {
      const body: Record<string, unknown> = {};
      const jobs = onOff(flags.jobs, '--jobs');
      const readOnly = onOff(flags.readOnly, '--read-only');
      if (jobs) body.backyard_execute_stop = jobs;
      if (readOnly) body.data_update_stop = readOnly;
      if (flags.clearMessage) body.message = null;
      else if (flags.message !== undefined) body.message = flags.message;
      if (flags.until !== undefined) body.announced_end = flags.until === 'none' ? null : flags.until;
      if (Object.keys(body).length === 0) throw new CliError('Nothing to set: give --jobs, --read-only, --message, --clear-message or --until.', EXIT.usage);
      if (flags.databaseUrl !== undefined) {
        if (body.message !== undefined || body.announced_end !== undefined) {
          throw new CliError('--database-url (break-glass) changes only the switches: set the banner message and end time through the API', EXIT.usage);
        }
        if (jobs === undefined && readOnly === undefined) throw new CliError('--database-url (break-glass) changes the switches: give --jobs and/or --read-only', EXIT.usage);
        const { switches, close } = await openSwitches(flags);
        try {
          await switches.change({ ...(jobs && { backyard_execute_stop: jobs }), ...(readOnly && { data_update_stop: readOnly }) });
          const s = await switches.read();
          output(flags, s, () => `${describe(s)}\nchanged on ${switches.via}`);
        } finally {
          await close();
        }
        return;
      }
      const client = clientFrom(flags);
      await client.call('PATCH', '/api/platform/maintenance-mode-setting', body);
      const s = await client.call<SettingView>('GET', '/api/platform/maintenance-mode-setting');
      output(flags, s, () => describe(s));
    });

  withConnection(program.command('audit'))
    .description('Every change of the maintenance settings, newest first')
    .option('--limit <n>', 'how many', '20')
    .addHelpText('after', '\nExample:\n  drydock audit --limit 5')
    .action(async (flags: ConnectionFlags & { limit: string }) => {
      type Entry = { id: number; changed_at: string; changed_by: string; before: Record<string, unknown>; after: Record<string, unknown> };
      const entries = await clientFrom(flags).call<Entry[]>('GET', `/api/platform/maintenance-mode-setting/audit?limit=${encodeURIComponent(flags.limit)}`);
      const flag = (v: unknown) => (v ? 'on' : 'off');
      output(flags, entries, () =>
        table(
          ['when', 'who', 'jobs stopped', 'read-only', 'message'],
          entries.map((e) => [
            e.changed_at,
            e.changed_by,
            `${flag(e.before.backyard_execute_stop)} → ${flag(e.after.backyard_execute_stop)}`,
            `${flag(e.before.data_update_stop)} → ${flag(e.after.data_update_stop)}`,
            String(e.after.message ?? ''),
          ]),
        ),
      );
    });
}
