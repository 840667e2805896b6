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
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
}

export interface KubernetesApiServerOptions {
  /** Tokens with full access. */
  readonly tokens: readonly string[];
  /** Tokens that may GET but not PATCH (403). */
  readonly readOnlyTokens?: readonly string[];
  /** How long a rollout takes to be observed and complete (default 100 ms). */
  readonly rolloutDelayMs?: number;
  /** After this long, a rollout that cannot complete is marked ProgressDeadlineExceeded (default: never). */
  readonly progressDeadlineMs?: number;
}

export interface KubernetesApiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Creates a Deployment whose rollout is complete, its pod template labelled `{label: name}`. */
  addDeployment(d: { namespace: string; name: string; image: string; replicas?: number; container?: string; label?: string; extraContainers?: Array<{ name: string; image: string }> }): StoredDeployment;
  /** Creates a Service with the given selector. */
  addService(s: { namespace: string; name: string; selector: Record<string, string> }): StoredService;
  deployment(namespace: string, name: string): StoredDeployment | undefined;
  service(namespace: string, name: string): StoredService | undefined;
  /** Rollouts to this image never become available (a bad image / crash loop). */
  failImage(image: string): void;
  close(): Promise<void>;
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
function status(code: number, reason: string, message: string, details?: Record<string, string>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details && { details }), code };
}

/** Starts the stand-in on 127.0.0.1 with an ephemeral port. */
export async function startKubernetesApiServer(options: KubernetesApiServerOptions): Promise<KubernetesApiServer> {
  const rolloutDelayMs = options.rolloutDelayMs ?? 100;
  const deployments = new Map<string, StoredDeployment>();
  const services = new Map<string, StoredService>();
  const failingImages = new Set<string>();
  const requests: RecordedRequest[] = [];
  const timers = new Map<string, Array<ReturnType<typeof setTimeout>>>();
  let version = 1000;
  const nextVersion = () => String(++version);

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
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${d.metadata.name}-${d.metadata.generation}" has successfully progressed.` },
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
              { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${d.metadata.name}-${d.metadata.generation}" is progressing.` },
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
      requests.push({ method, path: url.pathname, contentType, body });

      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
      const readOnly = token !== undefined && (options.readOnlyTokens ?? []).includes(token);
      if (token === undefined || (!options.tokens.includes(token) && !readOnly)) return send(401, status(401, 'Unauthorized', 'Unauthorized'));

      const m =
        /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments)\/([^/]+)$/.exec(url.pathname) ?? /^\/api\/v1\/namespaces\/([^/]+)\/(services)\/([^/]+)$/.exec(url.pathname);
      if (!m) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      const [, namespace, resource, name] = m as unknown as [string, string, 'deployments' | 'services', string];
      const key = `${namespace}/${name}`;
      const group = resource === 'deployments' ? 'apps' : '';
      const qualified = resource === 'deployments' ? 'deployments.apps' : 'services';
      const store: Map<string, StoredDeployment | StoredService> = resource === 'deployments' ? deployments : services;
      if (method !== 'GET' && method !== 'PATCH') return send(405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
      if (method === 'PATCH' && readOnly) {
        return send(
          403,
          status(403, 'Forbidden', `${qualified} "${name}" is forbidden: User "system:serviceaccount:${namespace}:read-only" cannot patch resource "${resource}" in API group "${group}" in the namespace "${namespace}"`, {
            name,
            group,
            kind: resource,
          }),
        );
      }
      const object = store.get(key);
      if (!object) return send(404, status(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: resource }));
      if (method === 'GET') return send(200, object);

      if (contentType !== 'application/merge-patch+json' && contentType !== 'application/strategic-merge-patch+json') {
        return send(415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json (stand-in subset); got ${contentType ?? 'none'}`));
      }
      if (!isObject(body)) return send(400, status(400, 'BadRequest', 'the patch is not a JSON object'));
      const patched = mergePatch(object as unknown as Json, body as Json, contentType === 'application/strategic-merge-patch+json') as unknown as StoredDeployment | StoredService;
      // Status and identity are not patchable through the main resource.
      patched.metadata = { ...patched.metadata, name: object.metadata.name, namespace: object.metadata.namespace, uid: object.metadata.uid, resourceVersion: nextVersion() };
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
    })().catch((err: unknown) => send(500, status(500, 'InternalError', String(err))));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let uid = 0;

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
