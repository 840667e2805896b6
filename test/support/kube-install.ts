/**
 * drydock deployed on the simulated Kubernetes cluster (kubernetes-api-server.ts in cluster mode):
 * the objects `kubectl kustomize deploy/kubernetes/overlays/postgres` renders, the previous release
 * (this source on the previous schema) running as real pods, tenants and records in the store, a
 * kubeconfig for `drydock kube`. Shared by test/kube-upgrade.test.ts and bench/kube-upgrade.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ADMIN, seedTenants } from './app.js';
import { createTestDatabase, type TestDatabase } from './backends.js';
import { adminEnv, describeRun, runCli } from './cli.js';
import { startKubernetesApiServer, type ClusterApiServer } from './kubernetes-api-server.js';
import { FAST_BACKYARD_ENV, registerRecord } from './runbook.js';
import { at, PREVIOUS_SCHEMA } from './upgrade.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const NS = 'drydock';
export const TOKEN = 'upgrader-token';
const VIEWER_TOKEN = 'viewer-token';
export const OLD = 'registry.example.com/drydock:0.1.0';
export const NEW = 'registry.example.com/drydock:0.2.0';
export const BROKEN = 'registry.example.com/drydock:0.3.0';
const DRYDOCK = [process.execPath, '--import', 'tsx', path.join(ROOT, 'src/main.ts')];
/** The API replicas of the manifests (2), and a worker count other than theirs (2): restored is what was recorded. */
export const API_REPLICAS = 2;
export const WORKER_REPLICAS = 1;

/** The postgres overlay as kubectl renders it. */
export function renderOverlay(): Array<Record<string, any>> {
  const r = spawnSync('kubectl', ['kustomize', path.join(ROOT, 'deploy/kubernetes/overlays/postgres')], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `kubectl kustomize failed (${r.error?.message ?? r.stderr}). Install kubectl: sudo apt-get install -y kubectl, or see https://kubernetes.io/docs/tasks/tools/`,
    );
  }
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, any>);
}

export interface Install {
  readonly k8s: ClusterApiServer;
  readonly db: TestDatabase;
  readonly dir: string;
  /** The Service, as clients reach it. */
  readonly url: string;
  /** The environment `drydock kube …` runs with: kubeconfig, API address and administrator. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** drydock as the postgres overlay deploys it, running OLD on the previous schema, with tenants and records. */
export async function install(): Promise<Install> {
  const db = await createTestDatabase('postgres');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-kube-'));
  const migrated = await runCli(['migrate', '--to', String(PREVIOUS_SCHEMA), '--json'], { DRYDOCK_DATABASE_URL: db.url });
  assert.equal(migrated.code, 0, describeRun(migrated));

  const docs = renderOverlay();
  const configMap = docs.find((d) => d.kind === 'ConfigMap');
  assert.ok(configMap, 'the overlay has a ConfigMap');
  for (const d of docs) {
    if (d.kind === 'Deployment' && d.metadata.labels['app.kubernetes.io/component'] === 'worker') d.spec.replicas = WORKER_REPLICAS;
  }
  assert.equal(docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'drydock-api')?.spec.replicas, API_REPLICAS);

  // The command gets exactly what the manifests' Role grants: a verb it lacks would be a 403.
  const role = docs.find((d) => d.kind === 'Role' && d.metadata.name === 'drydock-upgrade');
  assert.ok(role, 'the overlay has the drydock-upgrade Role');
  const k8s = await startKubernetesApiServer({
    tokens: [],
    roleTokens: {
      [TOKEN]: { user: `system:serviceaccount:${NS}:drydock-upgrader`, rules: role.rules },
      // A user who may look but not change (kubeconfig context `viewer`).
      [VIEWER_TOKEN]: { user: 'viewer', rules: [{ apiGroups: ['', 'apps', 'batch'], resources: ['deployments', 'pods', 'jobs'], verbs: ['get', 'list'] }] },
    },
    cluster: {
      releases: {
        [OLD]: { command: DRYDOCK },
        [NEW]: { command: DRYDOCK },
        [BROKEN]: { command: [process.execPath, '--import', 'tsx', path.join(ROOT, 'test/support/crashing-release.ts')] },
      },
      env: {
        ...(configMap.data as Record<string, string>),
        ...FAST_BACKYARD_ENV,
        DRYDOCK_LOG_LEVEL: 'warn',
        DRYDOCK_DATABASE_URL: db.url,
        DRYDOCK_DATA_DIR: dir,
        DRYDOCK_ADMIN_USER: ADMIN.user,
        DRYDOCK_ADMIN_PASSWORD: ADMIN.password,
      },
      // The image's home is /var/lib/drydock (a volume); here it is a directory of this test.
      overrideEnv: { HOME: dir },
    },
  });
  k8s.apply(docs, { jobs: 'skip' });
  await k8s.waitRolledOut(NS, 'drydock-api', 120_000);
  await k8s.waitRolledOut(NS, 'drydock-worker', 120_000);
  const url = `http://127.0.0.1:${await k8s.servicePort(NS, 'drydock')}`;

  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: sim, cluster: {server: "${k8s.url}", insecure-skip-tls-verify: true}}]`,
      `users: [{name: upgrader, user: {token: ${TOKEN}}}, {name: viewer, user: {token: ${VIEWER_TOKEN}}}]`,
      'contexts: [{name: sim, context: {cluster: sim, user: upgrader}}, {name: viewer, context: {cluster: sim, user: viewer}}]',
      'current-context: sim',
      '',
    ].join('\n'),
  );
  await seedTenants(at(url));
  for (const host of ['alpha', 'beta']) assert.equal((await registerRecord(at(url), host)).status, 200);
  return {
    k8s,
    db,
    dir,
    url,
    env: { ...adminEnv(url, ADMIN), KUBECONFIG: kubeconfig, DRYDOCK_DATABASE_URL: db.url },
    close: async () => {
      await k8s.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
