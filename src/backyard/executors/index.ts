import type { Executor } from '../executor.js';
import { ansibleExecutor } from './ansible.js';

/** Every executor, one per backyard. A worker runs the ones for the backyards it was given. */
export const EXECUTORS: readonly Executor[] = [ansibleExecutor];
