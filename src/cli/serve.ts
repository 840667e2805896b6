import path from 'node:path';
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
    .option(
      '--pid-file <file>',
      'write the process id here (removed on exit) and open the control socket beside it (<name>.sock): `drydock restart` and `drydock upgrade local` use them',
    )
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
        const [{ loadOptions }, { createLogger }, { runServer }] = await Promise.all([
          import('../config/compile.js'),
          import('../logging/logger.js'),
          import('../runtime/server.js'),
        ]);
        const options = loadOptions({
          env: process.env,
          configFile: flags.config,
          flags: { host: flags.host, port: flags.port, databaseUrl: flags.databaseUrl, dataDir: flags.dataDir },
        });
        await runServer({
          options,
          logger: createLogger(options.logLevel),
          workers: flags.workers === true,
          migrate: flags.migrate,
          pidFile: flags.pidFile === undefined ? undefined : path.resolve(flags.pidFile),
          // What a successor is started with: exactly what this process was given after `serve`.
          serveArgs: process.argv.slice(process.argv.indexOf('serve', 2) + 1),
        });
      },
    );
}
