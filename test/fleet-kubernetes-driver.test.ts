/**
 * The fleet's `kubernetes` driver with the real client (@kubernetes/client-node) over real HTTP,
 * against an in-test STAND-IN for the Kubernetes API (test/support/kubernetes-api-server.ts): no
 * Kubernetes API server can run on these machines, so the stand-in speaks the API subset the driver
 * uses (GET/PATCH of Deployments and Services, Status errors, bearer tokens, simulated rollouts).
 *
 * Covered: upgrade patches only the container's image and returns after the rollout, idempotently;
 * switch changes only the selector key, only once the target is available, and refuses a target
 * that is not; health reports availability and the version from the image; a rollout that never
 * becomes available times out (or fails early on ProgressDeadlineExceeded) naming the deployment;
 * 404, 401, 403 and an unreachable server give ok:false messages saying what to check; abort; a
 * kubeconfig file relative to the fleet's base directory; config validation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createDriver, driverConfigSchema } from '../src/fleet/drivers/driver-config.js';
import { createKubernetesDriver, kubernetesDriverConfigSchema, kubernetesName, versionFromImage } from '../src/fleet/drivers/kubernetes-driver.js';
import type { ActionContext, NodeDriver, NodeTarget, PairTarget } from '../src/fleet/drivers/node-driver.js';
import { startKubernetesApiServer, type KubernetesApiServer } from './support/kubernetes-api-server.js';
import { waitFor } from './support/wait-for.js';

const logger = pino({ level: process.env.DRYDOCK_TEST_LOG ?? 'silent' });
const TOKEN = 'test-token-full';
const READ_ONLY_TOKEN = 'test-token-read-only';
const IMAGE = 'registry.example/app:{version}';

function node(name: string, role: 'P' | 'S', envId = '001'): NodeTarget {
  return { name, role, environment: 'PROD', envId, pairId: `PROD_${envId}`, properties: {} };
}
const primary = node('PROD_P_001', 'P');
const secondary = node('PROD_S_001', 'S');
const pair: PairTarget = { id: 'PROD_001', environment: 'PROD', envId: '001', primary, secondary, properties: {} };

function ctx(overrides: Partial<ActionContext> = {}): ActionContext {
  return { signal: new AbortController().signal, timeoutMs: 60_000, logger, ...overrides };
}

/** A pair as Kubernetes holds it: two Deployments on 1.0.0 and a Service selecting the primary. */
function seedPair(server: KubernetesApiServer, namespace: string): void {
  server.addDeployment({
    namespace,
    name: 'prod-p-001',
    image: 'registry.example/app:1.0.0',
    extraContainers: [{ name: 'log-shipper', image: 'registry.example/shipper:7' }],
  });
  server.addDeployment({
    namespace,
    name: 'prod-s-001',
    image: 'registry.example/app:1.0.0',
    extraContainers: [{ name: 'log-shipper', image: 'registry.example/shipper:7' }],
  });
  server.addService({ namespace, name: 'prod-001', selector: { app: 'demo', 'drydock.io/node': 'prod-p-001' } });
}

function driverFor(server: KubernetesApiServer, namespace: string, extra: Record<string, unknown> = {}): NodeDriver {
  const config = kubernetesDriverConfigSchema.parse({
    type: 'kubernetes',
    namespace,
    server: server.url,
    token: TOKEN,
    skipTLSVerify: true,
    image: IMAGE,
    pollMilliseconds: 25,
    rolloutTimeoutSeconds: 20,
    ...extra,
  });
  return createKubernetesDriver(config, { baseDir: os.tmpdir() });
}

function patches(server: KubernetesApiServer, pathPart: string) {
  return server.requests.filter((r) => r.method === 'PATCH' && r.path.includes(pathPart));
}

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('kubernetes driver against the in-test Kubernetes API stand-in (no Kubernetes can run here)', () => {
  let server: KubernetesApiServer;
  before(async () => {
    server = await startKubernetesApiServer({ tokens: [TOKEN], readOnlyTokens: [READ_ONLY_TOKEN], rolloutDelayMs: 100 });
  });
  after(() => server.close());

  it('upgrade patches only the container image and returns once the rollout completed (stand-in API)', async () => {
    seedPair(server, 'upgrade');
    const driver = driverFor(server, 'upgrade');
    const outcome = await driver.upgrade(secondary, '2.0.0', ctx());
    assert.equal(outcome.ok, true, outcome.output);
    const d = server.deployment('upgrade', 'prod-s-001');
    assert.ok(d);
    assert.deepEqual(
      d.spec.template.spec.containers.map((c) => [c.name, c.image]),
      [
        ['app', 'registry.example/app:2.0.0'],
        ['log-shipper', 'registry.example/shipper:7'],
      ],
    );
    // The stand-in's status catches up only after its rollout delay: returning earlier would leave these behind.
    assert.equal(d.metadata.generation, 2);
    assert.equal(d.status.observedGeneration, 2);
    assert.equal(d.status.availableReplicas, 1);
    assert.equal(d.status.updatedReplicas, 1);
    const [patch] = patches(server, '/deployments/prod-s-001');
    assert.equal(patch?.contentType, 'application/strategic-merge-patch+json');
    // The primary was not touched.
    assert.equal(server.deployment('upgrade', 'prod-p-001')?.spec.template.spec.containers[0]?.image, 'registry.example/app:1.0.0');
  });

  it('upgrade is idempotent: a second call on the same version sends no patch and succeeds (stand-in API)', async () => {
    seedPair(server, 'idempotent');
    const driver = driverFor(server, 'idempotent');
    assert.equal((await driver.upgrade(secondary, '2.0.0', ctx())).ok, true);
    const patchesBefore = patches(server, '/namespaces/idempotent/').length;
    const again = await driver.upgrade(secondary, '2.0.0', ctx());
    assert.equal(again.ok, true, again.output);
    assert.match(again.output, /already runs registry\.example\/app:2\.0\.0/);
    assert.equal(patches(server, '/namespaces/idempotent/').length, patchesBefore);
    assert.equal(server.deployment('idempotent', 'prod-s-001')?.metadata.generation, 2);
  });

  it('health reports availability and the version parsed from the image (stand-in API)', async () => {
    seedPair(server, 'health');
    const driver = driverFor(server, 'health');
    const before = await driver.health(secondary, ctx());
    assert.equal(before.ok, true, before.output);
    assert.equal(before.version, '1.0.0');
    assert.equal((await driver.upgrade(secondary, '2.1.0-rc.1', ctx())).ok, true);
    const afterUpgrade = await driver.health(secondary, ctx());
    assert.equal(afterUpgrade.ok, true);
    assert.equal(afterUpgrade.version, '2.1.0-rc.1');
  });

  it('health: an image that does not fit the image template gives no version, and says so (stand-in API)', async () => {
    server.addDeployment({ namespace: 'foreign', name: 'prod-p-001', image: 'other.example/thing:5' });
    const outcome = await driverFor(server, 'foreign').health(primary, ctx());
    assert.equal(outcome.ok, true);
    assert.equal(outcome.version, undefined);
    assert.match(outcome.output, /does not match driver\.image/);
  });

  it('switch changes the Service selector only once the target is available (stand-in API)', async () => {
    // A slow rollout, so that the switch attempt surely falls inside it.
    const slow = await startKubernetesApiServer({ tokens: [TOKEN], rolloutDelayMs: 2000 });
    try {
      seedPair(slow, 'switch');
      const driver = driverFor(slow, 'switch');
      const upgrading = driver.upgrade(secondary, '2.0.0', ctx());
      await waitFor('the image is patched', () => patches(slow, '/deployments/prod-s-001').length > 0, { timeoutMs: 10_000 });
      const early = await driver.switchActive(pair, secondary, ctx());
      assert.equal(early.ok, false, 'switched to a deployment in the middle of its rollout');
      assert.match(early.output, /not available/);
      assert.equal(slow.service('switch', 'prod-001')?.spec.selector['drydock.io/node'], 'prod-p-001');
      assert.equal(patches(slow, '/services/').length, 0);

      assert.equal((await upgrading).ok, true);
      const outcome = await driver.switchActive(pair, secondary, ctx());
      assert.equal(outcome.ok, true, outcome.output);
      // Only the driver's key changed; the Service's other selector labels stay.
      assert.deepEqual(slow.service('switch', 'prod-001')?.spec.selector, { app: 'demo', 'drydock.io/node': 'prod-s-001' });
      assert.equal(patches(slow, '/services/prod-001')[0]?.contentType, 'application/merge-patch+json');
    } finally {
      await slow.close();
    }
  });

  it('switch to the node already selected succeeds without a patch (stand-in API)', async () => {
    seedPair(server, 'switch-again');
    const outcome = await driverFor(server, 'switch-again').switchActive(pair, primary, ctx());
    assert.equal(outcome.ok, true, outcome.output);
    assert.match(outcome.output, /already selects drydock\.io\/node=prod-p-001/);
    assert.equal(patches(server, '/namespaces/switch-again/').length, 0);
  });

  it('switch refuses (ok:false) a target whose rollout never became available, and leaves the Service alone (stand-in API)', async () => {
    seedPair(server, 'refuse');
    server.failImage('registry.example/app:6.6.6');
    const driver = driverFor(server, 'refuse', { rolloutTimeoutSeconds: 1 });
    assert.equal((await driver.upgrade(secondary, '6.6.6', ctx())).ok, false);
    const outcome = await driver.switchActive(pair, secondary, ctx());
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /not switching refuse\/prod-001 to deployment refuse\/prod-s-001: it is not available/);
    assert.equal(server.service('refuse', 'prod-001')?.spec.selector['drydock.io/node'], 'prod-p-001');
    assert.equal(patches(server, '/services/').filter((p) => p.path.includes('/refuse/')).length, 0);
  });

  it('switch refuses a target whose pod template lacks the selector label (stand-in API)', async () => {
    server.addDeployment({ namespace: 'unlabelled', name: 'prod-s-001', image: 'registry.example/app:1.0.0', label: 'example.com/other' });
    server.addService({ namespace: 'unlabelled', name: 'prod-001', selector: { 'drydock.io/node': 'prod-p-001' } });
    const outcome = await driverFor(server, 'unlabelled').switchActive(pair, secondary, ctx());
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /no label drydock\.io\/node; it needs drydock\.io\/node=prod-s-001/);
    assert.equal(server.service('unlabelled', 'prod-001')?.spec.selector['drydock.io/node'], 'prod-p-001');
  });

  it('a rollout that never becomes available times out with ok:false naming the deployment (stand-in API)', async () => {
    seedPair(server, 'stuck');
    server.failImage('registry.example/app:9.9.9');
    const driver = driverFor(server, 'stuck', { rolloutTimeoutSeconds: 1 });
    const outcome = await driver.upgrade(secondary, '9.9.9', ctx());
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /rollout of deployment stuck\/prod-s-001 did not complete within 1 s/);
    assert.match(outcome.output, /old replicas pending termination|updated replicas available/);
    const health = await driver.health(secondary, ctx());
    assert.equal(health.ok, false, 'a deployment stuck in its rollout reported healthy');
  });

  it('a rollout Kubernetes marks ProgressDeadlineExceeded fails before the timeout (stand-in API)', async () => {
    const strict = await startKubernetesApiServer({ tokens: [TOKEN], rolloutDelayMs: 50, progressDeadlineMs: 200 });
    try {
      seedPair(strict, 'deadline');
      strict.failImage('registry.example/app:9.9.9');
      const outcome = await driverFor(strict, 'deadline', { rolloutTimeoutSeconds: 60 }).upgrade(secondary, '9.9.9', ctx());
      assert.equal(outcome.ok, false);
      assert.match(outcome.output, /rollout of deployment deadline\/prod-s-001 failed: ProgressDeadlineExceeded/);
    } finally {
      await strict.close();
    }
  });

  it('aborting during the rollout wait returns ok:false aborted (stand-in API)', async () => {
    seedPair(server, 'abort');
    server.failImage('registry.example/app:7.7.7');
    const controller = new AbortController();
    const running = driverFor(server, 'abort').upgrade(secondary, '7.7.7', ctx({ signal: controller.signal }));
    await waitFor('the image is patched', () => patches(server, '/namespaces/abort/').length > 0, { timeoutMs: 10_000 });
    controller.abort('emergency-stop');
    const outcome = await running;
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /aborted/);
  });

  it('a missing deployment or service gives ok:false naming namespace/name and the setting to check (stand-in API)', async () => {
    const driver = driverFor(server, 'nowhere');
    const health = await driver.health(primary, ctx());
    assert.equal(health.ok, false);
    assert.match(health.output, /deployment nowhere\/prod-p-001 not found — check driver\.namespace and driver\.deployment/);
    assert.match(health.output, /deployments\.apps "prod-p-001" not found/, "the API server's Status message is kept");
    const upgrade = await driver.upgrade(primary, '2.0.0', ctx());
    assert.equal(upgrade.ok, false);
    assert.match(upgrade.output, /nowhere\/prod-p-001 not found/);

    server.addDeployment({ namespace: 'no-service', name: 'prod-s-001', image: 'registry.example/app:1.0.0' });
    const sw = await driverFor(server, 'no-service').switchActive(pair, secondary, ctx());
    assert.equal(sw.ok, false);
    assert.match(sw.output, /service no-service\/prod-001 not found — check driver\.namespace and driver\.service/);
  });

  it('a wrong token gives ok:false with 401, a read-only token 403 on patch (stand-in API)', async () => {
    seedPair(server, 'auth');
    const wrong = await driverFor(server, 'auth', { token: 'not-the-token' }).health(primary, ctx());
    assert.equal(wrong.ok, false);
    assert.match(wrong.output, /401 Unauthorized/);
    assert.match(wrong.output, /check the credentials/);

    const readOnly = driverFor(server, 'auth', { token: READ_ONLY_TOKEN });
    assert.equal((await readOnly.health(primary, ctx())).ok, true, 'a read-only token may read');
    const denied = await readOnly.upgrade(secondary, '2.0.0', ctx());
    assert.equal(denied.ok, false);
    assert.match(denied.output, /403 Forbidden/);
    assert.match(denied.output, /cannot patch resource "deployments"/);
    assert.match(denied.output, /Role and RoleBinding/);
    assert.equal(server.deployment('auth', 'prod-s-001')?.spec.template.spec.containers[0]?.image, 'registry.example/app:1.0.0');
  });

  it('an unreachable API server gives ok:false saying which server and what to check', async () => {
    const port = await closedPort();
    const driver = createKubernetesDriver(
      kubernetesDriverConfigSchema.parse({ type: 'kubernetes', namespace: 'x', server: `http://127.0.0.1:${port}`, skipTLSVerify: true, image: IMAGE }),
      { baseDir: os.tmpdir() },
    );
    const outcome = await driver.health(primary, ctx());
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, new RegExp(`cannot reach the Kubernetes API server at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  });

  it('an unknown variable in a name template is ok:false with a clear message (stand-in API)', async () => {
    const outcome = await driverFor(server, 'upgrade', { deployment: '{app}-{node}' }).health(primary, ctx());
    assert.equal(outcome.ok, false);
    assert.match(outcome.output, /unknown template variable \{app\}/);
  });

  it('reads a kubeconfig file relative to the fleet base directory, through createDriver (stand-in API)', async () => {
    seedPair(server, 'kubeconfig');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-kubeconfig-'));
    try {
      writeFileSync(
        path.join(dir, 'stand-in.kubeconfig'),
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '- name: stand-in',
          '  cluster:',
          `    server: ${server.url}`,
          '    insecure-skip-tls-verify: true',
          'users:',
          '- name: fleet',
          '  user:',
          `    token: ${TOKEN}`,
          'contexts:',
          '- name: other',
          '  context: {cluster: stand-in, user: nobody}',
          '- name: fleet',
          '  context: {cluster: stand-in, user: fleet}',
          'current-context: other',
          '',
        ].join('\n'),
      );
      const config = driverConfigSchema.parse({
        type: 'kubernetes',
        namespace: 'kubeconfig',
        kubeconfig: 'stand-in.kubeconfig',
        context: 'fleet',
        image: IMAGE,
      });
      const driver = createDriver(config, { logger, baseDir: dir });
      const outcome = await driver.health(secondary, ctx());
      assert.equal(outcome.ok, true, outcome.output);
      assert.equal(outcome.version, '1.0.0');
      await driver.close();
      assert.throws(
        () =>
          createDriver(driverConfigSchema.parse({ type: 'kubernetes', namespace: 'x', kubeconfig: 'missing.kubeconfig', image: IMAGE }), {
            logger,
            baseDir: dir,
          }),
        /cannot load kubeconfig .*missing\.kubeconfig/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('config: defaults, and clear messages for mistakes', () => {
    const config = kubernetesDriverConfigSchema.parse({ type: 'kubernetes', namespace: 'shop', image: IMAGE });
    assert.equal(config.deployment, '{node}');
    assert.equal(config.service, '{pair}');
    assert.equal(config.selectorLabel, 'drydock.io/node');
    assert.equal(config.rolloutTimeoutSeconds, 600);
    assert.equal(config.pollMilliseconds, 2000);
    const messages = (input: Record<string, unknown>) => {
      const r = driverConfigSchema.safeParse({ type: 'kubernetes', namespace: 'shop', image: IMAGE, ...input });
      assert.equal(r.success, false, `accepted ${JSON.stringify(input)}`);
      return r.error.issues.map((i) => i.message).join('\n');
    };
    assert.match(messages({ image: 'registry.example/app:latest' }), /driver\.image must contain \{version\}/);
    assert.match(messages({ server: 'http://127.0.0.1:8001' }), /set skipTLSVerify: true/);
    assert.match(messages({ token: 'x' }), /driver\.token needs driver\.server/);
    assert.match(messages({ server: 'https://k8s.example:6443', kubeconfig: 'k' }), /either driver\.server .* or driver\.kubeconfig/);
    assert.match(messages({ namespace: 'Shop_1' }), /driver\.namespace must be a Kubernetes namespace name/);
    assert.match(messages({ rolloutTimeout: 5 }), /rolloutTimeout/);
  });

  it('names: node and pair names become Kubernetes names; versions are read back through the image template', () => {
    assert.equal(kubernetesName('PROD_P_001'), 'prod-p-001');
    assert.equal(kubernetesName('STG-2_S_tokyo-1'), 'stg-2-s-tokyo-1');
    assert.equal(kubernetesName('__X__'), 'x');
    assert.equal(versionFromImage('registry.example/app:2.0.0', IMAGE, {}), '2.0.0');
    assert.equal(versionFromImage('registry.example/app-prod-p-001:2.0.0', 'registry.example/app-{dn}:{version}', { dn: 'prod-p-001' }), '2.0.0');
    assert.equal(versionFromImage('registry.example/app-other:2.0.0', 'registry.example/app-{dn}:{version}', { dn: 'prod-p-001' }), undefined);
    assert.equal(versionFromImage('registry.example/app:2.0.0', 'registry.example/app:v{version}', {}), undefined);
    assert.equal(versionFromImage('r.example/a.b:1', 'r.example/a.b:{version}', {}), '1');
    assert.equal(versionFromImage('rXexample/a.b:1', 'r.example/a.b:{version}', {}), undefined, 'a dot in the template is literal');
  });
});
