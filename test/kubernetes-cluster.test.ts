/**
 * The simulated Kubernetes cluster (test/support/kubernetes-cluster.ts behind the API stand-in's
 * `cluster` mode) behaves like Kubernetes where `drydock kube upgrade` depends on it. Its pods here
 * are tiny real processes (a few lines of node: an HTTP server on DRYDOCK_PORT, a task that exits 0
 * or 1, a process that ignores SIGTERM), not drydock, so the file runs in seconds. Every API call
 * that matters goes through @kubernetes/client-node, to prove the client accepts the shapes.
 *
 * Covered: a Deployment comes up and `rolloutState` reads its rollout as complete; an image change
 * rolls one pod at a time within maxSurge 1 / maxUnavailable 0 (never fewer than 2 ready pods),
 * terminates old pods after their preStop, and every request through the Service succeeds,
 * never reaching a terminating pod on a new connection; an open connection stays with its pod while
 * it terminates; scale to 0 leaves no pod and the Service resets connections; an unknown image stays
 * Pending/ErrImagePull while the old pods keep serving, ends in ProgressDeadlineExceeded, and rolls
 * back; a crashing container restarts in CrashLoopBackOff; Jobs complete, fail (backoffLimit 0) and
 * are deleted per propagationPolicy, their logs readable; label selectors; a process ignoring
 * SIGTERM is SIGKILLed after its grace period and that is recorded; the rendered manifests
 * (kubectl kustomize) seed a running install; RBAC rules of a Role token.
 *
 * No timing assertions: orderings and invariants, with generous deadlines only as backstops.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiException, AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { PatchStrategy, requestOptions, rolloutState } from '../src/kubernetes/client.js';
import { startKubernetesApiServer, type ClusterApiServer, type PolicyRule } from './support/kubernetes-api-server.js';
import type { PodObject, SimulatedCluster } from './support/kubernetes-cluster.js';
import { waitFor, type WaitOptions } from './support/wait-for.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOKEN = 'sim-token';
const UPGRADER_TOKEN = 'upgrader-token';
/** A Role's rules (the shape of deploy/kubernetes/base/upgrade-role.yaml's), without pods/log or services. */
const LIMITED_ROLE: PolicyRule[] = [
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'create', 'delete'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
];

/**
 * A web server on DRYDOCK_PORT: every path answers 200 with the pod and its version (argv[1]); on
 * SIGTERM it logs, stops accepting and exits once open connections are done. Without DRYDOCK_PORT
 * (a worker-like container) it just idles until SIGTERM.
 */
const WEB = `
const http = require('node:http');
const version = process.argv[1];
console.log('starting ' + version + ' as ' + process.env.HOSTNAME + ' args ' + process.argv.slice(2).join(' '));
if (!process.env.DRYDOCK_PORT) {
  const idle = setInterval(() => {}, 1000);
  process.on('SIGTERM', () => { console.log('SIGTERM'); clearInterval(idle); });
} else {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ pod: process.env.HOSTNAME, version, path: req.url }));
  });
  server.listen(Number(process.env.DRYDOCK_PORT), process.env.DRYDOCK_HOST, () => console.log('listening'));
  process.on('SIGTERM', () => {
    console.log('SIGTERM');
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
`;
/** Prints its arguments, then exits with the last one as its code. */
const TASK = `console.log('task ' + process.argv.slice(1).join(' ')); console.error('stderr line'); process.exitCode = Number(process.argv[process.argv.length - 1]);`;
/** A server that ignores SIGTERM. */
const STUBBORN = `
require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.DRYDOCK_PORT), '127.0.0.1');
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
`;
/** Exits 3 shortly after it starts. */
const CRASH = `console.log('crashing'); setTimeout(() => process.exit(3), 50);`;

const node = (script: string, ...args: string[]) => ({ command: [process.execPath, '-e', script, ...args] });
const RELEASES = {
  'registry.example.com/web:1': node(WEB, 'v1'),
  'registry.example.com/web:2': node(WEB, 'v2'),
  'registry.example.com/drydock:1.0.0': node(WEB, 'manifests'),
  'registry.example.com/task:1': node(TASK),
  'registry.example.com/stubborn:1': node(STUBBORN),
  'registry.example.com/crash:1': node(CRASH),
};

/** One HTTP GET on a new connection. */
function get(port: number, urlPath = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Requests through `port` back to back until stopped; each result kept. */
function load(port: number) {
  const results: Array<{ ok: boolean; version?: string; pod?: string; error?: string }> = [];
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        const r = await get(port);
        const body = JSON.parse(r.body) as { version: string; pod: string };
        results.push({ ok: r.status === 200, version: body.version, pod: body.pod });
      } catch (err) {
        results.push({ ok: false, error: (err as Error).message });
      }
    }
  })();
  return {
    results,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** Samples the pod list every few ms while something happens. */
function sample(cluster: SimulatedCluster, namespace: string, selector: string) {
  const snapshots: PodObject[][] = [];
  const timer = setInterval(() => snapshots.push(cluster.pods(namespace, selector)), 10);
  return {
    snapshots,
    stop: () => clearInterval(timer),
  };
}

const isReady = (p: PodObject) => p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
const terminating = (p: PodObject) => p.metadata.deletionTimestamp !== undefined;

/** A Deployment shaped like deploy/kubernetes's API one: rolling 1/0, readiness probe on the named port, preStop sleep. */
function webDeployment(name: string, image: string, options: { replicas?: number; preStop?: number; grace?: number; labels?: Record<string, string> } = {}) {
  const labels = { app: name, ...options.labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: options.grace ?? 20,
          containers: [
            {
              name: 'web',
              image,
              args: ['serve'],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 2 },
              ...(options.preStop !== undefined && { lifecycle: { preStop: { exec: { command: ['sleep', String(options.preStop)] } } } }),
            },
          ],
        },
      },
    },
  };
}

function service(name: string, selector: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] } };
}

describe('simulated Kubernetes cluster (real processes as pods)', () => {
  let server: ClusterApiServer;
  let cluster: SimulatedCluster;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  const signal = new AbortController().signal;
  const opts = () => requestOptions(signal);
  const strategic = () => requestOptions(signal, PatchStrategy.StrategicMergePatch);
  const merge = () => requestOptions(signal, PatchStrategy.MergePatch);
  /** How the tests wait on the cluster: a generous backstop, and the cluster's state and logs if it runs out. */
  const onCluster: WaitOptions = { timeoutMs: 60_000, everyMs: 20, explain: () => cluster.describe({ logs: true }) };

  const clientFor = (token: string) => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'sim', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'u' }],
      currentContext: 'sim',
    });
    return kc;
  };

  const state = async (namespace: string, name: string) => rolloutState(await apps.readNamespacedDeployment({ namespace, name }, opts()));
  const rolledOut = (namespace: string, name: string) =>
    waitFor(`the rollout of ${namespace}/${name} is complete`, async () => (await state(namespace, name)).complete, onCluster);

  before(async () => {
    server = await startKubernetesApiServer({
      tokens: [TOKEN],
      roleTokens: { [UPGRADER_TOKEN]: { user: 'system:serviceaccount:rbac:limited', rules: LIMITED_ROLE } },
      cluster: { releases: RELEASES, env: { SIM_TEST: '1' } },
    });
    cluster = server.cluster;
    const kc = clientFor(TOKEN);
    apps = kc.makeApiClient(AppsV1Api);
    core = kc.makeApiClient(CoreV1Api);
    batch = kc.makeApiClient(BatchV1Api);
  });

  after(async () => {
    await server?.close();
  });

  it('brings a Deployment up: two Running, Ready pods on the image, the rollout complete as rolloutState reads it', async () => {
    const ns = 'up';
    const created = await apps.createNamespacedDeployment({ namespace: ns, body: webDeployment('web', 'registry.example.com/web:1') }, opts());
    assert.equal(created.metadata?.generation, 1);
    assert.equal(created.spec?.template.spec?.restartPolicy, 'Always', 'the API server fills defaults');
    const state0 = rolloutState(created);
    assert.equal(state0.complete, false, 'a new Deployment is not complete before its pods are available');
    await rolledOut(ns, 'web');

    const d = await apps.readNamespacedDeployment({ namespace: ns, name: 'web' }, opts());
    assert.equal(d.status?.observedGeneration, 1);
    assert.equal(d.status?.replicas, 2);
    assert.equal(d.status?.updatedReplicas, 2);
    assert.equal(d.status?.readyReplicas, 2);
    assert.equal(d.status?.availableReplicas, 2);
    assert.equal(d.status?.unavailableReplicas, undefined, 'zero counters are omitted, as the real API does');
    assert.deepEqual(
      d.status?.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ['Available', 'True', 'MinimumReplicasAvailable'],
        ['Progressing', 'True', 'NewReplicaSetAvailable'],
      ],
    );
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' }, opts());
    assert.equal(pods.kind, 'PodList');
    assert.equal(pods.items.length, 2);
    for (const p of pods.items) {
      assert.equal(p.status?.phase, 'Running');
      assert.equal(p.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(p.status?.containerStatuses?.[0]?.image, 'registry.example.com/web:1');
      assert.equal(p.status?.containerStatuses?.[0]?.ready, true);
      assert.ok(p.status?.containerStatuses?.[0]?.state?.running, 'the container is running');
      assert.equal(p.metadata?.ownerReferences?.[0]?.kind, 'ReplicaSet');
      assert.ok(p.metadata?.labels?.['pod-template-hash']);
      assert.ok(p.metadata?.creationTimestamp instanceof Date, 'the client parses the timestamps');
      assert.equal(p.spec?.containers[0]?.image, 'registry.example.com/web:1');
      const log = await core.readNamespacedPodLog({ namespace: ns, name: p.metadata.name! }, opts());
      assert.match(log, new RegExp(`starting v1 as ${p.metadata.name!} args serve`), 'the pod ran [...release.command, ...args] with HOSTNAME set');
    }
    const port = await cluster.servicePort(ns, 'web').catch(() => undefined);
    assert.equal(port, undefined, 'no Service was created in this namespace');
  });

  it('rolls an image change one pod at a time (maxSurge 1, maxUnavailable 0): never fewer than 2 ready, old pods terminated after preStop, every request through the Service answered', async () => {
    const ns = 'roll';
    cluster.apply([webDeployment('web', 'registry.example.com/web:1', { preStop: 1 }), service('web', { app: 'web' })], { namespace: ns });
    await cluster.waitRolledOut(ns, 'web');
    const oldPods = cluster.pods(ns, 'app=web').map((p) => p.metadata.name);
    const port = await cluster.servicePort(ns, 'web', 'http');
    const traffic = load(port);
    await waitFor('traffic flows through the Service', () => traffic.results.length >= 5, onCluster);
    const sampler = sample(cluster, ns, 'app=web');

    const patched = await apps.patchNamespacedDeployment(
      { namespace: ns, name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example.com/web:2' }] } } } } },
      strategic(),
    );
    assert.equal(patched.metadata?.generation, 2);
    await rolledOut(ns, 'web');
    await cluster.waitRolledOut(ns, 'web');
    await waitFor('traffic is on v2', () => traffic.results.slice(-3).every((r) => r.version === 'v2') && traffic.results.length > 0, onCluster);
    await traffic.stop();
    sampler.stop();

    // The Service: every request answered, first by v1 then by v2.
    const failed = traffic.results.filter((r) => !r.ok);
    assert.deepEqual(failed, [], 'every request through the Service during the rollout succeeded');
    assert.equal(traffic.results[0]?.version, 'v1');
    assert.equal(traffic.results.at(-1)?.version, 'v2');

    // The invariants of maxSurge 1 / maxUnavailable 0, on every sample of the pod list.
    assert.ok(sampler.snapshots.length > 10);
    for (const pods of sampler.snapshots) {
      const live = pods.filter((p) => !terminating(p));
      assert.ok(live.filter(isReady).length >= 2, `never fewer than 2 ready pods: ${live.map((p) => `${p.metadata.name} ${isReady(p)}`).join(', ')}`);
      assert.ok(live.length <= 3, 'never more than replicas + maxSurge pods');
      assert.ok(live.filter((p) => !isReady(p)).length <= 1, 'one new pod at a time');
    }
    // Old pods were terminated one at a time: never two old pods terminating while the first's replacement was not ready.
    const sawTerminating = sampler.snapshots.some((pods) => pods.some((p) => terminating(p) && oldPods.includes(p.metadata.name)));
    assert.ok(sawTerminating, 'the old pods were seen terminating (preStop keeps them in the list)');

    // The kubelet: preStop (sleep 1), then SIGTERM; the process exited by itself (code 0).
    const ends = cluster.terminations.filter((t) => t.namespace === ns);
    assert.deepEqual(ends.map((t) => t.pod).sort(), [...oldPods].sort());
    for (const t of ends) {
      assert.equal(t.signal, 'SIGTERM');
      assert.equal(t.exitCode, 0);
      assert.equal(t.image, 'registry.example.com/web:1');
      assert.equal(t.deployment, 'web');
      assert.ok(t.signalledAt! - t.requestedAt >= 990, 'SIGTERM only after the preStop sleep');
      assert.match(cluster.podLog(t.pod), /SIGTERM/);
    }
    const [first, second] = [...ends].sort((a, b) => a.requestedAt - b.requestedAt);
    assert.ok(first && second && second.requestedAt > first.requestedAt, 'the old pods were deleted one after the other');

    // kube-proxy: no new connection ever went to a pod already terminating.
    const deletedAt = new Map(ends.map((t) => [t.pod, t.requestedAt]));
    const routed = cluster.connections.filter((c) => c.namespace === ns);
    assert.ok(routed.length >= traffic.results.length);
    for (const c of routed) {
      assert.ok(c.pod !== null, 'there was always an endpoint');
      const at = deletedAt.get(c.pod);
      assert.ok(at === undefined || c.at < at, `connection at ${c.at} went to ${c.pod}, deleted at ${at}`);
    }
    const now = cluster.pods(ns, 'app=web');
    assert.equal(now.length, 2);
    assert.ok(now.every((p) => p.spec.containers[0]?.image === 'registry.example.com/web:2' && isReady(p) && !oldPods.includes(p.metadata.name)));

    // A metadata-only patch (an annotation) is kept and does not start a rollout.
    const annotated = await apps.patchNamespacedDeployment(
      { namespace: ns, name: 'web', body: { metadata: { annotations: { 'drydock.io/replicas': '2' } } } },
      merge(),
    );
    assert.equal(annotated.metadata?.generation, 2);
    assert.equal(annotated.metadata?.annotations?.['drydock.io/replicas'], '2');
    assert.equal(annotated.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2', 'the controller numbers templates as revisions');
    assert.equal((await state(ns, 'web')).complete, true);
  });

  it('keeps an open connection on its pod while the pod terminates; new connections go elsewhere, or are reset when no endpoint is left', async () => {
    const ns = 'sticky';
    cluster.apply([webDeployment('web', 'registry.example.com/web:1', { replicas: 1, preStop: 2 }), service('web', { app: 'web' })], { namespace: ns });
    await cluster.waitRolledOut(ns, 'web');
    const port = await cluster.servicePort(ns, 'web');
    const [pod] = cluster.pods(ns, 'app=web');

    // One keep-alive connection, two requests on it: the second one while its pod is terminating.
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    const request = () => socket.write('GET /x HTTP/1.1\r\nHost: sim\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    request();
    await waitFor('the first response arrived', () => (received.match(/HTTP\/1\.1 200/g) ?? []).length === 1, onCluster);

    await apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'web', body: { spec: { replicas: 0 } } }, merge());
    await waitFor('the pod is terminating', () => cluster.pods(ns).some(terminating), onCluster);
    request();
    await waitFor('the second response arrived on the open connection', () => (received.match(/HTTP\/1\.1 200/g) ?? []).length === 2, onCluster);
    assert.equal((received.match(new RegExp(`"pod":"${pod!.metadata.name}"`, 'g')) ?? []).length, 2, 'both answered by the same pod');

    // A new connection has no endpoint (the only pod is terminating): reset at once.
    await assert.rejects(
      get(port),
      (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET' || err.code === 'ECONNREFUSED' || /socket hang up/.test(err.message),
    );
    assert.equal(cluster.connections.filter((c) => c.namespace === ns).at(-1)?.pod, null);
    socket.end();
    await waitFor('no pod is left', () => cluster.pods(ns).length === 0, onCluster);
  });

  it('scales to 0: every pod terminated with SIGTERM and gone once its process exited; the rollout reads complete', async () => {
    const ns = 'scale';
    cluster.apply([webDeployment('web', 'registry.example.com/web:1')], { namespace: ns });
    await cluster.waitRolledOut(ns, 'web');
    const names = cluster.pods(ns).map((p) => p.metadata.name);
    const before = await apps.readNamespacedDeploymentScale({ namespace: ns, name: 'web' }, opts());
    assert.equal(before.spec?.replicas, 2);
    assert.equal(before.status?.selector, 'app=web');
    await apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'web', body: { spec: { replicas: 0 } } }, merge());
    await waitFor('no pod is left', () => cluster.pods(ns).length === 0, onCluster);
    const ends = cluster.terminations.filter((t) => t.namespace === ns);
    assert.deepEqual(ends.map((t) => t.pod).sort(), [...names].sort());
    assert.ok(ends.every((t) => t.signal === 'SIGTERM' && t.exitCode === 0));
    const s = await state(ns, 'web');
    assert.equal(s.complete, true);
    assert.equal(s.ready, false, 'complete but scaled to 0');
    const d = await apps.readNamespacedDeployment({ namespace: ns, name: 'web' }, opts());
    assert.equal(d.status?.replicas, undefined, 'zero replicas: omitted');
    assert.equal(d.metadata?.generation, 2, 'a scale changes the spec');
  });

  it('keeps an unknown image Pending with ErrImagePull: the rollout never completes, the old pods keep serving, then ProgressDeadlineExceeded; rolling back completes', async () => {
    const ns = 'bad-image';
    cluster.apply([webDeployment('web', 'registry.example.com/web:1'), service('web', { app: 'web' })], { namespace: ns });
    await cluster.waitRolledOut(ns, 'web');
    const oldPods = cluster.pods(ns).map((p) => p.metadata.name);
    const port = await cluster.servicePort(ns, 'web');
    const traffic = load(port);

    await apps.patchNamespacedDeployment(
      {
        namespace: ns,
        name: 'web',
        body: { spec: { progressDeadlineSeconds: 3, template: { spec: { containers: [{ name: 'web', image: 'registry.example.com/web:404' }] } } } },
      },
      strategic(),
    );
    const stuck = await waitFor(
      'the new pod is in ImagePullBackOff',
      () =>
        cluster
          .pods(ns)
          .find(
            (p) =>
              p.status.containerStatuses[0]?.state &&
              'waiting' in p.status.containerStatuses[0].state &&
              p.status.containerStatuses[0].state.waiting.reason === 'ImagePullBackOff',
          ),
      onCluster,
    );
    assert.equal(stuck.status.phase, 'Pending');
    assert.equal(isReady(stuck), false);
    const failed = await waitFor('the rollout has failed', async () => (await state(ns, 'web')).failed, onCluster);
    assert.match(failed, /ProgressDeadlineExceeded/);
    assert.equal((await state(ns, 'web')).complete, false);
    const pods = cluster.pods(ns);
    assert.deepEqual(pods.filter((p) => oldPods.includes(p.metadata.name) && isReady(p) && !terminating(p)).length, 2, 'both old pods still serve');
    assert.equal(pods.length, 3, 'one surge pod, stuck');
    const log = await core.readNamespacedPodLog({ namespace: ns, name: stuck.metadata.name }, opts()).then(
      () => 'read',
      (err: unknown) => (err instanceof ApiException ? err.code : err),
    );
    assert.equal(log, 400, 'no log for a container that never started');

    // kubectl rollout undo: back to the old template, the stuck pod goes.
    await apps.patchNamespacedDeployment(
      { namespace: ns, name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1' }] } } } } },
      strategic(),
    );
    await rolledOut(ns, 'web');
    await cluster.waitRolledOut(ns, 'web');
    await traffic.stop();
    assert.deepEqual(
      traffic.results.filter((r) => !r.ok),
      [],
    );
    assert.ok(traffic.results.every((r) => r.version === 'v1'));
    assert.deepEqual(
      cluster
        .pods(ns)
        .map((p) => p.metadata.name)
        .sort(),
      [...oldPods].sort(),
      'the old pods were never touched',
    );
    assert.deepEqual(
      cluster.terminations.filter((t) => t.namespace === ns),
      [],
      'the stuck pod had no process to stop',
    );
    assert.equal(cluster.deployment(ns, 'web')?.metadata.annotations?.['deployment.kubernetes.io/revision'], '3', 'a rollback is a new revision');
  });

  it('replaces a deleted pod: the kubelet terminates it, the controller starts another', async () => {
    const ns = 'delete-pod';
    cluster.apply([webDeployment('web', 'registry.example.com/web:1', { replicas: 1 })], { namespace: ns });
    await cluster.waitRolledOut(ns, 'web');
    const [pod] = cluster.pods(ns);
    const deleted = await core.deleteNamespacedPod({ namespace: ns, name: pod!.metadata.name }, opts());
    assert.ok(deleted.metadata?.deletionTimestamp instanceof Date);
    await cluster.waitRolledOut(ns, 'web');
    const [replacement] = cluster.pods(ns);
    assert.notEqual(replacement?.metadata.name, pod!.metadata.name);
    assert.deepEqual(
      cluster.terminations.filter((t) => t.namespace === ns).map((t) => [t.pod, t.signal]),
      [[pod!.metadata.name, 'SIGTERM']],
    );
    await apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'web', body: { spec: { replicas: 0 } } }, merge());
    await waitFor('no pod is left', () => cluster.pods(ns).length === 0, onCluster);
  });

  it('restarts a crashing container with back-off (CrashLoopBackOff, restartCount): the pod never becomes ready', async () => {
    const ns = 'crash';
    cluster.apply([{ ...webDeployment('crash', 'registry.example.com/crash:1', { replicas: 1 }) }], { namespace: ns });
    const pod = await waitFor(
      'the container has restarted twice',
      () => cluster.pods(ns).find((p) => (p.status.containerStatuses[0]?.restartCount ?? 0) >= 2),
      onCluster,
    );
    assert.equal(pod.status.phase, 'Running', 'a crash-looping pod is Running, as in Kubernetes');
    const waiting = await waitFor(
      'the container is in CrashLoopBackOff',
      () => {
        const s = cluster.pods(ns)[0]?.status.containerStatuses[0];
        return s && 'waiting' in s.state && s.state.waiting.reason === 'CrashLoopBackOff' ? s : undefined;
      },
      onCluster,
    );
    assert.ok('terminated' in waiting.lastState && waiting.lastState.terminated.exitCode === 3);
    assert.equal((await state(ns, 'crash')).complete, false);
    const previous = await core.readNamespacedPodLog({ namespace: ns, name: pod.metadata.name, previous: true }, opts());
    assert.match(previous, /crashing/);
    await apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'crash', body: { spec: { replicas: 0 } } }, merge());
    await waitFor('no pod is left', () => cluster.pods(ns).length === 0, onCluster);
  });

  it('runs Jobs: exit 0 → Complete, exit 1 with backoffLimit 0 → Failed after one pod; logs through the API; 409 on a taken name; delete per propagationPolicy', async () => {
    const ns = 'jobs';
    const job = (name: string, code: number) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, labels: { app: 'task', outcome: code === 0 ? 'ok' : 'fail' } },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { app: 'task' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'task', image: 'registry.example.com/task:1', args: ['migrate', String(code)] }] },
        },
      },
    });
    const finished = (name: string) =>
      waitFor(
        `job ${name} has finished`,
        async () => {
          const j = await batch.readNamespacedJob({ namespace: ns, name }, opts());
          return j.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ? j : undefined;
        },
        onCluster,
      );

    await batch.createNamespacedJob({ namespace: ns, body: job('ok', 0) }, opts());
    await batch.createNamespacedJob({ namespace: ns, body: job('fail', 1) }, opts());
    const ok = await finished('ok');
    assert.equal(ok.status?.succeeded, 1);
    assert.equal(ok.status?.failed, undefined);
    assert.ok(ok.status?.completionTime instanceof Date);
    assert.ok(ok.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True'));
    const bad = await finished('fail');
    assert.equal(bad.status?.failed, 1);
    assert.equal(bad.status?.succeeded, undefined);
    assert.equal(bad.status?.completionTime, undefined, 'a failed Job has no completionTime');
    const failedCondition = bad.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failedCondition?.status, 'True');
    assert.equal(failedCondition?.reason, 'BackoffLimitExceeded');

    const okPods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'job-name=ok' }, opts());
    assert.equal(okPods.items.length, 1);
    assert.equal(okPods.items[0]?.status?.phase, 'Succeeded');
    assert.equal(okPods.items[0]?.metadata?.labels?.['app'], 'task', 'the template labels are kept');
    assert.equal(okPods.items[0]?.metadata?.ownerReferences?.[0]?.kind, 'Job');
    const failPods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'batch.kubernetes.io/job-name=fail' }, opts());
    assert.equal(failPods.items.length, 1, 'backoffLimit 0: no second pod');
    assert.equal(failPods.items[0]?.status?.phase, 'Failed');
    assert.equal(failPods.items[0]?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 1);
    const failLog = await core.readNamespacedPodLog({ namespace: ns, name: failPods.items[0].metadata!.name! }, opts());
    assert.match(failLog, /task migrate 1/);
    assert.match(failLog, /stderr line/, 'stdout and stderr both');
    const running = await core.listNamespacedPod({ namespace: ns, fieldSelector: 'status.phase=Running' }, opts());
    assert.equal(running.items.length, 0);

    await assert.rejects(
      batch.createNamespacedJob({ namespace: ns, body: job('ok', 0) }, opts()),
      (err: unknown) => err instanceof ApiException && err.code === 409 && /already exists/.test(String(err.body)),
    );
    const listed = await batch.listNamespacedJob({ namespace: ns, labelSelector: 'outcome=fail' }, opts());
    assert.deepEqual(
      listed.items.map((j) => j.metadata?.name),
      ['fail'],
    );
    const all = await batch.listNamespacedJob({ namespace: ns, labelSelector: 'app in (task, other),outcome' }, opts());
    assert.deepEqual(
      all.items.map((j) => j.metadata?.name),
      ['fail', 'ok'],
    );

    // Background: the Job and its pod go. No propagationPolicy: Kubernetes orphans a Job's pods.
    await batch.deleteNamespacedJob({ namespace: ns, name: 'ok', propagationPolicy: 'Background' }, opts());
    await assert.rejects(batch.readNamespacedJob({ namespace: ns, name: 'ok' }, opts()), (err: unknown) => err instanceof ApiException && err.code === 404);
    await waitFor('the pod of the deleted Job is gone', () => cluster.pods(ns, 'job-name=ok').length === 0, onCluster);
    await batch.deleteNamespacedJob({ namespace: ns, name: 'fail' }, opts());
    const orphan = cluster.pods(ns, 'job-name=fail');
    assert.equal(orphan.length, 1, 'the orphaned pod stays');
    assert.deepEqual(orphan[0]?.metadata.ownerReferences, []);
  });

  it('a Job whose pod still runs: Foreground deletion stops it through the kubelet and removes the Job once the pod is gone', async () => {
    const ns = 'job-delete';
    await batch.createNamespacedJob(
      {
        namespace: ns,
        body: {
          metadata: { name: 'long' },
          spec: {
            backoffLimit: 0,
            template: {
              spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 30, containers: [{ name: 'web', image: 'registry.example.com/web:1' }] },
            },
          },
        },
      },
      opts(),
    );
    await waitFor('the job is running', async () => (await batch.readNamespacedJob({ namespace: ns, name: 'long' }, opts())).status?.active === 1, onCluster);
    await batch.deleteNamespacedJob({ namespace: ns, name: 'long', propagationPolicy: 'Foreground' }, opts());
    await waitFor('the job is gone', () => cluster.job(ns, 'long') === undefined, onCluster);
    assert.equal(cluster.pods(ns).length, 0);
    const [end] = cluster.terminations.filter((t) => t.namespace === ns);
    assert.equal(end?.job, 'long');
    assert.equal(end?.signal, 'SIGTERM');
  });

  it('lists with label selectors: k=v, k!=v, bare k, and matchLabels of pods', async () => {
    const ns = 'select';
    cluster.apply(
      [
        webDeployment('a', 'registry.example.com/web:1', { replicas: 1, labels: { tier: 'api' } }),
        webDeployment('b', 'registry.example.com/web:1', { replicas: 1, labels: { tier: 'worker' } }),
        webDeployment('c', 'registry.example.com/web:1', { replicas: 1 }),
      ],
      { namespace: ns },
    );
    const names = async (labelSelector?: string) =>
      (await apps.listNamespacedDeployment({ namespace: ns, ...(labelSelector !== undefined && { labelSelector }) }, opts())).items.map(
        (d) => d.metadata?.name,
      );
    const list = await apps.listNamespacedDeployment({ namespace: ns }, opts());
    assert.equal(list.kind, 'DeploymentList');
    assert.ok(list.metadata?.resourceVersion);
    assert.deepEqual(await names(), ['a', 'b', 'c']);
    assert.deepEqual(await names('tier=api'), ['a']);
    assert.deepEqual(await names('tier==worker'), ['b']);
    assert.deepEqual(await names('tier!=api'), ['b', 'c']);
    assert.deepEqual(await names('tier'), ['a', 'b']);
    assert.deepEqual(await names('!tier'), ['c']);
    assert.deepEqual(await names('app=a,tier=api'), ['a']);
    assert.deepEqual(await names('app=a,tier=worker'), []);
    for (const d of ['a', 'b', 'c']) await cluster.waitRolledOut(ns, d);
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'tier' }, opts());
    assert.deepEqual(pods.items.map((p) => p.metadata?.labels?.['app']).sort(), ['a', 'b']);
    await assert.rejects(
      apps.listNamespacedDeployment({ namespace: ns, labelSelector: 'a=(' }, opts()),
      (err: unknown) => err instanceof ApiException && err.code === 400,
    );
    for (const d of ['a', 'b', 'c']) await apps.patchNamespacedDeploymentScale({ namespace: ns, name: d, body: { spec: { replicas: 0 } } }, merge());
    await waitFor('no pod is left', () => cluster.pods(ns).length === 0, onCluster);
  });

  it('SIGKILLs a process that ignores SIGTERM once terminationGracePeriodSeconds have passed, and records it', async () => {
    const ns = 'stubborn';
    cluster.apply([webDeployment('stubborn', 'registry.example.com/stubborn:1', { replicas: 1, grace: 1 })], { namespace: ns });
    await cluster.waitRolledOut(ns, 'stubborn');
    const [pod] = cluster.pods(ns);
    await apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'stubborn', body: { spec: { replicas: 0 } } }, merge());
    await waitFor('no pod is left', () => cluster.pods(ns).length === 0, onCluster);
    const [end] = cluster.terminations.filter((t) => t.namespace === ns);
    assert.equal(end?.pod, pod!.metadata.name);
    assert.equal(end?.signal, 'SIGKILL');
    assert.equal(end?.exitCode, 137);
    assert.ok(end.terminatedAt > end.signalledAt!, 'SIGTERM first, SIGKILL later');
    assert.match(cluster.podLog(pod!.metadata.name), /ignoring SIGTERM/);
  });

  it('seeds from the rendered manifests (kubectl kustomize overlays/postgres): Deployments and the Service run, other kinds are ignored', async () => {
    const rendered = spawnSync('kubectl', ['kustomize', path.join(ROOT, 'deploy/kubernetes/overlays/postgres')], { encoding: 'utf8' });
    assert.equal(rendered.status, 0, rendered.stderr);
    const docs = parseAllDocuments(rendered.stdout).map((d) => d.toJS() as unknown);
    const result = cluster.apply(docs, { image: 'registry.example.com/drydock:1.0.0', jobs: 'skip' });
    assert.deepEqual(result.applied.sort(), ['Deployment drydock/drydock-api', 'Deployment drydock/drydock-worker', 'Service drydock/drydock']);
    assert.ok(result.ignored.includes('Job drydock-migrate'));
    assert.ok(result.ignored.includes('ConfigMap drydock-config'));
    await cluster.waitRolledOut('drydock', 'drydock-api');
    await cluster.waitRolledOut('drydock', 'drydock-worker');
    const api = cluster.pods('drydock', 'app.kubernetes.io/component=api');
    assert.equal(api.length, 2);
    assert.match(cluster.podLog(api[0]!.metadata.name), /args serve --no-migrate/);
    const workers = cluster.pods('drydock', 'app.kubernetes.io/component=worker');
    assert.equal(workers.length, 2);
    assert.match(cluster.podLog(workers[0]!.metadata.name), /args worker/);
    const port = await cluster.servicePort('drydock', 'drydock', 'http');
    const r = await get(port, '/api/readyz');
    assert.equal(r.status, 200);
    assert.ok(
      api.some((p) => r.body.includes(p.metadata.name)),
      'the Service reached an API pod, not a worker',
    );
    assert.equal(rolloutState(cluster.deployment('drydock', 'drydock-api') as unknown as V1Deployment).complete, true);
  });

  it('authorizes a Role token by its rules: patch and list allowed; pod logs, services and verbs not granted forbidden (403 naming verb and resource)', async () => {
    const ns = 'rbac';
    cluster.apply([webDeployment('web', 'registry.example.com/web:1', { replicas: 1 })], { namespace: ns });
    await cluster.waitRolledOut(ns, 'web');
    const kc = clientFor(UPGRADER_TOKEN);
    const upgraderApps = kc.makeApiClient(AppsV1Api);
    const upgraderCore = kc.makeApiClient(CoreV1Api);
    await upgraderApps.patchNamespacedDeployment({ namespace: ns, name: 'web', body: { metadata: { annotations: { a: 'b' } } } }, merge());
    const pods = await upgraderCore.listNamespacedPod({ namespace: ns }, opts());
    assert.equal(pods.items.length, 1);
    await assert.rejects(
      upgraderCore.readNamespacedPodLog({ namespace: ns, name: pods.items[0]!.metadata!.name! }, opts()),
      (err: unknown) => err instanceof ApiException && err.code === 403 && /cannot get resource \\?"pods\/log\\?"/.test(String(err.body)),
    );
    await assert.rejects(
      upgraderCore.readNamespacedService({ namespace: ns, name: 'web' }, opts()),
      (err: unknown) => err instanceof ApiException && err.code === 403,
    );
    await assert.rejects(
      upgraderApps.createNamespacedDeployment({ namespace: ns, body: webDeployment('other', 'registry.example.com/web:1') }, opts()),
      (err: unknown) => err instanceof ApiException && err.code === 403 && /cannot create resource/.test(String(err.body)),
    );
    await apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'web', body: { spec: { replicas: 0 } } }, merge());
    await waitFor('no pod is left', () => cluster.pods(ns).length === 0, onCluster);
  });
});
