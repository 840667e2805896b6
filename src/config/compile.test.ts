import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../errors.js';
import { compileOptions, loadOptions, parseDatabaseUrl } from './compile.js';
import { ENVIRONMENT_VARIABLES, configFileFromEnv, configureFromEnv } from './from-env.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(content: unknown): string {
  const file = path.join(dir, `config-${files++}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The ConfigError `fn` throws; fails when it throws nothing or something else. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('configureFromEnv', () => {
  it('maps every DRYDOCK_ variable to its option and leaves values as strings', () => {
    assert.deepEqual(
      configureFromEnv({
        DRYDOCK_HOST: '0.0.0.0',
        DRYDOCK_PORT: '9090',
        DRYDOCK_DATABASE_URL: 'postgres://db/drydock',
        DRYDOCK_LOGIN_FAILURES_BEFORE_DELAY: '7',
        DRYDOCK_SESSION_TTL_SECONDS: '3600',
      }),
      {
        host: '0.0.0.0',
        port: '9090',
        databaseUrl: 'postgres://db/drydock',
        loginFailuresBeforeDelay: '7',
        sessionTtlSeconds: '3600',
      },
    );
  });

  it('ignores unset and empty variables and anything not drydock’s', () => {
    assert.deepEqual(configureFromEnv({ DRYDOCK_PORT: '', DRYDOCK_HOST: undefined, PORT: '1', HOME: '/root', DRYDOCK_NOPE: 'x' }), {});
  });

  it('knows a variable for every option it maps to, each once', () => {
    const options = Object.values(ENVIRONMENT_VARIABLES);
    assert.equal(new Set(options).size, options.length);
    for (const variable of Object.keys(ENVIRONMENT_VARIABLES)) assert.match(variable, /^DRYDOCK_[A-Z_]+$/);
  });

  it('finds the config file in DRYDOCK_CONFIG', () => {
    assert.equal(configFileFromEnv({ DRYDOCK_CONFIG: '/etc/drydock.json' }), '/etc/drydock.json');
    assert.equal(configFileFromEnv({ DRYDOCK_CONFIG: '' }), undefined);
    assert.equal(configFileFromEnv({}), undefined);
  });
});

describe('loadOptions', () => {
  it('uses the defaults when nothing is set', () => {
    const o = loadOptions({ env: {} });
    assert.equal(o.host, '127.0.0.1');
    assert.equal(o.port, 8080);
    assert.equal(o.adminUser, 'admin');
    assert.equal(o.adminPassword, undefined, 'no password: the first start generates one');
    assert.deepEqual(o.database, { kind: 'sqlite', path: path.resolve('data', 'drydock.sqlite') });
    assert.deepEqual(o.loginRateLimit, { failuresBeforeDelay: 5, maxFailuresPerAddress: 20, windowMs: 900_000 });
    assert.equal(o.trustProxy, false);
    assert.equal(o.refusalHttpStatus, 498, "maintenance refusals answer Exastro's 498 unless told otherwise");
  });

  it('DRYDOCK_REFUSAL_HTTP_STATUS takes 498 or 503 and nothing else', () => {
    assert.equal(loadOptions({ env: { DRYDOCK_REFUSAL_HTTP_STATUS: '503' } }).refusalHttpStatus, 503);
    assert.equal(loadOptions({ env: { DRYDOCK_REFUSAL_HTTP_STATUS: '498' } }).refusalHttpStatus, 498);
    for (const bad of ['500', '200', 'soon']) {
      assert.throws(() => loadOptions({ env: { DRYDOCK_REFUSAL_HTTP_STATUS: bad } }), /DRYDOCK_REFUSAL_HTTP_STATUS: must be 498 .* or 503/, bad);
    }
  });

  it('layers file < environment < flags', () => {
    const file = configFile({ port: 1000, host: 'file-host', logLevel: 'debug', retryAfterSeconds: 11 });
    const env = { DRYDOCK_PORT: '2000', DRYDOCK_HOST: 'env-host' };

    const fileOnly = loadOptions({ env: {}, configFile: file });
    assert.equal(fileOnly.port, 1000);
    assert.equal(fileOnly.host, 'file-host');

    const fileAndEnv = loadOptions({ env, configFile: file });
    assert.equal(fileAndEnv.port, 2000, 'the environment beats the file');
    assert.equal(fileAndEnv.host, 'env-host');
    assert.equal(fileAndEnv.logLevel, 'debug', 'what the environment does not set comes from the file');

    const all = loadOptions({ env, configFile: file, flags: { port: '3000', host: undefined } });
    assert.equal(all.port, 3000, 'flags beat the environment');
    assert.equal(all.host, 'env-host', 'an absent flag does not erase a lower layer');
    assert.equal(all.retryAfterSeconds, 11);
  });

  it('reads the file DRYDOCK_CONFIG names, and an explicit path wins over it', () => {
    const named = configFile({ port: 4000 });
    const explicit = configFile({ port: 5000 });
    assert.equal(loadOptions({ env: { DRYDOCK_CONFIG: named } }).port, 4000);
    assert.equal(loadOptions({ env: { DRYDOCK_CONFIG: named }, configFile: explicit }).port, 5000);
  });

  it('coerces numbers and converts units', () => {
    const o = loadOptions({
      env: {
        DRYDOCK_LOGIN_WINDOW_SECONDS: '60',
        DRYDOCK_SESSION_TTL_SECONDS: '120',
        DRYDOCK_BODY_LIMIT_BYTES: '4096',
        DRYDOCK_LOGIN_MAX_FAILURES_PER_ADDRESS: '3',
      },
    });
    assert.equal(o.loginRateLimit.windowMs, 60_000);
    assert.equal(o.loginRateLimit.maxFailuresPerAddress, 3);
    assert.equal(o.sessionTtlMs, 120_000);
    assert.equal(o.bodyLimitBytes, 4096);
  });

  it('an invalid environment value is a ConfigError naming the variable', () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ DRYDOCK_PORT: 'eighty' }, 'DRYDOCK_PORT', /number/],
      [{ DRYDOCK_PORT: '70000' }, 'DRYDOCK_PORT', /65535/],
      [{ DRYDOCK_ADMIN_PASSWORD: 'short' }, 'DRYDOCK_ADMIN_PASSWORD', /at least 8 characters/],
      [{ DRYDOCK_LOG_LEVEL: 'loud' }, 'DRYDOCK_LOG_LEVEL', /info/],
      [{ DRYDOCK_BODY_LIMIT_BYTES: '10' }, 'DRYDOCK_BODY_LIMIT_BYTES', /1024/],
      [{ DRYDOCK_LOGIN_FAILURES_BEFORE_DELAY: '0' }, 'DRYDOCK_LOGIN_FAILURES_BEFORE_DELAY', /1/],
      [{ DRYDOCK_TRUST_PROXY: 'yes please' }, 'DRYDOCK_TRUST_PROXY', /hop count/],
      [{ DRYDOCK_SESSION_TTL_SECONDS: '1.5' }, 'DRYDOCK_SESSION_TTL_SECONDS', /int/],
    ];
    for (const [env, variable, detail] of cases) {
      const err = configError(() => loadOptions({ env }));
      assert.ok(err.message.includes(variable), `${err.message} names ${variable}`);
      assert.match(err.message, /environment/);
      assert.match(err.message, detail, err.message);
      assert.ok(!err.message.includes('short'), 'a secret value is never echoed');
    }
  });

  it('a bad config file is a ConfigError naming the file and the key', () => {
    const unknown = configFile({ port: 1, colour: 'red' });
    const err = configError(() => loadOptions({ env: {}, configFile: unknown }));
    assert.ok(err.message.includes(unknown), err.message);
    assert.match(err.message, /colour/);

    const wrongType = configFile({ port: 'eighty' });
    assert.match(configError(() => loadOptions({ env: {}, configFile: wrongType })).message, /port/);

    const notJson = configFile('{ port: 1 ');
    assert.match(configError(() => loadOptions({ env: {}, configFile: notJson })).message, /not valid JSON/);

    const missing = path.join(dir, 'missing.json');
    const missingErr = configError(() => loadOptions({ env: {}, configFile: missing }));
    assert.match(missingErr.message, /Cannot read config file/);
    assert.ok(missingErr.message.includes(missing));
  });

  it('a bad flag is a ConfigError naming the flag layer', () => {
    const err = configError(() => loadOptions({ env: {}, flags: { port: 'x' } }));
    assert.match(err.message, /command-line flags/);
    assert.match(err.message, /port/);
  });
});

describe('compileOptions', () => {
  it('places the default SQLite file in the data directory', () => {
    const o = compileOptions({ dataDir: '/var/lib/drydock' });
    assert.deepEqual(o.database, { kind: 'sqlite', path: '/var/lib/drydock/drydock.sqlite' });
  });

  it('a database URL wins over the data directory', () => {
    const o = compileOptions({ dataDir: '/var/lib/drydock', databaseUrl: 'postgres://u:p@db:5432/drydock' });
    assert.deepEqual(o.database, { kind: 'postgres', url: 'postgres://u:p@db:5432/drydock' });
  });
});

describe('parseDatabaseUrl', () => {
  it('recognises PostgreSQL URLs', () => {
    for (const url of ['postgres://db/x', 'postgresql://u:p@db:5432/x?sslmode=require', 'POSTGRES://db/x']) {
      assert.deepEqual(parseDatabaseUrl(url), { kind: 'postgres', url });
    }
  });

  it('takes sqlite:, file: and bare paths as SQLite files, resolved to absolute paths', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:/var/drydock.sqlite'), { kind: 'sqlite', path: '/var/drydock.sqlite' });
    assert.deepEqual(parseDatabaseUrl('sqlite:///var/drydock.sqlite'), { kind: 'sqlite', path: '/var/drydock.sqlite' });
    assert.deepEqual(parseDatabaseUrl('file:data/x.sqlite'), { kind: 'sqlite', path: path.resolve('data/x.sqlite') });
    assert.deepEqual(parseDatabaseUrl('./x.sqlite'), { kind: 'sqlite', path: path.resolve('x.sqlite') });
    assert.deepEqual(parseDatabaseUrl('/abs/x.sqlite'), { kind: 'sqlite', path: '/abs/x.sqlite' });
    assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' });
  });

  it('a URL naming no file is a ConfigError naming DRYDOCK_DATABASE_URL', () => {
    for (const url of ['sqlite:', 'file://', 'sqlite://']) {
      assert.match(configError(() => parseDatabaseUrl(url)).message, /DRYDOCK_DATABASE_URL/);
    }
  });
});
