import { gatedWrite } from '../../maintenance/gate.js';
import { createMenu, menuDefinitionSchema } from '../../menus/definitions.js';
import type { ExecutionContext, Executor, Outcome } from '../executor.js';
import { MENU_STATUS } from '../kinds/status-families.js';
import type { MenuCreateSpec } from '../menu-jobs.js';
import { endRefused } from './menu-job-failure.js';

/**
 * Creates a menu (parameter sheet) from the definition frozen in the job, in one gated write: the
 * menu is usable through the menus API as soon as the job is Completed. A name taken since the
 * registration, or read-only mode turned on meanwhile, ends the job in Completed (error) with the
 * reason in its log.
 */
export const menuCreateExecutor: Executor = {
  backyard: 'ita-by-menu-create',
  async run(ctx: ExecutionContext): Promise<Outcome> {
    const { job } = ctx;
    const parsed = menuDefinitionSchema.safeParse((job.spec as MenuCreateSpec).definition);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(definition)'}: ${i.message}`).join('; ');
      await ctx.log('system', `The job's menu definition is invalid: ${problems}.\n`);
      return { statusId: MENU_STATUS.completedError, result: { error: problems } };
    }
    const def = parsed.data;
    await ctx.log('system', `Creating menu ${def.menu} ("${def.title}") with ${def.columns.length} column(s).\n`);
    try {
      const menu = await gatedWrite(ctx.store, 'menu_definition', (trx) => createMenu(trx, job.organization_id, job.workspace_id, def));
      await ctx.log('system', `Menu ${menu.menu} created in workspace ${job.workspace_id}.\n`);
      return { statusId: MENU_STATUS.completed, result: { menu: menu.menu, menu_id: menu.id } };
    } catch (err) {
      return endRefused(ctx, err);
    }
  },
};
