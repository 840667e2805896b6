/**
 * Exastro's token endpoint as its clients use it (tenancy/openid-connect.ts): a password grant in
 * an organization's realm gives an offline refresh token; a refresh grant turns it into an access
 * token; the access token is accepted as Bearer on Exastro's paths. Errors are OpenID Connect's
 * `{error, error_description}`, as Keycloak answers them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { ADMIN, ITA1, SEED, seedTenants, setMaintenance, startTestApp, type CallResult, type TestApp } from './support/app.js';

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

const tokenUrl = (realm: string) => `/auth/realms/${realm}/protocol/openid-connect/token`;

function assertOidcError(r: CallResult, status: number, error: string, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.text}`);
  assert.deepEqual(Object.keys(r.body).sort(), ['error', 'error_description'], `${what}: OpenID Connect's error, not the envelope`);
  assert.equal(r.body.error, error, what);
  assert.ok(String(r.body.error_description).length > 10, `${what}: says what is wrong`);
}

for (const backend of BACKENDS) {
  describe(`Exastro token endpoint (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { loginMaxFailuresPerAddress: 1000 });
      await seedTenants(t);
    });
    after(async () => t?.close());

    const passwordGrant = (realm: string, username: string, password: string, extra: Record<string, string> = {}) =>
      t.call({
        method: 'POST',
        url: tokenUrl(realm),
        ...form({ grant_type: 'password', client_id: `_${realm}-api`, scope: 'openid offline_access', username, password, ...extra }),
      });
    const refreshGrant = (realm: string, refreshToken: string, clientId = `_${realm}-api`) =>
      t.call({ method: 'POST', url: tokenUrl(realm), ...form({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }) });

    it('password grant → offline refresh token → access token → Bearer on the ITA API, as client scripts do', async () => {
      const signIn = await passwordGrant(SEED.org1, 'member1', 'member1-password');
      assert.equal(signIn.status, 200, signIn.text);
      assert.equal(signIn.body.token_type, 'Bearer');
      assert.equal(signIn.body.refresh_expires_in, 0, 'offline_access: the refresh token does not expire');
      assert.match(signIn.body.scope, /offline_access/);
      assert.equal(signIn.headers['cache-control'], 'no-store');

      const refreshed = await refreshGrant(SEED.org1, signIn.body.refresh_token);
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(typeof refreshed.body.access_token, 'string');
      assert.equal(refreshed.body.expires_in, 300);
      assert.ok(Number.isInteger(refreshed.body['not-before-policy']));

      const bearer = { authorization: `Bearer ${refreshed.body.access_token}` };
      const filter = await t.call({ method: 'POST', url: `${ITA1}/menu/${SEED.menu}/filter/?file=no`, headers: bearer, body: { discard: { NORMAL: '0' } } });
      assert.equal(filter.status, 200, filter.text);
      assert.ok(Array.isArray(filter.body.data));
      // The scheme is matched case-insensitively, as Exastro's gateway does.
      const lower = await t.call({ url: `${ITA1}/menu/${SEED.menu}/filter/`, headers: { authorization: `bearer ${refreshed.body.access_token}` } });
      assert.equal(lower.status, 200, lower.text);
      // The token speaks for member1 only: not for another organization.
      const elsewhere = await t.call({ url: `/api/${SEED.org2}/workspaces/${SEED.ws2}/ita/menu/`, headers: bearer });
      assert.equal(elsewhere.status, 403, elsewhere.text);
    });

    it('a system administrator signs in in the master realm with _platform-api', async () => {
      const signIn = await t.call({
        method: 'POST',
        url: tokenUrl('master'),
        ...form({ grant_type: 'password', client_id: '_platform-api', username: ADMIN.user, password: ADMIN.password }),
      });
      assert.equal(signIn.status, 200, signIn.text);
      assert.equal(signIn.body.refresh_expires_in, 1800, 'without offline_access the refresh token lives 30 minutes');
      const orgs = await t.call({ url: '/api/platform/organizations', headers: { authorization: `Bearer ${signIn.body.access_token}` } });
      assert.equal(orgs.status, 200, orgs.text);
    });

    it('wrong password, wrong client, unknown grant and a bad refresh token answer OpenID Connect errors', async () => {
      assertOidcError(await passwordGrant(SEED.org1, 'member1', 'wrong-password'), 401, 'invalid_grant', 'wrong password');
      assertOidcError(
        await passwordGrant(SEED.org1, 'member1', 'member1-password', { client_id: '_org2-api' }),
        401,
        'invalid_client',
        'another realm’s client',
      );
      assertOidcError(
        await t.call({ method: 'POST', url: tokenUrl(SEED.org1), ...form({ grant_type: 'client_credentials', client_id: '_org1-api' }) }),
        400,
        'unsupported_grant_type',
        'client credentials',
      );
      assertOidcError(await t.call({ method: 'POST', url: tokenUrl(SEED.org1), body: { grant_type: 'password' } }), 400, 'invalid_request', 'JSON, no fields');
      assertOidcError(await refreshGrant(SEED.org1, 'ddr_not-a-token'), 400, 'invalid_grant', 'unknown refresh token');

      const signIn = await passwordGrant(SEED.org1, 'member1', 'member1-password');
      assertOidcError(await refreshGrant(SEED.org2, signIn.body.refresh_token), 400, 'invalid_grant', 'refresh token of another realm');

      const tampered = `${signIn.body.access_token.slice(0, -2)}xx`;
      const r = await t.call({ url: `${ITA1}/menu/`, headers: { authorization: `Bearer ${tampered}` } });
      assert.equal(r.status, 401, `a tampered access token is refused: ${r.text}`);
      assert.equal(r.body.result, '401-00002');
    });

    it('revoking the refresh token ends its access tokens at once; refreshing works in read-only mode', async () => {
      const signIn = await passwordGrant(SEED.org1, 'member1', 'member1-password');
      const bearer = { authorization: `Bearer ${signIn.body.access_token}` };
      await setMaintenance(t, { data_update_stop: '1' });
      try {
        const refreshed = await refreshGrant(SEED.org1, signIn.body.refresh_token);
        assert.equal(refreshed.status, 200, `a refresh writes nothing, so read-only mode lets it through: ${refreshed.text}`);
        const again = await passwordGrant(SEED.org1, 'member1', 'member1-password');
        assert.equal(again.status, 200, `signing in stays open in read-only mode: ${again.text}`);
      } finally {
        await setMaintenance(t, { data_update_stop: '0' });
      }
      const tokens = await t.call({ url: '/api/auth/tokens', headers: bearer });
      assert.equal(tokens.status, 200, tokens.text);
      const mine = tokens.body.data.find((x: { id: string }) => x.id === signIn.body.session_state);
      assert.ok(mine, 'the refresh token is listed with the personal access tokens');
      assert.match(mine.name, /refresh token for _org1-api/);
      const revoked = await t.call({ method: 'DELETE', url: `/api/auth/tokens/${mine.id}`, headers: bearer });
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal((await t.call({ url: `${ITA1}/menu/`, headers: bearer })).status, 401, 'its access token is refused now');
      assertOidcError(await refreshGrant(SEED.org1, signIn.body.refresh_token), 400, 'invalid_grant', 'a revoked refresh token');
    });
  });
}
