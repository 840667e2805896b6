import type { Logger } from 'pino';
import { ownValue } from '../../util/own-value.js';

/** A node as a driver sees it: its name, place in the fleet, and the properties the fleet file gave it. */
export interface NodeTarget {
  /** `<ENV_TYPE>_<P|S>_<ENV_ID>`, e.g. `PROD_P_001`. */
  readonly name: string;
  readonly role: 'P' | 'S';
  readonly environment: string;
  readonly envId: string;
  /** `<ENV_TYPE>_<ENV_ID>`, e.g. `PROD_001`. */
  readonly pairId: string;
  /** Free-form properties from the fleet file (`port`, `host`, …), usable in templates as `{port}`. */
  readonly properties: Readonly<Record<string, string>>;
}

/** A primary/secondary pair as a driver sees it. */
export interface PairTarget {
  /** `<ENV_TYPE>_<ENV_ID>`, e.g. `PROD_001`. */
  readonly id: string;
  readonly environment: string;
  readonly envId: string;
  readonly primary: NodeTarget;
  readonly secondary: NodeTarget;
  /** Free-form properties of the pair (`switchPort`, `service`, …). */
  readonly properties: Readonly<Record<string, string>>;
}

/** What one driver action did. A driver returns `ok: false` for a failure it understood, and throws only for a bug. */
export interface ActionOutcome {
  readonly ok: boolean;
  /** What the action printed or why it failed, for the step log (trimmed by the caller). */
  readonly output: string;
  /**
   * For `health`: the version the node reports, when the driver can tell. `undefined` means the
   * driver cannot see versions (the orchestrator then relies on the recorded upgrade).
   */
  readonly version?: string;
}

/** Given to every action: cancel when aborted, give up after `timeoutMs`. */
export interface ActionContext {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/**
 * The actions the phased upgrade needs from a node platform. Every action must be idempotent:
 * after a crash the orchestrator runs an interrupted step again (upgrading a node that already
 * runs the version, or switching to the node that is already active, must succeed and change
 * nothing). `upgrade` is only ever called on the passive node of a pair; `switchActive` only
 * after a health check of `to` reported it healthy on the target version.
 */
export interface NodeDriver {
  readonly type: string;
  /** Installs `version` on `node` (stop, replace, start), and returns when the node was started. */
  upgrade(node: NodeTarget, version: string, ctx: ActionContext): Promise<ActionOutcome>;
  /** Makes `to` the node that serves the pair's traffic. Requests in flight to the other node must complete. */
  switchActive(pair: PairTarget, to: NodeTarget, ctx: ActionContext): Promise<ActionOutcome>;
  /** Whether `node` serves, and which version it runs if the driver can tell. */
  health(node: NodeTarget, ctx: ActionContext): Promise<ActionOutcome>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** The variables a template may use: `{node}`, `{pair}`, `{env}`, `{envId}`, `{role}`, `{version}`, `{to}`, and every property. */
export function templateVariables(
  node: NodeTarget | undefined,
  pair: PairTarget | undefined,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    ...(pair?.properties ?? {}),
    ...(node?.properties ?? {}),
    ...(pair && { pair: pair.id, env: pair.environment, envId: pair.envId, primary: pair.primary.name, secondary: pair.secondary.name }),
    ...(node && { node: node.name, role: node.role, env: node.environment, envId: node.envId, pair: node.pairId }),
    ...extra,
  };
}

/**
 * Fills `{name}` placeholders. An unknown name is an error (a typo in a fleet file must not run a
 * command with a hole in it); `{{` and `}}` stand for literal braces.
 */
export function fillTemplate(template: string, variables: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g, (match, name: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const value = ownValue(variables, name!);
    if (value === undefined) throw new Error(`unknown template variable {${name}} (known: ${Object.keys(variables).sort().join(', ')})`);
    return value;
  });
}
