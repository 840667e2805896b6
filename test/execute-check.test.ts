/**
 * GET /api/ita/backyard-execute-check/ (README "Execute-check", issue 3), checked field by field against jobs put
 * in chosen statuses directly in the store: every organization and workspace listed (empty ones
 * too), every backyard key in every workspace, counts per workspace, organization and in total that
 * leave out conductor rows but include the driver jobs a conductor started, status names by
 * `Language` / `Accept-Language`, timestamps with microseconds and Z, finished and waiting jobs not
 * listed, the jobs that could start and have not (Unexecuted, scheduled and due) counted apart as
 * drydock's `held_back`, 403 for organization users and 401 without credentials. Then the server-sent-events
 * stream over a listening app: the current check at once, and a new one whenever the counts change.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { executeCheck } from '../src/backyard/execute-check.js';
import { registerJob, transitionAndNotify, type Job } from '../src/backyard/jobs.js';
import { backyardNames, familyOf, isInFlight, type Backyard } from '../src/backyard/kinds/registry.js';
import { nowTimestamp, timestampIn } from '../src/store/clock.js';
import type { BackyardJobsTable } from '../src/store/schema.js';
import { ADMIN, SEED, adminAuth, authHeaders, seedTenants, startTestApp, type Auth, type TestApp } from './support/app.js';
import { BACKENDS } from './support/backends.js';
import { referenceExecuteCheck } from './support/execute-check-reference.js';
import { moveJobTo } from './support/job-states.js';

const URL_CHECK = '/api/ita/backyard-execute-check/';
const URL_STREAM = '/api/ita/backyard-execute-check/stream/';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The names the design fixes for the statuses used here, per family. */
const NAMES: Record<string, { ja: string; en: string }> = {
  'driver 2': { ja: '準備中', en: 'Preparing' },
  'driver 3': { ja: '実行中', en: 'Executing' },
  'driver 4': { ja: '実行中(遅延)', en: 'Executing (delayed)' },
  'conductor 3': { ja: '実行中', en: 'Executing' },
  'conductor 5': { ja: '一時停止', en: 'Pause' },
  'menu 2': { ja: '実行中', en: 'Executing' },
};
const BACKYARDS = backyardNames();

interface Made {
  readonly job: Job;
  readonly org: string;
  readonly ws: string;
  readonly status: string;
  readonly listed: boolean;
  readonly counted: boolean;
  readonly leaseExpired: boolean;
  /** Not started, and could start now: Unexecuted, or scheduled and due (`held_back`). */
  readonly heldBack: boolean;
}

for (const backend of BACKENDS) {
  describe(`execute-check (${backend})`, () => {
    let t: TestApp;
    const made: Made[] = [];

    /**
     * A job of `backyard` in `status`, as a worker would have left it: claimed (started_at, a lease)
     * when the status is past Unexecuted.
     */
    const job = async (
      org: string,
      ws: string,
      backyard: Backyard,
      status: string,
      o: { parent?: Job; leaseMs?: number; listed: boolean; counted?: boolean; scheduledAt?: string; heldBack?: boolean },
    ): Promise<Job> => {
      const leaseMs = o.leaseMs ?? 600_000;
      const created = await t.deps.store.transaction('shared', async (trx) => {
        const j = await registerJob(t.deps.store, trx, {
          organizationId: org,
          workspaceId: ws,
          backyard,
          spec: { test: true },
          createdBy: 'execute-check-test',
          parentId: o.parent?.id,
          scheduledAt: o.scheduledAt,
        });
        if (status !== j.status_id) {
          await moveJobTo(trx, j, status, {
            started_at: nowTimestamp(),
            lease_owner: 'test-worker',
            lease_expires_at: timestampIn(leaseMs),
            ...(!isInFlight(backyard, status) && { finished_at: nowTimestamp(), lease_expires_at: null }),
          });
        }
        return j;
      });
      const row = await t.deps.store.db.selectFrom('backyard_jobs').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      const stored = { ...created, status_id: row.status_id, last_update_timestamp: row.last_update_timestamp, started_at: row.started_at };
      made.push({
        job: stored,
        org,
        ws,
        status,
        listed: o.listed,
        counted: o.counted ?? o.listed,
        leaseExpired: o.listed && leaseMs < 0,
        heldBack: o.heldBack ?? false,
      });
      return stored;
    };

    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      // An organization without workspaces, and an empty workspace next to a busy one.
      const org3 = await t.admin({
        method: 'POST',
        url: '/api/platform/organizations',
        body: {
          id: 'org3',
          name: 'org3-name',
          organization_managers: [
            {
              username: 'manager3',
              email: 'manager3@example.com',
              firstName: 'F',
              lastName: 'L',
              credentials: [{ type: 'password', value: 'manager3-password', temporary: false }],
              requiredActions: [],
              enabled: true,
            },
          ],
          plan: { id: 'plan-1' },
          options: {},
          optionsIta: {},
        },
      });
      assert.equal(org3.status, 200, org3.text);
      const ws3 = await t.call({
        method: 'POST',
        url: `/api/${SEED.org1}/platform/workspaces`,
        auth: SEED.manager1,
        body: { id: 'ws3', name: 'ws3-name', informations: { description: 'empty', environments: [], workspace_administrators: [] } },
      });
      assert.equal(ws3.status, 200, ws3.text);

      const { org1, ws1, org2, ws2 } = SEED;
      // org1/ws1: drivers in every in-flight status, waiting and finished ones, a menu job, and a
      // conductor with three children (one running, one preparing, one finished).
      await job(org1, ws1, 'ita-by-ansible-execute', '3', { listed: true });
      await job(org1, ws1, 'ita-by-ansible-execute', '2', { listed: true });
      await job(org1, ws1, 'ita-by-ansible-execute', '5', { listed: false });
      await job(org1, ws1, 'ita-by-ansible-execute', '1', { listed: false, heldBack: true });
      await job(org1, ws1, 'ita-by-ansible-execute', '9', { listed: false, scheduledAt: timestampIn(3_600_000) });
      // Scheduled and due, not claimed yet (no worker runs here): held back, as the Unexecuted one above.
      await job(org1, ws1, 'ita-by-terraform-cli-execute', '9', { listed: false, scheduledAt: timestampIn(-60_000), heldBack: true });
      await job(org1, ws1, 'ita-by-terraform-cli-execute', '9', { listed: false, scheduledAt: timestampIn(-1_000), heldBack: true });
      await job(org1, ws1, 'ita-by-ansible-execute', '7', { listed: false });
      await job(org1, ws1, 'ita-by-terraform-cli-execute', '4', { listed: true, leaseMs: -60_000 });
      await job(org1, ws1, 'ita-by-menu-create', '2', { listed: true });
      await job(org1, ws1, 'ita-by-excel-export-import', '3', { listed: false });
      const conductor = await job(org1, ws1, 'ita-by-conductor-synchronize', '3', { listed: true, counted: false });
      await job(org1, ws1, 'ita-by-ansible-execute', '3', { listed: true, parent: conductor });
      await job(org1, ws1, 'ita-by-terraform-cloud-ep-execute', '5', { listed: false, parent: conductor });
      await job(org1, ws1, 'ita-by-terraform-cloud-ep-execute', '2', { listed: true, parent: conductor });
      // org2/ws2: a paused conductor (in flight, not counted) whose children are done, and menu jobs.
      const paused = await job(org2, ws2, 'ita-by-conductor-synchronize', '5', { listed: true, counted: false });
      await job(org2, ws2, 'ita-by-ansible-execute', '5', { listed: false, parent: paused });
      await job(org2, ws2, 'ita-by-menu-export-import', '2', { listed: true });
      await job(org2, ws2, 'ita-by-excel-export-import', '2', { listed: true });
      await job(org2, ws2, 'ita-by-menu-create', '4', { listed: false });
      // A conductor scheduled (its status 2) and due: held back; it has no driver jobs yet.
      await job(org2, ws2, 'ita-by-conductor-synchronize', '2', { listed: false, scheduledAt: timestampIn(-60_000), heldBack: true });
    });
    after(async () => t?.close());

    /** What the check must say, built from the jobs made above. */
    const expected = (language: 'ja' | 'en') => {
      const tenants: Array<{ org: string; workspaces: string[] }> = [
        { org: SEED.org1, workspaces: [SEED.ws1, 'ws3'] },
        { org: SEED.org2, workspaces: [SEED.ws2] },
        { org: 'org3', workspaces: [] },
      ];
      let total = 0;
      const organizations = tenants.map(({ org, workspaces }) => {
        let orgCount = 0;
        const wss = workspaces.map((ws) => {
          const mine = made.filter((m) => m.org === org && m.ws === ws && m.listed);
          const count = mine.filter((m) => m.counted).length;
          orgCount += count;
          const backyards = Object.fromEntries(
            BACKYARDS.map((b) => [
              b,
              mine
                .filter((m) => m.job.backyard === b)
                .map((m) => ({
                  id: m.job.id,
                  last_update_timestamp: m.job.last_update_timestamp,
                  status_id: m.status,
                  status_name: NAMES[`${familyOf(b).name} ${m.status}`]![language],
                  lease_expired: m.leaseExpired,
                  started_at: m.job.started_at,
                })),
            ]),
          );
          return { id: ws, execute_count: count, backyards };
        });
        total += orgCount;
        return { id: org, execute_count: orgCount, workspaces: wss };
      });
      // Held back per organization, workspace and backyard, in that order.
      const heldBack: Array<{ organization_id: string; workspace_id: string; backyard: string; count: number }> = [];
      const key = (m: Made) => `${m.org}\0${m.ws}\0${m.job.backyard}`;
      for (const m of made.filter((x) => x.heldBack).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))) {
        const last = heldBack.at(-1);
        if (last && key(m) === `${last.organization_id}\0${last.workspace_id}\0${last.backyard}`) last.count++;
        else heldBack.push({ organization_id: m.org, workspace_id: m.ws, backyard: m.job.backyard, count: 1 });
      }
      return { execute_count: total, organizations, held_back_count: made.filter((m) => m.heldBack).length, held_back: heldBack };
    };

    it('lists every organization and workspace, every backyard key, in-flight jobs only, with the counts', async () => {
      const r = await t.admin({ url: URL_CHECK, headers: { 'accept-language': 'en' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.result, '000-00000');
      assert.equal(r.body.message, 'SUCCESS');
      assert.deepEqual(Object.keys(r.body).sort(), ['data', 'message', 'result', 'ts']);
      const data = r.body.data;

      // The shape, level by level, so a failure names the field.
      // Exastro's two keys, then drydock's held-back counts.
      assert.deepEqual(Object.keys(data), ['execute_count', 'organizations', 'held_back_count', 'held_back']);
      assert.deepEqual(
        data.organizations.map((o: { id: string }) => o.id),
        [SEED.org1, SEED.org2, 'org3'],
        'every organization, the one without workspaces too',
      );
      for (const o of data.organizations) {
        assert.deepEqual(Object.keys(o).sort(), ['execute_count', 'id', 'workspaces'], o.id);
        for (const w of o.workspaces) {
          assert.deepEqual(Object.keys(w).sort(), ['backyards', 'execute_count', 'id'], `${o.id}/${w.id}`);
          assert.deepEqual(Object.keys(w.backyards).sort(), [...BACKYARDS].sort(), `${o.id}/${w.id}: all seven backyard keys`);
          for (const [b, list] of Object.entries(w.backyards as Record<string, unknown[]>)) {
            assert.ok(Array.isArray(list), `${o.id}/${w.id} ${b} is an array`);
            for (const j of list as Array<Record<string, unknown>>) {
              for (const k of ['id', 'last_update_timestamp', 'status_id', 'status_name']) assert.ok(k in j, `${b} job has ${k}`);
              assert.match(String(j.last_update_timestamp), TIMESTAMP, 'last_update_timestamp like 2023-10-10T16:58:18.748121Z');
              assert.match(String(j.started_at), TIMESTAMP, 'started_at like 2023-10-10T16:58:18.748121Z');
              assert.equal(typeof j.status_id, 'string', 'status ids are strings');
            }
          }
        }
      }
      const ws3 = data.organizations[0].workspaces.find((w: { id: string }) => w.id === 'ws3');
      assert.deepEqual(ws3, { id: 'ws3', execute_count: 0, backyards: Object.fromEntries(BACKYARDS.map((b) => [b, []])) }, 'an empty workspace');
      assert.deepEqual(data.organizations[2], { id: 'org3', execute_count: 0, workspaces: [] }, 'an organization without workspaces');

      // Counts: conductor rows listed but not counted; their in-flight children counted.
      const [org1, org2] = data.organizations;
      const ws1 = org1.workspaces[0];
      assert.equal(ws1.backyards['ita-by-conductor-synchronize'].length, 1, 'the conductor is listed');
      assert.equal(ws1.backyards['ita-by-ansible-execute'].length, 3, 'two ansible jobs and the conductor’s running child');
      assert.equal(ws1.backyards['ita-by-terraform-cloud-ep-execute'].length, 1, 'the conductor’s preparing child; not its finished one');
      assert.equal(ws1.execute_count, 6, 'ws1: 2 ansible + 1 terraform-cli + 1 menu-create + 2 conductor children, not the conductor');
      assert.equal(org1.execute_count, 6);
      assert.equal(org2.workspaces[0].backyards['ita-by-conductor-synchronize'][0].status_id, '5', 'a paused conductor is in flight');
      assert.equal(org2.workspaces[0].execute_count, 2, 'ws2: the two menu jobs, not the paused conductor');
      assert.equal(org2.execute_count, 2);
      assert.equal(data.execute_count, 8);

      // Held back apart from the jobs in flight: the Unexecuted job, the two due scheduled ones and the
      // due conductor; not the one scheduled in an hour, nor any job in flight or finished.
      assert.equal(data.held_back_count, 4);
      assert.deepEqual(data.held_back, [
        { organization_id: SEED.org1, workspace_id: SEED.ws1, backyard: 'ita-by-ansible-execute', count: 1 },
        { organization_id: SEED.org1, workspace_id: SEED.ws1, backyard: 'ita-by-terraform-cli-execute', count: 2 },
        { organization_id: SEED.org2, workspace_id: SEED.ws2, backyard: 'ita-by-conductor-synchronize', count: 1 },
      ]);

      // Every field of every job.
      assert.deepEqual(data, expected('en'));
    });

    it('names statuses in the caller’s language: Language: ja → 実行中, Accept-Language: en → Executing', async () => {
      const ja = await t.admin({ url: URL_CHECK, headers: { language: 'ja' } });
      assert.equal(ja.status, 200, ja.text);
      assert.deepEqual(ja.body.data, expected('ja'));
      const names = (d: { organizations: Array<{ workspaces: Array<{ backyards: Record<string, Array<{ status_id: string; status_name: string }>> }> }> }) =>
        d.organizations[0]!.workspaces[0]!.backyards['ita-by-ansible-execute']!.map((j) => `${j.status_id}:${j.status_name}`);
      assert.deepEqual(names(ja.body.data), ['3:実行中', '2:準備中', '3:実行中']);

      const jaAccept = await t.admin({ url: URL_CHECK, headers: { 'accept-language': 'ja-JP,ja;q=0.9' } });
      assert.deepEqual(jaAccept.body.data, expected('ja'));

      const en = await t.admin({ url: URL_CHECK, headers: { 'accept-language': 'en' } });
      assert.deepEqual(names(en.body.data), ['3:Executing', '2:Preparing', '3:Executing']);
      const tf = en.body.data.organizations[0].workspaces[0].backyards['ita-by-terraform-cli-execute'][0];
      assert.equal(tf.status_name, 'Executing (delayed)');
      assert.equal(tf.lease_expired, true, 'a job whose lease ran out is marked');
      const paused = en.body.data.organizations[1].workspaces[0].backyards['ita-by-conductor-synchronize'][0];
      assert.equal(paused.status_name, 'Pause');
    });

    it('only the system administrator may read it: 403 for organization users (Basic, token, session), 401 without credentials', async () => {
      const login = await t.call({
        method: 'POST',
        url: '/api/auth/login',
        body: { organization_id: SEED.org1, username: 'manager1', password: 'manager1-password' },
      });
      assert.equal(login.status, 200, login.text);
      const cookie = /drydock_session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1];
      assert.ok(cookie);
      const session: Auth = { session: cookie, csrf: login.body.data.csrf_token };
      const issued = await t.call({ method: 'POST', url: '/api/auth/tokens', auth: session, body: { name: 'execute-check' } });
      assert.equal(issued.status, 200, issued.text);
      const token: Auth = { bearer: issued.body.data.token };

      for (const url of [URL_CHECK, URL_STREAM]) {
        const callers: Array<[string, Auth]> = [
          // On a path without an organization, Basic names the organization as `organization/user`.
          ['organization manager (Basic)', { basic: [`${SEED.org1}/manager1`, 'manager1-password'] }],
          ['workspace member (Basic)', { basic: [`${SEED.org1}/member1`, 'member1-password'] }],
          ['organization manager (token)', token],
          ['organization manager (session)', session],
        ];
        for (const [what, auth] of callers) {
          const r = await t.call({ url, auth });
          assert.equal(r.status, 403, `${what} ${url}: ${r.text}`);
          assert.equal(r.body.result, '403-00001', what);
          assert.equal(r.body.data, null);
        }
        const anonymous = await t.call({ url });
        assert.equal(anonymous.status, 401, anonymous.text);
        assert.equal(anonymous.body.result, '401-00002');
        const wrong = await t.call({ url, auth: { basic: [ADMIN.user, 'not-the-password'] } });
        assert.equal(wrong.status, 401, wrong.text);
        // Without the organization, an organization user's name is not a system account: unknown, 401.
        assert.equal((await t.call({ url, auth: SEED.manager1 })).status, 401);
      }
      // The administrator's own token works.
      const adminToken = await t.admin({ method: 'POST', url: '/api/auth/tokens', body: { name: 'admin' } });
      assert.equal((await t.call({ url: URL_CHECK, auth: { bearer: adminToken.body.data.token } })).status, 200);
    });

    it('the stream sends the check at once, then a new one when a job goes in flight and when it ends', async () => {
      const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const controller = new AbortController();
      const res = await fetch(base + URL_STREAM, {
        headers: { ...authHeaders(adminAuth), 'accept-language': 'en' },
        signal: controller.signal,
      });
      try {
        if (res.status !== 200) assert.fail(`stream: ${res.status} ${await res.text()}`);
        assert.match(String(res.headers.get('content-type')), /^text\/event-stream/);
        const events = readEvents(res.body!);
        const current = (await t.admin({ url: URL_CHECK, headers: { 'accept-language': 'en' } })).body.data;

        const first = await events.next(10_000);
        assert.equal(first.event, 'execute-check');
        assert.deepEqual(first.data, current, 'the first event is the check as it is now');
        assert.equal(first.data.execute_count, 8);
        // Nothing changes for a while (longer than the server's fallback poll): nothing is sent.
        await new Promise((r) => setTimeout(r, 2500));
        assert.equal(events.all().length, 1, 'no event without a change');

        // A job goes in flight (as a worker's claim and start leave it), announced on commit.
        const j = await t.deps.store.transaction('shared', (trx) =>
          registerJob(t.deps.store, trx, { organizationId: SEED.org2, workspaceId: SEED.ws2, backyard: 'ita-by-ansible-execute', spec: {}, createdBy: 'sse' }),
        );
        await t.deps.store.transaction('shared', async (trx) => {
          await moveJobTo(trx, j, '3', { started_at: nowTimestamp(), lease_owner: 'w', lease_expires_at: timestampIn(600_000) });
          await t.deps.store.notifyOnCommit(trx, 'jobs');
        });
        const started = await events.until((e) => e.data.execute_count === 9, 10_000);
        const ws2 = started.data.organizations[1].workspaces[0];
        assert.equal(ws2.execute_count, 3);
        assert.deepEqual(
          ws2.backyards['ita-by-ansible-execute'].map((x: { id: string; status_name: string }) => `${x.id}:${x.status_name}`),
          [`${j.id}:Executing`],
        );

        // It ends: the next event no longer lists it.
        assert.ok(await transitionAndNotify(t.deps.store, j, 'driver', ['3'], '5', { finished_at: nowTimestamp(), lease_expires_at: null }));
        const ended = await events.until((e) => e.data.execute_count === 8, 10_000);
        assert.deepEqual(ended.data.organizations[1].workspaces[0].backyards['ita-by-ansible-execute'], []);
        assert.deepEqual(ended.data, current, 'back to where it was');

        // Every event carried a change: none repeats the one before it.
        const seen = events.all();
        for (let i = 1; i < seen.length; i++) assert.notDeepEqual(seen[i]!.data, seen[i - 1]!.data, `event ${i} repeats event ${i - 1}`);
        assert.deepEqual(
          seen.map((e) => e.id),
          seen.map((_, i) => String(i + 1)),
          'event ids count up from 1',
        );
      } finally {
        controller.abort();
      }
    });
  });
}

/** Ids whose order depends on case, digits, `_` and `-`, and the longest an id may be. */
const ORG_IDS = ['B-org', 'a_org', 'aOrg', 'a-org', 'A9', 'A10', 'Z'.padEnd(36, 'z')];
const WS_IDS = ['ws', 'Ws', 'ws-1', 'ws_1', 'ws10', 'ws9', 'W'.padEnd(36, '0')];
/** How many of WS_IDS each organization has: one has none, one has all. */
const WORKSPACES_PER_ORG = [1, 4, 0, 3, 7, 2, 5];

for (const backend of BACKENDS) {
  describe(`execute-check construction (${backend})`, () => {
    let t: TestApp;
    /** Timestamps as stored, by job id: they must come back exactly so (fractions PostgreSQL prints short included). */
    const stored = new Map<string, { last_update_timestamp: string; started_at: string | null }>();

    before(async () => {
      t = await startTestApp(backend);
      // Jobs in every backyard and in-flight status, a conductor with children, expired and no
      // leases, no start time, and waiting and finished jobs that must not be listed.
      const at = '2024-01-01T00:00:00.000000Z';
      await t.deps.store.db
        .insertInto('organizations')
        .values(ORG_IDS.map((id) => ({ id, name: id, plan: '{}', options: '{}', options_ita: '{}', created_at: at, last_update_timestamp: at })))
        .execute();
      const tenants = ORG_IDS.flatMap((org, o) => WS_IDS.slice(0, WORKSPACES_PER_ORG[o]).map((ws) => [org, ws] as const));
      await t.deps.store.db
        .insertInto('workspaces')
        .values(tenants.map(([organization_id, id]) => ({ organization_id, id, name: id, informations: '{}', created_at: at, last_update_timestamp: at })))
        .execute();
      const jobs: BackyardJobsTable[] = [];
      let n = 0;
      const job = (org: string, ws: string, backyard: Backyard, status: string, parentId: string | null = null): BackyardJobsTable => {
        n++;
        const second = String(n % 60).padStart(2, '0');
        const last = `2024-05-06T07:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${second}.${['100000', '120000', '123000', '123400', '123450', '123456', '000000'][n % 7]}Z`;
        const started = n % 5 === 0 ? null : `2024-05-06T06:00:${second}.000001Z`;
        const row: BackyardJobsTable = {
          id: randomUUID(),
          organization_id: org,
          workspace_id: ws,
          backyard,
          status_id: status,
          in_flight: isInFlight(backyard, status) ? 1 : 0,
          parent_id: parentId,
          spec: '{}',
          result: null,
          delay_minutes: null,
          scheduled_at: null,
          created_at: `2024-05-06T05:00:00.${String(n).padStart(6, '0')}Z`,
          created_by: 'construction-test',
          started_at: started,
          finished_at: null,
          last_update_timestamp: last,
          lease_owner: 'w',
          lease_expires_at: n % 4 === 0 ? timestampIn(-60_000) : n % 4 === 1 ? null : timestampIn(3_600_000),
          stop_requested: 0,
        };
        jobs.push(row);
        if (row.in_flight) stored.set(row.id, { last_update_timestamp: last, started_at: started });
        return row;
      };
      tenants.forEach(([org, ws], i) => {
        if (i % 3 === 2) return; // some workspaces stay empty
        const backyard = BACKYARDS[i % BACKYARDS.length]!;
        for (const status of [...familyOf(backyard).inFlight, '1']) job(org, ws, backyard, status);
        const conductor = job(org, ws, 'ita-by-conductor-synchronize', '3');
        job(org, ws, 'ita-by-terraform-cli-execute', '3', conductor.id);
        job(org, ws, 'ita-by-ansible-execute', '5', conductor.id);
      });
      await t.deps.store.db.insertInto('backyard_jobs').values(jobs).execute();
    });
    after(async () => t?.close());

    it('equals the straightforward construction byte for byte, in both languages, over the function and the route', async () => {
      for (const language of ['en', 'ja'] as const) {
        const reference = JSON.stringify(await referenceExecuteCheck(t.deps.store.db, language));
        assert.equal(JSON.stringify(await executeCheck(t.deps.store.db, language)), reference, language);
        const r = await t.admin({ url: URL_CHECK, headers: { language } });
        assert.equal(r.status, 200, r.text);
        assert.ok(r.text.startsWith(`{"data":${reference},"message":"SUCCESS","result":"000-00000","ts":"`), `${language}: the route's body`);
      }
      // The order itself is the reference's (ORDER BY over plain rows, in the database's collation).
      const check = await executeCheck(t.deps.store.db, 'en');
      assert.deepEqual(
        Object.fromEntries(check.organizations.map((o) => [o.id, o.workspaces.map((w) => w.id).sort()])),
        Object.fromEntries(ORG_IDS.map((org, o) => [org, WS_IDS.slice(0, WORKSPACES_PER_ORG[o]).sort()])),
        'every organization with its workspaces',
      );
      // Workspaces without jobs share one frozen value: changing it throws rather than changing them all.
      const empty = check.organizations
        .flatMap((o) => o.workspaces)
        .find((w) => w.execute_count === 0 && Object.values(w.backyards).every((l) => l.length === 0));
      assert.ok(empty);
      assert.throws(() => (empty.backyards['ita-by-ansible-execute'] as unknown[]).push({}), TypeError);
      const listed = check.organizations.flatMap((o) => o.workspaces.flatMap((w) => Object.values(w.backyards).flat()));
      assert.equal(listed.length, stored.size, 'every in-flight job listed, nothing else');
      for (const j of listed) {
        const s = stored.get(j.id);
        assert.ok(s, `${j.id} is in flight`);
        assert.equal(j.last_update_timestamp, s.last_update_timestamp, 'timestamps come back as stored');
        assert.equal(j.started_at, s.started_at);
      }
    });
  });
}

interface SseEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;

  readonly data: any;
}

/** Parses a server-sent-events body as it arrives; `next`/`until` wait for events, failing after a timeout. */
function readEvents(body: ReadableStream<Uint8Array>) {
  const received: SseEvent[] = [];
  let consumed = 0;
  let wake: (() => void) | undefined;
  let ended = false;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            const name = line.slice(0, colon);
            fields[name] = (fields[name] === undefined ? '' : `${fields[name]}\n`) + line.slice(colon + 1).replace(/^ /, '');
          }
          // The heartbeat (every 5 s, src/http/event-streams.ts) is not a change: these tests count changes.
          if (fields.data === undefined || fields.event === 'heartbeat') continue;
          received.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
          wake?.();
        }
      }
    } catch {
      // aborted
    } finally {
      ended = true;
      wake?.();
    }
  })();
  const next = async (timeoutMs: number): Promise<SseEvent> => {
    const until = Date.now() + timeoutMs;
    while (consumed >= received.length) {
      if (ended) throw new Error('the stream ended');
      const left = until - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, left);
      });
    }
    return received[consumed++]!;
  };
  return {
    next,
    async until(predicate: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const e = await next(Math.max(1, deadline - Date.now()));
        if (predicate(e)) return e;
      }
    },
    all: () => [...received],
  };
}
