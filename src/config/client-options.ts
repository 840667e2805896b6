import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { ownValue } from '../util/own-value.js';

/** How the CLI reaches a drydock API. */
export interface ClientOptions {
  readonly baseUrl: string;
  readonly auth: { readonly user: string; readonly password: string } | { readonly token: string } | undefined;
}

/**
 * Where connection settings come from, lowest precedence first:
 * 1. an auth file in the spirit of Exastro's `api-auth.conf` (KEY=VALUE lines:
 *    CONF_BASE_URL, CONF_USER, CONF_PASSWORD, CONF_TOKEN), from `--auth-file`, `DRYDOCK_AUTH_FILE`,
 *    or `~/.drydock/api-auth.conf` when it exists;
 * 2. the environment: DRYDOCK_URL, DRYDOCK_USER, DRYDOCK_PASSWORD, DRYDOCK_TOKEN;
 * 3. flags: --url, --user, --password, --token.
 * Pure apart from reading the file: tests pass `env` and `home`.
 */
export function loadClientOptions(sources: {
  env: Readonly<Record<string, string | undefined>>;
  flags: { url?: string | undefined; user?: string | undefined; password?: string | undefined; token?: string | undefined; authFile?: string | undefined };
  home?: string;
}): ClientOptions {
  const { env, flags } = sources;
  const explicitFile = flags.authFile ?? nonEmpty(env.DRYDOCK_AUTH_FILE);
  const defaultFile = path.join(sources.home ?? os.homedir(), '.drydock', 'api-auth.conf');
  const file = explicitFile ?? defaultFile;
  const conf = readAuthFile(file, explicitFile !== undefined);
  const pick = (flag: string | undefined, variable: string, key: string) => nonEmpty(flag) ?? nonEmpty(ownValue(env, variable)) ?? ownValue(conf, key);
  const baseUrl = pick(flags.url, 'DRYDOCK_URL', 'CONF_BASE_URL') ?? 'http://127.0.0.1:8080';
  try {
    new URL(baseUrl);
  } catch {
    throw new ConfigError(`The API URL "${baseUrl}" is not a URL (--url, DRYDOCK_URL or CONF_BASE_URL).`);
  }
  const token = pick(flags.token, 'DRYDOCK_TOKEN', 'CONF_TOKEN');
  const user = pick(flags.user, 'DRYDOCK_USER', 'CONF_USER');
  const password = pick(flags.password, 'DRYDOCK_PASSWORD', 'CONF_PASSWORD');
  if (user !== undefined && password === undefined && token === undefined) {
    throw new ConfigError(`A user (${user}) without a password: give --password, DRYDOCK_PASSWORD or CONF_PASSWORD.`);
  }
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    auth: token !== undefined ? { token } : user !== undefined && password !== undefined ? { user, password } : undefined,
  };
}

/** Parses KEY=VALUE lines (comments with #, optional quotes, optional `export`). */
export function parseAuthFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!.trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    out[m[1]!] = value;
  }
  return out;
}

function readAuthFile(file: string, required: boolean): Record<string, string> {
  try {
    return parseAuthFile(readFileSync(file, 'utf8'));
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`Cannot read the auth file ${file}: ${(err as Error).message}`);
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
