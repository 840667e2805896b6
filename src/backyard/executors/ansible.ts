import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DriverSpec } from '../driver-specs.js';
import type { ExecutionContext, Executor, Outcome } from '../executor.js';
import { DRIVER_STATUS } from '../kinds/status-families.js';
import { parametersPrepared } from './parameter-check.js';
import { runProcess } from './run-process.js';

/**
 * Runs `ansible-playbook` (the real binary) with the job's playbook, inventory and variables in
 * the job's work directory:
 *
 *   ansible-playbook -i inventory -e @vars.json playbook.yml
 *
 * The variables (the operation's, over those of the menu record it names) are extra vars, so they
 * win over anything the playbook or inventory sets. Preparing → Executing once the files are written.
 * Exit code 0 → Completed; anything else → Completed (error); an emergency stop kills the process
 * group → Emergency stop. A missing `ansible-playbook` is an Unexpected error naming the install command.
 */
export const ansibleExecutor: Executor = {
  backyard: 'ita-by-ansible-execute',
  async run(ctx: ExecutionContext): Promise<Outcome> {
    const spec = ctx.job.spec as DriverSpec;
    const dir = ctx.workDir;
    await writeFile(path.join(dir, 'playbook.yml'), spec.playbook ?? '');
    const tmp = path.join(dir, '.ansible-tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(path.join(dir, 'inventory'), inventoryText(spec.inventory ?? 'localhost,', tmp));
    await writeFile(path.join(dir, 'vars.json'), JSON.stringify(spec.variables ?? {}));
    if (ctx.signal.aborted) return { statusId: DRIVER_STATUS.emergencyStop };
    if (spec.mode === 'parameter_check') return parametersPrepared(ctx);
    await ctx.setStatus([DRIVER_STATUS.preparing], DRIVER_STATUS.executing);
    const check = spec.mode === 'dry_run' ? ['--check', '--diff'] : [];
    const r = await runProcess(ctx, 'ansible-playbook', ['-i', 'inventory', '-e', '@vars.json', ...check, 'playbook.yml'], {
      env: {
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_FORCE_COLOR: '0',
        ANSIBLE_HOST_KEY_CHECKING: 'False',
        ANSIBLE_RETRY_FILES_ENABLED: 'False',
        ANSIBLE_LOCAL_TEMP: tmp,
        ANSIBLE_HOME: path.join(dir, '.ansible'),
        PYTHONUNBUFFERED: '1',
      },
    });
    if (r.aborted) return { statusId: DRIVER_STATUS.emergencyStop };
    if (r.exitCode === 0) return { statusId: DRIVER_STATUS.completed, result: { exit_code: 0 } };
    return { statusId: DRIVER_STATUS.completedError, result: { exit_code: r.exitCode, signal: r.signal } };
  },
};

/**
 * The inventory as a file. Ansible's "host list" form (`a,b,`) becomes one host per line; a bare
 * localhost runs with the local connection and the playbook's own Python, as Exastro's own
 * localhost executions do, and with its module temp files under `localTmp` (the job's work dir),
 * so an emergency stop leaves nothing behind in the worker's home directory.
 */
export function inventoryText(inventory: string, localTmp?: string): string {
  const tmpVar = localTmp === undefined ? '' : ` ansible_remote_tmp=${JSON.stringify(localTmp)}`;
  const trimmed = inventory.trim();
  const lines =
    !trimmed.includes('\n') && trimmed.includes(',')
      ? trimmed
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean)
      : trimmed.split('\n');
  return (
    lines
      .map((line) =>
        /^(localhost|127\.0\.0\.1)$/.test(line.trim())
          ? `${line.trim()} ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"${tmpVar}`
          : line,
      )
      .join('\n') + '\n'
  );
}
