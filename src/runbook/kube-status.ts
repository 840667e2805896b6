import type { ApiClient } from '../api-client/api-client.js';
import type { DrydockCluster } from '../kubernetes/drydock-cluster.js';
import type { ExecuteCheck, SettingView } from '../http/wire-types.js';

/** `drydock kube status`: what runs in the namespace, what an upgrade recorded, and the switches. */
export interface KubeStatus {
  readonly namespace: string;
  readonly deployments: ReadonlyArray<{
    readonly name: string;
    readonly component: 'api' | 'worker';
    readonly image: string;
    readonly replicas: number;
    readonly ready: number;
    readonly rollout: string;
    readonly recorded: { readonly replicas: number; readonly image: string } | null;
  }>;
  readonly upgrade: { readonly target: string; readonly startedAt: string; readonly backup: string | null } | null;
  readonly maintenance:
    | { readonly known: true; readonly jobsStopped: boolean; readonly readOnly: boolean; readonly inFlight: number }
    | { readonly known: false; readonly reason: string };
}

export async function kubeStatus(cluster: DrydockCluster, client: ApiClient): Promise<KubeStatus> {
  const found = await cluster.deployments();
  const recorded = found.flatMap((d) => (d.record && d.record !== 'invalid' ? [d.record] : []));
  let maintenance: KubeStatus['maintenance'];
  try {
    const [setting, check] = await Promise.all([
      client.call<SettingView>('GET', '/api/platform/maintenance-mode-setting'),
      client.call<ExecuteCheck>('GET', '/api/ita/backyard-execute-check/'),
    ]);
    maintenance = {
      known: true,
      jobsStopped: setting.backyard_execute_stop === '1',
      readOnly: setting.data_update_stop === '1',
      inFlight: check.execute_count,
    };
  } catch (err) {
    maintenance = { known: false, reason: (err as Error).message };
  }
  return {
    namespace: cluster.namespace,
    deployments: found.map((d) => ({
      name: d.name,
      component: d.component,
      image: d.image,
      replicas: d.replicas,
      ready: d.object.status?.readyReplicas ?? 0,
      rollout: d.rollout.complete ? 'complete' : d.rollout.summary.replace(/ \(.*\)$/, ''),
      recorded: d.record && d.record !== 'invalid' ? { replicas: d.record.replicas, image: d.record.image } : null,
    })),
    upgrade: recorded[0] ? { target: recorded[0].target, startedAt: recorded[0].startedAt, backup: found.find((d) => d.backup)?.backup ?? null } : null,
    maintenance,
  };
}
