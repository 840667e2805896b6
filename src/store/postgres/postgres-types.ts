import pg from 'pg';
import { normalizeTimestamp } from '../clock.js';

const OID = { int8: 20, json: 114, timestamp: 1114, timestamptz: 1184, jsonb: 3802 } as const;

/**
 * Type parsers for drydock's connections only (not pg's global ones, which other libraries in the
 * same process may rely on). They make PostgreSQL return what SQLite returns: timestamps as the
 * canonical microsecond string, JSON as text, bigint counts as numbers.
 */
export const postgresTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    switch (oid) {
      case OID.timestamp:
      case OID.timestamptz:
        return (value: string) => normalizeTimestamp(value) ?? value;
      case OID.json:
      case OID.jsonb:
        return (value: string) => value;
      case OID.int8:
        return (value: string) => Number(value);
      default:
        return pg.types.getTypeParser(oid, format ?? 'text');
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Connection settings every drydock connection uses. */
export function connectionConfig(url: string): pg.ClientConfig {
  return { connectionString: url, types: postgresTypes, options: '-c TimeZone=UTC', keepAlive: true };
}
