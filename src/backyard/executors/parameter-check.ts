import type { ExecutionContext, Outcome } from '../executor.js';
import { DRIVER_STATUS } from '../kinds/status-families.js';

/**
 * How a parameter check (Exastro's `execute_check_parameter`) ends, once its driver has prepared
 * the input: Completed without running anything. The input itself is what `…/populated_data`
 * hands out, built from the job's frozen spec (execution-data.ts).
 */
export async function parametersPrepared(ctx: ExecutionContext): Promise<Outcome> {
  await ctx.log('system', 'Parameter confirmation: the input is prepared (see populated_data); nothing was run.\n');
  return { statusId: DRIVER_STATUS.completed, result: { parameter_check: true } };
}
