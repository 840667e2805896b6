import type { Command } from 'commander';
import type { SwitchAccess } from '../runbook/switch-access.js';
import { clientFrom, type ConnectionFlags } from './connection.js';

export interface BreakGlassFlags extends ConnectionFlags {
  databaseUrl?: string;
}

/**
 * Adds `--database-url`: the command changes the switches on the store itself instead of through the
 * API — the way back when the API cannot be used (an administrator locked out, a proxy down) while
 * the system sits in read-only mode. Run it on a host that reaches the store; the change is audited
 * as break-glass, with the host and the OS user, and every running process picks it up.
 */
export function withBreakGlass(command: Command): Command {
  return command.option('--database-url <url>', 'break-glass: change the switches on the store directly, not through the API (SQLite file or postgres:// URL)');
}

/** The way to the switches the flags name: on the store with --database-url, else through the API. */
export async function openSwitches(flags: BreakGlassFlags): Promise<{ switches: SwitchAccess; close: () => Promise<void> }> {
  const { switchAccessOnStore, switchAccessOverApi } = await import('../runbook/switch-access.js');
  if (flags.databaseUrl === undefined) return { switches: switchAccessOverApi(clientFrom(flags)), close: async () => {} };
  const [{ parseDatabaseUrl }, { createLogger }, { openExistingStore }] = await Promise.all([
    import('../config/compile.js'),
    import('../logging/logger.js'),
    import('../store/open-store.js'),
  ]);
  const store = await openExistingStore(parseDatabaseUrl(flags.databaseUrl), { logger: createLogger('warn') });
  return { switches: switchAccessOnStore(store), close: () => store.close() };
}
