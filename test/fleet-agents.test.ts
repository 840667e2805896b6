import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { ActionContext } from '../src/fleet/drivers/node-driver.js';
import type { ProcessDriverConfig } from '../src/fleet/drivers/process-driver.js';
import { BACKENDS } from './support/backends.js';
import { describeRun, runCli, spawnCli, type CliProcess } from './support/cli.js';
import { startFleet, type Fleet } from './support/fleet-processes.js';
import { startStack, type Stack } from './support/runbook.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { waitFor } from './support/wait-for.js';

/**
 * Registered nodes end to end (docs/decisions/fleet-upgrades.md, "Registered nodes"): a real
 * `drydock serve`, an environment declared without nodes, 16 real node processes (8 pairs) each with
 * a real `drydock fleet agent` announcing it with its own fleet-node token (bound to its name), until the environment lists 8
 * pairs; then a real `drydock fleet orchestrator` upgrades them with the `process` driver, which
 * reaches every node at the address its agent announced (`{address}`), and the agents report the new
 * version. An agent survives the server going away and stops cleanly on SIGTERM.
 */

const ENV = 'AGT';
const PAIRS = 8;
const ROOT = path.resolve(import.meta.dirname, '..');
const NODE_SERVER = path.join(ROOT, 'test/fixtures/fleet/node-server.mjs');
const ctx = (): ActionContext => ({ signal: new AbortController().signal, timeoutMs: 30_000, logger: pino({ level: 'silent' }) });
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The driver of the environment: everything about a node comes from its registered address. */
function registeredDriver(fleet: Fleet): ProcessDriverConfig {
  return {
    type: 'process',
    start: `exec ${q(process.execPath)} ${q(NODE_SERVER)} --name {node} --port "$(printf %s {address} | sed 's/.*://')" --version {version}`,
    healthUrl: '{address}/healthz',
    switchUrl: `${fleet.adminUrl}/pairs/{pair}/active`,
    stateDir: fleet.driverConfig.stateDir!,
    startTimeoutSeconds: 30,
    stopTimeoutSeconds: 15,
  };
}

/** Stops an agent with SIGTERM and returns how it ended. */
async function stopAgent(agent: CliProcess) {
  agent.child.kill('SIGTERM');
  return agent.result;
}

for (const backend of BACKENDS) {
  describe(`drydock fleet agent (${backend})`, () => {
    let stack: Stack;
    let fleet: Fleet;
    /** Each node's own token, bound to its name (`"node"` at issue), as an operator issues them. */
    const tokens = new Map<string, string>();
    const tokenOf = (name: string) => tokens.get(name) ?? assert.fail(`no token issued for ${name}`);
    const agents: CliProcess[] = [];
    before(async () => {
      stack = await startStack(backend);
      fleet = await startFleet({ environment: ENV, pairs: PAIRS });
      const driver = fleet.createDriver();
      const started = await Promise.all(fleet.nodes.map((n) => driver.upgrade(n, '1.0.0', ctx())));
      for (const s of started) assert.equal(s.ok, true, s.output);
      const declared = await stack.serve.admin({
        method: 'PUT',
        url: '/api/platform/fleet',
        body: { environments: [{ name: ENV, concurrency: 4, driver: registeredDriver(fleet), actionTimeoutSeconds: 60, healthTimeoutSeconds: 10 }] },
      });
      assert.equal(declared.status, 200, declared.text);
      for (const n of fleet.nodes) {
        const issued = await stack.serve.admin({
          method: 'POST',
          url: '/api/auth/tokens',
          body: { name: `agent ${n.name}`, scope: 'fleet-node', node: n.name },
        });
        assert.equal(issued.status, 200, issued.text);
        tokens.set(n.name, issued.body.data.token);
      }
    });
    after(async () => {
      for (const a of agents) a.child.kill('SIGKILL');
      await Promise.all(agents.map((a) => a.result));
      await fleet?.stop();
      await stack?.close();
    });

    it('16 agents register 8 pairs; a run upgrades them at the announced addresses; the agents report the new version; SIGTERM stops them', async () => {
      for (const n of fleet.nodes) {
        const url = `http://127.0.0.1:${n.properties.port}`;
        agents.push(
          spawnCli([
            'fleet',
            'agent',
            '--server',
            stack.serve.url,
            '--token',
            tokenOf(n.name),
            '--name',
            n.name,
            '--address',
            url,
            '--version-command',
            `curl -sf ${url}/healthz | sed -n 's/.*"version":"\\([^"]*\\)".*/\\1/p'`,
            '--health-url',
            `${url}/healthz`,
            '--interval',
            '1s',
          ]),
        );
      }
      const explain = () => agents.map((a) => `${a.argv[6]}:\n${a.stderr()}`).join('\n');
      const populated = await waitFor(
        `${PAIRS} pairs in ${ENV}`,
        async () => {
          const r = await stack.serve.admin({ url: '/api/platform/fleet' });
          return r.body.data.pairs.length === PAIRS && r.body.data;
        },
        { timeoutMs: 120_000, everyMs: 250, explain },
      );
      assert.deepEqual(
        populated.pairs.map((p: { pair: string; active: string; primary: { version: string } }) => [p.pair, p.active, p.primary.version]),
        fleet.pairs.map((p) => [p.id, p.primary.name, '1.0.0']),
      );

      const orchestrator = spawnCli(['fleet', 'orchestrator', '--lease', '3s'], { ...stack.processEnv, DRYDOCK_FLEET_POLL_MS: '50' });
      agents.push(orchestrator);
      const run = await runCli(['fleet', 'run', '--env', ENV, '--version', '2.0.0'], stack.cliEnv(), { timeoutMs: 240_000 });
      assert.equal(run.code, 0, `${describeRun(run)}\norchestrator:\n${orchestrator.stderr()}${orchestrator.stdout()}`);
      assert.match(run.stdout, /COMPLETED/);
      const upgraded = (await stack.serve.admin({ url: '/api/platform/fleet' })).body.data;
      for (const p of upgraded.pairs as Array<{ pair: string; active: string; primary: { name: string; version: string }; secondary: { version: string } }>) {
        assert.deepEqual([p.active, p.primary.version, p.secondary.version], [p.primary.name, '2.0.0', '2.0.0'], p.pair);
        assert.deepEqual(await fleet.switchState(p.pair).then((s) => s.node), p.primary.name, `${p.pair}: the switch serves the primary again`);
      }
      await waitFor(
        'every agent reporting 2.0.0 and healthy',
        async () => {
          const nodes = (await stack.serve.admin({ url: `/api/platform/fleet/nodes?environment=${ENV}` })).body.data as Array<{
            reportedVersion: string;
            health: string;
          }>;
          return nodes.length === PAIRS * 2 && nodes.every((n) => n.reportedVersion === '2.0.0' && n.health === 'healthy');
        },
        { timeoutMs: 60_000, everyMs: 250, explain },
      );

      const nodeAgents = agents.filter((a) => a !== orchestrator);
      const ended = await Promise.all(nodeAgents.map(stopAgent));
      for (const [i, e] of ended.entries()) {
        assert.equal(e.code, 0, describeRun(e));
        assert.match(e.stderr, new RegExp(`fleet agent ${fleet.nodes[i]!.name}: stopped`));
        assert.match(e.stderr, /registered as (primary|secondary) of pair AGT_\d+/);
      }
    });

    it('an agent survives the server going away (retries with backoff, says so) and stops cleanly on SIGTERM', async () => {
      const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(stack.serve.url).port));
      try {
        const agent = spawnCli([
          'fleet',
          'agent',
          '--server',
          `http://127.0.0.1:${proxy.port}`,
          '--token',
          tokenOf(`${ENV}_P_001`),
          '--name',
          `${ENV}_P_001`,
          '--address',
          `http://127.0.0.1:${fleet.nodes[0]!.properties.port}`,
          '--version',
          '2.0.0',
          '--interval',
          '5s',
        ]);
        agents.push(agent);
        await waitFor('the first announcement', () => /registered as primary of pair AGT_001/.test(agent.stderr()), { timeoutMs: 60_000 });
        proxy.cut();
        await waitFor('two failed attempts, backing off', () => /attempt 2\).*trying again in 2 s/.test(agent.stderr()), {
          timeoutMs: 60_000,
          explain: () => agent.stderr(),
        });
        assert.match(agent.stderr(), /announcing failed \(attempt 1\): Cannot reach drydock at http:\/\/127\.0\.0\.1:\d+.*; trying again in 1 s/);
        assert.equal(agent.child.exitCode, null, 'still running');
        proxy.restore();
        await waitFor('the recovery', () => /the server answers again after \d+ failed attempt/.test(agent.stderr()), {
          timeoutMs: 60_000,
          explain: () => agent.stderr(),
        });
        const ended = await stopAgent(agent);
        assert.equal(ended.code, 0, describeRun(ended));
        assert.match(ended.stderr, /AGT_P_001: stopped/);
      } finally {
        await proxy.close();
      }
    });

    it('refusals that announcing again cannot fix end the agent with exit 1 naming the problem; a missing version is a usage error', async () => {
      const common = ['fleet', 'agent', '--server', stack.serve.url, '--token', tokenOf(`${ENV}_P_001`), '--address', 'http://127.0.0.1:1'];
      // An administrator's full token may announce any name: the name itself is refused.
      const full = await stack.serve.admin({ method: 'POST', url: '/api/auth/tokens', body: { name: 'any node' } });
      const badName = await runCli([...common.slice(0, 4), '--token', full.body.data.token, ...common.slice(6), '--name', 'agt-p-001', '--version', '1.0.0']);
      assert.equal(badName.code, 1, describeRun(badName));
      assert.match(badName.stderr, /"agt-p-001" is not a node name: name a node <ENV_TYPE>_<P\|S>_<ENV_ID>/);
      const otherNode = await runCli([...common, '--name', `${ENV}_S_001`, '--version', '1.0.0']);
      assert.equal(otherNode.code, 1, describeRun(otherNode));
      assert.match(otherNode.stderr, /This token may only announce node AGT_P_001, not AGT_S_001\. Issue each node its own token/);
      const badToken = await runCli([...common.slice(0, 4), '--token', 'ddt_not-a-token', ...common.slice(6), '--name', 'AGT_P_001', '--version', '1.0.0']);
      assert.equal(badToken.code, 1, describeRun(badToken));
      assert.match(badToken.stderr, /HTTP 401/);
      const noVersion = await runCli([...common, '--name', 'AGT_P_001']);
      assert.equal(noVersion.code, 2, describeRun(noVersion));
      assert.match(noVersion.stderr, /--version X or --version-command/);
    });
  });
}
