import path from 'node:path';
import type { V1Job } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ApiClient } from '../api-client/api-client.js';
import type { DatabaseLocation } from '../config/options.js';
import {
  BACKUP_ANNOTATION,
  jobOutcome,
  podImage,
  podTrouble,
  RECORD_ANNOTATION,
  type DrydockCluster,
  type DrydockDeployment,
  type UpgradeRecord,
} from '../kubernetes/drydock-cluster.js';
import { backup } from './backup.js';
import { drain, resume, type StepResult } from './drain.js';
import { switchAccessOverApi } from './switch-access.js';

/**
 * The steps of `drydock kube upgrade` (upgrade-kube.ts decides which run and runs them in order).
 * Every step first looks at the cluster and does only what is not done yet, so a resumed run is
 * the same run again.
 */

/** What the steps work with, besides the run itself. */
export interface KubeStepOptions {
  readonly cluster: DrydockCluster;
  /** The drydock API (drain, resume). */
  readonly client: ApiClient;
  /** Where the pre-upgrade backup goes; undefined with --no-backup. No location: the store was not named (a dry run says what is missing). */
  readonly backup: { readonly location: DatabaseLocation | undefined; readonly dir: string } | undefined;
  readonly drainTimeoutMs: number;
  readonly migrateTimeoutMs: number;
  readonly rolloutTimeoutMs: number;
  readonly pollMs: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** What a long step waits for now (for a live status line). */
  readonly onProgress: (text: string) => void;
}

/** One run of the runbook, as upgrade-kube.ts found it in the cluster. */
export interface KubeRun {
  readonly options: KubeStepOptions;
  readonly verb: 'upgrade' | 'rollback';
  /** Every drydock Deployment, and the API and worker ones among them (at least one API Deployment). */
  readonly found: readonly DrydockDeployment[];
  readonly apis: readonly DrydockDeployment[];
  readonly workers: readonly DrydockDeployment[];
  /** The image upgraded to (or, for a rollback, the one being undone). */
  readonly target: string;
  /** Names this run's migration Jobs (a hash of the target and the start time of the upgrade). */
  readonly runId: string;
  /** What a Deployment ran before the upgrade (its record, or what it runs now if it has none yet). */
  readonly recordOf: (d: DrydockDeployment) => UpgradeRecord;
  /** The pre-upgrade backup: recorded on the API Deployment by an earlier run, or set by the backup step. */
  backupFile: string | undefined;
}

/** A step: what it does, the kubectl it replaces, how to run it, and the state a failure leaves. */
export interface Step {
  readonly step: string;
  readonly does: string;
  readonly commands: readonly string[];
  readonly stateIfFailed: string;
  /** What to run after a failure, where it is not "--resume or --rollback". */
  readonly nextIfFailed?: string;
  /** The upgrade itself is done when this step runs: after its failure, `--resume` finds every step done up to it. */
  readonly afterUpgrade?: boolean;
  run(): Promise<Omit<StepResult, 'step' | 'ms'>>;
}

/** A step ended in a way the run must stop on; `status` is what to report. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly status: StepResult['status'] = 'Error',
  ) {
    super(message);
  }
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The steps of the run in order: the upgrade (or a resumed one), or the rollback. */
export function kubeUpgradeSteps(run: KubeRun): Step[] {
  const { options: o, found, apis, workers, target, recordOf } = run;
  const { cluster } = o;
  const ns = cluster.namespace;
  const kubectl = `kubectl -n ${ns}`;
  const jobName = (phase: 'expand' | 'contract') => `drydock-upgrade-${run.runId}-${phase}`;
  const fresh = async (d: DrydockDeployment) => cluster.deployment(d.name, d.component);

  const recordStep: Step = {
    step: 'record the replica counts',
    does: `write what each Deployment runs and its replicas on it (annotation ${RECORD_ANNOTATION}), before anything changes`,
    commands: [
      `${kubectl} get deploy -l ${cluster.selector} -o jsonpath='{range .items[*]}{.metadata.name} {.spec.replicas}{"\\n"}{end}'`,
      ...found.map((d) => `${kubectl} annotate deployment/${d.name} ${RECORD_ANNOTATION}=${quote(JSON.stringify(recordOf(d)))}`),
    ],
    stateIfFailed: 'Nothing was changed but, perhaps, some of the records.',
    nextIfFailed: `fix the cause, then run the same command again — or, if drydock kube status shows records, ${`drydock kube upgrade --namespace ${ns}`} --resume`,
    async run() {
      const missing = found.filter((d) => d.record === undefined);
      for (const d of missing) await cluster.annotate(d.name, { [RECORD_ANNOTATION]: JSON.stringify(recordOf(d)) });
      const summary = found.map((d) => `${d.name} ${recordOf(d).replicas} × ${recordOf(d).image}`).join(', ');
      return missing.length === 0 ? { status: 'AlreadyDone', detail: `recorded before: ${summary}` } : { status: 'Success', detail: summary };
    },
  };

  const drainStep: Step = {
    step: 'drain',
    does: 'stop server-side jobs, wait until none is in flight, then read-only mode (instead of scaling the proxy to 0: reads go on)',
    commands: ['drydock drain --read-only'],
    stateIfFailed: 'Server-side jobs are stopped (jobs in flight run on); read-only mode is as it was. No Deployment was changed.',
    async run() {
      const r = await drain(o.client, {
        timeoutMs: o.drainTimeoutMs,
        readOnly: true,
        signal: o.signal,
        onProgress: (count) => o.onProgress(count < 0 ? 'drain: reconnecting to the execute-check stream' : `drain: ${count} job(s) in flight`),
      });
      if (!r.ok) {
        const jobs = r.blocking.slice(0, 5).map((j) => `${j.organization}/${j.workspace} ${j.backyard} ${j.id}`);
        const status = o.signal.aborted ? 'Interrupted' : 'TimedOut';
        throw new StepFailed(
          `${r.blocking.length} job(s) still in flight after ${Math.round(r.waitedMs / 1000)} s${jobs.length ? `: ${jobs.join('; ')}` : ''}`,
          status,
        );
      }
      return { status: 'Success', detail: `read-only, nothing in flight (waited ${r.waitedMs} ms)` };
    },
  };

  const stopWorkers: Step = {
    step: 'stop the workers',
    does: 'scale the worker Deployments to 0 and wait until their pods are gone (each finishes what it runs within its grace period)',
    commands: workers.flatMap((d) => [
      `${kubectl} scale deployment/${d.name} --replicas=0`,
      `${kubectl} wait --for=delete pod -l ${d.podSelector} --timeout=${d.terminationGraceSeconds + 60}s`,
    ]),
    stateIfFailed: 'Read-only mode is on; the API serves reads; workers are being scaled to 0.',
    async run() {
      if (workers.length === 0) return { status: 'AlreadyDone', detail: 'no worker Deployment' };
      if (run.verb === 'rollback' && workers.every((w) => w.image === recordOf(w).image)) {
        return { status: 'AlreadyDone', detail: 'the workers run the recorded image: they are left as they are' };
      }
      let changed = false;
      for (const w of workers) {
        const now = await fresh(w);
        if (now.replicas !== 0) {
          await cluster.setDeployment(now, { replicas: 0 });
          changed = true;
        }
      }
      const timeoutMs = (Math.max(...workers.map((w) => w.terminationGraceSeconds)) + 60) * 1000;
      const gone = await cluster.poll(o.pollMs, timeoutMs, async () => {
        const left = (await Promise.all(workers.map((w) => cluster.pods(w.podSelector)))).flat();
        o.onProgress(`workers: ${left.length} pod(s) left`);
        return left.length === 0 ? true : undefined;
      });
      if (!gone) {
        const left = (await Promise.all(workers.map((w) => cluster.pods(w.podSelector)))).flat().map((p) => p.metadata?.name);
        throw new StepFailed(`worker pods still there after ${timeoutMs / 1000} s: ${left.join(', ')}`, 'TimedOut');
      }
      return { status: changed ? 'Success' : 'AlreadyDone', detail: `${workers.map((w) => w.name).join(', ')} at 0 replicas, no pod left` };
    },
  };

  const backupStep: Step = {
    step: 'backup',
    does: !o.backup
      ? 'skipped (--no-backup)'
      : o.backup.location
        ? `drydock backup of the store into ${o.backup.dir}`
        : 'drydock backup of the store: name it with --database-url (or DRYDOCK_DATABASE_URL), or pass --no-backup',
    commands: o.backup ? [`drydock backup --out ${path.join(o.backup.dir, 'pre-upgrade-<time>.tar')}`] : [],
    stateIfFailed: 'Read-only mode is on; the old release serves reads; workers are at 0.',
    async run() {
      if (run.backupFile) return { status: 'AlreadyDone', detail: `${run.backupFile} (taken by the first run, on the machine that ran it)` };
      if (!o.backup) return { status: 'NotExecuted', detail: '--no-backup' };
      if (!o.backup.location) throw new StepFailed('the store to back up was not named: pass --database-url, or --no-backup');
      const file = path.join(o.backup.dir, `pre-upgrade-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`);
      const manifest = await backup(o.backup.location, { out: file, force: false, logger: o.logger, warn: () => {} });
      for (const a of apis) await cluster.annotate(a.name, { [BACKUP_ANNOTATION]: file });
      run.backupFile = file;
      return { status: 'Success', detail: `${file} (schema ${manifest.schema_version})` };
    },
  };

  /** Runs a migration Job with the target image, from the API pod template (same store, secrets, security context). */
  const migrationJob = (phase: 'expand' | 'contract', args: readonly string[]): Step => ({
    step: phase === 'expand' ? 'migrate (expand steps)' : 'migrate (contract steps)',
    does:
      phase === 'expand'
        ? `Job ${jobName(phase)}: drydock migrate --expand-only with ${target} (the steps the old release runs on, while it serves reads)`
        : `Job ${jobName(phase)}: drydock migrate with ${target} (what is left, once no old API pod runs)`,
    commands: [
      `# create Job ${jobName(phase)}: deployment/${apis[0]!.name}'s pod template (environment, secrets, security context) with image ${target}, running drydock ${args.join(' ')}`,
      `${kubectl} wait --for=condition=complete job/${jobName(phase)} --timeout=${Math.round(o.migrateTimeoutMs / 1000)}s`,
    ],
    stateIfFailed:
      phase === 'expand'
        ? 'Read-only mode is on; the old release serves reads; workers are at 0. A failed migration step was rolled back (each step is one transaction).'
        : 'Read-only mode is on; the new release serves reads; workers are at 0. A failed migration step was rolled back (each step is one transaction).',
    async run() {
      const name = jobName(phase);
      let job = await cluster.job(name);
      if (job && jobOutcome(job)?.done === 'complete') return { status: 'AlreadyDone', detail: `job ${name} completed before` };
      if (job && jobOutcome(job)?.done === 'failed') {
        // A failed Job of an earlier run: the cause is fixed (that is why the run is resumed); run it again.
        await cluster.deleteJob(name);
        const deleted = await cluster.poll(o.pollMs, 60_000, async () => ((await cluster.job(name)) === undefined ? true : undefined));
        if (!deleted) throw new StepFailed(`the failed job ${name} of an earlier run is still being deleted`, 'TimedOut');
        job = undefined;
      }
      if (!job) await cluster.createJob(jobFrom(await fresh(apis[0]!), name, target, args, phase));
      const outcome = await cluster.poll(o.pollMs, o.migrateTimeoutMs, async () => {
        const j = await cluster.job(name);
        if (!j) throw new StepFailed(`job ${name} disappeared while it ran`);
        o.onProgress(`job ${name}: ${j.status?.active ?? 0} active`);
        return jobOutcome(j);
      });
      if (!outcome) throw new StepFailed(`job ${name} did not finish within ${Math.round(o.migrateTimeoutMs / 1000)} s: ${await jobPodsSay(name)}`, 'TimedOut');
      if (outcome.done === 'failed') throw new StepFailed(`job ${name} failed (${outcome.reason}): ${await jobPodsSay(name)}`);
      return { status: 'Success', detail: `job ${name} complete` };
    },
  });

  /** What the pods of a Job said last. */
  const jobPodsSay = async (name: string): Promise<string> => {
    const pods = await cluster.pods(`job-name=${name}`);
    if (pods.length === 0) return 'it has no pod';
    const pod = pods.at(-1)!;
    const trouble = podTrouble(pod);
    const log = (await cluster.podLog(pod.metadata?.name ?? '')).trim().split('\n').slice(-8).join('\n    ');
    return `${trouble ? `${trouble}; ` : ''}pod ${pod.metadata?.name} says:\n    ${log || '(nothing)'}`;
  };

  /** Sets image and replicas as given and waits for the rollout like `kubectl rollout status`, then until no pod of another image is left. */
  const rollTo = async (
    list: readonly DrydockDeployment[],
    want: (d: DrydockDeployment) => { image: string; replicas: number },
  ): Promise<{ changed: boolean; summary: string }> => {
    let changed = false;
    for (const d of list) {
      const now = await fresh(d);
      const w = want(d);
      if (now.image !== w.image || now.replicas !== w.replicas) {
        await cluster.setDeployment(now, { ...(now.image !== w.image && { image: w.image }), ...(now.replicas !== w.replicas && { replicas: w.replicas }) });
        changed = true;
      }
    }
    const summaries: string[] = [];
    for (const d of list) {
      const w = want(d);
      let last = '';
      const done = await cluster.poll(o.pollMs, o.rolloutTimeoutMs, async () => {
        const now = await fresh(d);
        if (now.rollout.failed) throw new StepFailed(`the rollout of deployment ${ns}/${d.name} failed: ${now.rollout.failed} (${now.rollout.summary})`);
        const pods = await cluster.pods(d.podSelector);
        const others = pods.filter((p) => podImage(p, d.container) !== w.image);
        const trouble = pods.filter((p) => podImage(p, d.container) === w.image).flatMap((p) => podTrouble(p) ?? []);
        last = `${now.rollout.summary}${others.length ? `; ${others.length} pod(s) of the previous image still there` : ''}${trouble.length ? `; ${trouble.join(', ')}` : ''}`;
        o.onProgress(`${d.name}: ${last}`);
        return now.rollout.complete && others.length === 0 ? now.rollout.summary : undefined;
      });
      if (done === undefined) {
        throw new StepFailed(
          `deployment ${ns}/${d.name} did not roll out ${w.image} within ${Math.round(o.rolloutTimeoutMs / 1000)} s: ${last} (${kubectl} rollout status deployment/${d.name}; ${kubectl} describe pods -l ${d.podSelector})`,
          'TimedOut',
        );
      }
      summaries.push(`${d.name}: ${w.replicas} × ${w.image}`);
    }
    return { changed, summary: summaries.join(', ') };
  };

  const rollApi = (to: 'target' | 'recorded'): Step => ({
    step: to === 'target' ? 'roll the API' : 'roll the API back',
    does:
      to === 'target'
        ? `set the API Deployments to ${target} and wait for the rollout (maxUnavailable 0: old pods serve until new ones are ready)`
        : 'set the API Deployments back to the recorded image and replicas, and wait for the rollout',
    commands: apis.flatMap((d) => {
      const r = recordOf(d);
      const image = to === 'target' ? target : r.image;
      return [
        `${kubectl} set image deployment/${d.name} ${d.container}=${image}`,
        ...(d.replicas !== r.replicas ? [`${kubectl} scale deployment/${d.name} --replicas=${r.replicas}`] : []),
        `${kubectl} rollout status deployment/${d.name}`,
      ];
    }),
    stateIfFailed:
      to === 'target'
        ? 'Read-only mode is on; workers are at 0; the API rollout was not seen to complete (Kubernetes goes on with it): pods of the old image go on serving reads until pods of the new one are ready (maxUnavailable 0).'
        : 'Read-only mode is on; workers are at 0; the API is rolling back to the recorded image. If its pods never become ready, the store may hold a schema it cannot run on (contract steps ran): restore the backup.',
    async run() {
      const r = await rollTo(apis, (d) => ({ image: to === 'target' ? target : recordOf(d).image, replicas: recordOf(d).replicas }));
      return { status: r.changed ? 'Success' : 'AlreadyDone', detail: r.summary };
    },
  });

  const startWorkers = (to: 'target' | 'recorded'): Step => ({
    step: 'start the workers',
    does: `set the worker Deployments to ${to === 'target' ? target : 'the recorded image'} at the recorded replicas, and wait for them`,
    commands: workers.flatMap((d) => [
      `${kubectl} set image deployment/${d.name} ${d.container}=${to === 'target' ? target : recordOf(d).image}`,
      `${kubectl} scale deployment/${d.name} --replicas=${recordOf(d).replicas}`,
      `${kubectl} rollout status deployment/${d.name}`,
    ]),
    stateIfFailed: `Read-only mode is on; the API serves reads on ${to === 'target' ? 'the new' : 'the recorded'} image; the workers are starting.`,
    async run() {
      if (workers.length === 0) return { status: 'AlreadyDone', detail: 'no worker Deployment' };
      const r = await rollTo(workers, (d) => ({ image: to === 'target' ? target : recordOf(d).image, replicas: recordOf(d).replicas }));
      return { status: r.changed ? 'Success' : 'AlreadyDone', detail: r.summary };
    },
  });

  const resumeStep: Step = {
    step: 'resume',
    afterUpgrade: true,
    does: 'read-only mode off, then server-side jobs on (a switch that was on before the drain stays on)',
    commands: ['drydock resume'],
    stateIfFailed: 'Every Deployment runs as it should; the maintenance switches are still on.',
    async run() {
      const r = await resume(switchAccessOverApi(o.client));
      return { status: 'Success', detail: r.kept.length ? `left on (they were on before the drain): ${r.kept.join(', ')}` : 'writable, jobs run' };
    },
  };

  const clearStep: Step = {
    step: 'clear the record',
    afterUpgrade: true,
    does: `remove the annotations ${RECORD_ANNOTATION} and ${BACKUP_ANNOTATION} and this run's migration Jobs`,
    commands: [
      ...found.map((d) => `${kubectl} annotate deployment/${d.name} ${RECORD_ANNOTATION}- ${BACKUP_ANNOTATION}-`),
      `${kubectl} delete job ${jobName('expand')} ${jobName('contract')} --ignore-not-found`,
    ],
    stateIfFailed: 'The upgrade is done; the record is still on some Deployments (drydock kube status shows it).',
    async run() {
      for (const phase of ['expand', 'contract'] as const) await cluster.deleteJob(jobName(phase));
      for (const d of found) await cluster.annotate(d.name, { [RECORD_ANNOTATION]: null, [BACKUP_ANNOTATION]: null });
      return { status: 'Success' };
    },
  };

  return run.verb === 'rollback'
    ? [drainStep, stopWorkers, rollApi('recorded'), startWorkers('recorded'), resumeStep, clearStep]
    : [
        recordStep,
        drainStep,
        stopWorkers,
        backupStep,
        migrationJob('expand', ['migrate', '--expand-only', '--json']),
        rollApi('target'),
        migrationJob('contract', ['migrate', '--json']),
        startWorkers('target'),
        resumeStep,
        clearStep,
      ];
}

/** A migration Job: the API's pod template, without what serving needs, running `args` with `image`. */
function jobFrom(api: DrydockDeployment, name: string, image: string, args: readonly string[], phase: 'expand' | 'contract'): V1Job {
  const template = structuredClone(api.object.spec!.template);
  const spec = template.spec!;
  spec.restartPolicy = 'Never';
  delete spec.terminationGracePeriodSeconds;
  spec.containers = spec.containers
    .filter((c) => c.name === api.container)
    .map((c) => {
      const { readinessProbe: _r, livenessProbe: _l, startupProbe: _s, lifecycle: _lc, ports: _p, ...rest } = c;
      return { ...rest, image, args: [...args] };
    });
  const labels = { ...(template.metadata?.labels ?? {}), 'app.kubernetes.io/component': 'migrate', 'drydock.io/upgrade-phase': phase };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86_400,
      template: { metadata: { labels }, spec },
    },
  };
}
