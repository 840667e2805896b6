/**
 * A STAND-IN for a Kubernetes API server: a small in-test HTTP server speaking the subset of the
 * real Kubernetes API that the fleet's `kubernetes` driver uses. No Kubernetes API server can run on
 * the build machines (no container runtime, no kind/k3s; see MACHINE-NOTES.md), so the driver is
 * tested with the real client (@kubernetes/client-node) over real HTTP against this server instead.
 * It is not a Kubernetes: only what is listed here exists.
 *
 * - GET   /apis/apps/v1/namespaces/{ns}/deployments/{name}
 * - PATCH /apis/apps/v1/namespaces/{ns}/deployments/{name}
 * - GET   /api/v1/namespaces/{ns}/services/{name}
 * - PATCH /api/v1/namespaces/{ns}/services/{name}
 *
 * PATCH accepts `application/merge-patch+json` (RFC 7386: objects merge, `null` deletes, lists are
 * replaced) and `application/strategic-merge-patch+json`, implemented as the same merge except that
 * lists of objects with a `name` merge by name (as `containers` do in Kubernetes); other patch types
 * get 415. Errors are Kubernetes `Status` objects (`kind: Status`, `reason: NotFound`, `code: 404` …).
 *
 * Authentication: `Authorization: Bearer <token>`; an unknown token gets 401, a read-only token 403
 * on PATCH (with the real "cannot patch resource" wording).
 *
 * Rollouts are simulated: a PATCH that changes a Deployment's spec bumps `metadata.generation`; the
 * status catches up `rolloutDelayMs` later (observedGeneration, updatedReplicas, availableReplicas).
 * An image registered with `failImage` never becomes available: like a crash-looping new ReplicaSet
 * under the default strategy, the new replicas stay unavailable and the old ones keep running, and,
 * when `progressDeadlineMs` is set, Kubernetes' `Progressing=False ProgressDeadlineExceeded` appears.
 *
 * CLUSTER MODE (option `cluster`): no timers fake the rollouts; a simulated cluster whose pods are real
 * processes stands behind the API (test/support/kubernetes-cluster.ts says what it mimics), reached as
 * `server.cluster`. The API then also serves (paths and JSON shapes of the real API):
 *
 * - GET   /apis/apps/v1/namespaces/{ns}/deployments[?labelSelector=&fieldSelector=]   DeploymentList
 * - POST  /apis/apps/v1/namespaces/{ns}/deployments                                   create (409 if it exists)
 * - GET, PATCH, PUT /apis/apps/v1/namespaces/{ns}/deployments/{name}/scale            autoscaling/v1 Scale
 * - GET   /api/v1/namespaces/{ns}/services[?labelSelector=]                           ServiceList
 * - GET   /api/v1/namespaces/{ns}/pods[?labelSelector=&fieldSelector=], …/pods/{name}  PodList, Pod
 * - DELETE /api/v1/namespaces/{ns}/pods/{name}[?gracePeriodSeconds=]                  the kubelet's termination
 * - GET   /api/v1/namespaces/{ns}/pods/{name}/log[?container=&previous=&tailLines=]   text/plain
 * - GET, POST /apis/batch/v1/namespaces/{ns}/jobs[?labelSelector=]                    JobList, create (409)
 * - GET, DELETE /apis/batch/v1/namespaces/{ns}/jobs/{name}[?propagationPolicy=]       Job, delete
 *
 * plus GET/PATCH of single Deployments and Services as above. Label selectors: `k=v`, `k==v`, `k!=v`,
 * `k`, `!k`, `k in (…)`, `k notin (…)`; field selectors: metadata.name, metadata.namespace,
 * status.phase. `watch=true` is refused (400): poll. In cluster mode a read-only token may only get
 * and list, and a token of `roleTokens` is authorized by RBAC rules (a Role's `rules`, e.g. those of
 * deploy/kubernetes/base/upgrade-role.yaml), with the real "cannot <verb> resource" 403s.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, SimulatedCluster, type ClusterOptions, type DeploymentObject, type ServiceObject } from './kubernetes-cluster.js';

/** A Deployment as the stand-in stores it (the fields the driver reads, in their API shape). */
export interface StoredDeployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: { name: string; namespace: string; generation: number; resourceVersion: string; uid: string; labels?: Record<string, string> };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ name: string; image: string; [k: string]: unknown }> } };
    [k: string]: unknown;
  };
  status: {
    observedGeneration: number;
    replicas: number;
    updatedReplicas: number;
    readyReplicas: number;
    availableReplicas: number;
    unavailableReplicas?: number;
    conditions: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

/** A Service as the stand-in stores it. */
export interface StoredService {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: { name: string; namespace: string; resourceVersion: string; uid: string };
  spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: number }>; [k: string]: unknown };
}

/** One request the stand-in received, for assertions (e.g. "no PATCH was sent"). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
  /** The query string, with its `?` ('' when none). */
  readonly query: string;
}

/** One RBAC rule, as a Role's `rules` hold them. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

export interface KubernetesApiServerOptions {
  /** Tokens with full access. */
  readonly tokens: readonly string[];
  /** Tokens that may GET but not PATCH (403). */
  readonly readOnlyTokens?: readonly string[];
  /** How long a rollout takes to be observed and complete (default 100 ms). */
  readonly rolloutDelayMs?: number;
  /** After this long, a rollout that cannot complete is marked ProgressDeadlineExceeded (default: never; in cluster mode, the Deployment's progressDeadlineSeconds). */
  readonly progressDeadlineMs?: number;
  /** Cluster mode: Deployments run as real processes (see the file's comment and kubernetes-cluster.ts). */
  readonly cluster?: ClusterOptions;
  /** Cluster mode: tokens authorized by RBAC rules only (e.g. the rules of the drydock-upgrade Role), with the user name their 403s show. */
  readonly roleTokens?: Readonly<Record<string, { readonly user?: string; readonly rules: readonly PolicyRule[] }>>;
}

export interface KubernetesApiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Creates a Deployment whose rollout is complete, its pod template labelled `{label: name}`. */
  addDeployment(d: {
    namespace: string;
    name: string;
    image: string;
    replicas?: number;
    container?: string;
    label?: string;
    extraContainers?: Array<{ name: string; image: string }>;
  }): StoredDeployment;
  /** Creates a Service with the given selector. */
  addService(s: { namespace: string; name: string; selector: Record<string, string> }): StoredService;
  deployment(namespace: string, name: string): StoredDeployment | undefined;
  service(namespace: string, name: string): StoredService | undefined;
  /** Rollouts to this image never become available (a bad image / crash loop). */
  failImage(image: string): void;
  close(): Promise<void>;
}

/**
 * The stand-in in cluster mode: the API plus the simulated cluster, whose test helpers are also
 * reachable directly on the server (`server.apply(…)` is `server.cluster.apply(…)`).
 */
export interface ClusterApiServer
  extends
    Omit<KubernetesApiServer, 'addDeployment' | 'addService' | 'deployment' | 'service' | 'failImage'>,
    Pick<SimulatedCluster, 'apply' | 'pods' | 'podLog' | 'servicePort' | 'waitRolledOut' | 'waitJobFinished' | 'describe' | 'job' | 'addRelease'> {
  readonly cluster: SimulatedCluster;
  /** Every termination the kubelet carried out (`cluster.terminations`). */
  readonly terminations: SimulatedCluster['terminations'];
  /** Every new connection through a Service port (`cluster.connections`). */
  readonly connections: SimulatedCluster['connections'];
  /** As in the fake mode, through the API's create path (status filled by the controller). */
  addDeployment(d: Parameters<KubernetesApiServer['addDeployment']>[0]): DeploymentObject;
  addService(s: Parameters<KubernetesApiServer['addService']>[0]): ServiceObject;
  deployment(namespace: string, name: string): DeploymentObject | undefined;
  service(namespace: string, name: string): ServiceObject | undefined;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch; with `strategic`, lists of named objects merge by `name` (Kubernetes' patchMergeKey for containers). */
function mergePatch(target: Json | undefined, patch: Json, strategic: boolean): Json {
  if (!isObject(patch)) {
    if (strategic && Array.isArray(patch) && Array.isArray(target) && patch.every((p) => isObject(p) && typeof p['name'] === 'string')) {
      const result = target.map((t) => structuredClone(t));
      for (const p of patch as Array<Record<string, Json>>) {
        const i = result.findIndex((t) => isObject(t) && t['name'] === p['name']);
        if (i === -1) result.push(mergePatch(undefined, p, strategic));
        else result[i] = mergePatch(result[i], p, strategic);
      }
      return result;
    }
    return structuredClone(patch);
  }
  const result: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v, strategic);
  }
  return result;
}

/** A Kubernetes `Status` failure object, as the API server sends it. */
function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details && { details }), code };
}

/** Starts the stand-in on 127.0.0.1 with an ephemeral port. */
export async function startKubernetesApiServer(options: KubernetesApiServerOptions & { cluster: ClusterOptions }): Promise<ClusterApiServer>;
export async function startKubernetesApiServer(options: KubernetesApiServerOptions): Promise<KubernetesApiServer>;
export async function startKubernetesApiServer(options: KubernetesApiServerOptions): Promise<KubernetesApiServer | ClusterApiServer> {
  const rolloutDelayMs = options.rolloutDelayMs ?? 100;
  const deployments = new Map<string, StoredDeployment>();
  const services = new Map<string, StoredService>();
  const failingImages = new Set<string>();
  const requests: RecordedRequest[] = [];
  const timers = new Map<string, Array<ReturnType<typeof setTimeout>>>();
  let version = 1000;
  const nextVersion = () => String(++version);
  const cluster = options.cluster === undefined ? undefined : new SimulatedCluster(options.cluster, nextVersion, options.progressDeadlineMs);

  const completeStatus = (d: StoredDeployment): StoredDeployment['status'] => {
    const n = d.spec.replicas;
    return {
      observedGeneration: d.metadata.generation,
      replicas: n,
      updatedReplicas: n,
      readyReplicas: n,
      availableReplicas: n,
      conditions: [
        { type: 'Available', status: n > 0 ? 'True' : 'False', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${d.metadata.name}-${d.metadata.generation}" has successfully progressed.`,
        },
      ],
    };
  };

  /** What the deployment controller would do with a new spec, after `rolloutDelayMs`. */
  const startRollout = (key: string, patched: StoredDeployment) => {
    for (const t of timers.get(key) ?? []) clearTimeout(t);
    const pending: Array<ReturnType<typeof setTimeout>> = [];
    timers.set(key, pending);
    const failing = patched.spec.template.spec.containers.some((c) => failingImages.has(c.image));
    pending.push(
      setTimeout(() => {
        // The stored object, not `patched`: a later patch that left the spec alone replaced it.
        const d = deployments.get(key);
        if (!d) return;
        const n = d.spec.replicas;
        if (!failing) {
          d.status = completeStatus(d);
        } else {
          // New pods crash-loop; with maxUnavailable rounding down, the old ones keep serving.
          const old = Math.min(n, d.status.availableReplicas);
          d.status = {
            observedGeneration: d.metadata.generation,
            replicas: n + old,
            updatedReplicas: n,
            readyReplicas: old,
            availableReplicas: old,
            unavailableReplicas: n,
            conditions: [
              { type: 'Available', status: old > 0 ? 'True' : 'False', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
              {
                type: 'Progressing',
                status: 'True',
                reason: 'ReplicaSetUpdated',
                message: `ReplicaSet "${d.metadata.name}-${d.metadata.generation}" is progressing.`,
              },
            ],
          };
        }
        d.metadata.resourceVersion = nextVersion();
      }, rolloutDelayMs),
    );
    if (failing && options.progressDeadlineMs !== undefined) {
      pending.push(
        setTimeout(() => {
          const progressing = deployments.get(key)?.status.conditions.find((c) => c.type === 'Progressing');
          if (progressing) {
            Object.assign(progressing, {
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${patched.metadata.name}-${patched.metadata.generation}" has timed out progressing.`,
            });
          }
        }, rolloutDelayMs + options.progressDeadlineMs),
      );
    }
  };

  const readBody = (req: http.IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const server = http.createServer((req, res) => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      const text = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const contentType = req.headers['content-type']?.split(';')[0]?.trim();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname, contentType, body, query: url.search });

      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
      const readOnly = token !== undefined && (options.readOnlyTokens ?? []).includes(token);
      const role = token === undefined || cluster === undefined ? undefined : options.roleTokens?.[token];
      if (token === undefined || (!options.tokens.includes(token) && !readOnly && !role)) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
      if (cluster) {
        const access: Access = readOnly
          ? { kind: 'read-only' }
          : role
            ? { kind: 'role', user: role.user ?? 'role-token', rules: role.rules }
            : { kind: 'full' };
        return routeCluster(cluster, access, method, url, contentType, body, res);
      }

      const m =
        /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments)\/([^/]+)$/.exec(url.pathname) ??
        /^\/api\/v1\/namespaces\/([^/]+)\/(services)\/([^/]+)$/.exec(url.pathname);
      if (!m) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      const [, namespace, resource, name] = m as unknown as [string, string, 'deployments' | 'services', string];
      const key = `${namespace}/${name}`;
      const group = resource === 'deployments' ? 'apps' : '';
      const qualified = resource === 'deployments' ? 'deployments.apps' : 'services';
      const store: Map<string, StoredDeployment | StoredService> = resource === 'deployments' ? deployments : services;
      if (method !== 'GET' && method !== 'PATCH')
        return send(405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
      if (method === 'PATCH' && readOnly) {
        return send(
          403,
          status(
            403,
            'Forbidden',
            `${qualified} "${name}" is forbidden: User "system:serviceaccount:${namespace}:read-only" cannot patch resource "${resource}" in API group "${group}" in the namespace "${namespace}"`,
            {
              name,
              group,
              kind: resource,
            },
          ),
        );
      }
      const object = store.get(key);
      if (!object) return send(404, status(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: resource }));
      if (method === 'GET') return send(200, object);

      if (contentType !== 'application/merge-patch+json' && contentType !== 'application/strategic-merge-patch+json') {
        return send(
          415,
          status(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json (stand-in subset); got ${contentType ?? 'none'}`,
          ),
        );
      }
      if (!isObject(body)) return send(400, status(400, 'BadRequest', 'the patch is not a JSON object'));
      const patched = mergePatch(object as unknown as Json, body, contentType === 'application/strategic-merge-patch+json') as unknown as
        StoredDeployment | StoredService;
      // Status and identity are not patchable through the main resource.
      patched.metadata = {
        ...patched.metadata,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: nextVersion(),
      };
      if (patched.kind === 'Deployment') {
        const before = object as StoredDeployment;
        patched.status = before.status;
        patched.metadata.generation = before.metadata.generation;
        if (JSON.stringify(patched.spec) !== JSON.stringify(before.spec)) {
          patched.metadata.generation += 1;
          deployments.set(key, patched);
          startRollout(key, patched);
        } else {
          deployments.set(key, patched);
        }
      } else {
        services.set(key, patched);
      }
      return send(200, patched);
    })().catch((err: unknown) => {
      if (err instanceof ApiError) return send(err.code, status(err.code, err.reason, err.message, err.details));
      return send(500, status(500, 'InternalError', String(err)));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let uid = 0;

  if (cluster) {
    const clusterServer: ClusterApiServer = {
      url: `http://127.0.0.1:${port}`,
      requests,
      cluster,
      terminations: cluster.terminations,
      connections: cluster.connections,
      apply: (docs, applyOptions) => cluster.apply(docs, applyOptions),
      pods: (namespace, selector) => cluster.pods(namespace, selector),
      podLog: (name, logOptions) => cluster.podLog(name, logOptions),
      servicePort: (namespace, name, servicePort) => cluster.servicePort(namespace, name, servicePort),
      waitRolledOut: (namespace, name, waitOptions) => cluster.waitRolledOut(namespace, name, waitOptions),
      waitJobFinished: (namespace, name, waitOptions) => cluster.waitJobFinished(namespace, name, waitOptions),
      describe: (describeOptions) => cluster.describe(describeOptions),
      job: (namespace, name) => cluster.job(namespace, name),
      addRelease: (image, release) => cluster.addRelease(image, release),
      addDeployment(spec) {
        const label = spec.label ?? 'drydock.io/node';
        const labels = { app: 'demo', [label]: spec.name };
        const containers = [{ name: spec.container ?? 'app', image: spec.image }, ...(spec.extraContainers ?? [])];
        const body = {
          metadata: { name: spec.name },
          spec: { replicas: spec.replicas ?? 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } },
        };
        return cluster.createDeployment(spec.namespace, body);
      },
      addService(spec) {
        const body = { metadata: { name: spec.name }, spec: { selector: { ...spec.selector }, ports: [{ port: 80, targetPort: 8080 }] } };
        return cluster.createService(spec.namespace, body);
      },
      deployment: (namespace, name) => cluster.deployment(namespace, name),
      service: (namespace, name) => cluster.service(namespace, name),
      close: async () => {
        await cluster.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
    return clusterServer;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addDeployment(spec) {
      const label = spec.label ?? 'drydock.io/node';
      const d: StoredDeployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: spec.name, namespace: spec.namespace, generation: 1, resourceVersion: nextVersion(), uid: `uid-${++uid}` },
        spec: {
          replicas: spec.replicas ?? 1,
          selector: { matchLabels: { app: 'demo', [label]: spec.name } },
          template: {
            metadata: { labels: { app: 'demo', [label]: spec.name } },
            spec: { containers: [{ name: spec.container ?? 'app', image: spec.image }, ...(spec.extraContainers ?? [])] },
          },
        },
        status: { observedGeneration: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, conditions: [] },
      };
      d.status = completeStatus(d);
      deployments.set(`${spec.namespace}/${spec.name}`, d);
      return d;
    },
    addService(spec) {
      const s: StoredService = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: spec.name, namespace: spec.namespace, resourceVersion: nextVersion(), uid: `uid-${++uid}` },
        spec: { selector: { ...spec.selector }, ports: [{ port: 80, targetPort: 8080 }] },
      };
      services.set(`${spec.namespace}/${spec.name}`, s);
      return s;
    },
    deployment: (namespace, name) => deployments.get(`${namespace}/${name}`),
    service: (namespace, name) => services.get(`${namespace}/${name}`),
    failImage: (image) => void failingImages.add(image),
    close: async () => {
      for (const list of timers.values()) for (const t of list) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Who is calling, in cluster mode. */
type Access = { kind: 'full' } | { kind: 'read-only' } | { kind: 'role'; user: string; rules: readonly PolicyRule[] };

/** The resources cluster mode serves: path pattern (namespace, then name), RBAC resource, API group. */
const CLUSTER_ROUTES: ReadonlyArray<{ pattern: RegExp; resource: string; group: string; item: boolean }> = [
  { pattern: /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments$/, resource: 'deployments', group: 'apps', item: false },
  { pattern: /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/, resource: 'deployments', group: 'apps', item: true },
  { pattern: /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/scale$/, resource: 'deployments/scale', group: 'apps', item: true },
  { pattern: /^\/api\/v1\/namespaces\/([^/]+)\/services$/, resource: 'services', group: '', item: false },
  { pattern: /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)$/, resource: 'services', group: '', item: true },
  { pattern: /^\/api\/v1\/namespaces\/([^/]+)\/pods$/, resource: 'pods', group: '', item: false },
  { pattern: /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/, resource: 'pods', group: '', item: true },
  { pattern: /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/, resource: 'pods/log', group: '', item: true },
  { pattern: /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/, resource: 'jobs', group: 'batch', item: false },
  { pattern: /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/, resource: 'jobs', group: 'batch', item: true },
];

/** The RBAC verb of a request. */
function verbOf(method: string, item: boolean, url: URL): string {
  switch (method) {
    case 'GET':
      return url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1' ? 'watch' : item ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PATCH':
      return 'patch';
    case 'PUT':
      return 'update';
    case 'DELETE':
      return item ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function allowed(access: Access, verb: string, group: string, resource: string, name: string | undefined): boolean {
  if (access.kind === 'full') return true;
  if (access.kind === 'read-only') return verb === 'get' || verb === 'list' || verb === 'watch';
  const has = (list: readonly string[], v: string) => list.includes('*') || list.includes(v);
  return access.rules.some(
    (r) =>
      has(r.apiGroups, group) &&
      has(r.resources, resource) &&
      has(r.verbs, verb) &&
      (r.resourceNames === undefined || r.resourceNames.length === 0 || (name !== undefined && r.resourceNames.includes(name))),
  );
}

/** Serves one request in cluster mode (auth done, request recorded). */
function routeCluster(
  cluster: SimulatedCluster,
  access: Access,
  method: string,
  url: URL,
  contentType: string | undefined,
  body: unknown,
  res: http.ServerResponse,
): void {
  const send = (code: number, payload: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  };
  const fail = (err: ApiError) => send(err.code, status(err.code, err.reason, err.message, err.details));
  let match: RegExpExecArray | null = null;
  const route = CLUSTER_ROUTES.find((r) => (match = r.pattern.exec(url.pathname)) !== null);
  if (!route || !match) return fail(new ApiError(404, 'NotFound', 'the server could not find the requested resource'));
  const [, namespace, name] = match as unknown as [string, string, string | undefined];
  const base = route.resource.split('/')[0]!;
  const qualified = route.group ? `${base}.${route.group}` : base;
  const verb = verbOf(method, route.item, url);
  if (!allowed(access, verb, route.group, route.resource, name)) {
    const user = access.kind === 'role' ? access.user : `system:serviceaccount:${namespace}:read-only`;
    const subject = name === undefined ? qualified : `${qualified} "${name}"`;
    return fail(
      new ApiError(
        403,
        'Forbidden',
        `${subject} is forbidden: User "${user}" cannot ${verb} resource "${route.resource}" in API group "${route.group}" in the namespace "${namespace}"`,
        {
          ...(name !== undefined && { name }),
          group: route.group,
          kind: route.resource,
        },
      ),
    );
  }
  if (verb === 'watch') return fail(new ApiError(400, 'BadRequest', 'watch is not supported by the simulated API server: poll with GET'));
  const labelSelector = url.searchParams.get('labelSelector');
  const fieldSelector = url.searchParams.get('fieldSelector');
  const notAllowed = () => fail(new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
  const notFound = () => fail(new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group: route.group, kind: base }));
  const patched = <T>(object: T): T => {
    if (contentType !== 'application/merge-patch+json' && contentType !== 'application/strategic-merge-patch+json') {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json (stand-in subset); got ${contentType ?? 'none'}`,
      );
    }
    if (!isObject(body)) throw new ApiError(400, 'BadRequest', 'the patch is not a JSON object');
    return mergePatch(object as unknown as Json, body, contentType === 'application/strategic-merge-patch+json') as unknown as T;
  };

  try {
    switch (`${route.resource} ${route.item ? 'item' : 'collection'} ${method}`) {
      case 'deployments collection GET':
        return send(200, cluster.listDeployments(namespace, labelSelector, fieldSelector));
      case 'deployments collection POST':
        return send(201, cluster.createDeployment(namespace, body));
      case 'deployments item GET': {
        const d = cluster.deployment(namespace, name!);
        return d ? send(200, d) : notFound();
      }
      case 'deployments item PATCH': {
        const d = cluster.deployment(namespace, name!);
        return d ? send(200, cluster.updateDeployment(namespace, name!, patched<DeploymentObject>(d))) : notFound();
      }
      case 'deployments/scale item GET':
        return send(200, cluster.deploymentScale(namespace, name!));
      case 'deployments/scale item PATCH':
      case 'deployments/scale item PUT': {
        const scale = cluster.deploymentScale(namespace, name!);
        const next = method === 'PUT' ? (body as { spec?: { replicas?: unknown } }) : patched(scale);
        const replicas = next?.spec?.replicas;
        if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Required value`);
        const d = cluster.deployment(namespace, name!)!;
        cluster.updateDeployment(namespace, name!, { ...structuredClone(d), spec: { ...structuredClone(d.spec), replicas } });
        return send(200, cluster.deploymentScale(namespace, name!));
      }
      case 'services collection GET':
        return send(200, cluster.listServices(namespace, labelSelector, fieldSelector));
      case 'services item GET': {
        const s = cluster.service(namespace, name!);
        return s ? send(200, s) : notFound();
      }
      case 'services item PATCH': {
        const s = cluster.service(namespace, name!);
        return s ? send(200, cluster.updateService(namespace, name!, patched<ServiceObject>(s))) : notFound();
      }
      case 'pods collection GET':
        return send(200, cluster.listPods(namespace, labelSelector, fieldSelector));
      case 'pods item GET': {
        const p = cluster.pod(namespace, name!);
        return p ? send(200, p) : notFound();
      }
      case 'pods item DELETE': {
        const options = isObject(body) ? (body as { gracePeriodSeconds?: unknown }) : {};
        const query = url.searchParams.get('gracePeriodSeconds');
        const grace = query !== null ? Number(query) : typeof options.gracePeriodSeconds === 'number' ? options.gracePeriodSeconds : undefined;
        return send(200, cluster.deletePod(namespace, name!, grace));
      }
      case 'pods/log item GET': {
        const tail = url.searchParams.get('tailLines');
        const text = cluster.readPodLog(namespace, name!, {
          container: url.searchParams.get('container'),
          previous: url.searchParams.get('previous') === 'true',
          ...(tail !== null && { tailLines: Number(tail) }),
        });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(text);
        return;
      }
      case 'jobs collection GET':
        return send(200, cluster.listJobs(namespace, labelSelector, fieldSelector));
      case 'jobs collection POST':
        return send(201, cluster.createJob(namespace, body));
      case 'jobs item GET': {
        const j = cluster.job(namespace, name!);
        return j ? send(200, j) : notFound();
      }
      case 'jobs item DELETE': {
        const options = isObject(body) ? (body as { propagationPolicy?: unknown; orphanDependents?: unknown }) : {};
        const fromBody =
          typeof options.propagationPolicy === 'string'
            ? options.propagationPolicy
            : options.orphanDependents === false
              ? 'Background'
              : options.orphanDependents === true
                ? 'Orphan'
                : undefined;
        const result = cluster.deleteJob(namespace, name!, url.searchParams.get('propagationPolicy') ?? fromBody);
        return send(result.code, result.body);
      }
      default:
        return notAllowed();
    }
  } catch (err) {
    if (err instanceof ApiError) return fail(err);
    throw err;
  }
}
