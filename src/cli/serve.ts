import { rmSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';

/** `drydock serve`: the HTTP API (and console), until SIGTERM/SIGINT. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the HTTP API. Stateless: run any number of replicas on one PostgreSQL database.')
    .option('--host <host>', 'address to listen on (DRYDOCK_HOST)')
    .option('--port <port>', 'port to listen on (DRYDOCK_PORT)')
    .option('--database-url <url>', 'SQLite file or postgres:// URL (DRYDOCK_DATABASE_URL)')
    .option('--data-dir <dir>', 'where the default SQLite file lives (DRYDOCK_DATA_DIR)')
    .option('--config <file>', 'JSON config file (DRYDOCK_CONFIG)')
    .option('--workers', 'also run a worker for every backyard and a fleet orchestrator in this process (all-in-one)')
    .option('--no-migrate', 'do not migrate the schema at start (upgrades run `drydock migrate` as their own step)')
    .option('--pid-file <file>', 'write the process id here (removed on exit); `drydock upgrade local` stops the process by it')
    .addHelpText(
      'after',
      '\nExamples:\n  drydock serve --workers          # all-in-one on ./data/drydock.sqlite\n  DRYDOCK_DATABASE_URL=postgres://drydock@db/drydock drydock serve --port 8080',
    )
    .action(
      async (flags: {
        host?: string;
        port?: string;
        databaseUrl?: string;
        dataDir?: string;
        config?: string;
        workers?: boolean;
        migrate: boolean;
        pidFile?: string;
      }) => {
      // Loaded here, not at CLI start (see backup.ts).
      const [{ reapExpiredLeases }, { createWorker }, { loadOptions }, { buildApp }, { createLogger }, { openRuntime }, { Orchestrator }] = await Promise.all([
        import('../backyard/lease.js'),
        import('../backyard/start-worker.js'),
        import('../config/compile.js'),
        import('../http/app.js'),
        import('../logging/logger.js'),
        import('../runtime/open-runtime.js'),
        import('../fleet/orchestrator.js'),
      ]);
      const options = loadOptions({
        env: process.env,
        configFile: flags.config,
        flags: { host: flags.host, port: flags.port, databaseUrl: flags.databaseUrl, dataDir: flags.dataDir },
      });
      const logger = createLogger(options.logLevel);
      const runtime = await openRuntime(options, logger, undefined, { migrate: flags.migrate });
      const app = await buildApp(runtime.deps);
      const worker = flags.workers ? createWorker(runtime.deps.store, logger, options) : undefined;
      // All-in-one: this process also drives fleet upgrade runs (multi-machine installs run
      // `drydock fleet orchestrator` where the node actions should happen).
      const orchestrator = flags.workers
        ? new Orchestrator({ store: runtime.deps.store, logger, baseDir: process.cwd(), leaseMs: options.fleetLeaseMs, pollMs: options.fleetPollMs })
        : undefined;
      // Every API process also ends jobs whose worker died, so the execute-check clears even when
      // no worker is left running.
      const reaper = setInterval(
        () => void reapExpiredLeases(runtime.deps.store).catch((err: unknown) => logger.warn({ err }, 'lease reaper failed')),
        Math.max(500, Math.floor(options.worker.leaseMs / 2)),
      );
      reaper.unref();
      const address = await app.listen({ host: options.host, port: options.port });
      worker?.start();
      orchestrator?.start();
      if (flags.pidFile) writeFileSync(flags.pidFile, `${process.pid}\n`);
      const url = address.replace('0.0.0.0', 'localhost');
      process.stdout.write(
        [
          '',
          `drydock is running: ${url}/`,
          `  API browser: ${url}/api/docs`,
          `  store:       ${runtime.deps.store.capabilities.description}`,
          ...(worker ? [`  workers:     ${worker.id} (all backyards) and a fleet orchestrator`] : []),
          ...(runtime.generatedAdminPassword
            ? [
                `  administrator: ${options.adminUser} / ${runtime.generatedAdminPassword}`,
                '  (generated on this first start and shown only now: keep it somewhere safe)',
              ]
            : [`  administrator: ${options.adminUser} (password as configured, or as printed on the first start)`]),
          '',
        ].join('\n') + '\n',
      );
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) {
          if (worker?.state === 'draining') {
            logger.warn({ signal }, 'second signal: stopping jobs in flight');
            await worker.stop();
            return;
          }
          logger.warn({ signal }, 'second signal: exiting now');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, 'shutting down: finishing requests and jobs in flight');
        clearInterval(reaper);
        await Promise.all([worker?.stop(), orchestrator?.stop()]);
        await app.close();
        await runtime.close();
        if (flags.pidFile) rmSync(flags.pidFile, { force: true });
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
    });
}
