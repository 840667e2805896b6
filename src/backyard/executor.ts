import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Backyard } from './kinds/registry.js';
import type { Job } from './jobs.js';

/** How a job ended: its terminal status id, and what it produced. */
export interface Outcome {
  readonly statusId: string;
  readonly result?: unknown;
}

/** What an executor gets to run one job. */
export interface ExecutionContext {
  readonly job: Job;
  readonly store: Store;
  readonly logger: Logger;
  /** A directory of its own, removed after the job. */
  readonly workDir: string;
  /** Aborted on emergency stop (`reason` is 'emergency-stop') or a forced worker shutdown ('shutdown'). */
  readonly signal: AbortSignal;
  /** Appends to the job's log (kept in the store). Never throws. */
  log(stream: 'stdout' | 'stderr' | 'system', text: string): Promise<void>;
  /**
   * Moves the job between in-flight statuses (Preparing → Executing; Executing → Executing (delayed)),
   * within its family's table (kinds/status-families.ts): another move throws IllegalTransitionError.
   */
  setStatus(from: readonly string[], to: string): Promise<boolean>;
  /** Settings an executor may need (Terraform Cloud URL and token …). */
  readonly settings: ExecutorSettings;
}

export interface ExecutorSettings {
  readonly terraformCloudUrl: string | undefined;
  readonly terraformCloudToken: string | undefined;
  /** How often a conductor looks at its children, and a TFC run at its status. */
  readonly pollMs: number;
}

/**
 * Runs jobs of one backyard. `run` resolves with the terminal status; it throws only on bugs and
 * lost infrastructure (the worker then records Unexpected error). It must honour `signal`.
 */
export interface Executor {
  readonly backyard: Backyard;
  run(ctx: ExecutionContext): Promise<Outcome>;
}
