import type { Backyard } from '../kinds/registry.js';
import type { Executor } from '../executor.js';
import { ansibleExecutor } from './ansible.js';
import { conductorExecutor } from './conductor.js';
import { menuCreateExecutor } from './menu-create.js';
import { excelExportImportExecutor, menuExportImportExecutor } from './menu-transfer.js';
import { terraformCliExecutor } from './terraform-cli.js';
import { terraformCloudExecutor } from './terraform-cloud.js';

/** The executor of each built-in backyard, by its name: a kind in kinds/built-in-kinds.ts without one does not compile. */
const EXECUTOR_OF: Readonly<Record<Backyard, Executor>> = {
  'ita-by-ansible-execute': ansibleExecutor,
  'ita-by-conductor-synchronize': conductorExecutor,
  'ita-by-excel-export-import': excelExportImportExecutor,
  'ita-by-menu-create': menuCreateExecutor,
  'ita-by-menu-export-import': menuExportImportExecutor,
  'ita-by-terraform-cli-execute': terraformCliExecutor,
  'ita-by-terraform-cloud-ep-execute': terraformCloudExecutor,
};

/** Every executor, one per backyard. A worker runs the ones for the backyards it was given. */
export const EXECUTORS: readonly Executor[] = Object.values(EXECUTOR_OF);
