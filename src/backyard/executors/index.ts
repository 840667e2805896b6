import type { Executor } from '../executor.js';
import { ansibleExecutor } from './ansible.js';
import { conductorExecutor } from './conductor.js';
import { menuCreateExecutor } from './menu-create.js';
import { excelExportImportExecutor, menuExportImportExecutor } from './menu-transfer.js';
import { terraformCliExecutor } from './terraform-cli.js';
import { terraformCloudExecutor } from './terraform-cloud.js';

/** Every executor, one per backyard. A worker runs the ones for the backyards it was given. */
export const EXECUTORS: readonly Executor[] = [ansibleExecutor, terraformCliExecutor, terraformCloudExecutor, conductorExecutor, menuCreateExecutor, menuExportImportExecutor, excelExportImportExecutor];
