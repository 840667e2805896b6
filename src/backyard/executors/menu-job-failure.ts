import { DomainError, MaintenanceRefusal } from '../../errors.js';
import type { ExecutionContext, Outcome } from '../executor.js';
import { MENU_STATUS } from '../kinds/status-families.js';

/**
 * Ends a menu job whose work was refused or impossible as Completed (error), with the reason in its
 * log: read-only mode turned on after it was claimed, a name taken meanwhile, a document that no
 * longer fits the workspace. Nothing of the job was written (its write is one transaction).
 * Anything else is a bug or lost infrastructure and is rethrown (the worker records it).
 */
export async function endRefused(ctx: ExecutionContext, err: unknown): Promise<Outcome> {
  let reason: string;
  if (err instanceof MaintenanceRefusal) {
    reason =
      'Refused: read-only mode (data_update_stop) was turned on before the job could write; nothing was written. ' +
      'Register the job again after the maintenance.';
  } else if (err instanceof DomainError) {
    // A document that no longer fits, a value Excel cannot hold, a name taken meanwhile.
    reason = `${err.message} Nothing was written.`;
  } else {
    throw err;
  }
  await ctx.log('system', `${reason}\n`);
  return { statusId: MENU_STATUS.completedError, result: { error: reason } };
}
