import type { Command } from 'commander';
import { loadClientOptions } from '../config/client-options.js';
import { ApiClient } from '../api-client/api-client.js';

/** Flags every command that talks to the API takes. */
export interface ConnectionFlags {
  url?: string;
  user?: string;
  password?: string;
  token?: string;
  authFile?: string;
  json?: boolean;
}

/** Adds the connection flags (and --json) to a command. */
export function withConnection(command: Command): Command {
  return command
    .option('--url <url>', 'drydock API base URL (DRYDOCK_URL, CONF_BASE_URL; default http://127.0.0.1:8080)')
    .option('--user <user>', 'user name; organization users write org/user (DRYDOCK_USER, CONF_USER)')
    .option('--password <password>', 'password (DRYDOCK_PASSWORD, CONF_PASSWORD)')
    .option('--token <token>', 'personal access token instead of user/password (DRYDOCK_TOKEN, CONF_TOKEN)')
    .option('--auth-file <file>', 'KEY=VALUE file like Exastro api-auth.conf (DRYDOCK_AUTH_FILE; default ~/.drydock/api-auth.conf)')
    .option('--json', 'print machine-readable JSON on stdout');
}

export function clientFrom(flags: ConnectionFlags): ApiClient {
  return new ApiClient(
    loadClientOptions({
      env: process.env,
      flags: { url: flags.url, user: flags.user, password: flags.password, token: flags.token, authFile: flags.authFile },
    }),
  );
}

/** Writes a result: JSON on stdout with --json, else the human text. */
export function output(flags: ConnectionFlags, json: unknown, human: () => string): void {
  process.stdout.write(flags.json ? JSON.stringify(json, null, 2) + '\n' : human() + '\n');
}
