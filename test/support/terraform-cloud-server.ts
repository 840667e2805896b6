/**
 * An in-test HTTP server speaking the subset of the Terraform Cloud/Enterprise API that the
 * `ita-by-terraform-cloud-ep-execute` executor uses. No real Terraform Cloud or Enterprise can run
 * here (no network beyond package registries, no licence), so the executor's HTTP client is tested
 * against this server over real HTTP instead:
 *
 * - GET  /api/v2/organizations/{org}/workspaces/{name} → `{data: {id, type: "workspaces", attributes: {name}}}`
 * - POST /api/v2/runs (JSON:API `runs` with `relationships.workspace`) → 201 `{data: {id, type: "runs", attributes: {status: "pending"}}}`
 * - GET  /api/v2/runs/{id} → the run and its current status
 * - POST /api/v2/runs/{id}/actions/cancel → 202 and the run becomes `canceled`; 409 once it is final
 *
 * Every call needs `Authorization: Bearer <token>` (401 otherwise). A run moves one status per
 * `stepMs`: pending → planning → planned → applying → applied, a plan-only run (`plan-only: true`)
 * pending → planning → planned_and_finished, and in a workspace made to fail pending → planning →
 * errored. A workspace can also hold its runs at a status (for emergency stop
 * tests) until they are cancelled. Every request is recorded for assertions.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const HAPPY_PATH = ['pending', 'planning', 'planned', 'applying', 'applied'] as const;
const ERROR_PATH = ['pending', 'planning', 'errored'] as const;
const PLAN_ONLY_PATH = ['pending', 'planning', 'planned_and_finished'] as const;
const FINAL = new Set(['applied', 'planned_and_finished', 'errored', 'discarded', 'canceled', 'force_canceled']);

export interface WorkspaceBehaviour {
  /** Runs in this workspace end `errored` after planning. */
  readonly error?: boolean;
  /** Runs stop progressing at this status (until cancelled). */
  readonly holdAt?: string;
  /** Time per status step (default: the server's). */
  readonly stepMs?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

export interface FakeRun {
  readonly id: string;
  readonly workspaceId: string;
  readonly message: string;
  readonly variables: ReadonlyArray<{ key: string; value: string }>;
  readonly autoApply: boolean;
  readonly planOnly: boolean;
  /** Every status the run went through, in order. */
  readonly statuses: string[];
  status: string;
}

export interface TerraformCloudServer {
  readonly url: string;
  readonly token: string;
  readonly requests: RecordedRequest[];
  readonly runs: Map<string, FakeRun>;
  /** Registers a workspace `org/name` and returns its id. */
  workspace(org: string, name: string, behaviour?: WorkspaceBehaviour): string;
  close(): Promise<void>;
}

export async function startTerraformCloudServer(options: { token: string; stepMs?: number }): Promise<TerraformCloudServer> {
  const defaultStepMs = options.stepMs ?? 50;
  const workspaces = new Map<string, { id: string; name: string; behaviour: WorkspaceBehaviour }>();
  const runs = new Map<string, FakeRun>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let ids = 0;

  const advance = (run: FakeRun, behaviour: WorkspaceBehaviour) => {
    const path: readonly string[] = behaviour.error ? ERROR_PATH : run.planOnly ? PLAN_ONLY_PATH : HAPPY_PATH;
    const step = () => {
      if (FINAL.has(run.status) || run.status === behaviour.holdAt) return;
      const next = path[path.indexOf(run.status) + 1];
      if (!next) return;
      run.status = next;
      run.statuses.push(next);
      schedule();
    };
    const schedule = () => {
      const t = setTimeout(() => {
        timers.delete(t);
        step();
      }, behaviour.stepMs ?? defaultStepMs);
      timers.add(t);
    };
    schedule();
  };

  const runView = (run: FakeRun) => ({
    data: {
      id: run.id,
      type: 'runs',
      attributes: { status: run.status, message: run.message, 'auto-apply': run.autoApply, 'plan-only': run.planOnly },
      relationships: { workspace: { data: { type: 'workspaces', id: run.workspaceId } } },
    },
  });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        body = text;
      }
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/vnd.api+json' });
        res.end(JSON.stringify(payload));
      };
      const error = (status: number, title: string, detail?: string) =>
        send(status, { errors: [{ status: String(status), title, ...(detail !== undefined && { detail }) }] });

      if (req.headers.authorization !== `Bearer ${options.token}`) return error(401, 'unauthorized');
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && (m = /^\/api\/v2\/organizations\/([^/]+)\/workspaces\/([^/]+)$/.exec(path))) {
        const ws = workspaces.get(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`);
        if (!ws) return error(404, 'not found');
        return send(200, { data: { id: ws.id, type: 'workspaces', attributes: { name: ws.name } } });
      }
      if (req.method === 'POST' && path === '/api/v2/runs') {
        const data = (body as { data?: { type?: string; attributes?: Record<string, unknown>; relationships?: unknown } } | null)?.data;
        const wsId = (data?.relationships as { workspace?: { data?: { id?: string } } } | undefined)?.workspace?.data?.id;
        const ws = [...workspaces.values()].find((w) => w.id === wsId);
        if (data?.type !== 'runs' || !ws) return error(422, 'invalid attribute', 'a run needs data.type "runs" and a known workspace');
        const variables = (data.attributes?.variables ?? []) as Array<{ key: string; value: string }>;
        const run: FakeRun = {
          id: `run-${(++ids).toString().padStart(16, '0')}`,
          workspaceId: ws.id,
          message: typeof data.attributes?.message === 'string' ? data.attributes.message : '',
          variables,
          autoApply: data.attributes?.['auto-apply'] === true,
          planOnly: data.attributes?.['plan-only'] === true,
          statuses: ['pending'],
          status: 'pending',
        };
        runs.set(run.id, run);
        advance(run, ws.behaviour);
        return send(201, runView(run));
      }
      if (req.method === 'GET' && (m = /^\/api\/v2\/runs\/([^/]+)$/.exec(path))) {
        const run = runs.get(decodeURIComponent(m[1]!));
        return run ? send(200, runView(run)) : error(404, 'not found');
      }
      if (req.method === 'POST' && (m = /^\/api\/v2\/runs\/([^/]+)\/actions\/cancel$/.exec(path))) {
        const run = runs.get(decodeURIComponent(m[1]!));
        if (!run) return error(404, 'not found');
        if (FINAL.has(run.status)) return error(409, 'transition not allowed', `run is ${run.status}`);
        run.status = 'canceled';
        run.statuses.push('canceled');
        res.writeHead(202);
        return res.end();
      }
      return error(404, 'not found', `${req.method} ${path} is not part of the subset this test server speaks`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: options.token,
    requests,
    runs,
    workspace(org, name, behaviour = {}) {
      const id = `ws-${(++ids).toString().padStart(16, '0')}`;
      workspaces.set(`${org}/${name}`, { id, name, behaviour });
      return id;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
