import { hostname, userInfo } from 'node:os';
import type { ApiClient } from '../api-client/api-client.js';
import { ApiCallError } from '../api-client/api-errors.js';
import type { SettingView } from '../http/wire-types.js';
import { changeMaintenance, readMaintenance, settingView } from '../maintenance/mode.js';
import type { SwitchChange } from '../maintenance/drain-plan.js';
import { changeFromFlags } from '../maintenance/switches.js';
import type { Store } from '../store/store.js';

/** A change of the switches in the API's words (maintenance/drain-plan.ts). */
export type { SwitchChange };

/**
 * How a runbook step reaches the maintenance switches (what they are: maintenance/switches.ts):
 * through the API (the normal way: every process is told at once), or on the store itself (the
 * break-glass way, from the host, when the API cannot be used — a lost administrator password, a
 * proxy that is down). The resume logic is written once against this.
 */
export interface SwitchAccess {
  /** Where the change is made, for messages. */
  readonly via: string;
  read(): Promise<SettingView>;
  change(change: SwitchChange): Promise<void>;
}

const SETTING = '/api/platform/maintenance-mode-setting';

/** The switches through the API, as the administrator `client` signs in. */
export function switchAccessOverApi(client: ApiClient): SwitchAccess {
  return {
    via: `the API at ${client.options.baseUrl}`,
    read: () => client.call<SettingView>('GET', SETTING),
    async change(change) {
      try {
        await client.call('PATCH', SETTING, change);
      } catch (err) {
        // A server of an older release refuses the `drain` key (400-00026): the same change without it
        // (the drain is not recorded).
        if (!(err instanceof ApiCallError) || err.result !== '400-00026' || change.drain === undefined) throw err;
        const { drain: _ignored, ...rest } = change;
        if (Object.keys(rest).length > 0) await client.call('PATCH', SETTING, rest);
      }
    },
  };
}

/**
 * The switches on the store, for `--database-url` (break-glass). Audited like any change, under an
 * actor that says so — `break-glass: drydock CLI on <host> as <OS user>` — and the running processes
 * learn of it the way they learn of every change (the store's change feed).
 */
export function switchAccessOnStore(store: Store): SwitchAccess {
  const actor = `break-glass: drydock CLI on ${hostname()} as ${safeUser()}`;
  return {
    via: `the store (${store.capabilities.description}), as "${actor}"`,
    read: async () => settingView(await readMaintenance(store.db)),
    async change(change) {
      await changeMaintenance(store, { ...changeFromFlags(change), ...(change.drain !== undefined && { drain: change.drain }) }, actor);
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
