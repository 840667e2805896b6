/**
 * deploy/kubernetes/ as `kubectl kustomize` renders it (kubectl's built-in Kustomize v5; a missing
 * or older kubectl is an error naming how to install it, never a skip):
 * - every object of every overlay is valid for its apiVersion/kind against the Kubernetes API
 *   schemas (kubernetes-models' validate(), not hand-written checks), and an invalid one is caught;
 * - the policy drydock's upgrades rely on: probes on every serving container (readiness and
 *   liveness paths that are real API routes), resources, non-root and no privilege escalation,
 *   a worker's terminationGracePeriodSeconds longer than its drain grace, the API rolled with
 *   `maxUnavailable: 0` and protected by a PodDisruptionBudget, a Service that selects the API pods;
 * - every command the manifests run (`serve --no-migrate`, `worker`, `migrate --json` …) is one the
 *   CLI accepts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { parseAllDocuments } from 'yaml';
import { API_ROUTES } from '../src/http/app.js';
import { describeRun, runCli } from './support/cli.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DEPLOY = path.join(ROOT, 'deploy', 'kubernetes');
const OVERLAYS = readdirSync(path.join(DEPLOY, 'overlays')).sort();

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: any };

/** The schema of every kind the manifests may use, by `apiVersion/kind`. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

/** kubectl with Kustomize v5, or an error that says how to get it. */
function requireKubectl(): void {
  const r = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  const hint =
    "Install kubectl 1.27 or newer (it has Kustomize v5 built in), e.g. from the Kubernetes project's apt repository or your cloud SDK; Debian's kubernetes-client is too old.";
  if (r.error || r.status !== 0) throw new Error(`The manifest tests render with \`kubectl kustomize\`, and kubectl is missing. ${hint}`);
  const version = (JSON.parse(r.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? '';
  if (!/^v5\./.test(version)) throw new Error(`kubectl's Kustomize is ${version || 'unknown'}; the manifests need v5. ${hint}`);
}

function render(dir: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `kubectl kustomize ${dir}:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJSON() as K8sObject)
    .filter(Boolean);
}

const podSpec = (o: K8sObject) => o.spec.template.spec;
const containers = (o: K8sObject): K8sObject[] => podSpec(o).containers;
const env = (objects: K8sObject[]) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'drydock-config')!.data as Record<string, string>;
const ROUTES = new Set(API_ROUTES.filter((r) => r.method === 'GET').map((r) => r.url));

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  requireKubectl();

  it('has the overlays the README describes', () => {
    assert.deepEqual(OVERLAYS, ['postgres', 'postgres-ingress', 'sqlite']);
  });

  for (const overlay of OVERLAYS) {
    describe(`overlays/${overlay}`, () => {
      const objects = render(path.join(DEPLOY, 'overlays', overlay));

      it('every object is valid against the Kubernetes schema of its apiVersion and kind', () => {
        assert.ok(objects.length > 5, 'it renders objects');
        for (const o of objects) {
          const Model = MODELS[`${o.apiVersion}/${o.kind}`];
          assert.ok(Model, `${o.apiVersion} ${o.kind} ${o.metadata.name} is a kind the tests know`);
          assert.doesNotThrow(() => new Model(o as never).validate(), `${o.kind} ${o.metadata.name}`);
        }
      });

      it('every workload runs as non-root, without privilege escalation, with resources; serving containers have probes on real routes', () => {
        for (const w of objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))) {
          const pod = podSpec(w);
          assert.equal(pod.securityContext?.runAsNonRoot, true, `${w.metadata.name}: runAsNonRoot`);
          assert.ok(pod.securityContext?.runAsUser > 0, `${w.metadata.name}: a non-root uid`);
          assert.equal(pod.automountServiceAccountToken, false, `${w.metadata.name} needs no Kubernetes API token`);
          for (const c of containers(w)) {
            const where = `${w.metadata.name}/${c.name}`;
            assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}: no privilege escalation`);
            assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}: read-only root filesystem`);
            assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${where}: drops every capability`);
            assert.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${where}: cpu and memory requests`);
            assert.ok(c.resources?.limits?.memory, `${where}: a memory limit`);
            if (c.ports?.length) {
              for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
                const p = c[probe]?.httpGet?.path as string | undefined;
                assert.ok(p && ROUTES.has(p), `${where}: ${probe} on an API route (${p})`);
              }
              assert.notEqual(c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path, `${where}: readiness and liveness are separate endpoints`);
            }
          }
        }
      });

      it('workers are never killed with a job in flight: terminationGracePeriodSeconds > DRYDOCK_WORKER_GRACE_SECONDS', () => {
        const grace = Number(env(objects).DRYDOCK_WORKER_GRACE_SECONDS);
        assert.ok(grace > 0, 'the ConfigMap sets the worker grace');
        const running = objects.filter(
          (o) => ['Deployment', 'StatefulSet'].includes(o.kind) && containers(o).some((c) => c.args[0] === 'worker' || c.args.includes('--workers')),
        );
        assert.ok(running.length > 0, 'some workload runs workers');
        for (const w of running) {
          assert.ok(
            podSpec(w).terminationGracePeriodSeconds >= grace + 30,
            `${w.metadata.name}: ${podSpec(w).terminationGracePeriodSeconds} s ≥ ${grace} s + 30 s`,
          );
        }
      });

      it('the Service selects exactly the pods that serve HTTP', () => {
        const service = objects.find((o) => o.kind === 'Service')!;
        const servers = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && containers(o).some((c) => c.ports?.length));
        assert.ok(servers.length > 0);
        const selects = (w: K8sObject) =>
          Object.entries(service.spec.selector as Record<string, string>).every(([k, v]) => w.spec.template.metadata.labels[k] === v);
        for (const o of objects.filter((x) => ['Deployment', 'StatefulSet'].includes(x.kind))) {
          assert.equal(selects(o), servers.includes(o), `${o.metadata.name} ${servers.includes(o) ? 'is' : 'is not'} behind the Service`);
        }
      });

      if (overlay.startsWith('postgres')) {
        it('the API is rolled with maxUnavailable 0 on several replicas, with a PodDisruptionBudget; the migration Job runs `migrate`', () => {
          const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'drydock-api')!;
          assert.ok(api.spec.replicas >= 2, 'several API replicas');
          assert.equal(api.spec.strategy.type, 'RollingUpdate');
          assert.equal(api.spec.strategy.rollingUpdate.maxUnavailable, 0);
          assert.deepEqual(containers(api)[0]!.args, ['serve', '--no-migrate'], 'API pods never migrate: the Job does');
          const worker = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'drydock-worker')!;
          assert.deepEqual(
            containers(worker)[0]!.args,
            ['worker', '--no-migrate'],
            'workers never migrate either: a new-image worker must not run contract steps under old API pods',
          );
          const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget')!;
          assert.ok(pdb, 'a PodDisruptionBudget');
          assert.ok(pdb.spec.minAvailable >= 1);
          assert.deepEqual(pdb.spec.selector.matchLabels, api.spec.selector.matchLabels, 'it guards the API pods');
          const job = objects.find((o) => o.kind === 'Job')!;
          assert.equal(containers(job)[0]!.args[0], 'migrate');
          assert.match(String(objects.find((o) => o.kind === 'Secret')!.stringData.DRYDOCK_DATABASE_URL), /^postgres:\/\//);
        });
      } else {
        it('one replica on a volume, all-in-one, no PodDisruptionBudget that would block a node drain', () => {
          const set = objects.find((o) => o.kind === 'StatefulSet')!;
          assert.equal(set.spec.replicas, 1, "SQLite is one machine's store");
          assert.deepEqual(containers(set)[0]!.args, ['serve', '--workers']);
          assert.equal(set.spec.volumeClaimTemplates[0].metadata.name, 'data');
          assert.ok(containers(set)[0]!.volumeMounts.some((m: { name: string; mountPath: string }) => m.name === 'data' && m.mountPath === '/var/lib/drydock'));
          assert.equal(objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job' || o.kind === 'PodDisruptionBudget').length, 0);
          assert.equal(objects.find((o) => o.kind === 'Secret')!.stringData.DRYDOCK_DATABASE_URL, '/var/lib/drydock/drydock.sqlite');
        });
      }

      it('every command the manifests run is one the drydock CLI accepts', async () => {
        for (const w of objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))) {
          for (const c of containers(w)) {
            const r = await runCli([...(c.args as string[]), '--help']);
            assert.equal(r.code, 0, `drydock ${c.args.join(' ')} (${w.metadata.name}):\n${describeRun(r)}`);
          }
        }
      });
    });
  }

  it('the schema check catches an invalid object', () => {
    const [base] = render(path.join(DEPLOY, 'overlays', 'postgres')).filter((o) => o.kind === 'Deployment');
    const broken = structuredClone(base!);
    broken.spec.replicas = 'two';
    assert.throws(() => new Deployment(broken).validate());
  });
});
