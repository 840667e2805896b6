import { describeApiFailure } from '../kubernetes/client.js';
import { ClusterError, RECORD_ANNOTATION, type DrydockCluster, type DrydockDeployment, type UpgradeRecord } from '../kubernetes/drydock-cluster.js';
import type { SettingView } from '../http/wire-types.js';
import { sha256 } from '../util/sha256.js';
import type { StepResult } from './drain.js';
import { kubeUpgradeSteps, StepFailed, type KubeRun, type KubeStepOptions } from './upgrade-kube-steps.js';

/**
 * `drydock kube upgrade`: the Kubernetes upgrade runbook as one command that never stops reads.
 *
 * What an operator does by hand for Exastro — record every Deployment's replicas, scale the proxy
 * to 0 so nobody reaches the system, scale the backyards to 0, check their pods are gone, upgrade,
 * wait, scale back — becomes: record the replicas *in the cluster* (an annotation on each
 * Deployment) → drain through the API (jobs stop, wait for zero, read-only) → workers to 0 and their
 * pods gone → backup → the migration Job with the new image, expand steps only (the old API pods
 * serve on them) → roll the API Deployment (maxUnavailable 0: a new pod is ready before an old one
 * goes) → the contract steps, once no old pod is left → workers back at the recorded count on the
 * new image → resume → the record removed. Maintenance mode takes the place of scaling the proxy
 * to 0: reads are served throughout, writes are refused with 498 and Retry-After only while
 * read-only is on.
 *
 * Every step first looks at the cluster and does only what is not done yet, so `--resume` (after a
 * failure, Ctrl-C, a closed terminal, a SIGKILL) is the same run again with the recorded counts.
 * `--rollback` puts back the recorded images and counts. A failure stops the run, names the state
 * the system is in and how to go on.
 *
 * This file checks the cluster, decides what the run is and runs the steps in order; the steps
 * themselves are in upgrade-kube-steps.ts.
 */
export type KubeAction =
  { readonly kind: 'upgrade'; readonly image: string } | { readonly kind: 'resume'; readonly image?: string } | { readonly kind: 'rollback' };

/** What `drydock kube upgrade` was asked to do, and with what (the steps' options are in upgrade-kube-steps.ts). */
export interface KubeUpgradeOptions extends KubeStepOptions {
  readonly action: KubeAction;
  /** Print the plan and the kubectl commands it replaces; change nothing. */
  readonly dryRun: boolean;
  readonly onStep: (step: StepResult) => void;
}

/** One step as the dry run shows it: what it does and the kubectl commands it replaces. */
export interface PlannedStep {
  readonly step: string;
  readonly does: string;
  readonly commands: readonly string[];
}

export interface KubeUpgradeReport {
  readonly ok: boolean;
  readonly action: 'upgrade' | 'rollback';
  /** Refused before anything was changed. */
  readonly refused: boolean;
  readonly steps: StepResult[];
  /** The image the Deployments run when the report was made (the target, or the recorded one after a rollback). */
  readonly image?: string;
  readonly backupFile?: string;
  /** With --dry-run. */
  readonly plan?: PlannedStep[];
  /** On failure: the state the system is in, and what to run next. */
  readonly state?: string;
  readonly next?: string;
}

/** Runs the upgrade, its resumption or its rollback (or, with `dryRun`, shows its plan); reports every step, and on failure the state the system is left in and what to run next. */
export async function upgradeKube(o: KubeUpgradeOptions): Promise<KubeUpgradeReport> {
  const { cluster } = o;
  const ns = cluster.namespace;
  const kubectl = `kubectl -n ${ns}`;
  const verb = o.action.kind === 'rollback' ? 'rollback' : 'upgrade';
  const steps: StepResult[] = [];
  const record = (s: StepResult) => {
    steps.push(s);
    o.onStep(s);
  };
  const refuse = (detail: string): KubeUpgradeReport => {
    record({ step: 'check the cluster', status: 'Error', detail: `${detail} — nothing was changed` });
    return { ok: false, action: verb, refused: true, steps };
  };

  // 1. What runs, and whether an upgrade is recorded.
  let found: DrydockDeployment[];
  try {
    found = await cluster.deployments();
  } catch (err) {
    return refuse(explain(err, cluster));
  }
  const apis = found.filter((d) => d.component === 'api');
  const workers = found.filter((d) => d.component === 'worker');
  if (apis.length === 0) {
    return refuse(
      `no Deployment labelled ${cluster.selector},app.kubernetes.io/component=api in namespace ${ns}` +
        (found.length === 0
          ? ' (check --namespace and --selector; a single-replica SQLite install runs as a StatefulSet, which this command does not upgrade: see the README)'
          : ''),
    );
  }
  const invalid = found.find((d) => d.record === 'invalid');
  if (invalid) {
    return refuse(
      `the annotation ${RECORD_ANNOTATION} on deployment ${ns}/${invalid.name} is not an upgrade record drydock wrote (${JSON.stringify(invalid.object.metadata?.annotations?.[RECORD_ANNOTATION])}); ` +
        `restore it, or remove it once you have checked the replicas: ${kubectl} annotate deployment/${invalid.name} ${RECORD_ANNOTATION}-`,
    );
  }
  const records = found.flatMap((d) => (d.record !== undefined && d.record !== 'invalid' ? [d.record] : []));
  const recorded = records[0];
  if (recorded && records.some((r) => r.target !== recorded.target || r.startedAt !== recorded.startedAt)) {
    return refuse(
      `the Deployments carry records of different upgrades (${[...new Set(records.map((r) => `${r.target} started ${r.startedAt}`))].join('; ')}): check them with drydock kube status`,
    );
  }
  let target: string;
  let startedAt: string;
  switch (o.action.kind) {
    case 'upgrade':
      if (recorded) {
        return refuse(
          `an upgrade to ${recorded.target}, started ${recorded.startedAt}, is recorded on the Deployments and did not finish: ` +
            `finish it with --resume, or undo it with --rollback`,
        );
      }
      target = o.action.image;
      startedAt = new Date().toISOString();
      if (found.every((d) => d.image === target)) {
        record({ step: 'check the cluster', status: 'AlreadyDone', detail: `every drydock Deployment already runs ${target}` });
        return { ok: true, action: verb, refused: false, steps, image: target };
      }
      break;
    case 'resume':
      if (!recorded) return refuse(`no upgrade is recorded on the drydock Deployments in ${ns}: nothing to resume (start one with --image)`);
      if (o.action.image !== undefined && o.action.image !== recorded.target) {
        return refuse(`the recorded upgrade is to ${recorded.target}, not ${o.action.image}: resume it without --image, or --rollback it first`);
      }
      target = recorded.target;
      startedAt = recorded.startedAt;
      break;
    case 'rollback':
      if (!recorded) return refuse(`no upgrade is recorded on the drydock Deployments in ${ns}: nothing to roll back`);
      target = recorded.target;
      startedAt = recorded.startedAt;
      break;
  }
  // A Deployment without a record when others have one was not reached before the run stopped:
  // nothing has changed it, so what it runs now is what it ran.
  const recordOf = (d: DrydockDeployment): UpgradeRecord =>
    d.record !== undefined && d.record !== 'invalid' ? d.record : { replicas: d.replicas, image: d.image, target, startedAt };
  const run: KubeRun = {
    options: o,
    verb,
    found,
    apis,
    workers,
    target,
    runId: sha256(`${target}\n${startedAt}`).slice(0, 8),
    recordOf,
    backupFile: apis[0]!.backup,
  };
  const plan = kubeUpgradeSteps(run);

  // The drain and the resume go through the API as a system administrator: a run that could not
  // resume what it drained must not start.
  if (!o.dryRun) {
    try {
      await o.client.call<SettingView>('GET', '/api/platform/maintenance-mode-setting', undefined, o.signal);
    } catch (err) {
      return refuse(
        `the drydock API cannot be used for the drain and the resume: ${(err as Error).message} (give --url and a system administrator's --user/--password or --token)`,
      );
    }
  }

  if (o.dryRun) {
    record({
      step: 'check the cluster',
      status: 'Success',
      detail: `${found.map((d) => `${d.name} (${d.component}) ${d.replicas} × ${d.image}`).join(', ')}${recorded ? `; recorded upgrade to ${recorded.target} started ${recorded.startedAt}` : ''}`,
    });
    return {
      ok: true,
      action: verb,
      refused: false,
      steps,
      image: o.action.kind === 'rollback' ? recordOf(apis[0]!).image : target,
      plan: plan.map(({ step, does, commands }) => ({ step, does, commands })),
    };
  }
  record({
    step: 'check the cluster',
    status: 'Success',
    detail: `${verb === 'rollback' ? 'rolling back' : o.action.kind === 'resume' ? 'resuming the upgrade' : 'upgrading'} ${found.map((d) => d.name).join(', ')} ${verb === 'rollback' ? `from ${target} to the recorded images` : `to ${target}`}`,
  });

  const again = `drydock kube upgrade --namespace ${ns}`;
  for (const s of plan) {
    const started = Date.now();
    try {
      const r = await s.run();
      record({ step: s.step, ms: Date.now() - started, ...r });
    } catch (err) {
      const status: StepResult['status'] = o.signal.aborted ? 'Interrupted' : err instanceof StepFailed ? err.status : 'Error';
      const detail = o.signal.aborted ? 'interrupted' : err instanceof StepFailed || err instanceof ClusterError ? err.message : explain(err, cluster);
      record({ step: s.step, status, ms: Date.now() - started, detail });
      const next =
        s.nextIfFailed ??
        (verb === 'rollback'
          ? `fix the cause, then run the rollback again: ${again} --rollback`
          : s.afterUpgrade
            ? `${again} --resume (it finds every step done up to this one)`
            : `${status === 'Interrupted' ? '' : 'fix the cause, then '}continue: ${again} --resume — or undo: ${again} --rollback`);
      return {
        ok: false,
        action: verb,
        refused: false,
        steps,
        image: target,
        ...(run.backupFile && { backupFile: run.backupFile }),
        state: s.stateIfFailed,
        next,
      };
    }
  }
  return {
    ok: true,
    action: verb,
    refused: false,
    steps,
    image: verb === 'rollback' ? recordOf(apis[0]!).image : target,
    ...(run.backupFile && { backupFile: run.backupFile }),
  };
}

/** An API or network failure, worded for the operator. */
function explain(err: unknown, cluster: DrydockCluster): string {
  const rbac = `the account needs the verbs of the Role drydock-upgrade (deploy/kubernetes/base/upgrade-role.yaml) in namespace ${cluster.namespace}`;
  return describeApiFailure(err, cluster.server, rbac) ?? (err instanceof Error ? err.message : String(err));
}
