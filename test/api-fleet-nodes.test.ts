import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readPairs } from '../src/fleet/store/declaration.js';
import { BACKENDS } from './support/backends.js';
import { adminAuth, basic, SEED, seedTenants, startTestApp, type Auth, type TestApp } from './support/app.js';

/**
 * `POST /api/platform/fleet/nodes` (docs/decisions/fleet-upgrades.md, "Registered nodes"): what a
 * node's announcement is refused for, in both languages; announcing again updates and never
 * duplicates; both nodes of a pair create the pair, whose addresses are what the drivers read; an
 * open run holds address changes and new pairs; a fleet file coexists; a `fleet-node` token
 * announces and can do nothing else.
 */

const JA = { language: 'ja' };
const EN = { language: 'en' };
const FLEET = { environments: [{ name: 'PROD', driver: { type: 'noop' } }] };

for (const backend of BACKENDS) {
  describe(`fleet node registration (${backend})`, () => {
    let t: TestApp;
    /** Each node's agent has its own token, bound to its node name (as an operator issues them). */
    const tokens = new Map<string, Auth>();
    const nodeToken = async (name: string): Promise<Auth> => {
      const known = tokens.get(name);
      if (known) return known;
      const issued = await t.admin({ method: 'POST', url: '/api/auth/tokens', body: { name: `agent ${name}`, scope: 'fleet-node', node: name } });
      assert.equal(issued.status, 200, issued.text);
      assert.equal(issued.body.data.scope, 'fleet-node');
      assert.equal(issued.body.data.node, name);
      // Its own prefix: a release from before scopes refuses it instead of taking it for a full token.
      assert.match(issued.body.data.token, /^ddn_/);
      const auth = { bearer: issued.body.data.token as string };
      tokens.set(name, auth);
      return auth;
    };
    before(async () => {
      t = await startTestApp(backend);
      await seedTenants(t);
      const declared = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: FLEET });
      assert.equal(declared.status, 200, declared.text);
    });
    after(async () => t?.close());

    /** Announces `body` with the token of the node it names, unless `auth` says otherwise. */
    const announce = async (body: { name: string } & Record<string, unknown>, auth?: Auth, headers: Record<string, string> = EN) =>
      t.call({ method: 'POST', url: '/api/platform/fleet/nodes', auth: auth ?? (await nodeToken(body.name)), body, headers });

    it('a name off the convention, an unknown environment, a bad address or version: 4xx saying what to fix, in Japanese and English', async () => {
      const badName = { name: 'prod-p-17', address: 'http://10.0.0.17:8080', version: '1.0.0' };
      // No token can be issued for a name off the convention; an administrator may try to announce one.
      const en = await announce(badName, adminAuth);
      assert.equal(en.status, 400, en.text);
      assert.deepEqual(Object.keys(en.body).sort(), ['data', 'message', 'result', 'ts']);
      assert.match(en.body.message, /"prod-p-17" is not a node name: name a node <ENV_TYPE>_<P\|S>_<ENV_ID>, e\.g\. PROD_P_017/);
      const ja = await announce(badName, adminAuth, JA);
      assert.equal(ja.status, 400, ja.text);
      assert.match(ja.body.message, /"prod-p-17" はノード名ではありません。ノード名は <ENV_TYPE>_<P\|S>_<ENV_ID> の形式で/);

      const unknownEnv = { name: 'QA_P_017', address: 'http://10.0.0.17:8080', version: '1.0.0' };
      const missing = await announce(unknownEnv);
      assert.equal(missing.status, 404, missing.text);
      assert.equal(
        missing.body.message,
        'node QA_P_017 belongs to fleet environment QA, which does not exist (known: PROD): declare QA in a fleet file (drydock fleet apply FILE) before its nodes register, or fix the node name',
      );
      const missingJa = await announce(unknownEnv, undefined, JA);
      assert.match(missingJa.body.message, /^ノード QA_P_017 はフリートの環境 QA に属しますが、この環境は存在しません/);

      const badAddress = await announce({ name: 'PROD_P_017', address: 'ftp://10.0.0.17', version: '1.0.0' });
      assert.equal(badAddress.status, 400, badAddress.text);
      assert.match(badAddress.body.message, /address.*must be the URL the node serves at, e\.g\. http:\/\/10\.0\.0\.17:8080/);
      const noVersion = await announce({ name: 'PROD_P_017', address: 'http://10.0.0.17:8080' });
      assert.equal(noVersion.status, 400, noVersion.text);
      assert.match(noVersion.body.message, /version/);
      const unknownKey = await announce({ name: 'PROD_P_017', address: 'http://10.0.0.17:8080', version: '1.0.0', role: 'P' });
      assert.equal(unknownKey.status, 400, unknownKey.text);
      assert.match(unknownKey.body.message, /role/);
      const listed = await t.admin({ url: '/api/platform/fleet/nodes' });
      assert.deepEqual(listed.body.data, [], 'nothing refused was recorded');
    });

    it('announcing is idempotent; the second node of a pair creates the pair, whose addresses the drivers read', async () => {
      const first = await announce({ name: 'PROD_P_017', address: 'http://10.0.0.17:8080', version: '1.0.0', health: { healthy: true } });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.data.pairState, 'awaiting-partner');
      assert.equal(first.body.data.pair, 'PROD_017');
      assert.equal(first.body.data.role, 'P');
      assert.equal(first.body.data.health, 'healthy');
      const again = await announce({
        name: 'PROD_P_017',
        address: 'http://10.0.0.117:8080',
        version: '1.0.1',
        health: { healthy: false, detail: 'disk full' },
      });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.data.registeredAt, first.body.data.registeredAt);
      assert.ok(again.body.data.lastSeenAt >= first.body.data.lastSeenAt);
      assert.equal(again.body.data.address, 'http://10.0.0.117:8080');
      assert.equal(again.body.data.reportedVersion, '1.0.1');
      assert.equal(again.body.data.healthDetail, 'disk full');
      assert.equal((await t.admin({ url: '/api/platform/fleet' })).body.data.pairs.length, 0, 'one node is no pair');

      const partner = await announce({ name: 'PROD_S_017', address: 'http://10.0.1.17:8080', version: '1.0.1' });
      assert.equal(partner.body.data.pairState, 'created', partner.text);
      for (let i = 0; i < 3; i++) {
        const r = await announce({ name: 'PROD_S_017', address: 'http://10.0.1.17:8080', version: '1.0.1' });
        assert.equal(r.body.data.pairState, 'exists');
      }
      const fleet = (await t.admin({ url: '/api/platform/fleet' })).body.data;
      assert.deepEqual(
        fleet.environments.map((e: { name: string; pairs: number }) => [e.name, e.pairs]),
        [['PROD', 1]],
      );
      assert.deepEqual(fleet.pairs[0], {
        pair: 'PROD_017',
        environment: 'PROD',
        active: 'PROD_P_017',
        primary: { name: 'PROD_P_017', version: '1.0.1', secondaryVersionLevel: null },
        secondary: { name: 'PROD_S_017', version: '1.0.1', primaryVersionLevel: null },
      });
      const nodes = (await t.admin({ url: '/api/platform/fleet/nodes?environment=PROD' })).body.data as Array<{ node: string }>;
      assert.deepEqual(
        nodes.map((n) => n.node),
        ['PROD_P_017', 'PROD_S_017'],
      );
      const [pair] = await readPairs(t.deps.store.db, 'PROD');
      assert.equal(pair?.primary.properties.address, 'http://10.0.0.117:8080');
      assert.equal(pair?.secondary.properties.address, 'http://10.0.1.17:8080');
    });

    it('a fleet file coexists: it keeps registered pairs and addresses; a node of the file registers its address', async () => {
      const file = {
        ...FLEET,
        nodes: [
          { name: 'PROD_P_002', version: '1.0.0', properties: { port: 9002 } },
          { name: 'PROD_S_002', version: '1.0.0', properties: { port: 9003 } },
        ],
      };
      const declared = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: file });
      assert.equal(declared.status, 200, declared.text);
      assert.deepEqual([declared.body.data.added, declared.body.data.removed], [['PROD_002'], []], 'the registered PROD_017 stays');
      const r = await announce({ name: 'PROD_P_002', address: 'http://10.0.0.2:9002', version: '1.0.0' });
      assert.equal(r.body.data.pairState, 'exists', r.text);
      const again = await t.admin({ method: 'PUT', url: '/api/platform/fleet', body: file });
      assert.equal(again.status, 200, again.text);
      const pairs = await readPairs(t.deps.store.db, 'PROD');
      assert.deepEqual(
        pairs.map((p) => p.id),
        ['PROD_002', 'PROD_017'],
      );
      assert.deepEqual(pairs[0]?.primary.properties, { port: '9002', address: 'http://10.0.0.2:9002' });
      assert.deepEqual(pairs[0]?.secondary.properties, { port: '9003' });
    });

    it('forgetting a node removes its registration and its pair; its agent announcing again brings the pair back', async () => {
      const forgot = await t.admin({ method: 'DELETE', url: '/api/platform/fleet/nodes/PROD_S_017' });
      assert.equal(forgot.status, 200, forgot.text);
      assert.deepEqual(forgot.body.data, { node: 'PROD_S_017', removedPair: 'PROD_017' });
      assert.deepEqual(
        (await readPairs(t.deps.store.db, 'PROD')).map((p) => p.id),
        ['PROD_002'],
      );
      const nodes = (await t.admin({ url: '/api/platform/fleet/nodes' })).body.data as Array<{ node: string }>;
      assert.deepEqual(
        nodes.map((n) => n.node),
        ['PROD_P_002', 'PROD_P_017'],
      );
      const missing = await t.call({ method: 'DELETE', url: '/api/platform/fleet/nodes/PROD_P_099', auth: adminAuth, headers: EN });
      assert.equal(missing.status, 404, missing.text);
      assert.match(missing.body.message, /^no fleet node PROD_P_099: it is neither registered nor in a pair/);
      const badName = await t.call({ method: 'DELETE', url: '/api/platform/fleet/nodes/prod', auth: adminAuth, headers: EN });
      assert.equal(badName.status, 400, badName.text);
      assert.equal(
        (await t.call({ method: 'DELETE', url: '/api/platform/fleet/nodes/PROD_P_017', auth: await nodeToken('PROD_P_017') })).status,
        403,
        'not with a node token',
      );

      const back = await announce({ name: 'PROD_S_017', address: 'http://10.0.1.17:8080', version: '1.0.1' });
      assert.equal(back.body.data.pairState, 'created', back.text);
    });

    it('while a run of the environment is open, an announcement records what it saw and changes nothing the run reads', async () => {
      const run = await t.admin({ method: 'POST', url: '/api/platform/fleet/runs', body: { environment: 'PROD', version: '2.0.0' } });
      assert.equal(run.status, 200, run.text);
      const moved = await announce({ name: 'PROD_P_017', address: 'http://10.9.9.9:8080', version: '1.0.2', health: { healthy: true } });
      assert.equal(moved.status, 200, moved.text);
      assert.equal(moved.body.data.heldBy, run.body.data.id);
      assert.equal(moved.body.data.address, 'http://10.0.0.117:8080', 'the address stays while the run is open');
      assert.equal(moved.body.data.reportedVersion, '1.0.2');
      assert.equal(moved.body.data.health, 'healthy');
      const newcomer = await announce({ name: 'PROD_P_030', address: 'http://10.0.0.30:8080', version: '1.0.0' });
      const partner = await announce({ name: 'PROD_S_030', address: 'http://10.0.1.30:8080', version: '1.0.0' });
      assert.equal(newcomer.body.data.pairState, 'awaiting-partner');
      assert.equal(partner.body.data.pairState, 'awaiting-partner', 'no new pair under an open run');
      const pairs = await readPairs(t.deps.store.db, 'PROD');
      assert.deepEqual(
        pairs.map((p) => p.id),
        ['PROD_002', 'PROD_017'],
      );
      assert.equal(pairs[1]?.primary.properties.address, 'http://10.0.0.117:8080');
      assert.equal(pairs[1]?.primary.installedVersion, '1.0.1', 'a reported version never overwrites what runs recorded');
      const forget = await t.admin({ method: 'DELETE', url: '/api/platform/fleet/nodes/PROD_P_017' });
      assert.equal(forget.status, 409, forget.text);
      assert.match(forget.body.message, /the fleet cannot change while a run is under way/);
    });

    it('a fleet-node token announces its own node and is refused everywhere else; only a system administrator may announce', async () => {
      const node = await nodeToken('PROD_P_017');
      for (const url of ['/api/platform/fleet', '/api/platform/fleet/nodes', '/api/auth/whoami', '/api/auth/tokens', '/api/platform/organizations']) {
        const r = await t.call({ url, auth: node, headers: EN });
        assert.equal(r.status, 403, `${url}: ${r.text}`);
        assert.match(r.body.message, /^This token is scoped fleet-node: it may only announce fleet nodes/);
      }
      const mint = await t.call({ method: 'POST', url: '/api/auth/tokens', auth: node, body: { name: 'escape' }, headers: JA });
      assert.equal(mint.status, 403, 'a scoped token cannot issue itself a full one');
      assert.match(mint.body.message, /スコープは fleet-node です/);
      assert.equal((await announce({ name: 'PROD_P_017', address: 'http://10.0.0.1:1', version: '1.0.0' })).status, 200, 'what it is for');

      const member = basic(`${SEED.org1}/member1`, 'member1-password');
      const memberToken = await t.call({
        method: 'POST',
        url: '/api/auth/tokens',
        auth: member,
        body: { name: 'node', scope: 'fleet-node', node: 'PROD_P_017' },
      });
      assert.equal(memberToken.status, 200, memberToken.text);
      const byMember = await announce({ name: 'PROD_P_017', address: 'http://10.0.0.1:1', version: '1.0.0' }, { bearer: memberToken.body.data.token });
      assert.equal(byMember.status, 403, byMember.text);
      assert.match(byMember.body.message, /Only a system administrator may make this call/);
      assert.equal((await announce({ name: 'PROD_P_017', address: 'http://10.0.0.1:1', version: '1.0.0' }, member)).status, 403);
      assert.equal((await announce({ name: 'PROD_P_017', address: 'http://10.0.0.1:1', version: '1.0.0' }, adminAuth)).status, 200, 'an administrator may');
      const anonymous = await t.call({
        method: 'POST',
        url: '/api/platform/fleet/nodes',
        body: { name: 'PROD_P_017', address: 'http://10.0.0.1:1', version: '1.0.0' },
      });
      assert.equal(anonymous.status, 401, anonymous.text);
    });

    it("a node's token cannot announce another node: its address stays as that node's own agent announced it", async () => {
      await announce({ name: 'PROD_S_017', address: 'http://10.0.1.17:8080', version: '1.0.1' });
      const stolen = await nodeToken('PROD_P_017');
      const hijack = { name: 'PROD_S_017', address: 'http://203.0.113.66:8080', version: '1.0.1' };
      const en = await announce(hijack, stolen);
      assert.equal(en.status, 403, en.text);
      assert.equal(
        en.body.message,
        'This token may only announce node PROD_P_017, not PROD_S_017. Issue each node its own token ("scope": "fleet-node", "node": "PROD_S_017").',
      );
      const ja = await announce(hijack, stolen, JA);
      assert.equal(ja.status, 403, ja.text);
      assert.match(ja.body.message, /^このトークンで登録できるのはノード PROD_P_017 のみで、PROD_S_017 は登録できません。/);
      const nodes = (await t.admin({ url: '/api/platform/fleet/nodes?environment=PROD' })).body.data as Array<{ node: string; address: string }>;
      assert.equal(nodes.find((n) => n.node === 'PROD_S_017')?.address, 'http://10.0.1.17:8080');
      const pair = (await readPairs(t.deps.store.db, 'PROD')).find((p) => p.id === 'PROD_017');
      assert.equal(pair?.secondary.properties.address, 'http://10.0.1.17:8080', 'the address the drivers read is untouched');
    });

    it('a node token of the release before tokens named their node is refused, saying to issue one per node; a bound one is stored where that release refuses it', async () => {
      const issued = await t.admin({ method: 'POST', url: '/api/auth/tokens', body: { name: 'legacy', scope: 'fleet-node', node: 'PROD_P_017' } });
      assert.equal(issued.status, 200, issued.text);
      const id = issued.body.data.id as string;
      // That release knows the scope `fleet-node` alone and lets it announce any name: a bound token is
      // stored under a scope it does not know, so it refuses the token while it still serves.
      const stored = await t.deps.store.db.selectFrom('access_tokens').select('scope').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(stored.scope, 'fleet-node:PROD_P_017');
      // What that release stored for the tokens it issued.
      await t.deps.store.db.updateTable('access_tokens').set({ scope: 'fleet-node' }).where('id', '=', id).execute();
      const legacy = { bearer: issued.body.data.token as string };
      const en = await announce({ name: 'PROD_P_017', address: 'http://10.0.0.17:8080', version: '1.0.0' }, legacy);
      assert.equal(en.status, 401, en.text);
      assert.match(
        en.body.message,
        /^This fleet-node token was issued before node tokens named their node, and is no longer accepted: issue each node its own token/,
      );
      const ja = await announce({ name: 'PROD_P_017', address: 'http://10.0.0.17:8080', version: '1.0.0' }, legacy, JA);
      assert.match(ja.body.message, /^この fleet-node トークンはノードを指定する前の形式で発行されたため、使用できなくなりました。/);
      const listed = ((await t.admin({ url: '/api/auth/tokens' })).body.data as Array<{ id: string; scope: string | null; node: string | null }>).find(
        (x) => x.id === id,
      );
      assert.deepEqual([listed?.scope, listed?.node], ['fleet-node', null], 'listed as a node token that names no node');
      assert.equal((await t.admin({ method: 'DELETE', url: `/api/auth/tokens/${id}` })).status, 200);
    });

    it('issuing a node token: scope and node go together, the node named by the convention; each token lists its node', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ name: 'x', scope: 'root', node: 'PROD_P_001' }, /scope.*must be fleet-node/],
        [
          { name: 'x', scope: 'fleet-node' },
          /node.*name the node this fleet-node token may announce, e\.g\. "node": "PROD_P_017" \(issue one token per node\)/,
        ],
        [{ name: 'x', node: 'PROD_P_001' }, /node.*only a token with "scope": "fleet-node" is bound to a node/],
        [{ name: 'x', scope: 'fleet-node', node: 'prod-p-1' }, /node.*must be a node name <ENV_TYPE>_<P\|S>_<ENV_ID>/],
      ];
      for (const [body, message] of cases) {
        const r = await t.admin({ method: 'POST', url: '/api/auth/tokens', body });
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
        assert.match(r.body.message, message);
      }
      const list = (await t.admin({ url: '/api/auth/tokens' })).body.data as Array<{
        name: string;
        scope: string | null;
        node: string | null;
        revoked_at: string | null;
      }>;
      const active = list.filter((token) => token.revoked_at === null);
      assert.equal(active.length, tokens.size, 'nothing refused was issued');
      for (const token of active) assert.deepEqual([token.scope, token.node], ['fleet-node', token.name.replace('agent ', '')]);
    });
  });
}
