/**
 * A SIMULATED Kubernetes cluster whose pods are real OS processes: the state behind the in-test API
 * stand-in (kubernetes-api-server.ts) when it is started with the `cluster` option. No Kubernetes
 * can run on the build machines (no container runtime), so `drydock kube upgrade` is tested against
 * this instead: the real client (@kubernetes/client-node) over real HTTP, and real drydock processes
 * as pods. It is not a Kubernetes; what it mimics, part by part:
 *
 * - Deployment controller (`reconcileDeployment`): pods whose template hash is the current template's
 *   are "new", others "old" (the real controller keeps one ReplicaSet per template hash; here pods
 *   carry the hash in the `pod-template-hash` label and an ownerReference to a ReplicaSet named
 *   `<deployment>-<hash>`, but no ReplicaSet object is served). RollingUpdate honours maxSurge and
 *   maxUnavailable (ints or percentages, default 25%/25%, surge rounded up, unavailable down, both 0
 *   means unavailable 1) with the real controller's arithmetic; Recreate terminates every old pod and
 *   starts new ones once they are all gone. The status (observedGeneration, replicas, updatedReplicas,
 *   readyReplicas, availableReplicas, unavailableReplicas, conditions Available and Progressing,
 *   ProgressDeadlineExceeded after `spec.progressDeadlineSeconds` without progress, or the API
 *   server's option `progressDeadlineMs` when given) is computed as the real controller does, and the
 *   `deployment.kubernetes.io/revision` annotation numbers templates (a rollback is a new revision).
 *   A deleted pod (DELETE …/pods/{name}) is replaced like any missing replica. As in Kubernetes, a terminating
 *   pod no longer counts in any of the counters: a rollout can be "complete" while old pods are still
 *   running their preStop hook and shutting down (the status is all `kubectl rollout status` reads).
 *   Zero counters are left out of the JSON, as the real API's `omitempty` does.
 * - Job controller (`reconcileJob`): one pod at a time (parallelism and completions 1, the defaults),
 *   a failed pod is replaced until `backoffLimit` (default 6) failures, then the Job gets the
 *   conditions FailureTarget and, once no pod runs, Failed (BackoffLimitExceeded); a succeeded pod
 *   gives SuccessCriteriaMet and Complete (the condition pairs Kubernetes ≥ 1.31 writes).
 *   `activeDeadlineSeconds` and `ttlSecondsAfterFinished` are honoured. The Job's pods carry the
 *   labels `job-name`, `batch.kubernetes.io/job-name`, `controller-uid`,
 *   `batch.kubernetes.io/controller-uid` plus the template's. The back-off between failed pods is
 *   1 s doubling to 5 s (real: 10 s doubling to 6 min).
 * - Kubelet (`SimPod`): each container is a real process, `[...release.command, ...container.args]`
 *   (`container.command`, when set, replaces `release.command`), started detached in its own process
 *   group, cwd the repository root. Its environment: this process's (without the DRYDOCK_* variables
 *   of the caller's shell, as test/support/cli.ts does), `HOSTNAME=<pod name>`, the option `env`
 *   (which stands in for `envFrom`: ConfigMap and Secret references are NOT resolved), the container's
 *   `env` entries with a literal `value` (and `valueFrom.fieldRef` of metadata.name, metadata.namespace,
 *   metadata.uid, status.podIP; other `valueFrom` sources are not resolved), then, for a container
 *   that declares `ports`, `DRYDOCK_HOST=127.0.0.1` and `DRYDOCK_PORT=<a free port allocated for that
 *   container>`, then the option `overrideEnv` (for what this host must change, e.g. HOME). All the
 *   ports a container declares map to that one allocated port, for probes and Services.
 *   An image without an entry in `releases` cannot be pulled: the container waits with ErrImagePull,
 *   then ImagePullBackOff, and is retried (a release added later with `addRelease` is picked up).
 *   A container that exits is restarted per `restartPolicy` (Always for Deployment pods) after a
 *   back-off of 1 s doubling to 5 s (real: 10 s doubling to 5 min), waiting with CrashLoopBackOff
 *   meanwhile; `restartCount` counts the restarts. With restartPolicy Never the pod ends Succeeded or
 *   Failed. When a container's main process exits, whatever it left in its process group is killed,
 *   as tearing down a container does.
 * - Probes: `readinessProbe` and `startupProbe` with httpGet (success: status 200–399, 1 s timeout) or
 *   tcpSocket, on 127.0.0.1 and the allocated port. Their period is COMPRESSED to `probePeriodMs`
 *   (default 200 ms) whatever `periodSeconds` says; `failureThreshold` (default 3) and
 *   `successThreshold` (default 1) are honoured, `initialDelaySeconds` is not. A startup probe gates
 *   the readiness probe but never restarts a container; exec probes always succeed; liveness probes
 *   are ignored. A container without a readiness probe is ready once its process runs (and its
 *   startup probe, if any, passed). `minReadySeconds` delays "available" as in Kubernetes.
 * - Termination (`SimPod.terminate`), like the kubelet: the pod gets `deletionTimestamp` (= deletion
 *   time + grace period, as the API server sets it) and leaves Service endpoints at once (real:
 *   within about a second, which is what a preStop sleep covers); then a `lifecycle.preStop.exec`
 *   `["sleep", "N"]` waits N real seconds (other preStop commands are NOT run); then SIGTERM to the
 *   main process; SIGKILL to its whole process group once `terminationGracePeriodSeconds` (default
 *   30) since the deletion have passed (at least 2 s after a preStop that overran the grace period).
 *   Every termination is recorded in `terminations`; the pod leaves the pod list once its processes
 *   have exited and their terminations are recorded.
 * - kube-proxy (`servicePort`): a local TCP port per Service port that sends each new connection to
 *   one ready, non-terminating pod its selector picks (round-robin), on the port its `targetPort`
 *   (a number or a container port name) resolves to. Established connections stay with their pod
 *   until either side closes; half-closes, ends and resets are passed on. With no endpoint, the
 *   connection is reset at once. Every routing decision is recorded in `connections`.
 *
 * Not simulated: nodes, scheduling, resources, volumes (emptyDir paths such as HOME=/var/lib/drydock
 * do not exist here: use `overrideEnv`), ConfigMaps and Secrets as env sources, liveness probes,
 * StatefulSets, ReplicaSet objects, paused Deployments, proportional scaling of a Deployment resized
 * in the middle of a rollout, watches.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { onTestProcessExit } from './cli.js';

/**
 * When a cluster event happened, in epoch milliseconds with the fraction: a connection routed and a
 * pod deleted within the same millisecond must still be ordered as they happened (Date.now() made
 * them equal, and the rollout test's "no connection to a terminating pod" check failed on a tie).
 */
const eventTime = (): number => performance.timeOrigin + performance.now();

const ROOT = path.resolve(import.meta.dirname, '../..');

// ---------------------------------------------------------------------------------------------
// Object shapes (the fields the simulator reads or writes, in their API JSON shape)
// ---------------------------------------------------------------------------------------------

export type Labels = Record<string, string>;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generation?: number;
  labels?: Labels;
  annotations?: Labels;
  ownerReferences?: OwnerReference[];
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
  [k: string]: unknown;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; [k: string]: unknown };
  tcpSocket?: { port: number | string };
  exec?: { command?: string[] };
  failureThreshold?: number;
  successThreshold?: number;
  [k: string]: unknown;
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; [k: string]: unknown } }>;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] }; [k: string]: unknown }; [k: string]: unknown };
  [k: string]: unknown;
}

export interface PodSpec {
  containers: ContainerSpec[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  [k: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Labels; annotations?: Labels; [k: string]: unknown };
  spec: PodSpec;
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
}

export interface DeploymentObject {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta & { generation: number };
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: PodTemplate;
    strategy?: { type?: 'RollingUpdate' | 'Recreate'; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
    minReadySeconds?: number;
    progressDeadlineSeconds?: number;
    [k: string]: unknown;
  };
  status: DeploymentStatus;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface ServiceObject {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: { selector?: Labels; ports: ServicePort[]; [k: string]: unknown };
  status?: Record<string, unknown>;
}

export interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
  conditions?: Condition[];
  uncountedTerminatedPods?: Record<string, never>;
}

export interface JobObject {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: ObjectMeta;
  spec: {
    backoffLimit: number;
    completions: number;
    parallelism: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    selector: LabelSelector;
    template: PodTemplate;
    [k: string]: unknown;
  };
  status: JobStatus;
}

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; signal?: number; reason: string; startedAt?: string; finishedAt: string } };

/** A pod as the API returns it (GET /api/v1/namespaces/{ns}/pods). */
export interface PodObject {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta & { ownerReferences: OwnerReference[]; labels: Labels };
  spec: PodSpec & { nodeName: string };
  status: {
    phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
    conditions: Condition[];
    hostIP: string;
    podIP: string;
    podIPs: Array<{ ip: string }>;
    startTime: string;
    containerStatuses: Array<{
      name: string;
      image: string;
      imageID: string;
      containerID?: string;
      ready: boolean;
      started: boolean;
      restartCount: number;
      state: ContainerState;
      lastState: ContainerState | Record<string, never>;
    }>;
  };
}

/** How a release (an image) runs: the command an image's entrypoint would be. */
export interface Release {
  readonly command: readonly string[];
}

export interface ClusterOptions {
  /** Image → how it runs. An image not listed cannot be pulled (ErrImagePull). */
  readonly releases: Readonly<Record<string, Release>>;
  /** Environment given to every container: the stand-in for `envFrom` (container `env` values win over it). */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment that wins over everything, container `env` included (e.g. HOME, which the manifests point at a volume). */
  readonly overrideEnv?: Readonly<Record<string, string>>;
  /** Working directory of every container process (default: the repository root). */
  readonly cwd?: string;
  /** The compressed period of every probe (default 200 ms). */
  readonly probePeriodMs?: number;
  /** The controllers' resync period; they also run on every change (default 100 ms). */
  readonly reconcileMs?: number;
}

/** One pod termination the kubelet carried out (a deleted pod's container that had a running process). */
export interface TerminationRecord {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly image: string;
  /** The Deployment or Job the pod belonged to. */
  readonly owner: { readonly kind: 'Deployment' | 'Job'; readonly name: string };
  readonly deployment?: string;
  readonly job?: string;
  /** The last signal sent: SIGKILL when the grace period ran out; null when the process exited by itself first (during preStop). */
  readonly signal: 'SIGTERM' | 'SIGKILL' | null;
  /** The exit code, 128 + the signal number when a signal ended it (as container runtimes report: 137 for SIGKILL). */
  readonly exitCode: number;
  /** Date.now() of the deletion, of the SIGTERM (if sent), and of the exit. */
  readonly requestedAt: number;
  readonly signalledAt?: number;
  readonly terminatedAt: number;
}

/** One new connection through a Service port and where it went (pod null: no endpoint, reset). */
export interface RoutedConnection {
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
  readonly pod: string | null;
  readonly at: number;
}

/** An API failure, turned into a Kubernetes `Status` by the API stand-in. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------

interface Requirement {
  readonly key: string;
  readonly op: 'in' | 'notin' | 'exists' | '!exists';
  readonly values: readonly string[];
}

/**
 * Parses a `labelSelector` query value: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`,
 * `k notin (a,b)`, comma-separated (all must hold). An unparsable one is a 400, as in Kubernetes.
 */
export function parseLabelSelector(selector: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const requirements: Requirement[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^()]*)\)$/.exec(part))) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      requirements.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
    } else if ((m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(part))) {
      requirements.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
    } else if ((m = /^!\s*([^\s!=(),]+)$/.exec(part))) {
      requirements.push({ key: m[1]!, op: '!exists', values: [] });
    } else if ((m = /^([^\s!=(),]+)$/.exec(part))) {
      requirements.push({ key: m[1]!, op: 'exists', values: [] });
    } else {
      throw new ApiError(400, 'BadRequest', `unable to parse requirement: ${JSON.stringify(part)}`);
    }
  }
  return requirements;
}

/** The requirements of an object's `selector` (matchLabels and matchExpressions). */
function requirementsOf(selector: LabelSelector | Labels | undefined): Requirement[] {
  if (!selector) return [];
  const s = selector as LabelSelector;
  if (s.matchLabels === undefined && s.matchExpressions === undefined) {
    return Object.entries(selector as Labels).map(([key, v]) => ({ key, op: 'in', values: [v] }));
  }
  const ops = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists' } as const;
  return [
    ...Object.entries(s.matchLabels ?? {}).map(([key, v]): Requirement => ({ key, op: 'in', values: [v] })),
    ...(s.matchExpressions ?? []).map((e): Requirement => ({ key: e.key, op: ops[e.operator], values: e.values ?? [] })),
  ];
}

function matches(labels: Labels | undefined, requirements: readonly Requirement[]): boolean {
  return requirements.every((r) => {
    const v = labels?.[r.key];
    switch (r.op) {
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case 'exists':
        return v !== undefined;
      case '!exists':
        return v === undefined;
    }
  });
}

/** `k=v,k2=v2` for a matchLabels map (the form a Scale's status.selector uses). */
export function selectorString(selector: LabelSelector): string {
  return Object.entries(selector.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Only `metadata.name`, `metadata.namespace` and (pods) `status.phase`, with = / == / !=, as field selectors. */
function parseFieldSelector(selector: string | null): ((o: { metadata: ObjectMeta; status?: unknown }) => boolean) | undefined {
  if (selector === null || selector.trim() === '') return undefined;
  const tests = selector.split(',').map((part) => {
    const m = /^\s*(metadata\.name|metadata\.namespace|status\.phase)\s*(==|=|!=)\s*([^\s]*)\s*$/.exec(part);
    if (!m)
      throw new ApiError(
        400,
        'BadRequest',
        `field selector ${JSON.stringify(part)} is not supported by the simulator (only metadata.name, metadata.namespace, status.phase)`,
      );
    const [, field, op, value] = m as unknown as [string, string, string, string];
    return (o: { metadata: ObjectMeta; status?: unknown }) => {
      const actual =
        field === 'metadata.name'
          ? o.metadata.name
          : field === 'metadata.namespace'
            ? o.metadata.namespace
            : (o.status as { phase?: string } | undefined)?.phase;
      return op === '!=' ? actual !== value : actual === value;
    };
  });
  return (o) => tests.every((t) => t(o));
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const iso = (ms: number = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const clone = <T>(v: T): T => structuredClone(v);

/** JSON with sorted keys: the template hash must not depend on key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Kubernetes' "safe" alphabet for generated name suffixes (no vowels, no look-alike digits). */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = (n = 5) => Array.from({ length: n }, () => SAFE[randomInt(SAFE.length)]).join('');

/** The pod-template-hash of a template: stable for equal templates. */
function templateHash(template: PodTemplate): string {
  const digest = createHash('sha256').update(canonical(template)).digest();
  return Array.from(digest.subarray(0, 10), (b) => SAFE[b % SAFE.length]).join('');
}

/** A deterministic uid (for the ReplicaSet a pod's ownerReference names). */
function derivedUid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A maxSurge/maxUnavailable value (int or "25%") scaled to `replicas`, rounding up or down. */
function scaled(value: number | string | undefined, fallback: string, replicas: number, roundUp: boolean): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new Error(`invalid int-or-percent ${JSON.stringify(v)}`);
  }
  const exact = (Number(m[1]) * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function omitZero<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== undefined)) as T;
}

const LOG_CAP = 4 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Pods: the kubelet
// ---------------------------------------------------------------------------------------------

/** What a pod needs from the cluster it runs in. */
interface PodHost {
  readonly probePeriodMs: number;
  readonly cwd: string;
  isClosed(): boolean;
  release(image: string): Release | undefined;
  environment(pod: SimPod, container: ContainerSpec, port: number | undefined): Record<string, string>;
  allocatePort(): Promise<number>;
  delay(ms: number): Promise<void>;
  nextVersion(): string;
  changed(pod: SimPod): void;
  terminated(record: TerminationRecord): void;
}

/** Who controls a pod. */
interface PodOwner {
  readonly kind: 'Deployment' | 'Job';
  readonly name: string;
  readonly uid: string;
}

/** A container's runtime state: its process (one "instance" per start) and what the kubelet reports. */
class SimContainer {
  state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: ContainerState | undefined;
  restartCount = 0;
  everStarted = false;
  /** The startup probe passed (or there is none). */
  started = false;
  ready = false;
  failures = 0;
  successes = 0;
  /** The local port standing for every port the container declares. */
  port: number | undefined;
  child: ChildProcess | undefined;
  /** Resolves when the current process has exited. */
  exited: Promise<void> = Promise.resolve();
  /** Combined stdout+stderr, one entry per process started. */
  readonly logs: string[] = [];
  runningSince = 0;
  backoffMs = 0;
  pullFailures = 0;
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly spec: ContainerSpec) {}
}

/**
 * A pod and the kubelet's work on it: start its containers, probe them, restart them, terminate
 * them on deletion. Its API object is built on demand by `toObject()`.
 */
export class SimPod {
  readonly uid = randomUUID();
  readonly createdAt = Date.now();
  readonly containers: SimContainer[];
  startedAt: number | undefined;
  /** Set when the pod is deleted. */
  deletion: { at: number; graceSeconds: number } | undefined;
  /** Set when every container of a pod that does not restart them has exited. */
  terminalPhase: 'Succeeded' | 'Failed' | undefined;
  /** Removed from the cluster (its processes have exited after deletion). */
  gone = false;
  ready = false;
  readySince: number | undefined;
  readyChangedAt = Date.now();
  resourceVersion: string;
  /** The Job controller has counted this pod's outcome. */
  counted = false;
  ownerReferences: OwnerReference[];
  #stopping = 0;

  constructor(
    private readonly host: PodHost,
    readonly namespace: string,
    readonly name: string,
    readonly labels: Labels,
    readonly owner: PodOwner,
    ownerReference: OwnerReference,
    readonly spec: PodSpec,
    /** The pod-template-hash (Deployment pods). */
    readonly templateHash?: string,
  ) {
    this.ownerReferences = [ownerReference];
    this.containers = spec.containers.map((c) => new SimContainer(c));
    this.resourceVersion = host.nextVersion();
  }

  get restartPolicy(): 'Always' | 'OnFailure' | 'Never' {
    return this.spec.restartPolicy ?? 'Always';
  }

  get phase(): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
    if (this.terminalPhase) return this.terminalPhase;
    return this.containers.every((c) => c.everStarted) ? 'Running' : 'Pending';
  }

  /** Ready and past `minReadySeconds`. */
  available(minReadySeconds = 0, now = Date.now()): boolean {
    return this.ready && this.readySince !== undefined && now - this.readySince >= minReadySeconds * 1000;
  }

  log(container?: string, previous = false): string | undefined {
    const c = container === undefined ? this.containers[0] : this.containers.find((x) => x.spec.name === container);
    if (!c) return undefined;
    return c.logs[c.logs.length - (previous ? 2 : 1)];
  }

  /** Every log of every container, every instance, for failure messages. */
  fullLog(): string {
    return this.containers.map((c) => c.logs.map((l, i) => `--- ${this.name}/${c.spec.name} #${i}\n${l}`).join('\n')).join('\n');
  }

  private changed(): void {
    this.resourceVersion = this.host.nextVersion();
    this.host.changed(this);
  }

  start(): void {
    this.startedAt = Date.now();
    for (const c of this.containers) void this.startContainer(c);
  }

  /** Pulls (looks up the release), allocates the port, spawns. */
  private async startContainer(c: SimContainer): Promise<void> {
    if (this.host.isClosed() || this.deletion) return;
    const release = this.host.release(c.spec.image);
    if (!release) {
      // Like a registry that does not have the tag: ErrImagePull, then ImagePullBackOff, retried.
      c.pullFailures++;
      c.state = {
        waiting: {
          reason: c.pullFailures === 1 ? 'ErrImagePull' : 'ImagePullBackOff',
          message:
            c.pullFailures === 1
              ? `failed to pull image "${c.spec.image}": the simulated registry has no such image (not in the cluster's releases)`
              : `Back-off pulling image "${c.spec.image}"`,
        },
      };
      this.changed();
      c.timer = setTimeout(() => void this.startContainer(c), Math.min(1000 * 2 ** (c.pullFailures - 1), 5000));
      c.timer.unref();
      return;
    }
    if (c.spec.ports?.length && c.port === undefined) {
      c.port = await this.host.allocatePort();
      if (this.host.isClosed() || this.deletion) return;
    }
    this.spawn(c, release);
  }

  private spawn(c: SimContainer, release: Release): void {
    const argv = [...(c.spec.command ?? release.command), ...(c.spec.args ?? [])];
    const [file, ...args] = argv;
    const startedAt = Date.now();
    let child: ChildProcess;
    try {
      if (file === undefined) throw new Error('the container has no command');
      child = spawn(file, args, { cwd: this.host.cwd, env: this.host.environment(this, c.spec, c.port), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      this.onExit(c, undefined, 128, null, startedAt, `StartError: ${(err as Error).message}`);
      return;
    }
    c.child = child;
    c.logs.push('');
    const index = c.logs.length - 1;
    const append = (d: Buffer) => {
      const next = c.logs[index] + d.toString();
      c.logs[index] = next.length > LOG_CAP ? next.slice(next.length - LOG_CAP) : next;
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    let resolveExited: () => void = () => {};
    c.exited = new Promise((resolve) => (resolveExited = resolve));
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: string) => {
      if (done) return;
      done = true;
      this.onExit(c, child, code, signal, startedAt, error);
      resolveExited();
    };
    child.once('exit', (code, signal) => finish(code, signal));
    child.once('error', (err) => {
      if (child.pid === undefined) finish(128, null, `StartError: ${err.message}`);
    });
    if (child.pid === undefined) return; // the 'error' event follows
    c.everStarted = true;
    c.runningSince = startedAt;
    c.state = { running: { startedAt: iso(startedAt) } };
    c.failures = 0;
    c.successes = 0;
    c.started = c.spec.startupProbe === undefined;
    this.changed();
    if (c.started && c.spec.readinessProbe === undefined) this.setReady(c, true);
    if (c.spec.startupProbe !== undefined || c.spec.readinessProbe !== undefined) void this.probeLoop(c, child);
  }

  /** A container's process ended: restart it, finish the pod, or (when deleted) let termination go on. */
  private onExit(
    c: SimContainer,
    child: ChildProcess | undefined,
    code: number | null,
    signal: NodeJS.Signals | null,
    startedAt: number,
    error?: string,
  ): void {
    if (child !== undefined && c.child !== child) return;
    c.child = undefined;
    // Whatever the process left behind in its group dies with the container.
    if (child?.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    const signo = signal === null ? undefined : os.constants.signals[signal];
    const exitCode = code ?? 128 + (signo ?? 0);
    c.state = {
      terminated: {
        exitCode,
        ...(signo !== undefined && { signal: signo }),
        reason: error !== undefined ? 'StartError' : exitCode === 0 ? 'Completed' : 'Error',
        startedAt: iso(startedAt),
        finishedAt: iso(),
      },
    };
    if (error !== undefined) c.logs.push(error);
    this.setReady(c, false);
    if (this.deletion) {
      this.changed();
      if (this.#stopping === 0) this.maybeGone();
      return;
    }
    const policy = this.restartPolicy;
    if (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0)) {
      c.lastState = c.state;
      if (Date.now() - c.runningSince > 10_000) c.backoffMs = 0;
      c.backoffMs = c.backoffMs === 0 ? 1000 : Math.min(c.backoffMs * 2, 5000);
      c.state = {
        waiting: { reason: 'CrashLoopBackOff', message: `back-off ${c.backoffMs / 1000}s restarting failed container=${c.spec.name} pod=${this.name}` },
      };
      c.timer = setTimeout(() => {
        c.restartCount++;
        void this.startContainer(c);
      }, c.backoffMs);
      c.timer.unref();
    } else if (this.containers.every((x) => x.child === undefined && 'terminated' in x.state)) {
      this.terminalPhase = this.containers.every((x) => 'terminated' in x.state && x.state.terminated.exitCode === 0) ? 'Succeeded' : 'Failed';
    }
    this.changed();
  }

  private setReady(c: SimContainer, ready: boolean): void {
    if (c.ready === ready && this.ready === this.computeReady()) return;
    c.ready = ready;
    const podReady = this.computeReady();
    if (podReady !== this.ready) {
      this.ready = podReady;
      this.readyChangedAt = Date.now();
      this.readySince = podReady ? Date.now() : undefined;
    }
    this.changed();
  }

  private computeReady(): boolean {
    return this.terminalPhase === undefined && this.containers.every((c) => c.ready);
  }

  /** The startup probe until it passes, then the readiness probe, every `probePeriodMs`. */
  private async probeLoop(c: SimContainer, child: ChildProcess): Promise<void> {
    while (c.child === child && !this.host.isClosed()) {
      await this.host.delay(this.host.probePeriodMs);
      if (c.child !== child || this.host.isClosed()) return;
      if (!c.started) {
        if (await this.probe(c, c.spec.startupProbe!)) {
          if (c.child !== child) return;
          c.started = true;
          if (c.spec.readinessProbe === undefined) this.setReady(c, true);
          else this.changed();
        }
        continue;
      }
      const probe = c.spec.readinessProbe;
      if (probe === undefined) return;
      const ok = await this.probe(c, probe);
      if (c.child !== child) return;
      if (ok) {
        c.failures = 0;
        if (++c.successes >= (probe.successThreshold ?? 1)) this.setReady(c, true);
      } else {
        c.successes = 0;
        if (++c.failures >= (probe.failureThreshold ?? 3)) this.setReady(c, false);
      }
    }
  }

  /** One probe: httpGet (200–399 within 1 s), tcpSocket (connects within 1 s); exec always passes. */
  private probe(c: SimContainer, probe: Probe): Promise<boolean> {
    const target = probe.httpGet ?? probe.tcpSocket;
    if (target === undefined) return Promise.resolve(true);
    const port = containerPort(c, target.port);
    if (port === undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      if (probe.httpGet) {
        const req = http.get(
          { host: '127.0.0.1', port, path: probe.httpGet.path ?? '/', agent: false, timeout: 1000, headers: { 'user-agent': 'kube-probe/sim' } },
          (res) => {
            res.resume();
            const code = res.statusCode ?? 0;
            resolve(code >= 200 && code < 400);
          },
        );
        req.on('timeout', () => req.destroy(new Error('probe timeout')));
        req.on('error', () => resolve(false));
      } else {
        const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 });
        socket.on('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('timeout', () => socket.destroy(new Error('probe timeout')));
        socket.on('error', () => resolve(false));
      }
    });
  }

  /** Deletes the pod the kubelet's way: leave endpoints, preStop, SIGTERM, SIGKILL after the grace period. */
  terminate(graceSeconds?: number): void {
    if (this.deletion || this.gone) return;
    this.deletion = { at: eventTime(), graceSeconds: graceSeconds ?? this.spec.terminationGracePeriodSeconds ?? 30 };
    for (const c of this.containers) clearTimeout(c.timer);
    this.changed();
    for (const c of this.containers) if (c.child) void this.stopContainer(c, c.child);
    if (this.#stopping === 0) this.maybeGone();
  }

  private async stopContainer(c: SimContainer, child: ChildProcess): Promise<void> {
    this.#stopping++;
    const deletion = this.deletion!;
    const deadline = deletion.at + deletion.graceSeconds * 1000;
    let exited = false;
    const exit = c.exited.then(() => {
      exited = true;
    });
    const wait = (ms: number) => Promise.race([exit, this.host.delay(ms)]);
    let signal: 'SIGTERM' | 'SIGKILL' | null = null;
    let signalledAt: number | undefined;
    const preStop = c.spec.lifecycle?.preStop?.exec?.command;
    const sleepSeconds = preStop !== undefined && preStop.length === 2 && /(^|\/)sleep$/.test(preStop[0]!) ? Number(preStop[1]) : undefined;
    let overran = false;
    if (sleepSeconds !== undefined && Number.isFinite(sleepSeconds) && sleepSeconds > 0 && deletion.graceSeconds > 0) {
      overran = Date.now() + sleepSeconds * 1000 > deadline;
      await wait(Math.min(sleepSeconds * 1000, deadline - Date.now()));
    }
    if (!exited && !this.host.isClosed() && deletion.graceSeconds > 0) {
      signal = 'SIGTERM';
      signalledAt = Date.now();
      child.kill('SIGTERM');
      await wait(Math.max(deadline - Date.now(), overran ? 2000 : 0));
    }
    if (!exited) {
      signal = 'SIGKILL';
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      await exit;
    }
    const state = c.state;
    this.host.terminated({
      namespace: this.namespace,
      pod: this.name,
      container: c.spec.name,
      image: c.spec.image,
      owner: { kind: this.owner.kind, name: this.owner.name },
      ...(this.owner.kind === 'Deployment' ? { deployment: this.owner.name } : { job: this.owner.name }),
      signal,
      exitCode: 'terminated' in state ? state.terminated.exitCode : -1,
      requestedAt: deletion.at,
      ...(signalledAt !== undefined && { signalledAt }),
      terminatedAt: Date.now(),
    });
    this.#stopping--;
    this.maybeGone();
  }

  private maybeGone(): void {
    if (this.gone || !this.deletion || this.#stopping > 0 || this.containers.some((c) => c.child !== undefined)) return;
    this.gone = true;
    this.changed();
  }

  /** SIGKILL every process group (close, or the test process ending). */
  killAll(): void {
    for (const c of this.containers) {
      clearTimeout(c.timer);
      if (c.child?.pid !== undefined) killGroup(c.child.pid, 'SIGKILL');
    }
  }

  /** The pod as the API returns it. */
  toObject(): PodObject {
    const phase = this.phase;
    const containersReady = this.containers.every((c) => c.ready);
    const completed = this.terminalPhase !== undefined;
    const condition = (type: string, ok: boolean, reason?: string): Condition => ({
      type,
      status: ok ? 'True' : 'False',
      lastProbeTime: null,
      lastTransitionTime: type === 'Ready' || type === 'ContainersReady' ? iso(this.readyChangedAt) : iso(this.createdAt),
      ...(!ok && reason !== undefined && { reason }),
    });
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: this.name,
        ...(this.owner.kind === 'Deployment' ? { generateName: `${this.owner.name}-${this.templateHash}-` } : { generateName: `${this.owner.name}-` }),
        namespace: this.namespace,
        uid: this.uid,
        resourceVersion: this.resourceVersion,
        creationTimestamp: iso(this.createdAt),
        ...(this.deletion && {
          deletionTimestamp: iso(this.deletion.at + this.deletion.graceSeconds * 1000),
          deletionGracePeriodSeconds: this.deletion.graceSeconds,
        }),
        labels: { ...this.labels },
        ownerReferences: clone(this.ownerReferences),
      },
      spec: { ...clone(this.spec), nodeName: 'simulated-node' },
      status: {
        phase,
        conditions: [
          condition('PodReadyToStartContainers', true),
          condition('Initialized', true),
          condition('Ready', this.ready, completed ? 'PodCompleted' : 'ContainersNotReady'),
          condition('ContainersReady', containersReady && !completed, completed ? 'PodCompleted' : 'ContainersNotReady'),
          condition('PodScheduled', true),
        ],
        hostIP: '127.0.0.1',
        podIP: '127.0.0.1',
        podIPs: [{ ip: '127.0.0.1' }],
        startTime: iso(this.startedAt ?? this.createdAt),
        containerStatuses: this.containers.map((c) => ({
          name: c.spec.name,
          image: c.spec.image,
          imageID: c.everStarted ? `simulated://${c.spec.image}` : '',
          ...(c.child?.pid !== undefined && { containerID: `simulated://${c.child.pid}` }),
          ready: c.ready,
          started: c.child !== undefined && c.started,
          restartCount: c.restartCount,
          state: clone(c.state),
          lastState: c.lastState ? clone(c.lastState) : {},
        })),
      },
    };
  }
}

/** The local port a container's `port` (a number it declares, or a port name) stands for. */
function containerPort(c: SimContainer, port: number | string): number | undefined {
  if (c.port === undefined) return typeof port === 'number' ? port : undefined;
  if (typeof port === 'string' && !/^\d+$/.test(port)) return c.spec.ports?.some((p) => p.name === port) ? c.port : undefined;
  return c.port;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The cluster: store, controllers, kube-proxy
// ---------------------------------------------------------------------------------------------

interface RolloutTracker {
  hash: string;
  /** When the rollout last made progress (for ProgressDeadlineExceeded). */
  progressAt: number;
  counts: { updated: number; ready: number; available: number; old: number } | undefined;
}

interface JobTracker {
  failedAt: number | undefined;
  ttl: ReturnType<typeof setTimeout> | undefined;
}

export interface ApplyOptions {
  /** Replace the image of every container of every Deployment and Job (the kustomize output says registry.example.com/drydock:0.1.0). */
  readonly image?: string;
  /** The namespace of objects that name none (default "default"). */
  readonly namespace?: string;
  /** Jobs: created and run, as `kubectl apply` does (default), or left out. */
  readonly jobs?: 'run' | 'skip';
}

export interface ApplyResult {
  /** `Kind namespace/name` of every object created or updated. */
  readonly applied: string[];
  /** `Kind name` of every object the simulator does not keep (ConfigMap, Secret, RBAC, PDB, Namespace …). */
  readonly ignored: string[];
}

/**
 * The simulated cluster (see the file's comment). Created by the API stand-in when it is started
 * with the `cluster` option; reach it as `server.cluster`.
 */
export class SimulatedCluster {
  /** Every termination the kubelet carried out, in order. */
  readonly terminations: TerminationRecord[] = [];
  /** Every new connection through a Service port, in order. */
  readonly connections: RoutedConnection[] = [];

  readonly #deployments = new Map<string, DeploymentObject>();
  readonly #services = new Map<string, ServiceObject>();
  readonly #jobs = new Map<string, JobObject>();
  readonly #pods = new Map<string, SimPod>();
  /** Every pod ever created, by name, for `podLog` after a pod is gone. */
  readonly #history = new Map<string, SimPod>();
  readonly #rollouts = new Map<string, RolloutTracker>();
  /** Per Deployment: the revision number of each template hash (the deployment.kubernetes.io/revision annotation). */
  readonly #revisions = new Map<string, Map<string, number>>();
  readonly #jobTrackers = new Map<string, JobTracker>();
  readonly #releases = new Map<string, Release>();
  readonly #listeners = new Map<string, Promise<{ server: net.Server; port: number }>>();
  readonly #roundRobin = new Map<string, number>();
  readonly #sockets = new Set<net.Socket>();
  readonly #ports = new Set<number>();
  readonly #closing = new AbortController();
  readonly #host: PodHost;
  readonly #interval: ReturnType<typeof setInterval>;
  readonly #forgetExitCleanup: () => void;
  #scheduled = false;
  #closed = false;

  constructor(
    private readonly options: ClusterOptions,
    private readonly nextVersion: () => string,
    /** After this long without progress a rollout is ProgressDeadlineExceeded (overrides spec.progressDeadlineSeconds). */
    private readonly progressDeadlineMs?: number,
  ) {
    for (const [image, release] of Object.entries(options.releases)) this.#releases.set(image, release);
    this.#host = {
      probePeriodMs: options.probePeriodMs ?? 200,
      cwd: options.cwd ?? ROOT,
      isClosed: () => this.#closed,
      release: (image) => this.#releases.get(image),
      environment: (pod, container, port) => this.environment(pod, container, port),
      allocatePort: () => this.allocatePort(),
      delay: (ms) => this.delay(ms),
      nextVersion,
      changed: (pod) => {
        if (pod.gone) this.#pods.delete(`${pod.namespace}/${pod.name}`);
        this.schedule();
      },
      terminated: (record) => void this.terminations.push(record),
    };
    this.#interval = setInterval(() => this.reconcile(), options.reconcileMs ?? 100);
    this.#interval.unref();
    this.#forgetExitCleanup = onTestProcessExit(() => {
      for (const pod of this.#history.values()) pod.killAll();
    });
  }

  /** Makes `image` pullable from now on (a pod stuck in ImagePullBackOff picks it up at its next retry). */
  addRelease(image: string, release: Release): void {
    this.#releases.set(image, release);
  }

  // --- the store, as the API stand-in uses it ------------------------------------------------

  deployment(namespace: string, name: string): DeploymentObject | undefined {
    return this.#deployments.get(`${namespace}/${name}`);
  }

  service(namespace: string, name: string): ServiceObject | undefined {
    return this.#services.get(`${namespace}/${name}`);
  }

  job(namespace: string, name: string): JobObject | undefined {
    return this.#jobs.get(`${namespace}/${name}`);
  }

  /** A list as the API returns it: `{kind: <Kind>List, apiVersion, metadata: {resourceVersion}, items}`, items without kind/apiVersion. */
  list<T extends { metadata: ObjectMeta }>(
    kind: string,
    apiVersion: string,
    objects: Iterable<T>,
    namespace: string,
    labelSelector: string | null,
    fieldSelector: string | null = null,
  ) {
    const requirements = parseLabelSelector(labelSelector ?? '');
    const fields = parseFieldSelector(fieldSelector);
    const items = [...objects]
      .filter((o) => o.metadata.namespace === namespace && matches(o.metadata.labels, requirements) && (fields === undefined || fields(o)))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
      .map((o) => {
        const { kind: _k, apiVersion: _a, ...rest } = clone(o) as T & { kind?: string; apiVersion?: string };
        return rest;
      });
    return { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: this.nextVersion() }, items };
  }

  listDeployments(namespace: string, labelSelector: string | null, fieldSelector: string | null = null) {
    return this.list('Deployment', 'apps/v1', this.#deployments.values(), namespace, labelSelector, fieldSelector);
  }

  listServices(namespace: string, labelSelector: string | null, fieldSelector: string | null = null) {
    return this.list('Service', 'v1', this.#services.values(), namespace, labelSelector, fieldSelector);
  }

  listJobs(namespace: string, labelSelector: string | null, fieldSelector: string | null = null) {
    return this.list('Job', 'batch/v1', this.#jobs.values(), namespace, labelSelector, fieldSelector);
  }

  listPods(namespace: string, labelSelector: string | null, fieldSelector: string | null = null) {
    return this.list(
      'Pod',
      'v1',
      [...this.#pods.values()].map((p) => p.toObject()),
      namespace,
      labelSelector,
      fieldSelector,
    );
  }

  pod(namespace: string, name: string): PodObject | undefined {
    return this.#pods.get(`${namespace}/${name}`)?.toObject();
  }

  /**
   * DELETE of a pod: the kubelet's termination (grace: `gracePeriodSeconds`, else the pod's
   * terminationGracePeriodSeconds; 0 kills at once). Its controller replaces it, as in Kubernetes.
   */
  deletePod(namespace: string, name: string, gracePeriodSeconds?: number): PodObject {
    const pod = this.#pods.get(`${namespace}/${name}`);
    if (!pod) throw notFound('pods', '', name);
    pod.terminate(gracePeriodSeconds);
    return pod.toObject();
  }

  /** `GET …/pods/{name}/log`: the current (or, with `previous`, the one before) process's stdout+stderr. */
  readPodLog(namespace: string, name: string, options: { container?: string | null; previous?: boolean; tailLines?: number } = {}): string {
    const pod = this.#pods.get(`${namespace}/${name}`);
    if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
    const container = options.container ?? undefined;
    if (container === undefined && pod.containers.length > 1) {
      throw new ApiError(
        400,
        'BadRequest',
        `a container name must be specified for pod ${name}, choose one of: [${pod.containers.map((c) => c.spec.name).join(' ')}]`,
      );
    }
    const c = container === undefined ? pod.containers[0]! : pod.containers.find((x) => x.spec.name === container);
    if (!c) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    const text = pod.log(c.spec.name, options.previous ?? false);
    if (text === undefined) {
      if (options.previous) throw new ApiError(400, 'BadRequest', `previous terminated container "${c.spec.name}" in pod "${name}" not found`);
      const reason = 'waiting' in c.state ? c.state.waiting.reason : 'ContainerCreating';
      throw new ApiError(
        400,
        'BadRequest',
        `container "${c.spec.name}" in pod "${name}" is waiting to start: ${reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason}`,
      );
    }
    if (options.tailLines === undefined) return text;
    const lines = text.split('\n');
    const trailing = lines[lines.length - 1] === '' ? lines.pop() : undefined;
    return lines.slice(Math.max(0, lines.length - options.tailLines)).join('\n') + (trailing === undefined ? '' : '\n');
  }

  /** POST of a Deployment: defaults filled, validated, 409 if the name exists. */
  createDeployment(namespace: string, body: unknown): DeploymentObject {
    const input = objectBody(body, 'Deployment', 'apps/v1', namespace, 'deployments.apps');
    const name = nameOf(input, 'deployments.apps');
    const key = `${namespace}/${name}`;
    if (this.#deployments.has(key)) throw alreadyExists('deployments', 'apps', name);
    const spec = (input['spec'] ?? {}) as DeploymentObject['spec'];
    const d: DeploymentObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        ...(input['metadata'] as ObjectMeta),
        name,
        namespace,
        uid: randomUUID(),
        resourceVersion: this.nextVersion(),
        creationTimestamp: iso(),
        generation: 1,
      },
      spec: {
        ...spec,
        replicas: spec.replicas ?? 1,
        strategy: spec.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: spec['revisionHistoryLimit'] ?? 10,
        progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
        template: withPodDefaults(spec.template, 'Always'),
      },
      status: {},
    };
    delete d.metadata.deletionTimestamp;
    validateDeployment(d, undefined);
    this.#deployments.set(key, d);
    this.schedule();
    return clone(d);
  }

  /**
   * Stores a changed Deployment (the result of a PATCH or a scale): identity and status are kept,
   * `metadata.generation` is bumped only when the spec changed (an annotation is metadata: no bump).
   */
  updateDeployment(namespace: string, name: string, next: DeploymentObject): DeploymentObject {
    const key = `${namespace}/${name}`;
    const before = this.#deployments.get(key);
    if (!before) throw notFound('deployments', 'apps', name);
    const d: DeploymentObject = {
      ...next,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        ...next.metadata,
        name,
        namespace,
        uid: before.metadata.uid,
        creationTimestamp: before.metadata.creationTimestamp,
        generation: before.metadata.generation,
        resourceVersion: this.nextVersion(),
      },
      status: before.status,
    };
    d.spec.template = withPodDefaults(d.spec.template, 'Always');
    validateDeployment(d, before);
    if (canonical(d.spec) !== canonical(before.spec)) d.metadata.generation += 1;
    this.#deployments.set(key, d);
    this.schedule();
    return clone(d);
  }

  /** The Deployment's `scale` subresource. */
  deploymentScale(namespace: string, name: string) {
    const d = this.#deployments.get(`${namespace}/${name}`);
    if (!d) throw notFound('deployments', 'apps', name);
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace, uid: d.metadata.uid, resourceVersion: d.metadata.resourceVersion, creationTimestamp: d.metadata.creationTimestamp },
      spec: { replicas: d.spec.replicas },
      status: { replicas: d.status.replicas ?? 0, selector: selectorString(d.spec.selector) },
    };
  }

  createService(namespace: string, body: unknown): ServiceObject {
    const input = objectBody(body, 'Service', 'v1', namespace, 'services');
    const name = nameOf(input, 'services');
    const key = `${namespace}/${name}`;
    if (this.#services.has(key)) throw alreadyExists('services', '', name);
    const spec = (input['spec'] ?? {}) as ServiceObject['spec'];
    const s: ServiceObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...(input['metadata'] as ObjectMeta), name, namespace, uid: randomUUID(), resourceVersion: this.nextVersion(), creationTimestamp: iso() },
      spec: {
        type: 'ClusterIP',
        sessionAffinity: 'None',
        clusterIP: `10.96.${randomInt(256)}.${randomInt(1, 255)}`,
        ...spec,
        ports: (spec.ports ?? []).map((p) => ({ protocol: 'TCP', ...p, targetPort: p.targetPort ?? p.port })),
      },
      status: { loadBalancer: {} },
    };
    this.#services.set(key, s);
    return clone(s);
  }

  updateService(namespace: string, name: string, next: ServiceObject): ServiceObject {
    const key = `${namespace}/${name}`;
    const before = this.#services.get(key);
    if (!before) throw notFound('services', '', name);
    const s: ServiceObject = {
      ...next,
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        ...next.metadata,
        name,
        namespace,
        uid: before.metadata.uid,
        creationTimestamp: before.metadata.creationTimestamp,
        resourceVersion: this.nextVersion(),
      },
    };
    if (before.status !== undefined) s.status = before.status;
    this.#services.set(key, s);
    return clone(s);
  }

  /** POST of a Job: defaults (backoffLimit 6 …), the controller-uid selector and labels, 409 if the name exists. */
  createJob(namespace: string, body: unknown): JobObject {
    const input = objectBody(body, 'Job', 'batch/v1', namespace, 'jobs.batch');
    const name = nameOf(input, 'jobs.batch');
    const key = `${namespace}/${name}`;
    if (this.#jobs.has(key)) throw alreadyExists('jobs', 'batch', name);
    const spec = (input['spec'] ?? {}) as JobObject['spec'];
    const uid = randomUUID();
    const ids = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
    const template = withPodDefaults(spec.template, undefined);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...ids } };
    const job: JobObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        ...(input['metadata'] as ObjectMeta),
        name,
        namespace,
        uid,
        resourceVersion: this.nextVersion(),
        creationTimestamp: iso(),
        generation: 1,
        labels: { ...ids, ...(input['metadata'] as ObjectMeta).labels },
      },
      spec: {
        ...spec,
        backoffLimit: spec.backoffLimit ?? 6,
        completions: spec.completions ?? 1,
        parallelism: spec.parallelism ?? 1,
        completionMode: spec['completionMode'] ?? 'NonIndexed',
        suspend: spec['suspend'] ?? false,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
        template,
      },
      status: {},
    };
    delete job.metadata.deletionTimestamp;
    const invalid = (field: string, message: string) =>
      new ApiError(422, 'Invalid', `Job.batch "${name}" is invalid: ${field}: ${message}`, {
        name,
        group: 'batch',
        kind: 'Job',
        causes: [{ reason: 'FieldValueInvalid', message, field }],
      });
    const policy = job.spec.template.spec.restartPolicy;
    if (policy !== 'Never' && policy !== 'OnFailure')
      throw invalid('spec.template.spec.restartPolicy', `Unsupported value: "${policy ?? ''}": supported values: "OnFailure", "Never"`);
    validatePodSpec(job.spec.template.spec, invalid);
    if (job.spec.completions !== 1 || job.spec.parallelism !== 1)
      throw invalid('spec.completions', 'the simulator runs only Jobs with completions and parallelism 1');
    this.#jobs.set(key, job);
    this.#jobTrackers.set(key, { failedAt: undefined, ttl: undefined });
    this.schedule();
    return clone(job);
  }

  /**
   * DELETE of a Job. `propagationPolicy` (query or body): Background deletes the Job now and its pods
   * through the kubelet's termination; Foreground marks the Job (deletionTimestamp, finalizer
   * foregroundDeletion), terminates the pods and removes the Job once they are gone; Orphan — the
   * default for batch/v1 Jobs in Kubernetes, as here — deletes the Job and leaves its pods.
   */
  deleteJob(namespace: string, name: string, propagationPolicy: string | undefined): { code: number; body: unknown } {
    const key = `${namespace}/${name}`;
    const job = this.#jobs.get(key);
    if (!job) throw notFound('jobs', 'batch', name);
    const policy = propagationPolicy ?? 'Orphan';
    if (!['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw new ApiError(
        422,
        'Invalid',
        `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
      );
    }
    const pods = this.podsOwnedBy(job.metadata.uid);
    const tracker = this.#jobTrackers.get(key);
    clearTimeout(tracker?.ttl);
    if (policy === 'Foreground') {
      job.metadata.deletionTimestamp ??= iso();
      job.metadata.finalizers = ['foregroundDeletion'];
      job.metadata.resourceVersion = this.nextVersion();
      for (const p of pods) p.terminate();
      this.schedule();
      return { code: 200, body: clone(job) };
    }
    this.#jobs.delete(key);
    this.#jobTrackers.delete(key);
    for (const p of pods) {
      if (policy === 'Background') p.terminate();
      else p.ownerReferences = [];
    }
    this.schedule();
    return {
      code: 200,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: 'batch', kind: 'jobs', uid: job.metadata.uid } },
    };
  }

  // --- seeding and helpers for tests ----------------------------------------------------------

  /**
   * Loads objects as `kubectl apply` would: `docs` is the YAML text `kubectl kustomize` printed or
   * its parsed documents. Deployments and Services are created (or, if they exist, updated like a
   * PATCH); Jobs are created and run unless `jobs: 'skip'` (a Job that exists is an error, its
   * template being immutable); every other kind is ignored. `image` replaces every container's
   * image, the way `kustomize edit set image` would.
   */
  apply(docs: string | readonly unknown[], options: ApplyOptions = {}): ApplyResult {
    const objects =
      typeof docs === 'string'
        ? parseAllDocuments(docs).map((d) => d.toJS() as unknown)
        : docs.map((d) =>
            d !== null && typeof d === 'object' && typeof (d as { toJS?: unknown }).toJS === 'function' ? (d as { toJS(): unknown }).toJS() : d,
          );
    const applied: string[] = [];
    const ignored: string[] = [];
    for (const raw of objects) {
      if (raw === null || typeof raw !== 'object') continue;
      const o = clone(raw) as { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: { template?: PodTemplate } };
      const kind = o.kind ?? '(no kind)';
      const namespace = o.metadata?.namespace ?? options.namespace ?? 'default';
      const name = o.metadata?.name ?? '';
      if (options.image !== undefined && o.spec?.template?.spec?.containers) {
        for (const c of o.spec.template.spec.containers) c.image = options.image;
      }
      if (kind === 'Deployment') {
        const existing = this.deployment(namespace, name);
        if (existing)
          this.updateDeployment(namespace, name, {
            ...clone(existing),
            ...(o as Partial<DeploymentObject>),
            metadata: { ...existing.metadata, ...(o.metadata as ObjectMeta) },
          });
        else this.createDeployment(namespace, o);
      } else if (kind === 'Service') {
        const existing = this.service(namespace, name);
        if (existing) this.updateService(namespace, name, { ...clone(existing), spec: { ...existing.spec, ...(o as ServiceObject).spec } });
        else this.createService(namespace, o);
      } else if (kind === 'Job' && options.jobs !== 'skip') {
        this.createJob(namespace, o);
      } else {
        ignored.push(`${kind} ${name}`);
        continue;
      }
      applied.push(`${kind} ${namespace}/${name}`);
    }
    return { applied, ignored };
  }

  /** The pods of a namespace as the API lists them (selector: a labelSelector string or a label map). */
  pods(namespace: string, selector?: string | Labels): PodObject[] {
    const s =
      typeof selector === 'object'
        ? Object.entries(selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')
        : (selector ?? null);
    return this.listPods(namespace, s).items as PodObject[];
  }

  /**
   * What a pod's containers printed (stdout+stderr), even after the pod is gone. By default every
   * process the container ran, each headed `--- pod/container #n`; `previous`/`current` pick one as
   * the API does.
   */
  podLog(name: string, options: { container?: string; instance?: 'current' | 'previous' } = {}): string {
    const pod = this.#history.get(name);
    if (!pod) throw new Error(`no pod ${name} ever existed`);
    if (options.instance === undefined && options.container === undefined) return pod.fullLog();
    return pod.log(options.container, options.instance === 'previous') ?? '';
  }

  /** Every pod name ever created (in creation order), gone ones included. */
  podNames(namespace?: string): string[] {
    return [...this.#history.values()].filter((p) => namespace === undefined || p.namespace === namespace).map((p) => p.name);
  }

  /**
   * The local port (127.0.0.1) of a Service port (its name or number; default its first): each
   * connection goes to one ready, non-terminating pod the Service selects, round-robin.
   */
  async servicePort(namespace: string, name: string, port?: string | number): Promise<number> {
    const svc = this.service(namespace, name);
    if (!svc) throw new Error(`no service ${namespace}/${name}`);
    const sp = port === undefined ? svc.spec.ports[0] : svc.spec.ports.find((p) => p.name === port || p.port === port);
    if (!sp) throw new Error(`service ${namespace}/${name} has no port ${port ?? '(none at all)'}`);
    const id = `${namespace}/${name}:${sp.port}`;
    let listener = this.#listeners.get(id);
    if (!listener) {
      listener = new Promise((resolve, reject) => {
        const server = net.createServer({ allowHalfOpen: true }, (socket) => this.route(namespace, name, sp.port, socket));
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
      });
      this.#listeners.set(id, listener);
    }
    return (await listener).port;
  }

  /**
   * Resolves once the rollout is complete (as `kubectl rollout status` reads it) and none of the
   * Deployment's pods is still terminating; throws with `describe()` after `timeout` (ms, default 120 s).
   */
  async waitRolledOut(namespace: string, name: string, timeout: number | { timeoutMs?: number } = {}): Promise<DeploymentObject> {
    const timeoutMs = (typeof timeout === 'number' ? timeout : timeout.timeoutMs) ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = this.deployment(namespace, name);
      if (!d) throw new Error(`no deployment ${namespace}/${name}`);
      const s = d.status;
      const n = d.spec.replicas;
      const complete =
        (s.observedGeneration ?? 0) >= d.metadata.generation && (s.updatedReplicas ?? 0) === n && (s.replicas ?? 0) === n && (s.availableReplicas ?? 0) === n;
      const terminating = this.podsOwnedBy(d.metadata.uid).some((p) => p.deletion);
      if (complete && !terminating) return clone(d);
      if (Date.now() > deadline) throw new Error(`deployment ${namespace}/${name} did not roll out within ${timeoutMs} ms\n${this.describe()}`);
      await this.delay(50);
    }
  }

  /** Resolves with the Job once it is Complete or Failed; throws with `describe()` after `timeout` (ms, default 120 s). */
  async waitJobFinished(namespace: string, name: string, timeout: number | { timeoutMs?: number } = {}): Promise<JobObject> {
    const timeoutMs = (typeof timeout === 'number' ? timeout : timeout.timeoutMs) ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = this.job(namespace, name);
      if (!job) throw new Error(`no job ${namespace}/${name}`);
      if (job.status.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return clone(job);
      if (Date.now() > deadline) throw new Error(`job ${namespace}/${name} did not finish within ${timeoutMs} ms\n${this.describe()}`);
      await this.delay(50);
    }
  }

  /** A text dump of every Deployment, Job and pod (with `logs`, the tail of each container's output), for failure messages. */
  describe(options: { logs?: boolean } = {}): string {
    const lines: string[] = [];
    for (const d of this.#deployments.values()) {
      const s = d.status;
      const progressing = s.conditions?.find((c) => c.type === 'Progressing');
      lines.push(
        `deployment ${d.metadata.namespace}/${d.metadata.name} generation ${d.metadata.generation} observed ${s.observedGeneration ?? 0}: ` +
          `${d.spec.replicas} wanted, ${s.replicas ?? 0} replicas, ${s.updatedReplicas ?? 0} updated, ${s.readyReplicas ?? 0} ready, ${s.availableReplicas ?? 0} available; ` +
          `Progressing=${progressing?.status ?? '?'} ${progressing?.reason ?? ''}; image ${d.spec.template.spec.containers.map((c) => c.image).join(', ')}`,
      );
    }
    for (const j of this.#jobs.values()) {
      const s = j.status;
      lines.push(
        `job ${j.metadata.namespace}/${j.metadata.name}: active ${s.active ?? 0}, succeeded ${s.succeeded ?? 0}, failed ${s.failed ?? 0}; ` +
          `${(s.conditions ?? []).map((c) => `${c.type}=${c.status} ${c.reason ?? ''}`).join('; ') || 'running'}`,
      );
    }
    for (const p of this.#pods.values()) {
      const containers = p.containers.map((c) => {
        const state =
          'running' in c.state ? 'running' : 'waiting' in c.state ? `waiting ${c.state.waiting.reason}` : `terminated ${c.state.terminated.exitCode}`;
        return `${c.spec.name} ${c.spec.image} ${state}${c.ready ? ' ready' : ''} restarts ${c.restartCount}${c.port !== undefined ? ` port ${c.port}` : ''}`;
      });
      lines.push(
        `  pod ${p.namespace}/${p.name} (${p.owner.kind} ${p.owner.name}) ${p.phase}${p.ready ? ' Ready' : ''}${p.deletion ? ' Terminating' : ''}: ${containers.join('; ')}`,
      );
      if (options.logs) {
        for (const c of p.containers) {
          const tail = (c.logs[c.logs.length - 1] ?? '').split('\n').slice(-20).join('\n    ');
          if (tail.trim() !== '') lines.push(`    ${tail}`);
        }
      }
    }
    return lines.join('\n');
  }

  /** SIGKILLs every process group, closes the Service ports and their connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    clearInterval(this.#interval);
    for (const t of this.#jobTrackers.values()) clearTimeout(t.ttl);
    const exits: Array<Promise<void>> = [];
    for (const pod of this.#history.values()) {
      pod.killAll();
      for (const c of pod.containers) if (c.child) exits.push(c.exited);
    }
    for (const s of this.#sockets) s.destroy();
    const servers = await Promise.all([...this.#listeners.values()].map((l) => l.catch(() => undefined)));
    await Promise.all(servers.map((l) => (l ? new Promise<void>((resolve) => l.server.close(() => resolve())) : Promise.resolve())));
    await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    this.#forgetExitCleanup();
  }

  // --- internals -------------------------------------------------------------------------------

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#closing.signal;
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async allocatePort(): Promise<number> {
    for (;;) {
      const port = await new Promise<number>((resolve, reject) => {
        const s = net.createServer();
        s.on('error', reject);
        s.listen(0, '127.0.0.1', () => {
          const p = (s.address() as net.AddressInfo).port;
          s.close(() => resolve(p));
        });
      });
      if (!this.#ports.has(port)) {
        this.#ports.add(port);
        return port;
      }
    }
  }

  private environment(pod: SimPod, container: ContainerSpec, port: number | undefined): Record<string, string> {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && (!k.startsWith('DRYDOCK_') || k.startsWith('DRYDOCK_TEST_'))) base[k] = v;
    const own: Record<string, string> = {};
    const fields: Record<string, string> = {
      'metadata.name': pod.name,
      'metadata.namespace': pod.namespace,
      'metadata.uid': pod.uid,
      'status.podIP': '127.0.0.1',
    };
    for (const e of container.env ?? []) {
      if (e.value !== undefined) own[e.name] = e.value;
      else if (e.valueFrom?.fieldRef && fields[e.valueFrom.fieldRef.fieldPath] !== undefined) own[e.name] = fields[e.valueFrom.fieldRef.fieldPath]!;
    }
    return {
      ...base,
      HOSTNAME: pod.name,
      ...this.options.env,
      ...own,
      ...(port !== undefined && { DRYDOCK_HOST: '127.0.0.1', DRYDOCK_PORT: String(port) }),
      ...this.options.overrideEnv,
    };
  }

  private podsOwnedBy(uid: string): SimPod[] {
    return [...this.#pods.values()].filter((p) => p.owner.uid === uid && p.ownerReferences.length > 0);
  }

  /** Runs the controllers soon (coalesced): on every change, plus the resync interval. */
  private schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.reconcile();
    });
  }

  private reconcile(): void {
    if (this.#closed) return;
    for (const [key, d] of this.#deployments) this.reconcileDeployment(key, d);
    for (const [key, j] of this.#jobs) this.reconcileJob(key, j);
  }

  private newPod(
    namespace: string,
    name: string,
    owner: PodOwner,
    ownerReference: OwnerReference,
    template: PodTemplate,
    extraLabels: Labels,
    hash?: string,
  ): SimPod {
    const pod = new SimPod(this.#host, namespace, name, { ...template.metadata?.labels, ...extraLabels }, owner, ownerReference, clone(template.spec), hash);
    this.#pods.set(`${namespace}/${name}`, pod);
    this.#history.set(name, pod);
    pod.start();
    return pod;
  }

  /**
   * The deployment controller's sync of one Deployment: scale the new "ReplicaSet" up within
   * maxSurge, the old ones down within maxUnavailable (unhealthy old pods first), then write status.
   */
  private reconcileDeployment(key: string, d: DeploymentObject): void {
    const now = Date.now();
    const hash = templateHash(d.spec.template);
    const replicas = d.spec.replicas;
    const minReady = d.spec.minReadySeconds ?? 0;
    const owned = this.podsOwnedBy(d.metadata.uid);
    const active = () => owned.filter((p) => !p.deletion);
    const isNew = (p: SimPod) => p.templateHash === hash;
    const isAvailable = (p: SimPod) => p.available(minReady, now);
    let tracker = this.#rollouts.get(key);
    const newRollout = tracker?.hash !== hash;
    if (!tracker || newRollout) {
      tracker = { hash, progressAt: now, counts: undefined };
      this.#rollouts.set(key, tracker);
    }
    const create = (n: number) => {
      const rsName = `${d.metadata.name}-${hash}`;
      for (let i = 0; i < n; i++) {
        owned.push(
          this.newPod(
            d.metadata.namespace,
            `${rsName}-${suffix()}`,
            { kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid },
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: derivedUid(d.metadata.uid, hash), controller: true, blockOwnerDeletion: true },
            d.spec.template,
            { 'pod-template-hash': hash },
            hash,
          ),
        );
      }
    };
    // Which pods a ReplicaSet deletes first when it scales down: not ready, then the most recent.
    const deletionOrder = (a: SimPod, b: SimPod) => Number(a.ready) - Number(b.ready) || b.createdAt - a.createdAt;

    const recreate = d.spec.strategy?.type === 'Recreate';
    const surge = recreate ? 0 : scaled(d.spec.strategy?.rollingUpdate?.maxSurge, '25%', replicas, true);
    let unavailable = recreate ? 0 : scaled(d.spec.strategy?.rollingUpdate?.maxUnavailable, '25%', replicas, false);
    if (!recreate && surge === 0 && unavailable === 0) unavailable = 1;

    const fresh = () => active().filter(isNew);
    const old = () => active().filter((p) => !isNew(p));
    // Surplus new pods (scaled down) go first, whatever the strategy.
    for (const p of fresh()
      .sort(deletionOrder)
      .slice(0, Math.max(0, fresh().length - replicas)))
      p.terminate();
    if (recreate) {
      for (const p of old()) p.terminate();
      if (!owned.some((p) => !isNew(p))) create(Math.max(0, replicas - fresh().length));
    } else {
      const room = replicas + surge - active().length;
      create(Math.max(0, Math.min(room, replicas - fresh().length)));
      const minAvailable = replicas - unavailable;
      // Old pods that are not available go first, as far as that keeps within the budget…
      const newUnavailable = fresh().filter((p) => !isAvailable(p)).length;
      let budget = active().length - minAvailable - newUnavailable;
      for (const p of old()
        .filter((x) => !isAvailable(x))
        .sort(deletionOrder)) {
        if (budget <= 0) break;
        p.terminate();
        budget--;
      }
      // …then available old pods, as long as enough available pods remain.
      let spare = active().filter(isAvailable).length - minAvailable;
      for (const p of old().filter(isAvailable).sort(deletionOrder)) {
        if (spare <= 0) break;
        p.terminate();
        spare--;
      }
    }

    // Status, computed as the controller's calculateStatus and syncRolloutStatus do.
    const all = active();
    const counts = {
      updated: fresh().length,
      ready: all.filter((p) => p.ready).length,
      available: all.filter(isAvailable).length,
      old: old().length,
    };
    const total = all.length;
    const before = tracker.counts;
    const progressed =
      before === undefined || counts.updated > before.updated || counts.ready > before.ready || counts.available > before.available || counts.old < before.old;
    if (progressed) tracker.progressAt = now;
    tracker.counts = counts;
    const rsName = `${d.metadata.name}-${hash}`;
    // The revision annotation: a template seen for the first time, or back again (a rollback), gets the next number.
    const revisions = this.#revisions.get(key) ?? new Map<string, number>();
    this.#revisions.set(key, revisions);
    const latest = Math.max(0, ...revisions.values());
    if (revisions.get(hash) !== latest || latest === 0) revisions.set(hash, latest + 1);
    const revision = String(revisions.get(hash));
    if (d.metadata.annotations?.['deployment.kubernetes.io/revision'] !== revision) {
      d.metadata.annotations = { ...d.metadata.annotations, 'deployment.kubernetes.io/revision': revision };
      d.metadata.resourceVersion = this.nextVersion();
    }
    const complete = counts.updated === replicas && total === replicas && counts.available === replicas;
    const deadlineMs = this.progressDeadlineMs ?? (d.spec.progressDeadlineSeconds ?? 600) * 1000;
    const previous = d.status.conditions ?? [];
    const condition = (type: string, status: 'True' | 'False', reason: string, message: string, touch: boolean): Condition => {
      const prior = previous.find((c) => c.type === type);
      const same = prior?.status === status && prior.reason === reason;
      return {
        type,
        status,
        lastUpdateTime: same && !touch ? prior.lastUpdateTime! : iso(now),
        lastTransitionTime: prior?.status === status ? prior.lastTransitionTime! : iso(now),
        reason,
        message,
      };
    };
    const availableOk = counts.available >= replicas - unavailable;
    const availability = availableOk
      ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', false)
      : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', false);
    let progressing: Condition;
    if (complete) progressing = condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, false);
    else if (newRollout) progressing = condition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${rsName}"`, true);
    else if (now - tracker.progressAt > deadlineMs)
      progressing = condition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, false);
    else progressing = condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, progressed);
    const status: DeploymentStatus = {
      observedGeneration: d.metadata.generation,
      ...omitZero({
        replicas: total,
        updatedReplicas: counts.updated,
        readyReplicas: counts.ready,
        availableReplicas: counts.available,
        unavailableReplicas: Math.max(0, total - counts.available),
      }),
      conditions: [availability, progressing],
    };
    if (canonical(status) !== canonical(d.status)) {
      d.status = status;
      d.metadata.resourceVersion = this.nextVersion();
    }
  }

  /** The job controller's sync of one Job (completions and parallelism 1). */
  private reconcileJob(key: string, job: JobObject): void {
    const now = Date.now();
    const tracker = this.#jobTrackers.get(key) ?? { failedAt: undefined, ttl: undefined };
    this.#jobTrackers.set(key, tracker);
    const pods = this.podsOwnedBy(job.metadata.uid);
    if (job.metadata.deletionTimestamp !== undefined) {
      // Foreground deletion: the Job goes once its pods are gone.
      if (pods.length === 0) {
        this.#jobs.delete(key);
        this.#jobTrackers.delete(key);
      }
      return;
    }
    const s = job.status;
    const before = canonical(s);
    const conditions = s.conditions ?? [];
    const has = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
    const add = (type: string, reason: string, message: string) =>
      conditions.push({ type, status: 'True', reason, message, lastProbeTime: iso(now), lastTransitionTime: iso(now) });
    s.startTime ??= iso(now);
    for (const p of pods) {
      if (p.terminalPhase !== undefined && !p.counted) {
        p.counted = true;
        if (p.terminalPhase === 'Succeeded') s.succeeded = (s.succeeded ?? 0) + 1;
        else {
          s.failed = (s.failed ?? 0) + 1;
          tracker.failedAt = now;
        }
      }
    }
    const running = pods.filter((p) => p.terminalPhase === undefined && !p.deletion);
    const finishing = has('FailureTarget') || has('SuccessCriteriaMet');
    if (!finishing) {
      const elapsed = now - Date.parse(s.startTime);
      if ((s.succeeded ?? 0) >= job.spec.completions) {
        add('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods');
      } else if ((s.failed ?? 0) > job.spec.backoffLimit) {
        add('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
      } else if (job.spec.activeDeadlineSeconds !== undefined && elapsed > job.spec.activeDeadlineSeconds * 1000) {
        add('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline');
      } else if (running.length === 0) {
        const failures = s.failed ?? 0;
        const backoff = failures === 0 ? 0 : Math.min(1000 * 2 ** (failures - 1), 5000);
        if (tracker.failedAt === undefined || now - tracker.failedAt >= backoff) {
          const name = job.metadata.name;
          running.push(
            this.newPod(
              job.metadata.namespace,
              `${name}-${suffix()}`,
              { kind: 'Job', name, uid: job.metadata.uid },
              { apiVersion: 'batch/v1', kind: 'Job', name, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true },
              job.spec.template,
              {},
            ),
          );
        }
      }
    }
    // The final condition is written once no pod of the Job runs any more (running ones are deleted).
    const settled = () => pods.every((p) => p.gone || p.terminalPhase !== undefined);
    if (has('FailureTarget') && !has('Failed')) {
      for (const p of running) p.terminate();
      if (settled()) {
        const target = conditions.find((c) => c.type === 'FailureTarget')!;
        add('Failed', target.reason!, target.message!);
      }
    }
    if (has('SuccessCriteriaMet') && !has('Complete')) {
      for (const p of running) p.terminate();
      if (settled()) {
        add('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
        s.completionTime = iso(now);
      }
    }
    const stillRunning = pods.filter((p) => p.terminalPhase === undefined && !p.deletion && !p.gone);
    s.active = stillRunning.length;
    s.ready = stillRunning.filter((p) => p.ready).length;
    s.uncountedTerminatedPods = {};
    if (conditions.length > 0) s.conditions = conditions;
    job.status = { ...omitZero({ ...s, ready: undefined }), ready: s.ready ?? 0 };
    if (canonical(job.status) !== before) job.metadata.resourceVersion = this.nextVersion();
    const finished = has('Complete') || has('Failed');
    if (finished && job.spec.ttlSecondsAfterFinished !== undefined && tracker.ttl === undefined) {
      tracker.ttl = setTimeout(() => {
        if (this.#jobs.get(key) === job) this.deleteJob(job.metadata.namespace, job.metadata.name, 'Background');
      }, job.spec.ttlSecondsAfterFinished * 1000);
      tracker.ttl.unref();
    }
  }

  /** kube-proxy for one new connection: a ready, non-terminating endpoint, round-robin, or a reset. */
  private route(namespace: string, name: string, servicePort: number, client: net.Socket): void {
    this.#sockets.add(client);
    client.on('close', () => this.#sockets.delete(client));
    client.on('error', () => {});
    const svc = this.service(namespace, name);
    const sp = svc?.spec.ports.find((p) => p.port === servicePort);
    const requirements = requirementsOf(svc?.spec.selector);
    const endpoints: Array<{ pod: SimPod; port: number }> = [];
    if (svc && sp && requirements.length > 0) {
      for (const pod of [...this.#pods.values()].sort((a, b) => a.name.localeCompare(b.name))) {
        if (pod.namespace !== namespace || pod.deletion || !pod.ready || !matches(pod.labels, requirements)) continue;
        const target = sp.targetPort ?? sp.port;
        for (const c of pod.containers) {
          const declared = c.spec.ports?.some((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target));
          if (declared && c.port !== undefined) {
            endpoints.push({ pod, port: c.port });
            break;
          }
        }
      }
    }
    const id = `${namespace}/${name}:${servicePort}`;
    if (endpoints.length === 0) {
      this.connections.push({ namespace, service: name, port: servicePort, pod: null, at: eventTime() });
      client.resetAndDestroy();
      return;
    }
    const turn = this.#roundRobin.get(id) ?? 0;
    this.#roundRobin.set(id, turn + 1);
    const endpoint = endpoints[turn % endpoints.length]!;
    this.connections.push({ namespace, service: name, port: servicePort, pod: endpoint.pod.name, at: eventTime() });
    const upstream = net.connect({ host: '127.0.0.1', port: endpoint.port, allowHalfOpen: true });
    this.#sockets.add(upstream);
    upstream.on('close', () => this.#sockets.delete(upstream));
    upstream.on('error', () => {});
    // Bytes and half-closes both ways; a reset on one side resets the other.
    client.pipe(upstream);
    upstream.pipe(client);
    const link = (a: net.Socket, b: net.Socket) =>
      a.on('close', (hadError) => {
        if (b.destroyed) return;
        if (hadError) b.resetAndDestroy();
        else if (!b.writableEnded) b.end();
      });
    link(client, upstream);
    link(upstream, client);
  }
}

// ---------------------------------------------------------------------------------------------
// Validation and defaults (the parts of the API server's that matter here)
// ---------------------------------------------------------------------------------------------

function objectBody(body: unknown, kind: string, apiVersion: string, namespace: string, qualified: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ApiError(400, 'BadRequest', `the body of the request is not a ${kind} object`);
  const o = clone(body) as Record<string, unknown>;
  if (o['kind'] !== undefined && o['kind'] !== kind)
    throw new ApiError(400, 'BadRequest', `the body is a ${JSON.stringify(o['kind'])}, not a ${kind} (${qualified})`);
  if (o['apiVersion'] !== undefined && o['apiVersion'] !== apiVersion)
    throw new ApiError(400, 'BadRequest', `the body's apiVersion ${JSON.stringify(o['apiVersion'])} is not ${apiVersion}`);
  const meta = (o['metadata'] ?? {}) as Partial<ObjectMeta>;
  if (meta.namespace !== undefined && meta.namespace !== namespace) {
    throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  }
  o['metadata'] = meta;
  return o;
}

/** The object's name, or one made from `generateName`. */
function nameOf(o: Record<string, unknown>, qualified: string): string {
  const meta = o['metadata'] as Partial<ObjectMeta> & { generateName?: string };
  const name = meta.name ?? (meta.generateName !== undefined ? `${meta.generateName}${suffix()}` : undefined);
  if (name === undefined || name === '')
    throw new ApiError(422, 'Invalid', `${qualified} "" is invalid: metadata.name: Required value: name or generateName is required`);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
    throw new ApiError(
      422,
      'Invalid',
      `${qualified} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
    );
  }
  meta.name = name;
  return name;
}

function alreadyExists(resource: string, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${resource}${group ? `.${group}` : ''} "${name}" already exists`, { name, group, kind: resource });
}

function notFound(resource: string, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${resource}${group ? `.${group}` : ''} "${name}" not found`, { name, group, kind: resource });
}

/** The pod template with the defaults the API server fills (restartPolicy, terminationGracePeriodSeconds). */
function withPodDefaults(template: PodTemplate | undefined, restartPolicy: 'Always' | undefined): PodTemplate {
  const t = clone(template ?? { spec: { containers: [] } });
  t.spec ??= { containers: [] };
  t.spec.containers ??= [];
  if (restartPolicy !== undefined) t.spec.restartPolicy ??= restartPolicy;
  t.spec.terminationGracePeriodSeconds ??= 30;
  return t;
}

function validatePodSpec(spec: PodSpec, invalid: (field: string, message: string) => ApiError): void {
  if (spec.containers.length === 0) throw invalid('spec.template.spec.containers', 'Required value');
  spec.containers.forEach((c, i) => {
    if (!c.name) throw invalid(`spec.template.spec.containers[${i}].name`, 'Required value');
    if (!c.image) throw invalid(`spec.template.spec.containers[${i}].image`, 'Required value');
  });
}

function validateDeployment(d: DeploymentObject, before: DeploymentObject | undefined): void {
  const name = d.metadata.name;
  const invalid = (field: string, message: string) =>
    new ApiError(422, 'Invalid', `Deployment.apps "${name}" is invalid: ${field}: ${message}`, {
      name,
      group: 'apps',
      kind: 'Deployment',
      causes: [{ reason: 'FieldValueInvalid', message, field }],
    });
  if (!Number.isInteger(d.spec.replicas) || d.spec.replicas < 0)
    throw invalid('spec.replicas', `Invalid value: ${JSON.stringify(d.spec.replicas)}: must be greater than or equal to 0`);
  const requirements = requirementsOf(d.spec.selector);
  if (requirements.length === 0) throw invalid('spec.selector', 'Required value');
  if (!matches(d.spec.template.metadata?.labels, requirements))
    throw invalid(
      'spec.template.metadata.labels',
      `Invalid value: ${JSON.stringify(d.spec.template.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\``,
    );
  if (before && canonical(before.spec.selector) !== canonical(d.spec.selector))
    throw invalid('spec.selector', `Invalid value: ${JSON.stringify(d.spec.selector)}: field is immutable`);
  if (d.spec.template.spec.restartPolicy !== 'Always')
    throw invalid('spec.template.spec.restartPolicy', `Unsupported value: "${d.spec.template.spec.restartPolicy}": supported values: "Always"`);
  validatePodSpec(d.spec.template.spec, invalid);
  const strategy = d.spec.strategy;
  if (strategy?.type === 'RollingUpdate' || strategy?.type === undefined) {
    try {
      scaled(strategy?.rollingUpdate?.maxSurge, '25%', 1, true);
      scaled(strategy?.rollingUpdate?.maxUnavailable, '25%', 1, false);
    } catch (err) {
      throw invalid('spec.strategy.rollingUpdate', (err as Error).message);
    }
  }
}
