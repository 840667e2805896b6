import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { sleep } from '../../util/sleep.js';

/**
 * The `process` driver's OS side: each node runs as its own process group (the driver starts it
 * with setsid), found again through /proc and stopped with one signal to the whole group.
 */

/** After SIGKILL the kernel needs only moments; longer means the process cannot be killed (D state). */
const KILL_WAIT_MS = 5_000;
/** Whether /proc is there to look at (Linux); elsewhere groups are only signalled. */
export const HAS_PROC = existsSync('/proc/self/stat');

/** A process group as a pid file describes it: the pid of its leader (also the group id) and the leader's start time. */
export interface ProcessGroup {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat when the leader started; `null` where there is no /proc. */
  readonly startTime: string | null;
}

/** What /proc/<pid>/stat says about a process. */
export interface ProcStat {
  readonly state: string;
  readonly pgrp: number;
  readonly startTime: string;
}

/** Reads /proc/<pid>/stat; `undefined` when the process is gone (or there is no /proc). */
export async function procStat(pid: number): Promise<ProcStat | undefined> {
  if (!HAS_PROC) return undefined;
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = rest[19];
  if (state === undefined || startTime === undefined || !Number.isInteger(pgrp)) return undefined;
  return { state, pgrp, startTime };
}

/** Every pid in /proc. */
export async function procPids(): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  return entries.filter((e) => /^\d+$/.test(e)).map(Number);
}

/**
 * Whether any live process remains in the group. kill(-pgid, 0) alone is not enough: a zombie
 * still counts for it, and a node orphaned by a killed orchestrator is reaped by PID 1 — which in
 * a container may never reap it.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!HAS_PROC) return true;
  for (const pid of await procPids()) {
    const s = await procStat(pid);
    if (s && s.pgrp === pgid && s.state !== 'Z') return true;
  }
  return false;
}

/**
 * Whether the pid file still describes a running process of ours. The kernel does not hand out a
 * pid that is still some group's id, so while any member of the group lives, the group is ours; if
 * the leader's pid is taken by a process with another start time, ours is gone.
 */
async function isOurs(group: ProcessGroup): Promise<boolean> {
  const s = await procStat(group.pid);
  if (s && s.state !== 'Z' && group.startTime !== null && s.startTime !== group.startTime) return false;
  return groupAlive(group.pid);
}

async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await groupAlive(pgid))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** SIGTERM to the group (the node finishes its requests in flight), SIGKILL when it takes longer than `stopTimeoutMs`. `who` names it in the output. */
export async function stopProcessGroup(group: ProcessGroup, who: string, stopTimeoutMs: number): Promise<{ stopped: boolean; output: string }> {
  if (!(await isOurs(group))) return { stopped: true, output: `${who} was not running` };
  const t0 = Date.now();
  signalGroup(group.pid, 'SIGTERM');
  if (await waitGroupGone(group.pid, stopTimeoutMs)) return { stopped: true, output: `${who} stopped (SIGTERM) in ${Date.now() - t0} ms` };
  signalGroup(group.pid, 'SIGKILL');
  if (await waitGroupGone(group.pid, KILL_WAIT_MS)) {
    return { stopped: true, output: `${who} did not stop within ${stopTimeoutMs / 1000} s of SIGTERM: killed (SIGKILL)` };
  }
  return {
    stopped: false,
    output: `${who} is still running ${Math.round(KILL_WAIT_MS / 1000)} s after SIGKILL: look at the process (uninterruptible I/O?) and stop it by hand`,
  };
}
