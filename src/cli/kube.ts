import path from 'node:path';
import type { Command } from 'commander';
import { clientFrom, output, withConnection, type ConnectionFlags } from './connection.js';
import { CliError, EXIT } from './exit-codes.js';
import { Progress, table } from './progress.js';
import { parseDuration } from '../util/duration.js';

interface ClusterFlags {
  namespace: string;
  kubeconfig?: string;
  context?: string;
  selector: string;
  container: string;
}

/** Adds the flags that say which cluster, namespace and objects. */
function withCluster(command: Command): Command {
  return command
    .requiredOption('-n, --namespace <namespace>', 'the namespace drydock is deployed in')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
    .option('--context <name>', 'a kubeconfig context other than the current one')
    .option('--selector <labels>', "the label selector of drydock's Deployments", 'app.kubernetes.io/name=drydock')
    .option('--container <name>', 'the container that runs drydock in each pod', 'drydock');
}

function checkNamespace(namespace: string): void {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) || namespace.length > 63) {
    throw new CliError(`--namespace "${namespace}" is not a Kubernetes namespace name (lower-case letters, digits, dashes)`, EXIT.usage);
  }
}

async function openCluster(flags: ClusterFlags, signal: AbortSignal) {
  const [{ loadKubeConfig }, { DrydockCluster }] = await Promise.all([import('../kubernetes/client.js'), import('../kubernetes/drydock-cluster.js')]);
  checkNamespace(flags.namespace);
  let kc;
  try {
    kc = loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context, baseDir: process.cwd() });
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
  return new DrydockCluster(kc, flags.namespace, flags.selector, flags.container, signal);
}

/** `drydock kube upgrade` and `drydock kube status`: drydock on Kubernetes. */
export function registerKube(program: Command): void {
  const kube = program
    .command('kube')
    .description('drydock on Kubernetes: upgrade it keeping reads served, see where it stands')
    .addHelpText(
      'after',
      '\nExamples:\n  drydock kube status -n drydock\n  drydock kube upgrade -n drydock --image registry.example.com/drydock:0.2.0 --dry-run',
    );

  withConnection(withCluster(kube.command('upgrade')))
    .description('Record replicas → drain → workers to 0 → backup → migration Job → roll the API → workers back → resume; reads never stop')
    .option('--image <image>', 'the new image, e.g. registry.example.com/drydock:0.2.0')
    .option('--resume', 'finish an upgrade that stopped (failure, Ctrl-C, closed terminal): the counts recorded in the cluster are used')
    .option('--rollback', 'undo a recorded upgrade: the recorded images and replica counts come back, then resume')
    .option('--dry-run', 'print the plan and the kubectl commands it replaces; change nothing')
    .option('--database-url <url>', 'the store, for the pre-upgrade backup (DRYDOCK_DATABASE_URL); reach it from where this runs')
    .option('--config <file>', 'JSON config file (DRYDOCK_CONFIG)')
    .option('--backup-dir <dir>', 'where the pre-upgrade backup goes', '.')
    .option('--no-backup', 'take no backup (the store is backed up otherwise, e.g. by PostgreSQL point-in-time recovery)')
    .option('--drain-timeout <duration>', 'give up if jobs are still in flight after this long', '30m')
    .option('--migrate-timeout <duration>', 'how long a migration Job may run', '30m')
    .option('--rollout-timeout <duration>', 'how long a Deployment has to roll out', '10m')
    .option('--poll <duration>', 'how often the cluster is looked at while waiting', '2s')
    .addHelpText(
      'after',
      [
        '',
        'The replica count and image of every drydock Deployment are recorded on it (annotation drydock.io/upgrade) before anything changes;',
        'a run that stops can be finished with --resume or undone with --rollback, from any machine.',
        'Needs: the Role drydock-upgrade in the namespace (deploy/kubernetes/base/upgrade-role.yaml) and a drydock administrator (--url, --user, --password).',
        'Exit codes: 0 done; 1 a step failed (the state and the next command are printed); 2 bad flags; 3 a wait timed out; 5 refused before changing anything; 130 interrupted.',
        'Examples:',
        '  drydock kube upgrade -n drydock --image registry.example.com/drydock:0.2.0 --dry-run',
        '  drydock kube upgrade -n drydock --image registry.example.com/drydock:0.2.0 --url https://drydock.example.com --database-url postgres://…',
        '  drydock kube upgrade -n drydock --resume',
        '  drydock kube upgrade -n drydock --rollback',
      ].join('\n'),
    )
    .action(
      async (
        flags: ClusterFlags &
          ConnectionFlags & {
            image?: string;
            resume?: boolean;
            rollback?: boolean;
            dryRun?: boolean;
            databaseUrl?: string;
            config?: string;
            backupDir: string;
            backup: boolean;
            drainTimeout: string;
            migrateTimeout: string;
            rolloutTimeout: string;
            poll: string;
          },
      ) => {
        checkNamespace(flags.namespace);
        const chosen = [flags.image !== undefined && !flags.resume && 'image', flags.resume && 'resume', flags.rollback && 'rollback'].filter(Boolean);
        if (flags.rollback && (flags.image !== undefined || flags.resume))
          throw new CliError('--rollback goes alone: without --image and --resume', EXIT.usage);
        if (chosen.length === 0) throw new CliError('say what to do: --image <image> (upgrade), --resume or --rollback', EXIT.usage);
        if (flags.image !== undefined && !/^[^\s:@/][^\s]*$/.test(flags.image))
          throw new CliError(`--image "${flags.image}" is not an image reference (e.g. registry.example.com/drydock:0.2.0)`, EXIT.usage);
        let timeouts: { drain: number; migrate: number; rollout: number; poll: number };
        try {
          timeouts = {
            drain: parseDuration(flags.drainTimeout),
            migrate: parseDuration(flags.migrateTimeout),
            rollout: parseDuration(flags.rolloutTimeout),
            poll: parseDuration(flags.poll),
          };
        } catch (err) {
          throw new CliError((err as Error).message, EXIT.usage);
        }
        // The backup reads the store directly: it must be named, or declined, before anything changes.
        const storeNamed = Boolean(flags.databaseUrl || flags.config || process.env.DRYDOCK_DATABASE_URL || process.env.DRYDOCK_CONFIG);
        if (flags.backup && !flags.rollback && !flags.dryRun && !storeNamed) {
          throw new CliError(
            'the pre-upgrade backup needs the store: pass --database-url (or DRYDOCK_DATABASE_URL), or --no-backup if it is backed up otherwise',
            EXIT.usage,
          );
        }
        const [{ loadOptions }, { createLogger }, { upgradeKube }] = await Promise.all([
          import('../config/compile.js'),
          import('../logging/logger.js'),
          import('../runbook/upgrade-kube.js'),
        ]);
        const abort = new AbortController();
        const onSigint = () => abort.abort();
        process.once('SIGINT', onSigint);
        const progress = new Progress({ json: Boolean(flags.json) });
        try {
          const cluster = await openCluster(flags, abort.signal);
          const location = storeNamed
            ? loadOptions({ env: process.env, configFile: flags.config, flags: { databaseUrl: flags.databaseUrl } }).database
            : undefined;
          const report = await upgradeKube({
            cluster,
            client: clientFrom(flags),
            action: flags.rollback
              ? { kind: 'rollback' }
              : flags.resume
                ? { kind: 'resume', ...(flags.image !== undefined && { image: flags.image }) }
                : { kind: 'upgrade', image: flags.image! },
            dryRun: Boolean(flags.dryRun),
            backup: flags.backup ? { location, dir: path.resolve(flags.backupDir) } : undefined,
            drainTimeoutMs: timeouts.drain,
            migrateTimeoutMs: timeouts.migrate,
            rolloutTimeoutMs: timeouts.rollout,
            pollMs: timeouts.poll,
            signal: abort.signal,
            logger: createLogger('warn'),
            onProgress: (text) => progress.update(text),
            onStep: (s) => {
              progress.stop();
              if (flags.json) return;
              const took = s.ms === undefined ? '' : ` (${(s.ms / 1000).toFixed(1)} s)`;
              process.stderr.write(`${s.status.padEnd(12)} ${s.step}${took}${s.detail ? ` — ${s.detail}` : ''}\n`);
            },
          });
          progress.stop();
          output(flags, report, () => {
            if (report.plan) {
              return [
                `The ${report.action} would run these steps (nothing was changed):`,
                ...report.plan.flatMap((p, i) => [``, `${i + 1}. ${p.step}: ${p.does}`, ...p.commands.map((c) => `     $ ${c}`)]),
              ].join('\n');
            }
            if (report.ok)
              return report.action === 'rollback'
                ? `rolled back: drydock runs ${report.image}`
                : `upgraded: drydock runs ${report.image}${report.backupFile ? ` (backup ${report.backupFile})` : ''}`;
            if (report.refused) return `${report.action} REFUSED before anything was changed: see the reason above`;
            return [`${report.action} STOPPED.`, `  state: ${report.state}`, `  next:  ${report.next}`].join('\n');
          });
          if (!report.ok) {
            const last = report.steps.at(-1)?.status;
            process.exitCode = report.refused ? EXIT.refused : last === 'Interrupted' ? EXIT.interrupted : last === 'TimedOut' ? EXIT.timeout : EXIT.failed;
          }
        } finally {
          progress.stop();
          process.off('SIGINT', onSigint);
        }
      },
    );

  withConnection(withCluster(kube.command('status')))
    .description("drydock's Deployments: images, replicas, the counts an upgrade recorded, and the maintenance state")
    .addHelpText(
      'after',
      '\nThe maintenance state needs the API (--url and an administrator); without it, the rest is shown.\nExample:\n  drydock kube status -n drydock',
    )
    .action(async (flags: ClusterFlags & ConnectionFlags) => {
      const { kubeStatus } = await import('../runbook/kube-status.js');
      const cluster = await openCluster(flags, new AbortController().signal);
      const status = await kubeStatus(cluster, clientFrom(flags));
      output(flags, status, () => {
        const rows = status.deployments.map((d) => [
          d.name,
          d.component,
          d.image,
          `${d.ready}/${d.replicas}`,
          d.recorded ? `${d.recorded.replicas} × ${d.recorded.image}` : '-',
          d.rollout,
        ]);
        const lines = [table(['DEPLOYMENT', 'COMPONENT', 'IMAGE', 'READY', 'RECORDED', 'ROLLOUT'], rows), ''];
        lines.push(
          status.upgrade
            ? `upgrade in progress: to ${status.upgrade.target}, started ${status.upgrade.startedAt}${status.upgrade.backup ? `, backup ${status.upgrade.backup}` : ''} — finish with --resume or undo with --rollback`
            : 'no upgrade in progress',
        );
        lines.push(
          status.maintenance.known
            ? `maintenance: server-side jobs ${status.maintenance.jobsStopped ? 'STOPPED' : 'running'}, ${status.maintenance.readOnly ? 'READ-ONLY' : 'writable'}; ${status.maintenance.inFlight} job(s) in flight`
            : `maintenance: unknown (${status.maintenance.reason})`,
        );
        return lines.join('\n');
      });
    });
}
