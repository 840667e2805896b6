import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DriverSpec } from '../driver-specs.js';
import type { ExecutionContext, Executor, Outcome } from '../executor.js';
import { DRIVER_STATUS } from '../kinds/status-families.js';
import { parametersPrepared } from './parameter-check.js';
import { runProcess } from './run-process.js';

/** The three runs, in order; each must succeed for the next to start. */
const STEPS: ReadonlyArray<{ readonly name: string; readonly args: readonly string[] }> = [
  { name: 'init', args: ['init', '-input=false', '-no-color'] },
  { name: 'plan', args: ['plan', '-input=false', '-no-color', '-out=plan.tfplan'] },
  { name: 'apply', args: ['apply', '-input=false', '-no-color', '-auto-approve', 'plan.tfplan'] },
];

/**
 * Runs the real `terraform` binary on the job's module in the job's work directory:
 * the module's files (`terraform_files`: file name → content) and `terraform.tfvars.json` with the
 * job's variables, then `terraform init`, `plan -out=plan.tfplan` and `apply plan.tfplan`, each
 * streamed to the job log (a dry run stops after the plan, a parameter check before init). Preparing → Executing once the files are written. Every step exiting 0
 * → Completed (the result carries the root module's outputs); a failing step → Completed (error),
 * naming the step; an emergency stop kills the process group → Emergency stop.
 *
 * Every variable of the job goes to terraform.tfvars.json: Terraform only warns about values for
 * variables the module does not declare in a var file, so variables meant for other drivers
 * (from a shared menu record) do not fail the run.
 *
 * Terraform is kept off the network and away from the worker's own Terraform state: no version
 * check (CHECKPOINT_DISABLE), no plugin cache or data dir shared between jobs, no extra arguments
 * (TF_CLI_ARGS*) or workspace from the worker's environment. Provider credentials in the
 * environment pass through. The state lives in the work directory and goes
 * with it; each execution starts from an empty state, as a per-job work directory implies.
 */
export const terraformCliExecutor: Executor = {
  backyard: 'ita-by-terraform-cli-execute',
  async run(ctx: ExecutionContext): Promise<Outcome> {
    const spec = ctx.job.spec as DriverSpec;
    const dir = ctx.workDir;
    const files = spec.terraform_files ?? {};
    for (const [name, content] of Object.entries(files)) {
      // Registration checked the names; a name must still never leave the work directory.
      if (path.basename(name) !== name || name === '..') {
        await ctx.log('system', `Refusing module file name ${JSON.stringify(name)}: a plain file name is required.\n`);
        return { statusId: DRIVER_STATUS.completedError, result: { step: 'prepare', error: `bad file name ${name}` } };
      }
      await writeFile(path.join(dir, name), content);
    }
    await writeFile(path.join(dir, 'terraform.tfvars.json'), JSON.stringify(spec.variables ?? {}, null, 2));
    await ctx.log('system', `Wrote ${[...Object.keys(files), 'terraform.tfvars.json'].join(', ')}.\n`);
    if (ctx.signal.aborted) return { statusId: DRIVER_STATUS.emergencyStop };
    if (spec.mode === 'parameter_check') return parametersPrepared(ctx);
    await ctx.setStatus([DRIVER_STATUS.preparing], DRIVER_STATUS.executing);

    const env = terraformEnv();
    // A dry run (Exastro's plan confirmation) stops after the plan.
    for (const step of spec.mode === 'dry_run' ? STEPS.filter((s) => s.name !== 'apply') : STEPS) {
      const r = await runProcess(ctx, 'terraform', step.args, { env });
      if (r.aborted) return { statusId: DRIVER_STATUS.emergencyStop };
      if (r.exitCode !== 0) {
        await ctx.log('system', `terraform ${step.name} failed (exit code ${r.exitCode ?? `none, signal ${r.signal}`}).\n`);
        return { statusId: DRIVER_STATUS.completedError, result: { step: step.name, exit_code: r.exitCode, signal: r.signal } };
      }
    }
    return { statusId: DRIVER_STATUS.completed, result: { exit_code: 0, outputs: await readOutputs(dir) } };
  },
};

/** The environment of every terraform run: additions, and worker settings removed (`undefined`). */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_PLUGIN_CACHE_DIR: undefined,
    TF_DATA_DIR: undefined,
    TF_WORKSPACE: undefined,
    TF_CLI_ARGS: undefined,
  };
  for (const key of Object.keys(base)) {
    if (key.startsWith('TF_CLI_ARGS_')) env[key] = undefined;
  }
  // A CLI configuration file the operator named but that does not exist only adds a warning to every log.
  const cliConfig = base.TF_CLI_CONFIG_FILE;
  if (cliConfig !== undefined && !existsSync(cliConfig)) env.TF_CLI_CONFIG_FILE = undefined;
  return env;
}

/** The root module's outputs after apply (sensitive ones masked), from the state in the work dir. */
async function readOutputs(dir: string): Promise<Record<string, unknown>> {
  try {
    const state = JSON.parse(await readFile(path.join(dir, 'terraform.tfstate'), 'utf8')) as {
      outputs?: Record<string, { value: unknown; sensitive?: boolean }>;
    };
    return Object.fromEntries(Object.entries(state.outputs ?? {}).map(([k, o]) => [k, o.sensitive ? '(sensitive)' : o.value]));
  } catch {
    return {};
  }
}
