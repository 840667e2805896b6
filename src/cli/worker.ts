import type { Command } from 'commander';
import { backyardNames, type Backyard } from '../backyard/kinds/registry.js';
import { ConfigError } from '../errors.js';

/** `drydock worker`: claims and runs backyard jobs until SIGTERM (drains) or a second signal (forces). */
export function registerWorker(program: Command): void {
  const known = backyardNames();
  program
    .command('worker')
    .description('Run backyard jobs. Claims nothing while jobs are stopped or the system is read-only.')
    .option('--backyard <name...>', `backyards to run (default: all): ${known.join(', ')}`)
    .option('--concurrency <n>', 'jobs at once (DRYDOCK_WORKER_CONCURRENCY, default 4)')
    .option('--database-url <url>', 'SQLite file or postgres:// URL (DRYDOCK_DATABASE_URL)')
    .option('--config <file>', 'JSON config file (DRYDOCK_CONFIG)')
    .option('--no-migrate', 'do not migrate the store; refuse a schema this release cannot run on (Kubernetes: the migration Job migrates)')
    .addHelpText('after', '\nExample:\n  drydock worker --backyard ita-by-ansible-execute ita-by-terraform-cli-execute --concurrency 8')
    .action(async (flags: { backyard?: string[]; concurrency?: string; databaseUrl?: string; config?: string; migrate: boolean }) => {
      // Loaded here, not at CLI start (see backup.ts).
      const [{ createWorker }, { loadOptions }, { createLogger }, { openStore }, { prepareSchema }] = await Promise.all([
        import('../backyard/start-worker.js'),
        import('../config/compile.js'),
        import('../logging/logger.js'),
        import('../store/open-store.js'),
        import('../store/migrations/startup.js'),
      ]);
      const options = loadOptions({
        env: process.env,
        configFile: flags.config,
        flags: { databaseUrl: flags.databaseUrl, workerConcurrency: flags.concurrency },
      });
      const unknown = (flags.backyard ?? []).filter((b) => !(known as readonly string[]).includes(b));
      if (unknown.length) throw new ConfigError(`Unknown backyard(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
      const logger = createLogger(options.logLevel);
      const store = await openStore(options.database, { logger, sqlitePollMs: options.sqlitePollMs });
      try {
        await prepareSchema(store, logger, flags.migrate);
      } catch (err) {
        await store.close();
        throw err;
      }
      const worker = createWorker(store, logger, options, flags.backyard ? { backyards: flags.backyard as Backyard[] } : {});
      worker.start();
      const stop = (signal: string) => {
        logger.info({ signal, inFlight: worker.inFlight }, worker.state === 'draining' ? 'forcing stop' : 'draining');
        void worker.stop().then(async () => {
          if (worker.state === 'stopped') {
            await store.close();
            process.exit(0);
          }
        });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
