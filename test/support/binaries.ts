import { spawnSync } from 'node:child_process';

/** Fails (never skips) when a binary a test needs is not usable, naming how to install it. */
export function requireBinary(command: string, args: string[], install: string): void {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${command} is required by these tests and could not run (${r.error?.message ?? `exit ${r.status}: ${r.stderr.trim()}`}). ` + `Install it: ${install}`,
    );
  }
}

/** Ansible, which the tests that run a real playbook need. */
export const requireAnsible = (): void => requireBinary('ansible-playbook', ['--version'], 'apt-get install -y ansible');
