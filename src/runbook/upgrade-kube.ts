import { createHash } from 'node:crypto';
import path from 'node:path';
import type { V1Job } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ApiClient } from '../cli/client.js';
import type { DatabaseLocation } from '../config/options.js';
import { describeApiFailure } from '../kubernetes/client.js';
import {
  BACKUP_ANNOTATION,
  ClusterError,
  jobOutcome,
  podImage,
  podTrouble,
  RECORD_ANNOTATION,
  type DrydockCluster,
  type DrydockDeployment,
  type UpgradeRecord,
} from '../kubernetes/drydock-cluster.js';
import { backup } from './backup.js';
import type { SettingView } from '../maintenance/mode.js';
import { drain, resume, type StepResult } from './drain.js';
import { switchAccessOverApi } from './switch-access.js';

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
 * to 0: reads are served throughout, writes are refused with 503 and Retry-After only while
 * read-only is on.
 *
 * Every step first looks at the cluster and does only what is not done yet, so `--resume` (after a
 * failure, Ctrl-C, a closed terminal, a SIGKILL) is the same run again with the recorded counts.
 * `--rollback` puts back the recorded images and counts. A failure stops the run, names the state
 * the system is in and how to go on.
 */
export type KubeAction = { readonly kind: 'upgrade'; readonly image: string } | { readonly kind: 'resume'; readonly image?: string } | { readonly kind: 'rollback' };

export interface KubeUpgradeOptions {
  readonly cluster: DrydockCluster;
  /** The drydock API (drain, resume). */
  readonly client: ApiClient;
  readonly action: KubeAction;
  /** Print the plan and the kubectl commands it replaces; change nothing. */
  readonly dryRun: boolean;
  /** Where the pre-upgrade backup goes; undefined with --no-backup. No location: the store was not named (a dry run says what is missing). */
  readonly backup: { readonly location: DatabaseLocation | undefined; readonly dir: string } | undefined;
  readonly drainTimeoutMs: number;
  readonly migrateTimeoutMs: number;
  readonly rolloutTimeoutMs: number;
  readonly pollMs: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly onStep: (step: StepResult) => void;
  /** What a long step waits for now (for a live status line). */
  readonly onProgress: (text: string) => void;
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

/** A step: what it does, the kubectl it replaces, how to run it, and the state a failure leaves. */
interface Step {
  readonly step: string;
  readonly does: string;
  readonly commands: readonly string[];
  readonly stateIfFailed: string;
  /** What to run after a failure, where it is not "--resume or --rollback". */
  readonly nextIfFailed?: string;
  run(): Promise<Omit<StepResult, 'step' | 'ms'>>;
}

/** A step ended in a way the run must stop on; `status` is what to report. */
class StepFailed extends Error {
  constructor(
    message: string,
    readonly status: StepResult['status'] = 'Error',
  ) {
    super(message);
  }
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

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
        (found.length === 0 ? ' (check --namespace and --selector; a single-replica SQLite install runs as a StatefulSet, which this command does not upgrade: see the README)' : ''),
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
    return refuse(`the Deployments carry records of different upgrades (${[...new Set(records.map((r) => `${r.target} started ${r.startedAt}`))].join('; ')}): check them with drydock kube status`);
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
  const runId = createHash('sha256').update(`${target}\n${startedAt}`).digest('hex').slice(0, 8);
  const jobName = (phase: 'expand' | 'contract') => `drydock-upgrade-${runId}-${phase}`;
  let backupFile = apis[0]!.backup;

  // ---- the steps -------------------------------------------------------------------------------
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
        throw new StepFailed(`${r.blocking.length} job(s) still in flight after ${Math.round(r.waitedMs / 1000)} s${jobs.length ? `: ${jobs.join('; ')}` : ''}`, status);
      }
      return { status: 'Success', detail: `read-only, nothing in flight (waited ${r.waitedMs} ms)` };
    },
  };

  const stopWorkers: Step = {
    step: 'stop the workers',
    does: 'scale the worker Deployments to 0 and wait until their pods are gone (each finishes what it runs within its grace period)',
    commands: workers.flatMap((d) => [`${kubectl} scale deployment/${d.name} --replicas=0`, `${kubectl} wait --for=delete pod -l ${d.podSelector} --timeout=${d.terminationGraceSeconds + 60}s`]),
    stateIfFailed: 'Read-only mode is on; the API serves reads; workers are being scaled to 0.',
    async run() {
      if (workers.length === 0) return { status: 'AlreadyDone', detail: 'no worker Deployment' };
      if (o.action.kind === 'rollback' && workers.every((w) => w.image === recordOf(w).image)) {
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
    does: !o.backup ? 'skipped (--no-backup)' : o.backup.location ? `drydock backup of the store into ${o.backup.dir}` : 'drydock backup of the store: name it with --database-url (or DRYDOCK_DATABASE_URL), or pass --no-backup',
    commands: o.backup ? [`drydock backup --out ${path.join(o.backup.dir, 'pre-upgrade-<time>.tar')}`] : [],
    stateIfFailed: 'Read-only mode is on; the old release serves reads; workers are at 0.',
    async run() {
      if (backupFile) return { status: 'AlreadyDone', detail: `${backupFile} (taken by the first run, on the machine that ran it)` };
      if (!o.backup) return { status: 'NotExecuted', detail: '--no-backup' };
      if (!o.backup.location) throw new StepFailed('the store to back up was not named: pass --database-url, or --no-backup');
      const file = path.join(o.backup.dir, `pre-upgrade-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`);
      const manifest = await backup(o.backup.location, { out: file, force: false, logger: o.logger, warn: () => {} });
      for (const a of apis) await cluster.annotate(a.name, { [BACKUP_ANNOTATION]: file });
      backupFile = file;
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
  const rollTo = async (list: DrydockDeployment[], want: (d: DrydockDeployment) => { image: string; replicas: number }): Promise<{ changed: boolean; summary: string }> => {
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
      return [`${kubectl} set image deployment/${d.name} ${d.container}=${image}`, ...(d.replicas !== r.replicas ? [`${kubectl} scale deployment/${d.name} --replicas=${r.replicas}`] : []), `${kubectl} rollout status deployment/${d.name}`];
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
    does: `remove the annotations ${RECORD_ANNOTATION} and ${BACKUP_ANNOTATION} and this run's migration Jobs`,
    commands: [...found.map((d) => `${kubectl} annotate deployment/${d.name} ${RECORD_ANNOTATION}- ${BACKUP_ANNOTATION}-`), `${kubectl} delete job ${jobName('expand')} ${jobName('contract')} --ignore-not-found`],
    stateIfFailed: 'The upgrade is done; the record is still on some Deployments (drydock kube status shows it).',
    async run() {
      for (const phase of ['expand', 'contract'] as const) await cluster.deleteJob(jobName(phase));
      for (const d of found) await cluster.annotate(d.name, { [RECORD_ANNOTATION]: null, [BACKUP_ANNOTATION]: null });
      return { status: 'Success' };
    },
  };

  const plan: Step[] =
    o.action.kind === 'rollback'
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

  // The drain and the resume go through the API as a system administrator: a run that could not
  // resume what it drained must not start.
  if (!o.dryRun) {
    try {
      await o.client.call<SettingView>('GET', '/api/platform/maintenance-mode-setting', undefined, o.signal);
    } catch (err) {
      return refuse(`the drydock API cannot be used for the drain and the resume: ${(err as Error).message} (give --url and a system administrator's --user/--password or --token)`);
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
          : s === resumeStep || s === clearStep
            ? `${again} --resume (it finds every step done up to this one)`
            : `${status === 'Interrupted' ? '' : 'fix the cause, then '}continue: ${again} --resume — or undo: ${again} --rollback`);
      return { ok: false, action: verb, refused: false, steps, image: target, ...(backupFile && { backupFile }), state: s.stateIfFailed, next };
    }
  }
  return { ok: true, action: verb, refused: false, steps, image: verb === 'rollback' ? recordOf(apis[0]!).image : target, ...(backupFile && { backupFile }) };
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

/** An API or network failure, worded for the operator. */
function explain(err: unknown, cluster: DrydockCluster): string {
  const rbac = `the account needs the verbs of the Role drydock-upgrade (deploy/kubernetes/base/upgrade-role.yaml) in namespace ${cluster.namespace}`;
  return describeApiFailure(err, cluster.server, rbac) ?? (err instanceof Error ? err.message : String(err));
}
