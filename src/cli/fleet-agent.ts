import type { Command } from 'commander';
import { CliError, EXIT } from './exit-codes.js';
import { clientFrom } from './connection.js';
import { parseDuration } from '../util/duration.js';

/** `drydock fleet agent`: a node registers itself and reports its version and health (fleet/agent.ts). */
export function registerFleetAgent(fleet: Command): void {
  fleet
    .command('agent')
    .description('Run next to a node: register it (name, address, version) and report its version and health periodically; exits on SIGTERM')
    .requiredOption('--name <name>', 'the node name, <ENV>_<P|S>_<ID>, e.g. PROD_P_017')
    .requiredOption('--address <url>', 'the URL the node serves at, e.g. http://10.0.0.17:8080 (drivers read it as {address})')
    .option('--version <version>', 'the version the node runs (fixed)')
    .option('--version-command <command>', 'a shell command printing the version the node runs (run before each report)')
    .option('--health-url <url>', 'a URL whose 2xx answer means the node is healthy (without it no health is reported)')
    .option('--interval <duration>', 'how often to report, e.g. 30s', '30s')
    .option('--server <url>', 'drydock API base URL (DRYDOCK_URL, CONF_BASE_URL)')
    .option('--token <token>', "this node's token, issued with scope fleet-node for the node --name gives (DRYDOCK_TOKEN, CONF_TOKEN)")
    .option('--auth-file <file>', 'KEY=VALUE file like Exastro api-auth.conf (DRYDOCK_AUTH_FILE)')
    .addHelpText(
      'after',
      '\nExample:\n  drydock fleet agent --server https://drydock.example --token ddn_… --name PROD_P_017 \\\n    --address http://10.0.0.17:8080 --version-command "cat /opt/app/VERSION" --interval 30s',
    )
    .action(
      async (flags: {
        name: string;
        address: string;
        version?: string;
        versionCommand?: string;
        healthUrl?: string;
        interval: string;
        server?: string;
        token?: string;
        authFile?: string;
      }) => {
        if ((flags.version === undefined) === (flags.versionCommand === undefined)) {
          throw new CliError('give the node version as --version X or --version-command "…" (one of them)', EXIT.usage);
        }
        let intervalMs: number;
        try {
          intervalMs = parseDuration(flags.interval);
        } catch (err) {
          throw new CliError(`--interval: ${(err as Error).message}`, EXIT.usage);
        }
        if (intervalMs < 100) throw new CliError('--interval must be at least 100ms', EXIT.usage);
        const { runAgent } = await import('../fleet/agent.js');
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        const exit = await runAgent({
          client: clientFrom({ url: flags.server, token: flags.token, authFile: flags.authFile }),
          name: flags.name,
          address: flags.address,
          version: flags.version !== undefined ? { fixed: flags.version } : { command: flags.versionCommand! },
          healthUrl: flags.healthUrl,
          intervalMs,
          log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
          signal: stop.signal,
        });
        if (exit.stopped === 'refused') throw new CliError(`fleet agent ${flags.name}: the server refused the node: ${exit.message}`, EXIT.failed);
      },
    );
}
