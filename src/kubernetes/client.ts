/**
 * How drydock talks to a Kubernetes API server, for every part that does: the fleet's Kubernetes
 * driver and `drydock kube`. One way to find credentials, one way to bound a call, one reading of a
 * rollout, one wording of the API's failures.
 */
import path from 'node:path';
import {
  ApiException,
  KubeConfig,
  Observable,
  PatchStrategy,
  setHeaderMiddleware,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type V1Deployment,
} from '@kubernetes/client-node';

export { PatchStrategy };

/** One API call may take this long before we give up on it (a caller's own deadline may be shorter). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Where the credentials come from. */
export interface KubeAccess {
  /** An API server URL (with `token`); when set, no kubeconfig is read. */
  readonly server?: string;
  readonly token?: string;
  readonly skipTLSVerify?: boolean;
  /** A kubeconfig file (relative to `baseDir`). */
  readonly kubeconfig?: string;
  /** A kubeconfig context other than its current-context. */
  readonly context?: string;
  /** The namespace of the context built from `server`. */
  readonly namespace?: string;
  /** What a relative `kubeconfig` is resolved against. */
  readonly baseDir: string;
}

/**
 * Builds the client configuration: `server` (+ `token`) given explicitly; else the `kubeconfig`
 * file; else client-node's default lookup (`KUBECONFIG`, `~/.kube/config`, or the in-cluster
 * service account — what a pod running as `drydock-upgrader` uses). A kubeconfig that cannot be
 * read, or a context it lacks, is thrown as an Error naming what to fix.
 */
export function loadKubeConfig(access: KubeAccess): KubeConfig {
  const kc = new KubeConfig();
  if (access.server !== undefined) {
    kc.loadFromOptions({
      clusters: [{ name: 'drydock', server: access.server, skipTLSVerify: access.skipTLSVerify ?? false }],
      users: [access.token === undefined ? { name: 'drydock' } : { name: 'drydock', token: access.token }],
      contexts: [{ name: 'drydock', cluster: 'drydock', user: 'drydock', ...(access.namespace !== undefined && { namespace: access.namespace }) }],
      currentContext: 'drydock',
    });
    return kc;
  }
  const file = access.kubeconfig === undefined ? undefined : path.resolve(access.baseDir, access.kubeconfig);
  try {
    if (file !== undefined) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (err) {
    const where = file === undefined ? 'the default kubeconfig (KUBECONFIG, ~/.kube/config or in-cluster)' : `kubeconfig ${file}`;
    throw new Error(`cannot load ${where}: ${(err as Error).message}`, { cause: err });
  }
  if (access.context !== undefined) {
    if (!kc.getContextObject(access.context)) {
      throw new Error(
        `the kubeconfig has no context "${access.context}" (it has: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    }
    kc.setCurrentContext(access.context);
  }
  if (kc.getCurrentCluster() === null) throw new Error(`the kubeconfig${file ? ` ${file}` : ''} names no cluster: set KUBECONFIG or pass --kubeconfig`);
  return kc;
}

/** The API server a configuration talks to, for messages. */
export function serverOf(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)';
}

/** Per-call options: the caller's signal (plus a per-request limit) and, for a patch, its content type. */
export function requestOptions(signal: AbortSignal, contentType?: PatchStrategy): ConfigurationOptions {
  const requestSignal = AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
  const middleware: ObservableMiddleware[] = [
    {
      pre: (request) => {
        request.setSignal(requestSignal);
        return new Observable(Promise.resolve(request));
      },
      post: (response) => new Observable(Promise.resolve(response)),
    },
  ];
  if (contentType !== undefined) middleware.push(setHeaderMiddleware('Content-Type', contentType));
  return { middleware, middlewareMergeStrategy: 'append' };
}

/** The `message` of a Kubernetes Status body (client-node hands it over as text or parsed). */
export function statusMessage(body: unknown): string | undefined {
  let status = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return body.trim().slice(0, 500) || undefined;
    }
  }
  const message = (status as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * What a failed API call means to an operator: 401 and 403 name the credentials and the RBAC to
 * check (`rbac` says which verbs), an unreachable server names its address. Undefined for an error
 * that is not the API's (a caller's own).
 */
export function describeApiFailure(err: unknown, server: string, rbac: string): string | undefined {
  if (err instanceof ApiException) {
    const status = statusMessage(err.body);
    switch (err.code) {
      case 401:
        return `401 Unauthorized from the Kubernetes API server at ${server} — check the credentials (the token, or the user of the kubeconfig context)`;
      case 403:
        return `403 Forbidden${status ? ` (${status})` : ''} — ${rbac}: check its Role and RoleBinding`;
      default:
        return `HTTP ${err.code} from the Kubernetes API server${status ? `: ${status}` : ''}`;
    }
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && err.name === 'FetchError') {
    return `cannot reach the Kubernetes API server at ${server}${typeof code === 'string' ? ` (${code})` : ''} — check the server address (the kubeconfig) and that the cluster is up: ${err.message}`;
  }
  return undefined;
}

/** Whether an API call failed with this HTTP status (404, 409 …). */
export function isApiStatus(err: unknown, code: number): boolean {
  return err instanceof ApiException && err.code === code;
}

/** Where a Deployment stands, in the terms `kubectl rollout status` uses. */
export interface RolloutState {
  /** The controller saw the latest spec, every replica runs it, no old replica is left, all are available. */
  readonly complete: boolean;
  /** Complete and at least one replica available: it can take traffic on the version of its spec. */
  readonly ready: boolean;
  /** Set when Kubernetes itself gave up on the rollout (ProgressDeadlineExceeded). */
  readonly failed?: string;
  /** Why not complete (or "complete"), with the counters, for messages. */
  readonly summary: string;
}

/** Reads a Deployment's rollout state from its metadata and status, like `kubectl rollout status`. */
export function rolloutState(d: V1Deployment): RolloutState {
  const wanted = d.spec?.replicas ?? 1;
  const generation = d.metadata?.generation ?? 0;
  const observed = d.status?.observedGeneration ?? 0;
  const updated = d.status?.updatedReplicas ?? 0;
  const total = d.status?.replicas ?? 0;
  const available = d.status?.availableReplicas ?? 0;
  const counters = `${wanted} wanted, ${updated} updated, ${available} available, ${total} in total; generation ${generation}, observed ${observed}`;
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  const failed =
    observed >= generation && progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded'
      ? `ProgressDeadlineExceeded: ${progressing.message ?? 'the rollout made no progress'}`
      : undefined;
  let waiting: string | undefined;
  if (observed < generation) waiting = 'the controller has not seen the latest spec yet';
  else if (updated < wanted) waiting = `${updated} of ${wanted} replicas updated`;
  else if (total > updated) waiting = `${total - updated} old replicas pending termination`;
  else if (available < updated) waiting = `${available} of ${updated} updated replicas available`;
  const complete = waiting === undefined;
  const ready = complete && available >= 1;
  const summary = `${waiting ?? (ready ? 'complete' : 'complete but scaled to 0 replicas')} (${counters})`;
  return failed === undefined ? { complete, ready, summary } : { complete, ready, failed, summary };
}
