import { setTimeout as delay } from 'node:timers/promises';
import { ApiException, AppsV1Api, CoreV1Api, type V1Container, type V1Deployment } from '@kubernetes/client-node';
import { z } from 'zod';
import {
  describeApiFailure,
  loadKubeConfig,
  PatchStrategy,
  REQUEST_TIMEOUT_MS,
  requestOptions,
  rolloutState,
  serverOf,
  statusMessage,
  type RolloutState,
} from '../../kubernetes/client.js';
import { fillTemplate, templateVariables, type ActionContext, type ActionOutcome, type NodeDriver, type NodeTarget, type PairTarget } from './node-driver.js';

/** A DNS-1123 label: what Deployment, Service and namespace names (and our label values) must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A label key: an optional DNS-subdomain prefix and a name (`drydock.io/node`, `app`). */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * `kubernetes`: a pair is two Deployments (one per node) and a Service whose selector picks the
 * active one. Each Deployment's pod template carries the label `selectorLabel: <deployment name>`;
 * switching sets the Service's selector to that label value. Names come from templates, then are
 * made Kubernetes names (see `kubernetesName`): `PROD_P_001` → Deployment `prod-p-001`, pair
 * `PROD_001` → Service `prod-001`.
 *
 * Credentials, in this order: `server` (+ `token`) given explicitly; else the `kubeconfig` file
 * (relative to the fleet file's directory); else the default lookup of client-node
 * (`KUBECONFIG`, `~/.kube/config`, or the in-cluster service account).
 */
export const kubernetesDriverConfigSchema = z
  .object({
    type: z.literal('kubernetes'),
    namespace: z
      .string({ error: 'driver.namespace is required: the namespace holding the Deployments and Services' })
      .regex(DNS_LABEL, 'driver.namespace must be a Kubernetes namespace name (lower-case letters, digits, dashes)'),
    kubeconfig: z.string({ error: 'driver.kubeconfig must be the path of a kubeconfig file' }).min(1).optional(),
    /** A context of the kubeconfig other than its current-context. */
    context: z.string({ error: 'driver.context must be the name of a kubeconfig context' }).min(1).optional(),
    server: z.url({ error: 'driver.server must be the API server URL, e.g. https://10.0.0.1:6443' }).optional(),
    token: z.string({ error: 'driver.token must be a bearer token' }).min(1).optional(),
    skipTLSVerify: z.boolean({ error: 'driver.skipTLSVerify must be true or false' }).optional(),
    deployment: z.string({ error: 'driver.deployment must be a name template, e.g. "{node}"' }).min(1).default('{node}'),
    service: z.string({ error: 'driver.service must be a name template, e.g. "{pair}"' }).min(1).default('{pair}'),
    container: z.string({ error: 'driver.container must be a container name' }).min(1).optional(),
    image: z
      .string({ error: 'driver.image is required: the image template, e.g. "registry.example/app:{version}"' })
      .refine((s) => s.includes('{version}'), 'driver.image must contain {version}, e.g. "registry.example/app:{version}"'),
    selectorLabel: z
      .string({ error: 'driver.selectorLabel must be a label key' })
      .regex(LABEL_KEY, 'driver.selectorLabel must be a Kubernetes label key, e.g. drydock.io/node')
      .default('drydock.io/node'),
    rolloutTimeoutSeconds: z
      .number({ error: 'driver.rolloutTimeoutSeconds must be a number of seconds' })
      .positive('driver.rolloutTimeoutSeconds must be more than 0')
      .default(600),
    pollMilliseconds: z
      .number({ error: 'driver.pollMilliseconds must be a number of milliseconds' })
      .int()
      .positive('driver.pollMilliseconds must be more than 0')
      .default(2000),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (message: string, field: string) => ctx.addIssue({ code: 'custom', message, path: [field] });
    if (c.server !== undefined && c.kubeconfig !== undefined) issue('set either driver.server (with driver.token) or driver.kubeconfig, not both', 'server');
    if (c.server !== undefined && c.context !== undefined) issue('driver.context selects a kubeconfig context: it does not go with driver.server', 'context');
    if (c.token !== undefined && c.server === undefined) issue('driver.token needs driver.server (a kubeconfig carries its own credentials)', 'token');
    if (c.skipTLSVerify !== undefined && c.server === undefined)
      issue('driver.skipTLSVerify goes with driver.server (a kubeconfig sets insecure-skip-tls-verify itself)', 'skipTLSVerify');
    // client-node refuses plain HTTP unless TLS verification is explicitly off: say so at load time.
    if (c.server?.startsWith('http:') && c.skipTLSVerify !== true) {
      issue('driver.server uses plain http://: set skipTLSVerify: true to allow an unencrypted connection (tests, a local kubectl proxy)', 'skipTLSVerify');
    }
  });

export type KubernetesDriverConfig = z.infer<typeof kubernetesDriverConfigSchema>;

/** What the Kubernetes driver needs from its host: the directory a relative `kubeconfig` path is resolved against. */
export interface KubernetesDriverDeps {
  readonly baseDir: string;
}

/**
 * Turns a filled name template into a Kubernetes name: lower-cased, every run of characters other
 * than `a-z 0-9 -` replaced by one `-`, dashes trimmed at both ends. Node names use `_`, which no
 * Kubernetes name may contain, hence the default templates `{node}`/`{pair}` work unchanged.
 */
export function kubernetesName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The version an image was built from, read back through the image template: with
 * `registry.example/app:{version}`, `registry.example/app:2.1.0` gives `2.1.0`. Other placeholders
 * must match their values exactly. Undefined when the image does not fit the template.
 */
export function versionFromImage(image: string, imageTemplate: string, variables: Readonly<Record<string, string>>): string | undefined {
  // A marker no variable value contains stands for {version}; the rest is matched literally.
  const marker = '\u0000version\u0000';
  const filled = fillTemplate(imageTemplate, { ...variables, version: marker });
  const parts = filled.split(marker).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = parts.map((p, i) => (i === 0 ? p : `${i === 1 ? '(?<version>.+)' : '\\k<version>'}${p}`)).join('');
  return new RegExp(`^${pattern}$`).exec(image)?.groups?.['version'];
}

/** An expected failure inside an action, already worded for the operator. */
class ActionFailure extends Error {}

/** One action's signal and deadline: aborted by the orchestrator or when the action's time is up. */
interface ActionScope {
  readonly ctx: ActionContext;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/**
 * A driver that runs each node as a Deployment and switches a pair's Service between them.
 *
 * - `upgrade`: sets the node's container image to the image template filled with the version (a
 *   strategic-merge patch that names only that container), then waits for the rollout like
 *   `kubectl rollout status`. When the image is already set it only waits, so re-running an
 *   interrupted upgrade is safe. Limit: the smaller of `rolloutTimeoutSeconds` and `ctx.timeoutMs`.
 * - `switchActive`: checks that the target Deployment is ready and that its pod template carries
 *   `selectorLabel: <name>`, then merge-patches only that key of the Service's selector (other
 *   selector keys stay). Connections already open to the old pods are not cut by the selector
 *   change; new connections go to the target.
 * - `health`: ready (rollout complete, ≥ 1 replica available); the version is read back from the
 *   container's image through the image template.
 *
 * API failures (401/403/404, unreachable server, timeouts) come back as `ok: false` with what to check.
 */
export function createKubernetesDriver(config: KubernetesDriverConfig, deps: KubernetesDriverDeps): NodeDriver {
  let kc;
  try {
    kc = loadKubeConfig({ ...config, baseDir: deps.baseDir });
  } catch (err) {
    throw new Error(`kubernetes driver: ${(err as Error).message}`, { cause: err });
  }
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const server = serverOf(kc);
  const ns = config.namespace;

  const name = (kind: 'deployment' | 'service', template: string, variables: Record<string, string>): string => {
    const raw = fillTemplate(template, variables);
    const n = kubernetesName(raw);
    const valid = DNS_LABEL.test(n) && n.length <= 63 && (kind === 'deployment' || /^[a-z]/.test(n));
    if (!valid) {
      throw new ActionFailure(
        `driver.${kind} "${template}" gives "${raw}", which is not a valid ${kind} name even as "${n}" (at most 63 lower-case letters, digits, dashes${kind === 'service' ? ', starting with a letter' : ''})`,
      );
    }
    return n;
  };
  const deploymentName = (node: NodeTarget, pair: PairTarget | undefined) => name('deployment', config.deployment, templateVariables(node, pair));

  /** Turns what an action threw into an operator's message. */
  const explain = (err: unknown, scope: ActionScope, doing: string): string => {
    if (err instanceof ActionFailure) return `${doing}: ${err.message}`;
    if (err instanceof Error && err.name === 'AbortError') {
      if (scope.ctx.signal.aborted) return `${doing}: aborted`;
      if (scope.signal.aborted) return `${doing}: timed out after ${scope.timeoutMs / 1000} s`;
      return `${doing}: the Kubernetes API server at ${server} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s — check that the cluster is up`;
    }
    const api = describeApiFailure(err, server, `the account needs get and patch on deployments (group apps) and services in namespace ${ns}`);
    return `${doing}: ${api ?? (err instanceof Error ? err.message : String(err))}`;
  };

  /** Runs an action body; every expected failure becomes `ok: false`. */
  const act = async (doing: string, timeoutMs: number, ctx: ActionContext, body: (scope: ActionScope) => Promise<ActionOutcome>): Promise<ActionOutcome> => {
    const scope: ActionScope = { ctx, timeoutMs, signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) };
    // The client passes the signal to its HTTP request, but a request aborted at an unlucky moment
    // has been seen never to settle (1 run in ~10 of the driver test). The body normally ends itself
    // on abort with a precise message; this is the backstop that keeps a stuck request from
    // holding a pair phase forever.
    let grace: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      grace = setTimeout(() => giveUp(Object.assign(new Error('the Kubernetes client did not stop'), { name: 'AbortError' })), ABORT_GRACE_MS);
    };
    let giveUp: (err: Error) => void = () => {};
    const stuck = new Promise<never>((_, reject) => {
      giveUp = reject;
    });
    scope.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([body(scope), stuck]);
    } catch (err) {
      // Programming errors stay errors; everything else is a failed step with a reason.
      if (err instanceof TypeError || err instanceof ReferenceError) throw err;
      return { ok: false, output: explain(err, scope, doing) };
    } finally {
      scope.signal.removeEventListener('abort', onAbort);
      clearTimeout(grace);
    }
  };

  const readDeployment = async (scope: ActionScope, deployment: string): Promise<V1Deployment> =>
    withNotFound(
      `deployment ${ns}/${deployment} not found — check driver.namespace and driver.deployment ("${config.deployment}")`,
      apps.readNamespacedDeployment({ name: deployment, namespace: ns }, requestOptions(scope.signal)),
    );

  const containerOf = (d: V1Deployment, deployment: string): V1Container => {
    const containers = d.spec?.template.spec?.containers ?? [];
    const c = config.container === undefined ? containers[0] : containers.find((x) => x.name === config.container);
    if (!c) {
      throw new ActionFailure(
        config.container === undefined
          ? `deployment ${ns}/${deployment} has no container`
          : `deployment ${ns}/${deployment} has no container "${config.container}" (it has: ${containers.map((x) => x.name).join(', ') || 'none'}) — check driver.container`,
      );
    }
    return c;
  };

  /** Polls until the rollout is complete, Kubernetes reports it failed, or the scope ends. */
  const waitForRollout = async (scope: ActionScope, deployment: string, first: V1Deployment): Promise<RolloutState> => {
    let state = rolloutState(first);
    while (!state.complete) {
      if (state.failed) throw new ActionFailure(`rollout of deployment ${ns}/${deployment} failed: ${state.failed} (${state.summary})`);
      try {
        await delay(config.pollMilliseconds, undefined, { signal: scope.signal });
        state = rolloutState(await readDeployment(scope, deployment));
      } catch (err) {
        // The deadline or an abort may land in the sleep or in the middle of the GET: same meaning.
        if (!scope.signal.aborted) throw err;
        if (scope.ctx.signal.aborted) throw new ActionFailure(`aborted while waiting for the rollout of deployment ${ns}/${deployment}: ${state.summary}`);
        throw new ActionFailure(
          `rollout of deployment ${ns}/${deployment} did not complete within ${scope.timeoutMs / 1000} s: ${state.summary} — check its pods (kubectl -n ${ns} rollout status deployment/${deployment}; a wrong image or a failing readiness probe)`,
        );
      }
    }
    return state;
  };

  return {
    type: 'kubernetes',

    upgrade(node, version, ctx) {
      return act(`upgrade ${node.name}`, Math.min(config.rolloutTimeoutSeconds * 1000, ctx.timeoutMs), ctx, async (scope) => {
        const deployment = deploymentName(node, undefined);
        const image = fillTemplate(config.image, templateVariables(node, undefined, { version }));
        let d = await readDeployment(scope, deployment);
        const container = containerOf(d, deployment);
        const patched = container.image !== image;
        if (patched) {
          // Strategic merge: the containers list merges by name, so only this container's image changes.
          const patch = { spec: { template: { spec: { containers: [{ name: container.name, image }] } } } };
          d = await withNotFound(
            `deployment ${ns}/${deployment} disappeared during the upgrade`,
            apps.patchNamespacedDeployment({ name: deployment, namespace: ns, body: patch }, requestOptions(scope.signal, PatchStrategy.StrategicMergePatch)),
          );
          ctx.logger.info({ deployment: `${ns}/${deployment}`, container: container.name, image }, 'fleet kubernetes driver: image set');
        }
        const state = await waitForRollout(scope, deployment, d);
        const what = patched
          ? `set ${ns}/${deployment} container ${container.name} to ${image}`
          : `${ns}/${deployment} container ${container.name} already runs ${image}`;
        return { ok: true, output: `${what}; rollout ${state.summary}` };
      });
    },

    switchActive(pair, to, ctx) {
      return act(`switch ${pair.id} to ${to.name}`, ctx.timeoutMs, ctx, async (scope) => {
        const deployment = deploymentName(to, pair);
        const service = name('service', config.service, templateVariables(undefined, pair));
        const d = await readDeployment(scope, deployment);
        const state = rolloutState(d);
        if (!state.ready) {
          return { ok: false, output: `not switching ${ns}/${service} to deployment ${ns}/${deployment}: it is not available: ${state.summary}` };
        }
        const label = d.spec?.template.metadata?.labels?.[config.selectorLabel];
        if (label !== deployment) {
          return {
            ok: false,
            output: `not switching ${ns}/${service}: the pod template of deployment ${ns}/${deployment} has ${label === undefined ? `no label ${config.selectorLabel}` : `${config.selectorLabel}=${label}`}; it needs ${config.selectorLabel}=${deployment} for the Service to select it`,
          };
        }
        const notFound = `service ${ns}/${service} not found — check driver.namespace and driver.service ("${config.service}")`;
        const svc = await withNotFound(notFound, core.readNamespacedService({ name: service, namespace: ns }, requestOptions(scope.signal)));
        const before = svc.spec?.selector?.[config.selectorLabel];
        if (before === deployment) return { ok: true, output: `${ns}/${service} already selects ${config.selectorLabel}=${deployment}` };
        // JSON merge patch of one map key: the Service's other selector labels stay as they are.
        const patch = { spec: { selector: { [config.selectorLabel]: deployment } } };
        await withNotFound(
          notFound,
          core.patchNamespacedService({ name: service, namespace: ns, body: patch }, requestOptions(scope.signal, PatchStrategy.MergePatch)),
        );
        ctx.logger.info({ service: `${ns}/${service}`, from: before, to: deployment }, 'fleet kubernetes driver: service switched');
        return { ok: true, output: `${ns}/${service} selector ${config.selectorLabel}: ${before ?? '(none)'} → ${deployment}` };
      });
    },

    health(node, ctx) {
      return act(`health of ${node.name}`, ctx.timeoutMs, ctx, async (scope) => {
        const deployment = deploymentName(node, undefined);
        const d = await readDeployment(scope, deployment);
        const image = containerOf(d, deployment).image ?? '';
        const state = rolloutState(d);
        const version = versionFromImage(image, config.image, templateVariables(node, undefined));
        const output =
          `deployment ${ns}/${deployment} ${state.ready ? 'available' : 'not available'}: ${state.summary}; image ${image || '(none)'}` +
          (version === undefined ? ` does not match driver.image "${config.image}", so its version is unknown` : '');
        return version === undefined ? { ok: state.ready, output } : { ok: state.ready, output, version };
      });
    },

    // Every request builds its own agent (client-node does so per call): nothing stays open.
    close: async () => {},
  };
}

/** Awaits an API call, turning its 404 into `notFound` (which names the object and the setting to check). */
async function withNotFound<T>(notFound: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) {
      const status = statusMessage(err.body);
      throw new ActionFailure(`${notFound}${status ? ` (API server: ${status})` : ''}`, { cause: err });
    }
    throw err;
  }
}

/** How long an action may outlive its deadline or abort before it is given up (see act). */
const ABORT_GRACE_MS = 2_000;
