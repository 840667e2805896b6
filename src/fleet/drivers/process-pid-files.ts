import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HAS_PROC, procPids, procStat } from './process-groups.js';

/**
 * The `process` driver's pid files: `<stateDir>/<node>.pid.json` says which process group runs a
 * node, so a new orchestrator process (after a crash or a SIGKILL) finds, stops and replaces it.
 * A node whose pid file was never written is found by the markers in its environment.
 */

/** Set in every node's environment so a node whose pid file was never written (the orchestrator died between spawn and write) can still be found. */
export const NODE_ENV = 'DRYDOCK_FLEET_NODE';
export const STATE_DIR_ENV = 'DRYDOCK_FLEET_STATE_DIR';

/** What the pid file of a node holds. */
export interface ProcessNodeRecord {
  readonly node: string;
  /** The pid of the `/bin/sh -c` that runs `start` (the node itself when `start` begins with `exec`); also its process group id. */
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat when the node started: a pid the kernel reused for another process has another start time. `null` where there is no /proc. */
  readonly startTime: string | null;
  /** The version it was started with; `unknown` for a node adopted without a pid file. */
  readonly version: string;
  readonly command: string;
  readonly startedAt: string;
  readonly log: string;
}

function fileStem(node: string): string {
  // Node names are `[A-Za-z0-9_-]` already; this only keeps a stray `/` from leaving stateDir.
  return node.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Where a node's pid file is. */
export function recordPath(stateDir: string, node: string): string {
  return path.join(stateDir, `${fileStem(node)}.pid.json`);
}

/** Where a node's output goes. */
export function logFile(stateDir: string, node: string): string {
  return path.join(stateDir, `${fileStem(node)}.log`);
}

/** A node's pid file, or `undefined` when there is none (or it is unreadable: then the node is treated as not started). */
export async function readRecord(stateDir: string, node: string): Promise<ProcessNodeRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordPath(stateDir, node), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as Partial<ProcessNodeRecord>;
    return typeof r.pid === 'number' && r.pid > 1 ? (r as ProcessNodeRecord) : undefined;
  } catch {
    // The write is atomic, so this is a file someone edited; better to start a node than to crash.
    return undefined;
  }
}

/** Temp file + rename: a reader (or an orchestrator killed mid-write) never sees half a pid file. */
export async function writeRecord(stateDir: string, record: ProcessNodeRecord): Promise<void> {
  const file = recordPath(stateDir, record.node);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(tmp, file);
}

/** Finds a node process we started whose pid file was never written, by the markers in its environment. Linux only. */
export async function adoptOrphan(stateDir: string, node: string): Promise<ProcessNodeRecord | undefined> {
  if (!HAS_PROC) return undefined;
  const wanted = [`${NODE_ENV}=${node}`, `${STATE_DIR_ENV}=${stateDir}`];
  for (const pid of await procPids()) {
    const s = await procStat(pid);
    // The group leader is the process `start` ran as; its children share the markers.
    if (!s || s.state === 'Z' || s.pgrp !== pid) continue;
    let environ: string;
    try {
      environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // another user's process, or gone
    }
    const vars = environ.split('\0');
    if (wanted.every((w) => vars.includes(w))) {
      return { node, pid, startTime: s.startTime, version: 'unknown', command: '', startedAt: '', log: logFile(stateDir, node) };
    }
  }
  return undefined;
}
