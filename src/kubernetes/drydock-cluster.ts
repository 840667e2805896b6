/**
 * drydock's objects in one namespace of a Kubernetes cluster, as `drydock kube` sees and changes
 * them: the API and worker Deployments (found by label, told apart by `app.kubernetes.io/component`),
 * their pods, the migration Jobs an upgrade runs, and the upgrade record kept on the Deployments.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { AppsV1Api, BatchV1Api, CoreV1Api, type KubeConfig, type V1Deployment, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { isApiStatus, PatchStrategy, requestOptions, rolloutState, serverOf, type RolloutState } from './client.js';

/** The label every drydock object carries (deploy/kubernetes/base/kustomization.yaml). */
export const DEFAULT_SELECTOR = 'app.kubernetes.io/name=drydock';
const COMPONENT = 'app.kubernetes.io/component';
/** The container that runs drydock in each pod template. */
export const DEFAULT_CONTAINER = 'drydock';

/**
 * The annotation an upgrade writes on each drydock Deployment before it changes anything: what the
 * Deployment ran and how many replicas it had, and the upgrade it belongs to. It stays until the
 * upgrade (or its rollback) has put everything back, so a re-run — from another terminal, after a
 * crash — finds the counts in the cluster, not in anybody's notes.
 */
export const RECORD_ANNOTATION = 'drydock.io/upgrade';
/** Where the pre-upgrade backup went, on the API Deployments (so a resumed run does not take another). */
export const BACKUP_ANNOTATION = 'drydock.io/upgrade-backup';

export const upgradeRecordSchema = z.object({
  replicas: z.number().int().min(0),
  image: z.string().min(1),
  target: z.string().min(1),
  startedAt: z.string().min(1),
});
export type UpgradeRecord = z.infer<typeof upgradeRecordSchema>;

export type Component = 'api' | 'worker';

/** One drydock Deployment, read. */
export interface DrydockDeployment {
  readonly name: string;
  readonly component: Component;
  readonly object: V1Deployment;
  /** The image of the drydock container. */
  readonly image: string;
  readonly container: string;
  readonly replicas: number;
  readonly rollout: RolloutState;
  /** The pods' label selector (`k=v,…`), from `spec.selector.matchLabels`. */
  readonly podSelector: string;
  /** The record of an upgrade in progress; `invalid` when the annotation is there but unreadable. */
  readonly record: UpgradeRecord | 'invalid' | undefined;
  readonly backup: string | undefined;
  readonly terminationGraceSeconds: number;
}

/** A cluster call failed in a way the operator must fix (named in the message). */
export class ClusterError extends Error {}

/** The namespace's drydock objects, through one client configuration. */
export class DrydockCluster {
  readonly #apps: AppsV1Api;
  readonly #core: CoreV1Api;
  readonly #batch: BatchV1Api;
  readonly server: string;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
    readonly selector: string,
    readonly containerName: string,
    private readonly signal: AbortSignal,
  ) {
    this.#apps = kc.makeApiClient(AppsV1Api);
    this.#core = kc.makeApiClient(CoreV1Api);
    this.#batch = kc.makeApiClient(BatchV1Api);
    this.server = serverOf(kc);
  }

  #options(strategy?: PatchStrategy) {
    return requestOptions(this.signal, strategy);
  }

  /** Every Deployment the selector picks that is an API or a worker Deployment, by component then name. */
  async deployments(): Promise<DrydockDeployment[]> {
    const list = await this.#apps.listNamespacedDeployment({ namespace: this.namespace, labelSelector: this.selector }, this.#options());
    const out: DrydockDeployment[] = [];
    for (const d of list.items) {
      const component = d.metadata?.labels?.[COMPONENT];
      if (component !== 'api' && component !== 'worker') continue;
      out.push(this.#read(d, component));
    }
    return out.sort((a, b) => (a.component === b.component ? a.name.localeCompare(b.name) : a.component === 'api' ? -1 : 1));
  }

  async deployment(name: string, component: Component): Promise<DrydockDeployment> {
    return this.#read(await this.#apps.readNamespacedDeployment({ name, namespace: this.namespace }, this.#options()), component);
  }

  #read(d: V1Deployment, component: Component): DrydockDeployment {
    const name = d.metadata?.name ?? '';
    const containers = d.spec?.template.spec?.containers ?? [];
    const container = containers.find((c) => c.name === this.containerName);
    if (!container) {
      throw new ClusterError(
        `deployment ${this.namespace}/${name} has no container "${this.containerName}" (it has: ${containers.map((c) => c.name).join(', ') || 'none'}) — pass --container`,
      );
    }
    const annotations = d.metadata?.annotations ?? {};
    let record: DrydockDeployment['record'];
    const raw = annotations[RECORD_ANNOTATION];
    if (raw !== undefined) {
      try {
        const parsed = upgradeRecordSchema.safeParse(JSON.parse(raw));
        record = parsed.success ? parsed.data : 'invalid';
      } catch {
        record = 'invalid';
      }
    }
    const matchLabels = d.spec?.selector.matchLabels ?? {};
    return {
      name,
      component,
      object: d,
      image: container.image ?? '',
      container: container.name,
      replicas: d.spec?.replicas ?? 1,
      rollout: rolloutState(d),
      podSelector: Object.entries(matchLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      record,
      backup: annotations[BACKUP_ANNOTATION],
      terminationGraceSeconds: d.spec?.template.spec?.terminationGracePeriodSeconds ?? 30,
    };
  }

  /** Sets (or, with null, removes) annotations on a Deployment; its pods are not touched. */
  async annotate(name: string, annotations: Record<string, string | null>): Promise<void> {
    await this.#apps.patchNamespacedDeployment(
      { name, namespace: this.namespace, body: { metadata: { annotations } } },
      this.#options(PatchStrategy.MergePatch),
    );
  }

  /** Sets the drydock container's image and/or the replica count (what is not given stays). */
  async setDeployment(d: DrydockDeployment, change: { image?: string; replicas?: number }): Promise<void> {
    const spec: Record<string, unknown> = {};
    if (change.replicas !== undefined) spec.replicas = change.replicas;
    // Strategic merge: the containers list merges by name, so only this container changes.
    if (change.image !== undefined) spec.template = { spec: { containers: [{ name: d.container, image: change.image }] } };
    await this.#apps.patchNamespacedDeployment({ name: d.name, namespace: this.namespace, body: { spec } }, this.#options(PatchStrategy.StrategicMergePatch));
  }

  async pods(labelSelector: string): Promise<V1Pod[]> {
    return (await this.#core.listNamespacedPod({ namespace: this.namespace, labelSelector }, this.#options())).items;
  }

  /** The last lines a pod wrote, or a note on why they cannot be read. */
  async podLog(name: string, tailLines = 20): Promise<string> {
    try {
      return await this.#core.readNamespacedPodLog({ name, namespace: this.namespace, tailLines }, this.#options());
    } catch (err) {
      return `(its log cannot be read: ${(err as Error).message.split('\n')[0]})`;
    }
  }

  async job(name: string): Promise<V1Job | undefined> {
    try {
      return await this.#batch.readNamespacedJob({ name, namespace: this.namespace }, this.#options());
    } catch (err) {
      if (isApiStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async createJob(job: V1Job): Promise<V1Job> {
    return this.#batch.createNamespacedJob({ namespace: this.namespace, body: job }, this.#options());
  }

  /** Deletes a Job and (in the background) its pods. */
  async deleteJob(name: string): Promise<void> {
    try {
      await this.#batch.deleteNamespacedJob({ name, namespace: this.namespace, propagationPolicy: 'Background' }, this.#options());
    } catch (err) {
      if (!isApiStatus(err, 404)) throw err;
    }
  }

  /** Polls `check` until it returns a value, the time is up (undefined), or the signal aborts (throws). */
  async poll<T>(everyMs: number, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() >= deadline) return undefined;
      await delay(Math.min(everyMs, Math.max(0, deadline - Date.now())), undefined, { signal: this.signal });
    }
  }
}

/** The image of a pod's drydock container (or its first container). */
export function podImage(pod: V1Pod, container: string): string {
  const containers = pod.spec?.containers ?? [];
  return (containers.find((c) => c.name === container) ?? containers[0])?.image ?? '';
}

/** Why a pod is not ready, in kubectl's words (ErrImagePull, CrashLoopBackOff, "not ready"). */
export function podTrouble(pod: V1Pod): string | undefined {
  for (const s of pod.status?.containerStatuses ?? []) {
    const waiting = s.state?.waiting?.reason;
    if (waiting) return `${pod.metadata?.name}: ${waiting}${s.restartCount ? ` (${s.restartCount} restarts)` : ''}`;
    if (!s.ready) return `${pod.metadata?.name}: not ready${s.restartCount ? ` (${s.restartCount} restarts)` : ''}`;
  }
  if (pod.status?.phase === 'Pending') return `${pod.metadata?.name}: Pending`;
  return undefined;
}

/** A Job's end: `complete`, `failed` (with the condition's words), or undefined while it runs. */
export function jobOutcome(job: V1Job): { done: 'complete' } | { done: 'failed'; reason: string } | undefined {
  for (const c of job.status?.conditions ?? []) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return { done: 'complete' };
    if (c.type === 'Failed') return { done: 'failed', reason: [c.reason, c.message].filter(Boolean).join(': ') || 'failed' };
  }
  if ((job.status?.succeeded ?? 0) > 0) return { done: 'complete' };
  return undefined;
}
