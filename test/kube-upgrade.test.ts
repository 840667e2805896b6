/**
 * `drydock kube upgrade` against a simulated Kubernetes cluster that runs real drydock processes.
 *
 * No Kubernetes cluster can run on these machines (no container runtime), so the cluster is the
 * in-test API server of test/support/kubernetes-api-server.ts in its cluster mode: the objects are
 * the ones `kubectl kustomize deploy/kubernetes/overlays/postgres` renders; a Deployment's pods are
 * real `drydock serve --no-migrate` / `drydock worker` processes of the release its image names; a
 * Job's pod is a real `drydock migrate`; rollouts follow the manifests' maxSurge/maxUnavailable and
 * readiness probes (`/api/readyz`); terminating pods leave the Service at once, run their preStop
 * sleep, get SIGTERM and, after their grace period, SIGKILL; the Service is a TCP port that routes
 * each new connection to a ready pod. What it does not simulate: a scheduler, nodes, images (an
 * image names a release: two are this source — the previous release on the previous schema, as in
 * the local upgrade tests — and one whose server crashes at start), ConfigMap/Secret resolution (the
 * ConfigMap's values and the test's store are given as environment), volumes.
 *
 * PostgreSQL only: several API replicas need it. The SQLite overlay is a single-replica StatefulSet
 * and no API Deployment, which `kube upgrade` refuses (the last test: a namespace without an API
 * Deployment); the README upgrades it with `kubectl set image`.
 *
 * Under a read + write load (test/support/read-write-load.ts):
 * - an upgrade: 0 failed reads; writes 200, or 498 with Retry-After only while read-only; the job
 *   in flight when it started finished normally and no pod was SIGKILLed; replicas as recorded;
 *   the store as before plus exactly the accepted writes;
 * - the command SIGKILLed at random steps, twice, then `--resume`: the same, the counts intact;
 * - a new image whose server never becomes ready: the upgrade stops at the API rollout with the
 *   state named, reads go on; `--rollback`: the old release serves, the counts restored.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { commandPlaybook, registerAnsibleMovement, startAnsible, waitForStatus } from './support/ansible-jobs.js';
import { describeRun, runCli, spawnCli, type CliResult } from './support/cli.js';
import { API_REPLICAS, BROKEN, install, NEW, NS, OLD, WORKER_REPLICAS, type Install } from './support/kube-install.js';
import { startReadWriteLoad, type LoadResult } from './support/read-write-load.js';
import { dumpStore, type StoreDump } from './support/tables.js';
import { LATEST_SCHEMA_VERSION } from '../src/store/migrations/index.js';
import { assertLoadClean, assertStoreAfterLoad, at, consoleScript, health, PREVIOUS_SCHEMA, readOnlyWindow } from './support/upgrade.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const kube = (i: Install, ...args: string[]) => ['kube', ...args, '--namespace', NS, '--backup-dir', i.dir, '--poll', '200ms'];

/** The drydock Deployments as the cluster has them now. */
function deployments(i: Install) {
  const api = i.k8s.deployment(NS, 'drydock-api')!;
  const worker = i.k8s.deployment(NS, 'drydock-worker')!;
  const image = (d: typeof api) => d.spec.template.spec.containers.find((c) => c.name === 'drydock')!.image;
  const annotations = (d: typeof api) => (d.metadata as { annotations?: Record<string, string> }).annotations ?? {};
  return {
    api: { image: image(api), replicas: api.spec.replicas, annotations: annotations(api) },
    worker: { image: image(worker), replicas: worker.spec.replicas, annotations: annotations(worker) },
  };
}

/** Every drydock Deployment runs `image` at the replicas it had, the record is gone, and the pods agree. */
function assertRunning(i: Install, image: string): void {
  const d = deployments(i);
  assert.deepEqual(
    { api: [d.api.image, d.api.replicas], worker: [d.worker.image, d.worker.replicas] },
    { api: [image, API_REPLICAS], worker: [image, WORKER_REPLICAS] },
    'every Deployment runs the image at the replica count it had',
  );
  assert.equal(d.api.annotations['drydock.io/upgrade'], undefined, 'the record is removed once done');
  assert.equal(d.worker.annotations['drydock.io/upgrade'], undefined, 'the record is removed once done');
  const pods = i.k8s.pods(NS).filter((p) => !p.metadata.labels?.['job-name']);
  assert.deepEqual(
    pods.map((p) => p.spec.containers[0]!.image).sort(),
    [...Array(API_REPLICAS + WORKER_REPLICAS).fill(image)],
    `the pods run ${image}: ${pods.map((p) => `${p.metadata.name} ${p.spec.containers[0]!.image}`).join(', ')}`,
  );
}

/** No pod had to be SIGKILLed: each finished what it ran (a worker its jobs) within its grace period. */
function assertNoKill(i: Install): void {
  const killed = i.k8s.terminations.filter((t) => t.signal === 'SIGKILL');
  assert.deepEqual(killed, [], 'no pod was killed');
}

/** A load on the Service, with the store dumped first. */
async function underLoad(i: Install, prefix: string): Promise<{ before: StoreDump; stop: () => Promise<LoadResult> }> {
  const script = await consoleScript(i.url);
  const before = await dumpStore(i.db.location);
  const load = startReadWriteLoad(i.url, { consoleAsset: script, hostPrefix: prefix });
  await sleep(1000);
  return {
    before,
    stop: async () => {
      await sleep(1500);
      return load.stop();
    },
  };
}

interface Report {
  ok: boolean;
  refused: boolean;
  steps: Array<{ step: string; status: string; detail?: string }>;
  state?: string;
  next?: string;
  plan?: Array<{ step: string; commands: string[] }>;
}
const report = (r: CliResult): Report => {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    assert.fail(`drydock kube printed no JSON report:\n${describeRun(r)}`);
  }
};

describe('drydock kube upgrade on a simulated cluster of real drydock processes (postgres)', { concurrency: 1 }, () => {
  const installs: Install[] = [];
  after(async () => {
    for (const i of installs) await i.close();
  });

  it('an upgrade under load: 0 failed reads, 498 only while read-only, the job in flight finishes, no pod killed, replicas as recorded, the store as before plus the accepted writes', async () => {
    const i = await install();
    installs.push(i);
    const beforeDry = deployments(i);
    const dry = await runCli([...kube(i, 'upgrade', '--image', NEW, '--dry-run', '--json')], i.env);
    assert.equal(dry.code, 0, describeRun(dry));
    const plan = report(dry).plan!;
    assert.deepEqual(
      plan.map((p) => p.step),
      [
        'record the replica counts',
        'drain',
        'stop the workers',
        'backup',
        'migrate (expand steps)',
        'roll the API',
        'migrate (contract steps)',
        'start the workers',
        'resume',
        'clear the record',
      ],
    );
    assert.ok(
      plan.flat().some((p) => p.commands.includes(`kubectl -n ${NS} scale deployment/drydock-worker --replicas=0`)),
      'the dry run names the kubectl it replaces',
    );
    assert.deepEqual(deployments(i), beforeDry, 'the dry run changed nothing');

    // A job runs when the upgrade starts: the drain waits for it, and its worker is not killed.
    const movement = await registerAnsibleMovement(at(i.url), 'slow', commandPlaybook('sleep 3'));
    const running = await startAnsible(at(i.url), movement);
    await waitForStatus(at(i.url), running, ['3'], 60_000);

    assert.deepEqual(await health(i.url), { status: 200, schema: PREVIOUS_SCHEMA }, 'the old release serves its schema: nothing migrated it');
    const { before, stop } = await underLoad(i, 'kube');
    const r = await runCli([...kube(i, 'upgrade', '--image', NEW, '--json')], i.env, { timeoutMs: 400_000 });
    const load = await stop();
    assert.equal(r.code, 0, describeRun(r));
    assert.ok(report(r).ok);
    assertLoadClean(load, await readOnlyWindow(i.url));
    assertRunning(i, NEW);
    assertNoKill(i);
    assert.deepEqual(await health(i.url), { status: 200, schema: LATEST_SCHEMA_VERSION }, 'the migration Job migrated');
    const job = await waitForStatus(at(i.url), running, ['5', '6', '7'], 10_000);
    assert.equal(String(job.status_id), '5', `the job in flight completed normally: ${JSON.stringify(job)}`);
    const setting = await at(i.url).admin({ url: '/api/platform/maintenance-mode-setting' });
    assert.deepEqual([setting.body.data.backyard_execute_stop, setting.body.data.data_update_stop], ['0', '0'], 'resumed');
    // The job that was running when the store was dumped has finished since (checked above).
    assertStoreAfterLoad(before, await dumpStore(i.db.location), load, { migrated: true, alsoChanged: ['backyard_jobs', 'backyard_job_logs'] });

    const again = await runCli([...kube(i, 'upgrade', '--image', NEW, '--json')], i.env);
    assert.equal(again.code, 0, describeRun(again));
    assert.equal(report(again).steps.at(-1)?.status, 'AlreadyDone', 'upgrading to the image that runs changes nothing');
  });

  it('SIGKILLed at random steps, twice, then --resume: it completes, the counts intact, 0 failed reads', async () => {
    const i = await install();
    installs.push(i);
    const { before, stop } = await underLoad(i, 'killed');
    // Step lines go to stderr as each step ends: 1 "check the cluster", then one per step (10).
    // The first run is killed after 1–4 steps (record, drain, workers, backup), a random moment into
    // the next; the resumed run later, after up to 6 (the steps done before report AlreadyDone at
    // once), so at the latest in the contract migration Job: the steps after it take well under a
    // second here (a worker without a readiness probe is ready once its process runs).
    const killedAt: string[] = [];
    const killAfter = async (args: string[], steps: number): Promise<void> => {
      const p = spawnCli(args, i.env);
      const delay = Math.floor(Math.random() * 400);
      const stepLines = () =>
        p
          .stderr()
          .split('\n')
          .filter((l) => /^\w+ {2,}\S/.test(l)).length;
      const started = Date.now();
      while (stepLines() < steps + 1 && p.child.exitCode === null && Date.now() - started < 300_000) await sleep(20);
      await sleep(delay);
      const finished = p.child.exitCode !== null;
      killedAt.push(
        `${args.join(' ')}: ${finished ? `ended (exit ${p.child.exitCode}) before` : 'killed'} after ${steps} step(s) + ${delay} ms; it printed:\n${p.stderr()}`,
      );
      p.child.kill('SIGKILL');
      await p.result;
    };
    const first = 1 + Math.floor(Math.random() * 4);
    await killAfter(kube(i, 'upgrade', '--image', NEW), first);
    const recorded = deployments(i);
    assert.equal(
      JSON.parse(recorded.worker.annotations['drydock.io/upgrade'] ?? '{}').replicas,
      WORKER_REPLICAS,
      `the record has the count from before\n${killedAt.join('\n')}`,
    );
    await killAfter(kube(i, 'upgrade', '--resume'), first + 1 + Math.floor(Math.random() * (6 - first)));
    assert.ok(deployments(i).api.annotations['drydock.io/upgrade'], `the resumed run was killed before it ended\n${killedAt.join('\n')}`);
    const r = await runCli(kube(i, 'upgrade', '--resume', '--json'), i.env, { timeoutMs: 400_000 });
    const load = await stop();
    assert.equal(r.code, 0, `${killedAt.join('\n')}\n${describeRun(r)}`);
    assertLoadClean(load, await readOnlyWindow(i.url));
    assertRunning(i, NEW);
    assertNoKill(i);
    assertStoreAfterLoad(before, await dumpStore(i.db.location), load, { migrated: true });
  });

  it('a new image that never becomes ready: the upgrade stops at the API rollout, reads go on; --rollback brings the old release back at the recorded counts', async () => {
    const i = await install();
    installs.push(i);
    const { before, stop } = await underLoad(i, 'rollback');
    const r = await runCli(kube(i, 'upgrade', '--image', BROKEN, '--rollout-timeout', '25s', '--json'), i.env, { timeoutMs: 400_000 });
    assert.equal(r.code, 3, describeRun(r));
    const failed = report(r);
    assert.equal(failed.steps.at(-1)?.step, 'roll the API');
    assert.match(failed.steps.at(-1)?.detail ?? '', /CrashLoopBackOff|not ready/, 'it says why the new pods are not ready');
    assert.match(failed.state ?? '', /old image go on serving reads/);
    assert.match(failed.next ?? '', /--rollback/);
    assert.equal(deployments(i).worker.replicas, 0, 'the workers are still stopped');

    const status = await runCli(['kube', 'status', '--namespace', NS, '--json'], i.env);
    assert.equal(status.code, 0, describeRun(status));
    const s = JSON.parse(status.stdout);
    assert.equal(s.upgrade.target, BROKEN);
    assert.deepEqual(
      s.deployments.map((d: { name: string; recorded: { replicas: number; image: string } }) => [d.name, d.recorded]),
      [
        ['drydock-api', { replicas: API_REPLICAS, image: OLD }],
        ['drydock-worker', { replicas: WORKER_REPLICAS, image: OLD }],
      ],
    );
    assert.equal(s.maintenance.readOnly, true);

    const refused = await runCli(kube(i, 'upgrade', '--image', NEW, '--json'), i.env);
    assert.equal(refused.code, 5, `a new upgrade is refused while one is recorded\n${describeRun(refused)}`);
    assert.match(report(refused).steps[0]!.detail ?? '', /--resume.*--rollback/);

    const back = await runCli(kube(i, 'upgrade', '--rollback', '--json'), i.env, { timeoutMs: 400_000 });
    const load = await stop();
    assert.equal(back.code, 0, describeRun(back));
    assertLoadClean(load, await readOnlyWindow(i.url));
    assertRunning(i, OLD);
    assertNoKill(i);
    assert.deepEqual(await health(i.url), { status: 200, schema: LATEST_SCHEMA_VERSION }, 'the old release serves on the expanded schema');
    assertStoreAfterLoad(before, await dumpStore(i.db.location), load, { migrated: true });
  });

  it('refuses what it cannot do, before changing anything', async () => {
    const i = installs[0];
    assert.ok(i, 'runs after the upgrade test, on its cluster');
    const wrongNs = await runCli(['kube', 'upgrade', '--namespace', 'elsewhere', '--image', NEW, '--no-backup', '--json'], i.env);
    assert.equal(wrongNs.code, 5, describeRun(wrongNs));
    assert.match(report(wrongNs).steps[0]!.detail ?? '', /no Deployment labelled .* in namespace elsewhere.*StatefulSet/);
    const nothing = await runCli(kube(i, 'upgrade', '--resume', '--json'), i.env);
    assert.equal(nothing.code, 5, describeRun(nothing));
    assert.match(report(nothing).steps[0]!.detail ?? '', /nothing to resume/);
    const noStore = await runCli(['kube', 'upgrade', '--namespace', NS, '--image', NEW], { ...i.env, DRYDOCK_DATABASE_URL: '' });
    assert.equal(noStore.code, 2, describeRun(noStore));
    const viewer = await runCli(
      [...kube(i, 'upgrade', '--image', 'registry.example.com/drydock:0.4.0', '--no-backup', '--json'), '--context', 'viewer'],
      i.env,
    );
    assert.equal(viewer.code, 1, describeRun(viewer));
    const denied = report(viewer).steps.at(-1)!;
    assert.equal(denied.step, 'record the replica counts');
    assert.match(denied.detail ?? '', /403 Forbidden .*cannot patch resource "deployments".*Role drydock-upgrade/);
    const status = await runCli(['kube', 'status', '--namespace', NS, '--context', 'viewer', '--json'], i.env);
    assert.equal(status.code, 0, `a viewer sees the status\n${describeRun(status)}`);
    const noConfig = await runCli(['kube', 'status', '--namespace', NS, '--kubeconfig', path.join(i.dir, 'nope')], i.env);
    assert.equal(noConfig.code, 2, describeRun(noConfig));
    assert.match(noConfig.stderr, /cannot load kubeconfig .*nope/);
  });
});
