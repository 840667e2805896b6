import type { ActionContext, ActionOutcome, NodeDriver, NodeTarget, PairTarget } from '../../src/fleet/drivers/node-driver.js';

/**
 * An in-memory node platform for orchestrator tests: nodes that go down while they are upgraded
 * and come back on the new version, a per-pair active node, and failures on demand. It is the
 * external system a driver talks to, not a stand-in for drydock's own code; the real drivers
 * (process, command, kubernetes) have their own tests, and the end-to-end test runs real node
 * processes. It checks the promise the orchestrator makes at every action: the active node of a
 * pair is never taken down, and traffic never goes to a node that is down or on another version.
 */
export class SimulatedPlatform {
  readonly nodes = new Map<string, { version: string; up: boolean }>();
  readonly active = new Map<string, string>();
  /** Every broken promise seen, with the action that broke it. */
  readonly violations: string[] = [];
  /** Every action in order: `upgrade PROD_S_001 2.0.0`, `switch PROD_001 PROD_S_001`, `health PROD_P_001`. */
  readonly actions: string[] = [];
  /** Nodes whose upgrade to a version fails (the node comes back on its old version … or not). */
  readonly failUpgrade = new Map<string, { version: string; staysDown?: boolean }>();
  /** Pairs whose switch fails. */
  readonly failSwitch = new Set<string>();
  /** Set to make every action wait (so a test can pause, stop or kill mid-run). */
  delayMs = 0;
  /** Called before each action; a test may throw or wait in it. */
  onAction: ((action: string) => Promise<void> | void) | undefined;

  /** Declares a pair running `version` with its primary active. */
  addPair(pairId: string, primary: string, secondary: string, version: string): void {
    this.nodes.set(primary, { version, up: true });
    this.nodes.set(secondary, { version, up: true });
    this.active.set(pairId, primary);
  }

  private node(name: string) {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`the simulated platform has no node ${name}`);
    return n;
  }

  private async act(action: string, ctx: ActionContext): Promise<void> {
    this.actions.push(action);
    await this.onAction?.(action);
    if (this.delayMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, this.delayMs);
        ctx.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            reject(new Error('aborted'));
          },
          { once: true },
        );
      });
    }
  }

  /** A driver on this platform. */
  driver(): NodeDriver {
    return {
      type: 'simulated',
      upgrade: async (node: NodeTarget, version: string, ctx): Promise<ActionOutcome> => {
        await this.act(`upgrade ${node.name} ${version}`, ctx);
        const n = this.node(node.name);
        if (n.version === version && n.up) return { ok: true, output: 'already on that version' };
        if (this.active.get(node.pairId) === node.name) this.violations.push(`upgrade of ${node.name}, the active node of ${node.pairId}`);
        const partner = `${node.environment}_${node.role === 'P' ? 'S' : 'P'}_${node.envId}`;
        if (!this.node(partner).up) this.violations.push(`upgrade of ${node.name} while its partner ${partner} was down`);
        n.up = false;
        const failure = this.failUpgrade.get(node.name);
        if (failure && failure.version === version) {
          if (!failure.staysDown) n.up = true; // came back on the old version
          return { ok: false, output: `simulated failure installing ${version} on ${node.name}` };
        }
        n.version = version;
        n.up = true;
        return { ok: true, output: `${node.name} now runs ${version}` };
      },
      switchActive: async (pair: PairTarget, to: NodeTarget, ctx): Promise<ActionOutcome> => {
        await this.act(`switch ${pair.id} ${to.name}`, ctx);
        if (this.failSwitch.has(pair.id)) return { ok: false, output: `simulated switch failure on ${pair.id}` };
        if (!this.node(to.name).up) this.violations.push(`switch of ${pair.id} to ${to.name}, which is down`);
        this.active.set(pair.id, to.name);
        return { ok: true, output: `${pair.id} → ${to.name}` };
      },
      health: async (node: NodeTarget, ctx): Promise<ActionOutcome> => {
        await this.act(`health ${node.name}`, ctx);
        const n = this.node(node.name);
        return n.up ? { ok: true, output: 'up', version: n.version } : { ok: false, output: `${node.name} is down` };
      },
      close: async () => {},
    };
  }

  /** Whether every pair has its active node up (checked by tests at any moment). */
  serving(pairId: string): boolean {
    const a = this.active.get(pairId);
    return a !== undefined && this.node(a).up;
  }
}
