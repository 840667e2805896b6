/**
 * The fuzz stage (issue 11, part 7): property-based requests (fast-check) for every operation of
 * the OpenAPI document the server serves, on both stores, as every kind of caller. A new route is
 * fuzzed without editing this file: the operations, their parameters and body schemas come from
 * `GET /api/openapi.json`.
 *
 * Each request is one of: built from the operation's schemas (path ids from the seeded tenants,
 * their menus and the ids the server handed out so far); the same with one mutation (a wrong type,
 * a 100k-character string, nesting just under, at and far over the depth a body may have (500),
 * NUL / control characters / unpaired surrogates, prototype names as keys, an unknown key, a
 * dropped key, extreme numbers); a malformed payload (20,000-deep too) or a wrong content type;
 * path tricks in the path (`..`, `%2e%2e`, `%2F`, `%00`, broken percent-encoding, long ids,
 * unicode, prototype names), sent over a socket byte for byte when `inject`'s URL parsing would
 * rewrite them. One run in thirteen sends four copies of its request at once, so requests race
 * each other too (two creates of one name, a delete and a write). Sent with no credentials, as
 * the administrator, an organization manager or member (Basic, token, session with and without
 * CSRF), or with wrong credentials (the sign-in throttle is raised so it does not hide the routes;
 * a 429 would be a fine answer).
 *
 * Every answer must: be < 500 (a 498 only as read-only mode's documented refusal of a write: a
 * 498-xxxxx result, Retry-After); come within 5 s; hold no stack trace and no file path of this
 * machine (unless the request itself carried the text); be Exastro's envelope when it is JSON from
 * /api/ (except the document, its browser, and downloads); and, in read-only mode, never be a
 * success of a declared write. An event stream is read to its first event, then disconnected.
 *
 * Two blocks per backend, each a fixed number of runs per operation:
 * - read-write: afterwards everything the fuzz wrote reads back (every organization, workspace,
 *   menu and record), the execute-check equals its reference construction, the seeded menu and
 *   principals still answer. DELETEs there aim at a scratch organization, so the seeded tenants
 *   survive to be checked (and fuzzed further).
 * - read-only (data_update_stop on): no table changes but the bookkeeping ones (sign-in sessions,
 *   tokens, the maintenance setting and its audit) and the ones exempt routes write by design.
 * A request that flips the mode (the setting is itself an operation) is followed by flipping it back.
 *
 * Seeded: DRYDOCK_FUZZ_SEED (default below) picks the runs; DRYDOCK_FUZZ_RUNS the runs per
 * operation and block. A failure prints the replay variables (seed, operation, fast-check path)
 * and the request. Replaying one operation skips the others, so the store may differ a little.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import { after, before, describe, it, type TestContext } from 'node:test';
import fc from 'fast-check';
import { DRIVER_MENUS } from '../src/backyard/driver-specs.js';
import { MAX_JSON_DEPTH } from '../src/http/body-formats.js';
import { SEED, adminAuth, authHeaders, basic, seedTenants, setMaintenance, startTestApp, type CallResult, type TestApp } from './support/app.js';
import { BACKENDS, type BackendName } from './support/backends.js';
import { DRIVER_JOBS, seedDriverJobs } from './support/driver-jobs.js';
import { referenceExecuteCheck } from './support/execute-check-reference.js';
import { MENU_JOBS, sampleExport, seedMenuJobs } from './support/menu-jobs.js';
import { snapshotData } from './support/snapshot.js';
import { differingTables, dumpStore, type StoreDump } from './support/tables.js';

// ---------------------------------------------------------------------------------------------
// Configuration

/** Issue 11, part 7. */
const DEFAULT_SEED = 1107;
const BASE_SEED = seedFromEnv(process.env.DRYDOCK_FUZZ_SEED);
/**
 * Runs per operation and block (72 operations × 2 blocks × 2 backends, about 21,000 requests with
 * the concurrent copies): about 65 s for the file on a 2-CPU machine, inside CI's 3 minutes.
 */
const RUNS = positiveInt(process.env.DRYDOCK_FUZZ_RUNS, 60);
/** `rw|ro METHOD /path` (as a failure prints it): fuzz only that operation of that block. */
const ONLY = process.env.DRYDOCK_FUZZ_ONLY;
/** fast-check's replay path of the failing run (with DRYDOCK_FUZZ_ONLY). */
const REPLAY_PATH = process.env.DRYDOCK_FUZZ_PATH;
/** A hang detector, not a benchmark. */
const ANSWER_WITHIN_MS = 5000;
const HUGE = 100_000;
/** Nesting depths of the deep mutations: around the limit a body may nest (MAX_JSON_DEPTH), and far past it. */
const DEPTHS = [MAX_JSON_DEPTH - 8, MAX_JSON_DEPTH, 500];

function seedFromEnv(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_SEED;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`DRYDOCK_FUZZ_SEED must be an integer, not ${JSON.stringify(text)}`);
  return n | 0;
}

function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`expected a positive integer, not ${JSON.stringify(text)}`);
  return n;
}

/** A per-(block, operation) seed, so adding a route leaves every other operation's runs as they were. */
function seedOf(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return (BASE_SEED ^ h) | 0;
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document as operations

type JsonSchema = boolean | { readonly [key: string]: unknown };

interface Parameter {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
}

interface Operation {
  /** `METHOD /path/{param}` */
  readonly key: string;
  readonly method: string;
  readonly template: string;
  readonly access: string;
  /** `read`, `exempt` or the write function read-only mode refuses. */
  readonly writes: string;
  readonly pathParams: readonly Parameter[];
  readonly queryParams: readonly Parameter[];
  readonly body: JsonSchema | undefined;
  /** The statuses the document lists for it. */
  readonly responses: readonly string[];
}

function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
      const body = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content?.['application/json']?.schema;
      ops.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        access: String(op['x-drydock-access']),
        writes: String(op['x-drydock-writes']),
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema, required: true })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: p.required === true })),
        body,
        responses: Object.keys(op.responses ?? {}),
      });
    }
  }
  return ops;
}

const isWrite = (op: Operation) => op.writes !== 'read' && op.writes !== 'exempt';

// ---------------------------------------------------------------------------------------------
// Values: pools the seeded store provides, and the nasty ones

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'isPrototypeOf'];

/** What the store holds that a request can name: filled at setup, ids added as the server hands them out. */
interface Pools {
  readonly organizations: string[];
  readonly workspaces: string[];
  readonly menus: string[];
  /** Workspaces that exist, with their organization and menus: paths that reach past the tenancy checks. */
  readonly tenants: ReadonlyArray<{ readonly org: string; readonly ws: string; readonly menus: readonly string[] }>;
  /** UUIDs seen in successful answers (executions, uploads, tokens, users the fuzz created …). */
  readonly uuids: string[];
  /** Column names of the seeded menus: keys of records and filters. */
  readonly columns: string[];
  /** Values for body properties by name (movement_name → a movement that exists …). */
  readonly byProperty: Map<string, string[]>;
  /** Ids the fuzz must not delete or disable: the principals it authenticates as, the setup token. */
  readonly protectedIds: Set<string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Picks from a pool as it is when the run is generated (pools grow as the fuzz goes). */
function fromPool(pool: readonly string[], fallback: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.nat().chain((i) => (pool.length === 0 ? fallback : fc.constant(pool[i % pool.length]!)));
}

const controlChars = fc.array(fc.integer({ min: 0, max: 0x1f }), { minLength: 1, maxLength: 6 }).map((cs) => String.fromCharCode(...cs));
const unstorableChars = fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\uffff', '\ufffe', '\u001f', '\u007f', '\u0085', '\u2028');

const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uffff',
    '\ud800',
    'a\udc00b',
    '\ud83d',
    '\u202eevil',
    '\u200b',
    'e\u0301',
    '😀',
    '日本語テキスト',
    'ｱｲｳ',
    "' OR '1'='1",
    '"; DROP TABLE users; --',
    '%',
    '%00',
    '%2e%2e%2f',
    '../../etc/passwd',
    '..',
    '\\',
    '${7*7}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    'null',
    'undefined',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '0x10',
    'true',
    '2026-13-45T25:61:61Z',
    '9999-12-31T23:59:59.999Z',
    '0000-00-00',
    '2026/02/30 25:00',
    'x'.repeat(256),
    'x'.repeat(1025),
    ...PROTOTYPE_NAMES,
  ),
  controlChars,
  fc.tuple(fc.string({ maxLength: 6 }), unstorableChars, fc.string({ maxLength: 6 })).map(([a, b, c]) => a + b + c),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ maxLength: 24 }),
  fc.constantFrom('a'.repeat(HUGE), '\u00e9'.repeat(HUGE), '界'.repeat(HUGE)),
);

/** A value of each JSON type, for "wrong type" mutations. */
const TYPED_VALUES: readonly unknown[] = [null, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, true, false, '', 'text', '0', '1', [], [1, 'a'], {}, { k: 'v' }];
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function nested(depth: number, leaf: unknown, asObjects: boolean): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asObjects ? { a: v } : [v];
  return v;
}

/** An object with these own properties, `__proto__` included (plain assignment would set the prototype). */
function ownObject(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v !== null && typeof v === 'object') return ownObject(Object.entries(v).map(([k, x]) => [k, clone(x)] as const));
  return v;
}

const keyArb = (pools: Pools): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fromPool(pools.columns, fc.constant('host')) },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
    { weight: 1, arbitrary: nastyString.filter((s) => s.length < 1000) },
  );

const anyJson = (pools: Pools): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 16 }),
      nastyString.filter((s) => s.length < 1000),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.array(fc.tuple(keyArb(pools), tie('value')), { maxLength: 4 }).map(ownObject),
    ),
  })).value;

// ---------------------------------------------------------------------------------------------
// JSON Schema → arbitrary, for the subset the document uses (and a little more)

interface SchemaContext {
  readonly root: unknown;
  readonly pools: Pools;
  /** The property (or parameter) name the value is for, to pick known values. */
  readonly hint?: string;
  readonly depth: number;
}

function resolveRef(root: unknown, ref: string): JsonSchema {
  if (!ref.startsWith('#/')) return {};
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    node = node !== null && typeof node === 'object' ? Object.getOwnPropertyDescriptor(node, key)?.value : undefined;
  }
  return (node ?? {}) as JsonSchema;
}

function regexArb(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return undefined; // a syntax fast-check does not generate from: plain strings then
  }
}

function fromSchema(schema: JsonSchema, ctx: SchemaContext): fc.Arbitrary<unknown> {
  if (schema === true || (typeof schema === 'object' && Object.keys(schema).length === 0)) return anyJson(ctx.pools);
  if (schema === false) return fc.constant(undefined);
  const s = schema as Record<string, unknown>;
  if (ctx.depth > 8) return fc.constant(null);
  const deeper = (sub: JsonSchema, hint = ctx.hint) => fromSchema(sub, { ...ctx, hint, depth: ctx.depth + 1 });
  if (typeof s.$ref === 'string') return deeper(resolveRef(ctx.root, s.$ref));
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k])) return fc.oneof(...(s[k] as JsonSchema[]).map((x) => deeper(x)));
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return deeper(s.allOf[0] as JsonSchema);
  if (Array.isArray(s.type)) return fc.oneof(...(s.type as string[]).map((type) => deeper({ ...s, type })));
  if (s.nullable === true) return fc.oneof(fc.constant(null), deeper({ ...s, nullable: false }));
  switch (s.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : -1e6;
      const max = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : 1e6;
      const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
      const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
      const edges = fc.constantFrom(lo, hi);
      const inside = s.type === 'integer' ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }) : fc.double({ min: lo, max: hi, noNaN: true });
      return fc.oneof({ weight: 4, arbitrary: inside }, { weight: 1, arbitrary: edges });
    }
    case 'string':
      return stringFromSchema(s, ctx);
    case 'array': {
      const minItems = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxItems = Math.min(typeof s.maxItems === 'number' ? s.maxItems : minItems + 4, minItems + 4);
      return fc.array(deeper((s.items ?? {}) as JsonSchema), { minLength: minItems, maxLength: maxItems });
    }
    case 'object':
    default:
      return objectFromSchema(s, ctx);
  }
}

function stringFromSchema(s: Record<string, unknown>, ctx: SchemaContext): fc.Arbitrary<unknown> {
  const known = ctx.hint === undefined ? undefined : ctx.pools.byProperty.get(ctx.hint);
  let generated: fc.Arbitrary<string>;
  if (s.format === 'uuid') generated = fc.oneof(fromPool(ctx.pools.uuids, fc.uuid()), fc.uuid());
  else if (s.format === 'email') generated = fc.emailAddress();
  else if (s.format === 'date-time') generated = fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(253402300799000) }).map((d) => d.toISOString());
  else {
    const pattern = typeof s.pattern === 'string' ? regexArb(s.pattern) : undefined;
    const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
    const maxLength = typeof s.maxLength === 'number' ? s.maxLength : minLength + 40;
    generated = pattern ?? fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 40) });
  }
  return known && known.length > 0 ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: generated }) : generated;
}

function objectFromSchema(s: Record<string, unknown>, ctx: SchemaContext): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  const deeper = (sub: JsonSchema, hint: string | undefined) => fromSchema(sub, { ...ctx, hint, depth: ctx.depth + 1 });
  const fields = Object.entries(properties).map(([name, sub]) =>
    (required.has(name) ? deeper(sub, name) : fc.option(deeper(sub, name), { nil: undefined, freq: 2 })).map((v) => [name, v] as const),
  );
  const additional = s.additionalProperties;
  const extra =
    additional === false || (additional === undefined && fields.length > 0)
      ? fc.constant([] as Array<readonly [string, unknown]>)
      : fc.array(fc.tuple(keyArb(ctx.pools), deeper((additional ?? {}) as JsonSchema, undefined)), { maxLength: 3 });
  return fc.tuple(fc.tuple(...fields), extra).map(([known, more]) => ownObject([...more, ...known.filter(([, v]) => v !== undefined)]));
}

// ---------------------------------------------------------------------------------------------
// Mutations of a generated value

const MUTATIONS = [
  'wrong-type',
  'nasty-string',
  'unknown-key',
  'prototype-key',
  'drop-key',
  'huge-string',
  'deep-arrays',
  'deep-objects',
  'extreme-number',
  'wrap-in-array',
] as const;
type MutationKind = (typeof MUTATIONS)[number];

interface Mutation {
  readonly kind: MutationKind;
  readonly at: number;
  readonly pick: number;
  readonly text: string;
  readonly key: string;
  readonly value: unknown;
}

const mutationArb = (pools: Pools): fc.Arbitrary<Mutation> =>
  fc.record({
    kind: fc.constantFrom(...MUTATIONS),
    at: fc.nat(),
    pick: fc.nat(),
    text: nastyString,
    key: keyArb(pools),
    value: anyJson(pools),
  });

interface Slot {
  readonly value: unknown;
  set(v: unknown): void;
}

function slotsOf(root: { v: unknown }): Slot[] {
  const out: Slot[] = [{ value: root.v, set: (v) => (root.v = v) }];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((x, i) => {
        out.push({ value: x, set: (v) => (value[i] = v) });
        walk(x);
      });
    } else if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const [k, x] of Object.entries(o)) {
        out.push({ value: x, set: (v) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true }) });
        walk(x);
      }
    }
  };
  walk(root.v);
  return out;
}

function mutate(value: unknown, m: Mutation): unknown {
  const root = { v: clone(value) };
  const slots = slotsOf(root);
  const slot = slots[m.at % slots.length]!;
  const objects = slots.filter((s) => s.value !== null && typeof s.value === 'object' && !Array.isArray(s.value));
  const object = objects.length > 0 ? (objects[m.at % objects.length]!.value as Record<string, unknown>) : undefined;
  const addKey = (key: string, v: unknown) => {
    if (object) Object.defineProperty(object, key, { value: v, enumerable: true, writable: true, configurable: true });
    else root.v = ownObject([[key, v]]);
  };
  switch (m.kind) {
    case 'wrong-type': {
      const others = TYPED_VALUES.filter((v) => typeOf(v) !== typeOf(slot.value));
      slot.set(clone(others[m.pick % others.length]));
      break;
    }
    case 'nasty-string':
      slot.set(m.text);
      break;
    case 'unknown-key':
      addKey(m.key, m.value);
      break;
    case 'prototype-key':
      addKey(PROTOTYPE_NAMES[m.pick % PROTOTYPE_NAMES.length]!, m.pick % 2 === 0 ? { polluted: true } : m.value);
      break;
    case 'drop-key': {
      const keys = object ? Object.keys(object) : [];
      if (object && keys.length > 0) delete object[keys[m.pick % keys.length]!];
      else slot.set(undefined);
      break;
    }
    case 'huge-string':
      slot.set(m.pick % 2 === 0 ? 'h'.repeat(HUGE) : '\u00fc'.repeat(HUGE));
      break;
    case 'deep-arrays':
      slot.set(nested(DEPTHS[m.pick % DEPTHS.length]!, slot.value ?? 1, false));
      break;
    case 'deep-objects':
      slot.set(nested(DEPTHS[m.pick % DEPTHS.length]!, slot.value ?? 1, true));
      break;
    case 'extreme-number':
      slot.set([0, -0, -1, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53, 2 ** 64, Number.MIN_VALUE, 1e-7][m.pick % 11]);
      break;
    case 'wrap-in-array':
      slot.set([slot.value]);
      break;
  }
  return root.v;
}

// ---------------------------------------------------------------------------------------------
// Requests

interface FuzzRequest {
  readonly op: Operation;
  readonly method: string;
  /** As sent: path (percent-encoded, or raw tricks) and query. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: string | Buffer | undefined;
  readonly auth: string;
  readonly remoteAddress: string;
  /** What kind of request this is, for the failure message. */
  readonly shape: string;
  /**
   * How many copies go out at once: now and then the same request races itself (two creates of one
   * name, a delete and a write), which the sequential runs never do.
   */
  readonly copies: number;
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

function describeRequest(r: FuzzRequest): string {
  const payload = r.payload === undefined ? '' : ` payload ${clip(JSON.stringify(typeof r.payload === 'string' ? r.payload : `<${r.payload.length} bytes>`))}`;
  return `${r.copies > 1 ? `${r.copies} at once: ` : ''}${r.method} ${clip(r.url, 400)} as ${r.auth} from ${r.remoteAddress} [${r.shape}] headers ${clip(JSON.stringify(r.headers), 300)}${payload}`;
}

/** Percent-encodes any string, unpaired surrogates included (as the WTF-8 bytes a client would send). */
function encodeLoose(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(s[i]!);
    }
  }
  return out;
}

/** Path segments sent as they are (ASCII): what a client can put on the wire. */
const PATH_TRICKS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2e%2F',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2F',
  'a%2Fb',
  '%5C',
  '%00',
  'a%00b',
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AE%C0%AE',
  '%FF%FE',
  ';',
  'a;b=c',
  '%3B',
  '%23',
  '%3F',
  '~',
  "'",
  '%22',
  '%20',
  '+',
  '%0A',
  '%0D%0Ax-injected:%201',
  '%1F',
  '%EF%BF%BF',
  'x'.repeat(101),
  'x'.repeat(5000),
  'y'.repeat(HUGE),
  '%C3%BCr%C3%BCn',
  '%E6%97%A5%E6%9C%AC',
  '%F0%9F%98%80',
  ...PROTOTYPE_NAMES,
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/octet-stream',
  'application/jsonx',
  'json',
  ';;;',
  '',
];

/** Malformed or odd payloads, sent as application/json. */
function rawPayloads(): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    fc.constantFrom<string | Buffer>(
      '{',
      '{"a":}',
      '[1,2',
      'nul',
      'undefined',
      "{'a':1}",
      '\ufeff{}',
      '{"a":1}garbage',
      ' ',
      '"string"',
      '123',
      '-0',
      '1e999',
      'null',
      'true',
      '[]',
      '{}',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"a":"\\ud800"}',
      '{"a":"\\u0000"}',
      '{"\\u0000":1}',
      '{"a":1e999,"b":-1e999}',
      '{"a":1,"a":2}',
      '['.repeat(500) + ']'.repeat(500),
      '['.repeat(20_000) + ']'.repeat(20_000),
      '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
      '['.repeat(100_000),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x22, 0x7d]),
      Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
      'x'.repeat(2 * 1024 * 1024),
    ),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
}

interface AuthChoice {
  readonly label: string;
  /** Replaced when `renew` runs. */
  headers: Readonly<Record<string, string>>;
  readonly weight: number;
  /** New credentials when these stopped working (a session the fuzz signed out). */
  readonly renew?: () => Promise<Record<string, string>>;
}

/** The document's routes per path template, so a swapped method never lands on another declared route. */
function methodsByTemplate(ops: readonly Operation[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const op of ops) (m.get(op.template) ?? m.set(op.template, new Set()).get(op.template)!).add(op.method);
  return m;
}

interface GenerationContext {
  readonly root: unknown;
  readonly pools: Pools;
  /** For DELETEs of the read-write block: names of the scratch tenants instead of the seeded ones. */
  readonly scratch: Pools | undefined;
  readonly auths: readonly AuthChoice[];
  readonly declaredMethods: Map<string, Set<string>>;
}

function pathValueArb(p: Parameter, pools: Pools, root: unknown): fc.Arbitrary<string> {
  const pool =
    p.name === 'organization_id'
      ? pools.organizations
      : p.name === 'workspace_id'
        ? pools.workspaces
        : p.name === 'menu'
          ? pools.menus
          : typeof p.schema === 'object' && p.schema.format === 'uuid'
            ? pools.uuids
            : undefined;
  const schemaValue = fromSchema(p.schema, { root, pools, hint: p.name, depth: 0 }).map((v) => encodeLoose(String(v)));
  return fc.oneof(
    ...(pool ? [{ weight: 8, arbitrary: fromPool(pool, fc.uuid()).map(encodeLoose) }] : []),
    { weight: 3, arbitrary: schemaValue },
    { weight: 1, arbitrary: fc.constantFrom(...PATH_TRICKS) },
    { weight: 1, arbitrary: nastyString.filter((s) => s.length > 0 && s.length < 1000).map(encodeLoose) },
  );
}

function queryArb(op: Operation, ctx: GenerationContext): fc.Arbitrary<string> {
  const value = (p: Parameter) =>
    fc.oneof(
      { weight: 3, arbitrary: fromSchema(p.schema, { root: ctx.root, pools: ctx.pools, hint: p.name, depth: 0 }).map((v) => String(v)) },
      { weight: 1, arbitrary: fc.constantFrom('', 'abc', '-1', '0', '1.5', '1e400', '99999999999999999999', 'null', '[]') },
      { weight: 1, arbitrary: nastyString },
    );
  const declared = op.queryParams.map((p) =>
    fc.option(
      fc.array(value(p), { minLength: 1, maxLength: 2 }).map((vs) => vs.map((v) => `${encodeLoose(p.name)}=${encodeLoose(v)}`).join('&')),
      { nil: undefined, freq: 2 },
    ),
  );
  const unknown = fc.array(
    fc.tuple(fc.oneof(keyArb(ctx.pools), fc.constantFrom('_method', 'limit', 'offset')), fc.oneof(fc.string({ maxLength: 8 }), nastyString)),
    { maxLength: 2 },
  );
  // Raw query tricks: thousands of repeated keys, bracket syntax, broken percent-encoding, bare keys.
  const raw = fc.constantFrom(
    'x=1&'.repeat(5000),
    'limit=1&'.repeat(2000),
    'a[b][c]=1&a[]=2',
    'limit=%zz&offset=%ED%A0%80',
    'limit&offset',
    '&&&=&=',
    `limit=${'9'.repeat(1000)}`,
  );
  return fc
    .tuple(
      fc.tuple(...declared),
      fc.oneof({ weight: 8, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: unknown }),
      fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: raw }),
    )
    .map(([known, extra, trick]) => {
      const parts = [...known.filter((x): x is string => x !== undefined), ...extra.map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(v)}`)];
      if (trick !== undefined) parts.push(trick);
      return parts.length > 0 ? `?${parts.join('&')}` : '';
    });
}

interface Payload {
  readonly payload: string | Buffer | undefined;
  readonly shape: string;
}

/** JSON text; a lone surrogate is written as its \u escape (JSON.stringify does), as a client would. */
const json = (v: unknown): string => JSON.stringify(v) ?? 'null';

function payloadArb(op: Operation, ctx: GenerationContext): fc.Arbitrary<Payload> {
  const none = fc.constant<Payload>({ payload: undefined, shape: 'no body' });
  const raw = rawPayloads().map((p): Payload => ({ payload: p, shape: 'raw payload' }));
  if (!op.body) {
    return fc.oneof(
      { weight: 8, arbitrary: none },
      { weight: 1, arbitrary: anyJson(ctx.pools).map((v): Payload => ({ payload: json(v), shape: 'unexpected body' })) },
      { weight: 1, arbitrary: raw },
    );
  }
  const valid = fromSchema(op.body, { root: ctx.root, pools: ctx.pools, depth: 0 });
  return fc.oneof(
    { weight: 5, arbitrary: valid.map((v): Payload => ({ payload: json(v), shape: 'from schema' })) },
    { weight: 4, arbitrary: fc.tuple(valid, mutationArb(ctx.pools)).map(([v, m]): Payload => ({ payload: json(mutate(v, m)), shape: `mutated: ${m.kind}` })) },
    { weight: 1, arbitrary: raw },
    { weight: 1, arbitrary: none },
  );
}

const headerText = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);

function requestArb(op: Operation, ctx: GenerationContext, deleteAtScratch: boolean): fc.Arbitrary<FuzzRequest> {
  const pools = deleteAtScratch && op.method === 'DELETE' && ctx.scratch ? ctx.scratch : ctx.pools;
  const names = op.pathParams.map((p) => p.name);
  // Two times in three the tenancy parameters name a workspace that exists, with one of its menus
  // (independent picks rarely agree); otherwise each parameter is generated on its own.
  const tenant = fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined, freq: 3 });
  const params = fc.tuple(fc.tuple(...op.pathParams.map((p) => pathValueArb(p, pools, ctx.root))), tenant).map(([values, pick]) => {
    if (pick === undefined || !names.includes('organization_id') || pools.tenants.length === 0) return values;
    const t = pools.tenants[pick[0] % pools.tenants.length]!;
    const menus = [...t.menus, ...pools.menus.filter((m) => !t.menus.includes(m))];
    return values.map((v, i) =>
      names[i] === 'organization_id'
        ? t.org
        : names[i] === 'workspace_id'
          ? t.ws
          : names[i] === 'menu'
            ? menus[pick[1] % Math.min(menus.length, t.menus.length + 5)]!
            : v,
    );
  });
  const declared = ctx.declaredMethods.get(op.template) ?? new Set<string>();
  const otherMethods = ['HEAD', 'OPTIONS', ...METHODS.filter((m) => !declared.has(m))];
  const method = fc.oneof({ weight: 30, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom(...otherMethods) });
  const auth = fc.oneof(...ctx.auths.map((a) => ({ weight: a.weight, arbitrary: fc.constant(a) }))).map((a) => ({ label: a.label, headers: { ...a.headers } }));
  const contentType = fc.oneof({ weight: 12, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) });
  const extraHeaders = fc.oneof(
    { weight: 6, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.record({ 'accept-language': headerText }) },
    { weight: 1, arbitrary: fc.record({ language: headerText }) },
    { weight: 1, arbitrary: fc.record({ 'x-csrf-token': headerText }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Record<string, string>>(
        { 'x-http-method-override': 'DELETE' },
        { 'content-encoding': 'gzip' },
        { 'content-encoding': 'br, identity' },
      ),
    },
  );
  const address = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `10.${a}.${b}.7`);
  return fc
    .record({
      params,
      query: queryArb(op, ctx),
      method,
      body: payloadArb(op, ctx),
      auth,
      contentType,
      extraHeaders,
      address,
      emptyJsonType: fc.boolean(),
      copies: fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(4) }),
    })
    .map((g) => {
      let i = 0;
      const path = op.template.replace(/\{[^}]+\}/g, () => g.params[i++]!);
      const headers: Record<string, string> = { ...g.auth.headers, ...g.extraHeaders };
      if (g.body.payload !== undefined) {
        if (g.contentType !== '') headers['content-type'] = g.contentType;
      } else if (g.emptyJsonType) {
        headers['content-type'] = 'application/json'; // what real clients send with a GET
      }
      const request: FuzzRequest = {
        op,
        method: g.method,
        url: path + g.query,
        headers,
        payload: g.body.payload,
        auth: g.auth.label,
        remoteAddress: g.address,
        shape: g.body.shape,
        copies: g.copies,
      };
      // fast-check prints counterexamples with this: a readable line, not 100k characters.
      return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
    });
}

// ---------------------------------------------------------------------------------------------
// Sending, with a deadline

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly text: string;
  readonly ms: number;
}

function withDeadline<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (a hang): ${what()}`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

const isEventStream = (headers: Answer['headers']) => String(headers['content-type'] ?? '').startsWith('text/event-stream');

/**
 * Reads a body to its end; an event stream only to its first event (or a second), since it never
 * ends: then `close` disconnects, as a client going away does.
 */
function readBody(stream: NodeJS.ReadableStream, eventStream: boolean, close: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (eventStream) close();
      resolve(text);
    };
    const timer = setTimeout(finish, eventStream ? 1000 : ANSWER_WITHIN_MS * 2);
    stream.on('data', (chunk: Buffer | string) => {
      text += chunk.toString();
      if (eventStream && /^data: .*\n\n/m.test(text)) finish();
    });
    stream.on('end', finish);
    stream.on('error', (err: Error) => (eventStream && done ? undefined : reject(err)));
  });
}

interface Target {
  readonly t: TestApp;
  /** http://127.0.0.1:port, for requests `inject` would rewrite. */
  readonly base: string;
}

/** What WHATWG URL parsing (inject's) would change: dot segments, raw non-ASCII … — those go over a socket, byte for byte. */
function rewrittenByUrlParsing(url: string): boolean {
  try {
    const u = new URL(url, 'http://localhost');
    return u.pathname + u.search !== url;
  } catch {
    return true;
  }
}

async function injected(target: Target, r: FuzzRequest): Promise<Omit<Answer, 'ms'>> {
  const res = await target.t.app.inject({
    method: r.method as 'GET',
    url: r.url,
    headers: r.headers,
    ...(r.payload !== undefined && { payload: r.payload }),
    remoteAddress: r.remoteAddress,
    payloadAsStream: true,
  });
  const eventStream = isEventStream(res.headers);
  const text = await readBody(res.stream(), eventStream, () => {
    // The client goes away: the response closes, and so does the request (as a socket's would).
    const raw = (res.raw as unknown as { res: http.ServerResponse & { req: http.IncomingMessage } }).res;
    raw.destroy();
    raw.req.emit('close');
  });
  return { status: res.statusCode, headers: res.headers, text };
}

function overSocket(target: Target, r: FuzzRequest): Promise<Omit<Answer, 'ms'>> {
  return new Promise((resolve, reject) => {
    const headers = { ...r.headers, ...(r.payload !== undefined && { 'content-length': String(Buffer.byteLength(r.payload)) }) };
    const req = http.request(
      `${target.base}/`,
      // A connection of its own: an answer may close it (a refused request line does).
      { method: r.method, path: r.url, headers, agent: false },
      (res) => {
        readBody(res, isEventStream(res.headers), () => req.destroy())
          .then((text) => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
          .catch(reject);
      },
    );
    req.on('error', reject);
    req.end(r.payload);
  });
}

async function send(target: Target, r: FuzzRequest): Promise<Answer> {
  const started = performance.now();
  const over = rewrittenByUrlParsing(r.url) ? overSocket(target, r) : injected(target, r);
  const answer = await withDeadline(over, ANSWER_WITHIN_MS, () => describeRequest(r));
  return { ...answer, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------
// What every answer must be

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const LEAKS: ReadonlyArray<readonly [string, RegExp]> = [
  ['a stack trace', /\n\s+at /],
  ['a Node.js internal frame', /node:internal/],
  ['a source line reference', /\.(?:ts|js|mjs|cjs):\d+/],
  ['a file path of this machine', new RegExp([process.cwd(), os.tmpdir() + '/', '/work/', '/tmp/', 'node_modules'].map(escapeRegExp).join('|'))],
];

/** Every string of a JSON value, keys included. */
function stringsOf(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 50) return out;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out, depth + 1);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      stringsOf(x, out, depth + 1);
    }
  }
  return out;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The texts a request carried: an answer may echo them (a name in a 404) without leaking anything. */
function requestTexts(r: FuzzRequest): string[] {
  const payload = r.payload === undefined ? '' : r.payload.toString();
  const parsed = tryJson(payload);
  return [
    r.url,
    safeDecode(r.url),
    ...r.url.split(/[/?&=]/).map(safeDecode),
    payload,
    ...(parsed.ok ? stringsOf(parsed.value) : []),
    ...Object.values(r.headers),
  ];
}

function isApiJson(r: FuzzRequest, a: Answer): boolean {
  const path = r.url.split('?')[0]!;
  if (!path.startsWith('/api/') || path === '/api/openapi.json' || path.startsWith('/api/docs')) return false;
  if (r.method === 'HEAD' || a.text === '') return false;
  if (String(a.headers['content-disposition'] ?? '').startsWith('attachment')) return false; // a download: the file itself
  return String(a.headers['content-type'] ?? '').startsWith('application/json');
}

/** The properties; throws an AssertionError saying which one failed. */
function checkAnswer(r: FuzzRequest, a: Answer, readOnly: boolean): void {
  const what = () => `${describeRequest(r)}\n  → ${a.status} ${clip(a.text, 600)}`;
  const parsed = tryJson(a.text);
  assert.ok(a.status < 500, `a ${a.status} answer: ${what()}`);
  if (a.status === 498) {
    // Read-only mode refusing a write the document says it refuses: a 498-xxxxx result, Retry-After.
    const result = parsed.ok ? (parsed.value as { result?: unknown } | null)?.result : undefined;
    const refusal =
      readOnly &&
      r.method === r.op.method &&
      r.op.responses.includes('498') &&
      typeof result === 'string' &&
      /^498-\d{5}$/.test(result) &&
      a.headers['retry-after'] !== undefined;
    assert.ok(refusal, `a 498 answer that is not a documented refusal: ${what()}`);
  }
  const texts = [a.text, ...(parsed.ok ? stringsOf(parsed.value) : [])];
  const sent = requestTexts(r);
  for (const [name, pattern] of LEAKS) {
    for (const text of texts) {
      const m = pattern.exec(text);
      if (m && !sent.some((s) => s.includes(m[0]))) assert.fail(`the answer holds ${name} (${JSON.stringify(m[0])}): ${what()}`);
    }
  }
  if (isApiJson(r, a)) {
    assert.ok(parsed.ok, `not JSON though it says so: ${what()}`);
    const body = parsed.value;
    assert.ok(body !== null && typeof body === 'object' && !Array.isArray(body), `not the envelope: ${what()}`);
    assert.deepEqual(Object.keys(body).sort(), ['data', 'message', 'result', 'ts'], `not the envelope: ${what()}`);
  }
  if (readOnly && isWrite(r.op) && r.method === r.op.method) {
    assert.ok(a.status < 200 || a.status >= 300, `a declared write (${r.op.writes}) succeeded in read-only mode: ${what()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The harness of one backend

type Block = 'rw' | 'ro';

interface Stats {
  /** Block → operation key → status → count. */
  readonly byOp: Record<Block, Map<string, Map<number, number>>>;
  requests: number;
  modeRestores: number;
  renewals: number;
  /** Operations (by key) that answered 2xx at least once, per block. */
  readonly succeeded: Record<Block, Set<string>>;
}

interface Harness extends Target {
  readonly ops: readonly Operation[];
  readonly ctx: GenerationContext;
  readonly stats: Stats;
}

function ok(r: CallResult, what: string): CallResult {
  if (r.status !== 200) throw new Error(`fuzz setup: ${what} failed: ${r.status} ${r.text}`);
  return r;
}

const SCRATCH = { org: 'org3', ws: 'ws3', manager: basic('manager3', 'manager3-password') } as const;

/** A third organization with a workspace and a menu, for the read-write block's DELETEs. */
async function seedScratch(t: TestApp): Promise<void> {
  ok(
    await t.admin({
      method: 'POST',
      url: '/api/platform/organizations',
      body: {
        id: SCRATCH.org,
        name: 'scratch',
        organization_managers: [{ username: 'manager3', credentials: [{ type: 'password', value: 'manager3-password', temporary: false }] }],
        plan: { id: 'plan-1' },
      },
    }),
    'org3',
  );
  ok(
    await t.call({
      method: 'POST',
      url: `/api/${SCRATCH.org}/platform/workspaces`,
      auth: SCRATCH.manager,
      body: { id: SCRATCH.ws, name: 'scratch', informations: { description: '', environments: [], workspace_administrators: [] } },
    }),
    'ws3',
  );
  ok(
    await t.call({
      method: 'POST',
      url: `/api/${SCRATCH.org}/workspaces/${SCRATCH.ws}/ita/menu/`,
      auth: SCRATCH.manager,
      body: { menu: SEED.menu, title: 'Servers', columns: [{ name: 'host', type: 'string', required: true, unique: true }] },
    }),
    'scratch menu',
  );
}

function harvest(pools: Pools, value: unknown): void {
  for (const s of stringsOf(value)) {
    if (UUID.test(s) && !pools.protectedIds.has(s) && !pools.uuids.includes(s)) {
      pools.uuids.push(s);
      if (pools.uuids.length > 64) pools.uuids.shift();
    }
  }
}

async function startHarness(backend: BackendName): Promise<Harness> {
  // The sign-in throttle is raised: wrong credentials are fuzzed from many addresses, and a 429
  // (a fine answer) for the administrator would hide every route from the rest of the runs.
  const t = await startTestApp(backend, { loginFailuresBeforeDelay: 1_000_000, loginMaxFailuresPerAddress: 1_000_000 });
  // PATCH /api/ita/loglevel-settings/ is fuzzed like any operation, and the stored levels apply to
  // this process's logger (later, from the change feed): the test's log stays as DRYDOCK_TEST_LOG says.
  if (process.env.DRYDOCK_TEST_LOG === undefined) {
    Object.defineProperty(t.deps.logger, 'level', { configurable: true, get: () => 'silent', set: () => {} });
  }
  try {
    await seedTenants(t);
    await seedScratch(t);
    await seedDriverJobs(t);
    await seedMenuJobs(t);
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });

    const token = ok(
      await t.call({ method: 'POST', url: '/api/auth/tokens', auth: basic(`${SEED.org1}/manager1`, 'manager1-password'), body: { name: 'fuzz' } }),
      'token',
    ).body.data as { id: string; token: string };
    const signIn = async (withCsrf: boolean): Promise<Record<string, string>> => {
      const login = ok(
        await t.call({ method: 'POST', url: '/api/auth/login', body: { organization_id: SEED.org1, username: 'member1', password: 'member1-password' } }),
        'sign-in',
      );
      const cookie = String(login.headers['set-cookie'] ?? '');
      const session = /drydock_session=([^;]+)/.exec(cookie)?.[1];
      assert.ok(session, `sign-in set no session cookie: ${cookie}`);
      return authHeaders(withCsrf ? { session, csrf: String(login.body.data.csrf_token) } : { session });
    };

    const protectedIds = new Set<string>([token.id]);
    for (const org of [SEED.org1, SEED.org2, SCRATCH.org]) {
      for (const u of ok(await t.admin({ url: `/api/${org}/platform/users` }), `users of ${org}`).body.data as unknown[]) {
        for (const s of stringsOf(u)) if (UUID.test(s)) protectedIds.add(s);
      }
    }
    for (const s of stringsOf(ok(await t.admin({ url: '/api/auth/whoami' }), 'whoami').body.data)) if (UUID.test(s)) protectedIds.add(s);

    const workspaces = [SEED.ws1, SEED.ws2, DRIVER_JOBS.ws, MENU_JOBS.ws];
    const menus = new Set<string>(Object.keys(DRIVER_MENUS));
    const columns = new Set<string>();
    const tenants: Array<{ org: string; ws: string; menus: string[] }> = [];
    const menusOf = async (org: string, ws: string) => {
      const listed = ok(await t.admin({ url: `/api/${org}/workspaces/${ws}/ita/menu/` }), `menus of ${ws}`).body.data as Array<{
        menu: string;
        columns: Array<{ name: string }>;
      }>;
      for (const m of listed) for (const c of m.columns) columns.add(c.name);
      return listed.map((m) => m.menu);
    };
    for (const [org, ws] of [
      [SEED.org1, SEED.ws1],
      [SEED.org1, DRIVER_JOBS.ws],
      [SEED.org1, MENU_JOBS.ws],
      [SEED.org2, SEED.ws2],
    ] as const) {
      const own = await menusOf(org, ws);
      for (const m of own) menus.add(m);
      tenants.push({ org, ws, menus: [...own, ...(ws === DRIVER_JOBS.ws ? Object.keys(DRIVER_MENUS) : [])] });
    }
    const scratchTenants = [{ org: SCRATCH.org, ws: SCRATCH.ws, menus: await menusOf(SCRATCH.org, SCRATCH.ws) }];
    const exportJson = Buffer.from(JSON.stringify(sampleExport('fuzz_imported'))).toString('base64');
    const pools: Pools = {
      organizations: [SEED.org1, SEED.org2],
      workspaces,
      menus: [...menus].sort(),
      tenants,
      uuids: [
        DRIVER_JOBS.scheduledExecution,
        DRIVER_JOBS.waitingExecution,
        DRIVER_JOBS.scheduledConductor,
        DRIVER_JOBS.pausedConductor,
        DRIVER_JOBS.waitingConductor,
        MENU_JOBS.menuUpload,
        MENU_JOBS.excelUpload,
        MENU_JOBS.menuExport,
        MENU_JOBS.excelExport,
      ],
      columns: [...columns].sort(),
      byProperty: new Map([
        ['movement_name', [DRIVER_JOBS.movement]],
        ['operation_name', [DRIVER_JOBS.operation]],
        ['conductor_class_name', [DRIVER_JOBS.conductorClass]],
        ['organization_id', [SEED.org1, SEED.org2]],
        // Not `admin`: an organization user of that name takes the administrator's Basic
        // sign-in on that organization's paths (by design), and the checks afterwards use it.
        ['username', ['manager1', 'member1', 'manager2']],
        ['menu', ['servers', 'movement_list', 'operation_list']],
        ['upload_id', [MENU_JOBS.menuUpload, MENU_JOBS.excelUpload]],
        [
          'content_base64',
          [
            exportJson,
            MENU_JOBS.workbookBase64,
            corrupt(MENU_JOBS.workbookBase64, 1),
            corrupt(MENU_JOBS.workbookBase64, 2),
            truncated(MENU_JOBS.workbookBase64),
            corrupt(exportJson, 1),
            Buffer.from('['.repeat(20_000) + ']'.repeat(20_000)).toString('base64'),
            Buffer.from(JSON.stringify(sampleExport('fuzz_deep')).replace('"k"', '['.repeat(5000) + ']'.repeat(5000))).toString('base64'),
          ],
        ],
      ]),
      protectedIds,
    };
    const scratch: Pools = {
      ...pools,
      organizations: [SCRATCH.org],
      workspaces: [SCRATCH.ws],
      menus: [SEED.menu],
      tenants: scratchTenants,
      byProperty: new Map([...pools.byProperty, ['organization_id', [SCRATCH.org]]]),
    };

    const wrong = (user: string, password: string) => authHeaders(basic(user, password));
    const auths: AuthChoice[] = [
      { label: 'nobody', headers: {}, weight: 10 },
      { label: 'the administrator', headers: authHeaders(adminAuth), weight: 20 },
      { label: 'manager1 (Basic)', headers: authHeaders(SEED.manager1), weight: 12 },
      { label: 'org1/manager1 (Basic)', headers: authHeaders(basic(`${SEED.org1}/manager1`, 'manager1-password')), weight: 6 },
      { label: 'member1 (Basic)', headers: authHeaders(SEED.member1), weight: 10 },
      { label: 'manager2 (Basic)', headers: authHeaders(SEED.manager2), weight: 4 },
      { label: 'manager1 (token)', headers: authHeaders({ bearer: token.token }), weight: 8 },
      // The fuzz signs these out (POST /api/auth/logout is an operation): they sign in again then.
      { label: 'member1 (session)', headers: await signIn(true), weight: 8, renew: () => signIn(true) },
      { label: 'member1 (session, no CSRF)', headers: await signIn(false), weight: 3, renew: () => signIn(false) },
      { label: 'an unknown user', headers: wrong('nobody-here', 'whatever-1'), weight: 2 },
      { label: 'a prototype name as user', headers: wrong('constructor', 'x'), weight: 2 },
      { label: 'org/__proto__', headers: wrong(`${SEED.org1}/__proto__`, 'x'), weight: 2 },
      // A wrong password of a real account costs a full scrypt: rare.
      { label: 'the administrator, wrong password', headers: wrong('admin', 'not-the-password'), weight: 1 },
      { label: 'a NUL in the user', headers: wrong('adm\u0000in', 'x'), weight: 2 },
      { label: 'an unknown token', headers: authHeaders({ bearer: `${token.token.slice(0, 8)}nonsense` }), weight: 2 },
      { label: 'a garbage session', headers: authHeaders({ session: 'garbage', csrf: 'x' }), weight: 2 },
      { label: 'malformed Basic', headers: { authorization: 'Basic !!!not-base64' }, weight: 2 },
      { label: 'Basic without a colon', headers: { authorization: `Basic ${Buffer.from('admin').toString('base64')}` }, weight: 2 },
      { label: 'an unknown scheme', headers: { authorization: 'Negotiate abc' }, weight: 2 },
      { label: 'an empty Bearer', headers: { authorization: 'Bearer ' }, weight: 2 },
    ];

    const doc = ok(await t.call({ url: '/api/openapi.json' }), 'the OpenAPI document').body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const ops = operationsOf(doc);
    assert.ok(ops.length > 50, `the document lists ${ops.length} operations`);
    const stats: Stats = {
      byOp: { rw: new Map(), ro: new Map() },
      requests: 0,
      modeRestores: 0,
      renewals: 0,
      succeeded: { rw: new Set(), ro: new Set() },
    };
    return { t, base, ops, stats, ctx: { root: doc, pools, scratch, auths, declaredMethods: methodsByTemplate(ops) } };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** A base64 file with a few bytes flipped (deterministically), for the importers' decoders. */
function corrupt(b64: string, variant: number): string {
  const bytes = Buffer.from(b64, 'base64');
  for (let i = 0; i < 8; i++) {
    const at = (i * 7919 * variant + 31) % bytes.length;
    bytes[at] = bytes[at]! ^ 0x5a;
  }
  return bytes.toString('base64');
}

function truncated(b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  return bytes.subarray(0, Math.floor(bytes.length / 2)).toString('base64');
}

/** Keeps the block's mode (a request may flip it: the setting is an operation) and the sessions signed in. */
async function afterEach(h: Harness, block: Block, r: FuzzRequest, a: Answer): Promise<void> {
  const choice = h.ctx.auths.find((c) => c.label === r.auth);
  if (a.status === 401 && choice?.renew) {
    h.stats.renewals++;
    choice.headers = await choice.renew();
  }
  const readOnly = h.t.deps.maintenance.state.data_update_stop;
  if (readOnly !== (block === 'ro')) {
    h.stats.modeRestores++;
    await setMaintenance(h.t, { data_update_stop: block === 'ro' ? '1' : '0' });
  }
}

interface Failure {
  readonly label: string;
  readonly message: string;
}

/** Runs every operation's property in one block; returns the failures (all of them, not just the first). */
async function fuzzBlock(h: Harness, block: Block, tc: TestContext): Promise<Failure[]> {
  const failures: Failure[] = [];
  const started = performance.now();
  for (const op of h.ops) {
    const label = `${block} ${op.key}`;
    if (ONLY !== undefined && ONLY !== label) continue;
    const counts = h.stats.byOp[block].get(op.key) ?? new Map<number, number>();
    h.stats.byOp[block].set(op.key, counts);
    const property = fc.asyncProperty(requestArb(op, h.ctx, block === 'rw'), async (r) => {
      const answers = await Promise.all(Array.from({ length: r.copies }, () => send(h, r)));
      try {
        for (const a of answers) checkAnswer(r, a, block === 'ro');
      } finally {
        for (const a of answers) {
          h.stats.requests++;
          counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
          if (a.status >= 200 && a.status < 300) {
            h.stats.succeeded[block].add(op.key);
            const parsed = tryJson(a.text);
            if (parsed.ok) harvest(h.ctx.pools, parsed.value);
          }
          await afterEach(h, block, r, a);
        }
      }
    });
    const seed = seedOf(label);
    const details = await fc.check(property, {
      seed,
      numRuns: RUNS,
      // The server is stateful and a hang costs 5 s a step: no shrinking unless asked for.
      endOnFailure: process.env.DRYDOCK_FUZZ_SHRINK !== '1',
      ...(REPLAY_PATH !== undefined && ONLY !== undefined && { path: REPLAY_PATH }),
    });
    if (details.failed) {
      const replay = `DRYDOCK_FUZZ_SEED=${BASE_SEED} DRYDOCK_FUZZ_ONLY='${label}' DRYDOCK_FUZZ_PATH='${details.counterexamplePath ?? ''}'`;
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      const message = [
        `${label}: seed ${details.seed} (base seed ${BASE_SEED}), path ${details.counterexamplePath}`,
        `  replay: ${replay} npx tsx test/run.ts test/fuzz-api.test.ts --test-name-pattern='${block === 'rw' ? 'read-write' : 'read-only'}: every'`,
        `  ${clip(error, 3000)}`,
        `  ${clip(fc.defaultReportMessage(details) ?? '', 1500)}`,
      ].join('\n');
      failures.push({ label, message });
    }
  }
  tc.diagnostic(`${block}: ${h.ops.length} operations × ${RUNS} runs in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${BASE_SEED}`);
  return failures;
}

function summary(h: Harness, backend: BackendName): string[] {
  const fmt = (m: Map<number, number> | undefined) =>
    m === undefined
      ? '-'
      : [...m.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}×${n}`)
          .join(' ');
  const total = (m: Map<number, number> | undefined) => [...(m?.values() ?? [])].reduce((a, b) => a + b, 0);
  const width = Math.max(...h.ops.map((o) => o.key.length));
  return [
    `fuzz ${backend}: seed ${BASE_SEED}, ${RUNS} runs per operation and block, ${h.stats.requests} requests, ${h.stats.modeRestores} mode restores, ${h.stats.renewals} sessions renewed`,
    ...h.ops.map((o) => {
      const rw = h.stats.byOp.rw.get(o.key);
      const ro = h.stats.byOp.ro.get(o.key);
      return `  ${o.key.padEnd(width)}  ${String(total(rw) + total(ro)).padStart(3)}  rw ${fmt(rw)} | ro ${fmt(ro)}`;
    }),
  ];
}

/**
 * Tables read-only mode lets change: sign-in and tokens, and the setting itself. Other exempt
 * operations write by design; a table of theirs may change only if one of them succeeded.
 */
const BOOKKEEPING_TABLES = ['sessions', 'access_tokens', 'maintenance_settings', 'maintenance_audit'];
const EXEMPT_WRITERS: ReadonlyArray<{ readonly ops: RegExp; readonly tables: RegExp; readonly why: string }> = [
  { ops: /^\w+ \/(api\/(auth\/|platform\/maintenance-mode-setting$)|auth\/realms\/)/, tables: /^$/, why: 'sign-in, tokens, the setting: bookkeeping' },
  { ops: /^\w+ \/api\/platform\/fleet/, tables: /^fleet_/, why: 'fleet upgrades run while the platform is read-only' },
  { ops: /\/scram\/$/, tables: /^backyard_jobs$/, why: 'an emergency stop works in every mode' },
];

/** SQLite keeps AUTOINCREMENT counters as rows of sqlite_sequence: the bookkeeping tables' counters are bookkeeping too. */
function withoutSequencesOf(dump: StoreDump, tables: readonly string[]): StoreDump {
  const rows = dump.rows.sqlite_sequence;
  if (!rows) return dump;
  const kept = rows.filter((r) => !tables.includes(String((JSON.parse(r) as { name?: unknown }).name)));
  return { ...dump, rows: { ...dump.rows, sqlite_sequence: kept } };
}

// ---------------------------------------------------------------------------------------------

for (const backend of BACKENDS) {
  describe(`fuzz the API (${backend})`, () => {
    let h: Harness;

    before(async () => {
      h = await startHarness(backend);
    });
    after(async () => {
      if (!h) return;
      if (h.stats.requests > 0) for (const line of summary(h, backend)) console.log(line);
      await h.t.close();
    });

    it('every operation of the OpenAPI document has a row here for its exemption, if it has one', () => {
      const exempt = h.ops.filter((o) => o.writes === 'exempt').map((o) => o.key);
      const unexplained = exempt.filter((k) => !EXEMPT_WRITERS.some((w) => w.ops.test(k)));
      assert.deepEqual(unexplained, [], 'an exempt operation writes which tables in read-only mode? add it to EXEMPT_WRITERS');
    });

    // What the fuzz found, as fixed requests: each was a 500, a bare Fastify answer or a leak.
    it('regressions: deep bodies, broken percent-encoding, long segments, long request lines, the health answer', async () => {
      const t = h.t;
      const refused = (r: CallResult, status: number, result: string, message: RegExp, what: string) => {
        assert.equal(r.status, status, `${what}: ${r.text}`);
        assert.deepEqual(Object.keys(r.body ?? {}).sort(), ['data', 'message', 'result', 'ts'], `${what}: the envelope`);
        assert.equal(r.body.result, result, what);
        assert.match(r.body.message, message, what);
      };
      // 5,000 nested arrays overflowed the stack of the storable-text check (a 500): now a 400 at parsing.
      const deep = (n: number, open: string, leaf: string, close: string) => open.repeat(n) + leaf + close.repeat(n);
      for (const [url, method, payload] of [
        ['/api/auth/login', 'POST', deep(5000, '[', '', ']')],
        ['/api/platform/fleet', 'PUT', deep(20_000, '{"a":', '1', '}')],
        [`/api/${SEED.org1}/workspaces/${SEED.ws1}/ita/menu/${SEED.menu}/filter/`, 'POST', `{"host":${deep(MAX_JSON_DEPTH, '[', '', ']')}}`],
      ] as const) {
        const r = await t.call({ method, url, auth: adminAuth, payload, headers: { 'content-type': 'application/json' } });
        refused(r, 400, '400-00001', new RegExp(`more than ${MAX_JSON_DEPTH} levels deep`), `${method} ${url}`);
      }
      // As deep as allowed is parsed and validated as usual.
      const atLimit = await t.call({
        method: 'PUT',
        url: '/api/platform/fleet',
        auth: adminAuth,
        payload: `{"x":${deep(MAX_JSON_DEPTH - 1, '[', '', ']')}}`,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(atLimit.status, 400, atLimit.text);
      assert.doesNotMatch(atLimit.body.message, /levels deep/);
      // The router's own refusals were Fastify's bare JSON echoing the path; now the envelope.
      for (const url of [`/api/${SEED.org1}/platform/workspaces/a%zz`, `/api/%ED%A0%80/platform/workspaces`, `/api/${SEED.org1}/platform/users/%`]) {
        refused(await t.call({ url, auth: adminAuth }), 400, '400-00001', /percent-encoded/, url);
      }
      refused(
        await t.call({ method: 'PUT', url: `/api/${SEED.org1}/platform/workspaces/${'w'.repeat(101)}`, auth: adminAuth, body: { name: 'x' } }),
        414,
        '414-00001',
        /longer than 100 characters/,
        'a 101-character segment',
      );
      // Node's HTTP parser refuses a request line over its limit before Fastify sees it: the envelope too.
      const long = await overSocket(h, {
        op: h.ops[0]!,
        method: 'GET',
        url: `/api/${'y'.repeat(20_000)}/platform/workspaces`,
        headers: {},
        payload: undefined,
        auth: 'nobody',
        remoteAddress: '127.0.0.1',
        shape: 'regression',
        copies: 1,
      });
      assert.equal(long.status, 431, long.text);
      assert.deepEqual(Object.keys(JSON.parse(long.text)).sort(), ['data', 'message', 'result', 'ts'], long.text);
      // Concurrent creates of one name passed their "already exists?" checks together and the
      // store's unique constraint refused all but one insert: 500s (PostgreSQL). Now 409s.
      const wsBody = { id: 'wsrace', name: 'race', informations: { description: '', environments: [], workspace_administrators: [] } };
      const menuBody = { menu: 'racemenu', title: 'race', columns: [{ name: 'a', type: 'string' }] };
      for (const [url, body] of [
        [`/api/${SEED.org1}/platform/workspaces`, wsBody],
        [`/api/${SEED.org1}/workspaces/${SEED.ws1}/ita/menu/`, menuBody],
      ] as const) {
        const answers = await Promise.all(Array.from({ length: 6 }, () => t.call({ method: 'POST', url, auth: SEED.manager1, body })));
        assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409, 409, 409, 409, 409], `${url}: ${answers.map((r) => r.text).join('\n')}`);
        for (const r of answers.filter((x) => x.status === 409)) assert.equal(r.body.result, '409-00001', r.text);
      }
      // A menu created in a workspace being deleted passed the workspace check before the delete
      // committed, and the foreign key refused its insert: 500s (both stores). Now 404 or 409.
      ok(await t.call({ method: 'POST', url: `/api/${SEED.org1}/platform/workspaces`, auth: SEED.manager1, body: { ...wsBody, id: 'wsgone' } }), 'wsgone');
      const mixed = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2 === 1
            ? t.call({ method: 'DELETE', url: `/api/${SEED.org1}/platform/workspaces/wsgone`, auth: SEED.manager1 })
            : t.call({ method: 'POST', url: `/api/${SEED.org1}/workspaces/wsgone/ita/menu/`, auth: SEED.manager1, body: { ...menuBody, menu: `m${i}` } }),
        ),
      );
      for (const r of mixed) assert.ok([200, 404, 409].includes(r.status), `a delete racing creates in the workspace: ${r.status} ${r.text}`);
      // The public health answer named the SQLite file's path; now the store's kind only.
      const health = await t.call({ url: '/api/healthz' });
      assert.equal(health.status, 200, health.text);
      assert.equal(health.body.data.store, backend);
      assert.doesNotMatch(health.text, /\/tmp\/|\/work\/|\.sqlite/);
    });

    it('read-write: every answer < 500, within 5 s, no stack or path, the envelope', async (tc) => {
      await setMaintenance(h.t, { data_update_stop: '0' });
      const failures = await fuzzBlock(h, 'rw', tc);
      assert.deepEqual(
        failures.map((f) => f.label),
        [],
        failures.map((f) => f.message).join('\n\n'),
      );
    });

    it('read-write: everything the fuzz wrote reads back, and the counts agree', async () => {
      const t = h.t;
      assert.equal(t.deps.maintenance.state.data_update_stop, false);
      const orgs = ok(await t.admin({ url: '/api/platform/organizations' }), 'organizations').body.data as Array<{ id: string }>;
      const ids = orgs.map((o) => o.id);
      for (const id of [SEED.org1, SEED.org2]) assert.ok(ids.includes(id), `${id} is still listed: ${ids.join(', ')}`);
      // Every organization, its users and workspaces, every menu and its records answer 200.
      await snapshotData(t);
      const check = ok(await t.admin({ url: '/api/ita/backyard-execute-check/' }), 'execute-check').body.data;
      assert.equal(JSON.stringify(check), JSON.stringify(await referenceExecuteCheck(t.deps.store.db, 'en')), 'the execute-check agrees with the store');
      assert.deepEqual(
        (check as { organizations: Array<{ id: string }> }).organizations.map((o) => o.id).sort(),
        [...ids].sort(),
        'the execute-check lists the organizations the platform lists',
      );
      const records = `/api/${SEED.org1}/workspaces/${SEED.ws1}/ita/menu/${SEED.menu}`;
      ok(await t.admin({ url: `${records}/info/` }), 'the seeded menu');
      const listed = ok(await t.admin({ method: 'POST', url: `${records}/filter/`, body: {} }), 'its records').body.data as unknown[];
      const counted = ok(await t.admin({ method: 'POST', url: `${records}/filter/count/`, body: {} }), 'its count').body.data;
      assert.equal(counted, listed.length, 'filter/count agrees with filter');
      for (const [user, password] of [
        ['org1/manager1', 'manager1-password'],
        ['org1/member1', 'member1-password'],
        ['admin', 'admin-password-1'],
      ]) {
        ok(await t.call({ url: '/api/auth/whoami', auth: basic(user!, password!) }), `${user} signs in`);
      }
    });

    it('read-only: every answer < 500 …, no declared write succeeds, nothing but bookkeeping is written', async (tc) => {
      const t = h.t;
      await setMaintenance(t, { data_update_stop: '1' });
      const before = await dumpStore(t.database.location);
      const failures = await fuzzBlock(h, 'ro', tc);
      const afterDump = await dumpStore(t.database.location);
      await setMaintenance(t, { data_update_stop: '0' });
      assert.deepEqual(
        failures.map((f) => f.label),
        [],
        failures.map((f) => f.message).join('\n\n'),
      );
      const changed = differingTables(withoutSequencesOf(before, BOOKKEEPING_TABLES), withoutSequencesOf(afterDump, BOOKKEEPING_TABLES), BOOKKEEPING_TABLES);
      const succeeded = [...h.stats.succeeded.ro];
      const unexplained = changed.filter((table) => !EXEMPT_WRITERS.some((w) => w.tables.test(table) && succeeded.some((k) => w.ops.test(k))));
      assert.deepEqual(
        unexplained,
        [],
        `tables written in read-only mode (exempt operations that succeeded: ${succeeded.filter((k) => h.ops.some((o) => o.key === k && o.writes === 'exempt')).join(', ')})`,
      );
    });
  });
}
