import type { Command } from 'commander';
import type { AuditEntry, SettingView } from '../http/wire-types.js';
import { SWITCHES, SWITCH_IDS, listOf, type SwitchFlags, type SwitchId, type WireFlag } from '../maintenance/switches.js';
import { ownValue } from '../util/own-value.js';
import { CliError, EXIT } from './exit-codes.js';
import { openSwitches, withBreakGlass, type BreakGlassFlags } from './break-glass.js';
import { clientFrom, output, withConnection, type ConnectionFlags } from './connection.js';
import { table } from './progress.js';

const onOff = (v: string | undefined, flag: string): WireFlag | undefined => {
  if (v === undefined) return undefined;
  if (v === 'on') return '1';
  if (v === 'off') return '0';
  throw new CliError(`${flag} takes on or off, not "${v}"`, EXIT.usage);
};

/** `--read-only` for `data_update_stop`; commander hands its value over as `readOnly`. */
const option = (id: SwitchId) => `--${SWITCHES[id].cli.flag}`;
const optionKey = (id: SwitchId) => SWITCHES[id].cli.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The switches the flags set (`--jobs on` …), in the API's words. */
function switchFlags(flags: Record<string, unknown>): Partial<SwitchFlags> {
  const out: Partial<Record<SwitchId, WireFlag>> = {};
  for (const id of SWITCH_IDS) {
    const value = onOff(ownValue(flags, optionKey(id)) as string | undefined, option(id));
    if (value) out[id] = value;
  }
  return out;
}

function describe(s: SettingView): string {
  const prior = s.drain_prior;
  return table(
    ['setting', 'value'],
    [
      ...SWITCH_IDS.map((id) => {
        const { status } = SWITCHES[id].cli;
        return [status.label, s[id] === '1' ? `${status.on} (${id}=1)` : `${status.off} (${id}=0)`];
      }),
      ['message', s.message ?? '-'],
      ['message (ja)', s.message_ja ?? '-'],
      ['message (en)', s.message_en ?? '-'],
      ['announced end', s.announced_end ?? '-'],
      [
        'drain recorded',
        prior
          ? `yes (before it: ${SWITCH_IDS.map((id) => {
              const p = SWITCHES[id].cli.prior;
              return `${p.label} ${prior[id] === '1' ? p.on : p.off}`;
            }).join(', ')})`
          : 'no',
      ],
      ['last changed', `${s.last_update_timestamp ?? '-'} by ${s.last_update_user ?? '-'}`],
    ],
  );
}

interface MessageFlags {
  readonly message?: string;
  readonly messageJa?: string;
  readonly messageEn?: string;
  readonly clearMessage?: boolean;
}

/**
 * The banner change the flags ask for: `--message` is one text for every language (it clears the
 * per-language ones, as an Exastro client's message does); `--message-ja`/`--message-en` set one
 * language each and may come together; `--clear-message` removes them all.
 */
function messageChange(flags: MessageFlags): Record<string, string | null> {
  const perLanguage = flags.messageJa !== undefined || flags.messageEn !== undefined;
  const given = [flags.clearMessage && '--clear-message', flags.message !== undefined && '--message', perLanguage && '--message-ja/--message-en'].filter(
    Boolean,
  );
  if (given.length > 1) throw new CliError(`Give one of ${given.join(', ')}: they set the same banner.`, EXIT.usage);
  if (flags.clearMessage) return { message: null };
  if (flags.message !== undefined) return { message: flags.message };
  return {
    ...(flags.messageJa !== undefined ? { message_ja: flags.messageJa } : {}),
    ...(flags.messageEn !== undefined ? { message_en: flags.messageEn } : {}),
  };
}

/** `drydock maintenance status|set` and `drydock audit`. */
export function registerMaintenance(program: Command): void {
  const maintenance = program
    .command('maintenance')
    .description('Read or change the maintenance switches (system administrators)')
    .addHelpText('after', '\nExamples:\n  drydock maintenance status\n  drydock maintenance set --jobs on --read-only on --message "Backup until 02:30 UTC"');

  withBreakGlass(withConnection(maintenance.command('status')))
    .description('Show the switches, the banner message and who changed them last')
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

  const set = withBreakGlass(withConnection(maintenance.command('set'))).description(
    'Turn switches on or off; when it returns, every drydock process enforces the change',
  );
  for (const id of SWITCH_IDS) set.option(`${option(id)} <on|off>`, `${SWITCHES[id].cli.flagHelp} (${id})`);
  set
    .option('--message <text>', 'banner message for every language, shown on every console page (at most 1,000 characters)')
    .option('--message-ja <text>', 'the banner in Japanese (the console shows it to Japanese readers; Exastro clients read it as the message)')
    .option('--message-en <text>', 'the banner in English (the console shows it to English readers)')
    .option('--clear-message', 'remove the banner message (every language)')
    .option('--until <time>', 'announced end, e.g. 2026-11-24T06:00:00Z (drives Retry-After); "none" clears it')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  drydock maintenance set --jobs on --message "Backup in progress" --until 2026-11-24T06:00:00Z',
        '  drydock maintenance set --message-ja "バックアップ中です（02:30 UTC まで）" --message-en "Backup in progress until 02:30 UTC"',
        '  drydock maintenance set --read-only off --database-url postgres://drydock@db/drydock   # break-glass: the API cannot be used',
      ].join('\n'),
    )
    .action(async (flags: BreakGlassFlags & Record<string, unknown> & MessageFlags & { until?: string }) => {
      const switchChange = switchFlags(flags);
      const body: Record<string, unknown> = { ...switchChange, ...messageChange(flags) };
      if (flags.until !== undefined) body.announced_end = flags.until === 'none' ? null : flags.until;
      if (Object.keys(body).length === 0) {
        throw new CliError(
          `Nothing to set: give ${[...SWITCH_IDS.map(option), '--message', '--message-ja', '--message-en', '--clear-message'].join(', ')} or --until.`,
          EXIT.usage,
        );
      }
      if (flags.databaseUrl !== undefined) {
        if (Object.keys(body).some((key) => key.startsWith('message') || key === 'announced_end')) {
          throw new CliError('--database-url (break-glass) changes only the switches: set the banner message and end time through the API', EXIT.usage);
        }
        if (Object.keys(switchChange).length === 0) {
          throw new CliError(`--database-url (break-glass) changes the switches: give ${listOf(SWITCH_IDS.map(option), 'and/or')}`, EXIT.usage);
        }
        const { switches, close } = await openSwitches(flags);
        try {
          await switches.change(switchChange);
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
      const entries = await clientFrom(flags).call<AuditEntry[]>(
        'GET',
        `/api/platform/maintenance-mode-setting/audit?limit=${encodeURIComponent(flags.limit)}`,
      );
      // An entry written before a switch existed does not name it: off.
      const flag = (v: unknown) => (v ? 'on' : 'off');
      output(flags, entries, () =>
        table(
          ['when', 'who', ...SWITCH_IDS.map((id) => SWITCHES[id].cli.auditColumn), 'message'],
          entries.map((e) => [
            e.changed_at,
            e.changed_by,
            ...SWITCH_IDS.map((id) => `${flag(e.before[id])} → ${flag(e.after[id])}`),
            String(e.after.message ?? ''),
          ]),
        ),
      );
    });
}
