/**
 * What a Kubernetes upgrade costs the people using drydock (issue 10): `drydock kube upgrade` and
 * Exastro's runbook done by hand, side by side, on the same simulated cluster under the same read +
 * write load.
 *
 * The cluster is the one of test/kube-upgrade.test.ts (test/support/kube-install.ts): the postgres
 * overlay's objects, every pod a real drydock process (2 API replicas, 1 worker), the previous
 * release (this source on the previous schema) upgraded to the current one. No real cluster runs
 * here; the simulation's rollouts, probes, preStop sleeps and Service routing are what the numbers
 * measure (its pod start is a tsx process start, not an image pull).
 *
 * The runbook by hand, as Exastro's manual has it, with drydock's names: record the replicas of
 * every Deployment, scale the API to 0 (Exastro scales its reverse proxy, so nobody reaches the
 * system), scale the workers to 0, wait until their pods are gone, run the migration Job with the
 * new image (Exastro: helm upgrade), set the new image and scale everything back to the recorded
 * counts, wait for the rollouts. No backup in either way (`--no-backup`): both would take the same.
 *
 * Per way: reads and failed reads, how long reads found no service, writes answered 200 / refused
 * with 503 / failed, the window in which writes were not accepted, and the whole upgrade's time.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { AppsV1Api, BatchV1Api, KubeConfig, PatchStrategy, setHeaderMiddleware, type V1Job } from '@kubernetes/client-node';
import { rolloutState } from '../src/kubernetes/client.js';
import { runCli } from '../test/support/cli.js';
import { ensureConsoleBuilt } from '../test/support/console-build.js';
import { install, NEW, NS, renderOverlay, type Install } from '../test/support/kube-install.js';
import { startReadWriteLoad } from '../test/support/read-write-load.js';
import { consoleScript } from '../test/support/upgrade.js';
import { LOAD_COLUMNS, loadCells, loadOutcome, type LoadOutcome } from './support/load-outcome.js';
import { fmt, type Benchmark, type Table } from './support/report.js';

const WAYS = ['drydock kube upgrade', 'by hand (scale to 0)'] as const;
type Way = (typeof WAYS)[number];

interface Run extends LoadOutcome {
  readonly way: Way;
  readonly ok: boolean;
  readonly upgradeMs: number;
}

/** Exastro's runbook, by hand, through the Kubernetes API (what an operator types with kubectl). */
async function byHand(i: Install): Promise<boolean> {
  const kc = new KubeConfig();
  kc.loadFromFile(i.env.KUBECONFIG!);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const merge = { middleware: [setHeaderMiddleware('Content-Type', PatchStrategy.StrategicMergePatch)], middlewareMergeStrategy: 'append' as const };
  const names = ['drydock-api', 'drydock-worker'];
  const scale = (name: string, replicas: number, image?: string) =>
    apps.patchNamespacedDeployment(
      { name, namespace: NS, body: { spec: { replicas, ...(image && { template: { spec: { containers: [{ name: 'drydock', image }] } } }) } } },
      merge,
    );
  const until = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 300_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('by hand: a wait took over 300 s');
      await delay(200);
    }
  };
  // kubectl get deploy … -o jsonpath='{@.spec.replicas}'
  const recorded = new Map<string, number>();
  for (const name of names) recorded.set(name, (await apps.readNamespacedDeployment({ name, namespace: NS })).spec?.replicas ?? 1);
  // kubectl scale --replicas=0 (the "proxy", then the backyards); wait until their pods are gone
  for (const name of names) await scale(name, 0);
  await until(async () => i.k8s.pods(NS).filter((p) => !p.metadata.labels?.['job-name']).length === 0);
  // helm upgrade: the migration Job with the new image
  const job = renderOverlay().find((d) => d.kind === 'Job') as V1Job;
  job.metadata!.name = 'drydock-migrate-by-hand';
  job.spec!.template.spec!.containers[0]!.image = NEW;
  await batch.createNamespacedJob({ namespace: NS, body: job });
  await until(async () => {
    const j = await batch.readNamespacedJob({ name: 'drydock-migrate-by-hand', namespace: NS });
    if (j.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True')) throw new Error('by hand: the migration Job failed');
    return (j.status?.succeeded ?? 0) > 0;
  });
  // the new image, and the recorded counts back; wait for the pods
  for (const name of names) await scale(name, recorded.get(name)!, NEW);
  await until(async () => {
    for (const name of names) if (!rolloutState(await apps.readNamespacedDeployment({ name, namespace: NS })).complete) return false;
    return true;
  });
  return true;
}

async function upgradeOnce(way: Way): Promise<Run> {
  const i = await install();
  try {
    const script = await consoleScript(i.url);
    const load = startReadWriteLoad(i.url, { consoleAsset: script, hostPrefix: `bench-${way.replace(/\W+/g, '-')}` });
    await delay(2000);
    const started = Date.now();
    let ok: boolean;
    if (way === 'drydock kube upgrade') {
      const r = await runCli(['kube', 'upgrade', '--namespace', NS, '--image', NEW, '--no-backup', '--poll', '200ms', '--json'], i.env, { timeoutMs: 600_000 });
      ok = r.code === 0;
    } else {
      ok = await byHand(i);
    }
    const upgradeMs = Date.now() - started;
    await delay(2000);
    const seen = await load.stop();
    return {
      way,
      ok,
      upgradeMs,
      ...loadOutcome(seen),
    };
  } finally {
    await i.close();
  }
}

export const kubeUpgradeBench: Benchmark = {
  name: 'kube-upgrade',
  description: 'drydock kube upgrade vs the Exastro runbook by hand (scale to 0) on a simulated cluster of real drydock pods, under read + write load',
  async run(ctx) {
    ensureConsoleBuilt();
    // The install makes its databases where the tests do (test/support/backends.ts).
    process.env.DRYDOCK_TEST_PG_URL = await ctx.postgresAdminUrl();
    const runs: Run[] = [];
    for (const way of WAYS) {
      ctx.log(`kube-upgrade: ${way}`);
      runs.push(await upgradeOnce(way));
    }
    const table: Table = {
      title: 'Kubernetes upgrade under load (simulated cluster, PostgreSQL, 2 API pods + 1 worker, previous schema → current)',
      columns: ['way', 'ok', ...LOAD_COLUMNS, 'upgrade total s'],
      rows: runs.map((r) => [r.way, r.ok ? 'yes' : 'NO', ...loadCells(r), fmt(r.upgradeMs / 1000, 2)]),
      notes: [
        'failed reads: no answer (refused, reset, timeout) or any status but 200; goal for drydock kube upgrade: 0. no service: first failed read sent → last one answered.',
        'failed writes: no answer or a status other than 200 and 503 (503 comes with Retry-After while read-only). write-refused window: first write not answered 200 → last one.',
        'by hand: record replicas, scale API and workers to 0, wait for the pods to go, migration Job, new image at the recorded counts, wait for the rollouts (Exastro scales its proxy to 0 instead of the API).',
        'a simulation: pods are tsx processes (start ≈ 1–3 s), probes every 200 ms, preStop sleeps 5 s as in the manifests; no image pulls, no scheduling.',
      ],
    };
    return { name: 'kube-upgrade', tables: [table], raw: runs };
  },
};
