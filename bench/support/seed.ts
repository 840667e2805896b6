import { ADMIN, authHeaders, seedTenants, type CallOptions, type CallResult } from '../../test/support/app.js';
import { request } from './http.js';

/** The test harness's `call` / `admin`, over real HTTP to a listening drydock. */
export function httpCaller(baseUrl: string): {
  call(o: CallOptions): Promise<CallResult>;
  admin(o: Omit<CallOptions, 'auth'>): Promise<CallResult>;
} {
  const call = async (o: CallOptions): Promise<CallResult> => {
    const r = await request(baseUrl, {
      method: o.method ?? 'GET',
      path: o.url,
      headers: { ...authHeaders(o.auth), ...o.headers },
      ...(o.body !== undefined && { body: o.body }),
    });
    return { status: r.status, body: r.body, headers: r.headers, text: r.text };
  };
  return { call, admin: (o) => call({ ...o, auth: { basic: [ADMIN.user, ADMIN.password] } }) };
}

/** Seeds the test tenants (org1/ws1 with the `servers` menu, …) through a listening drydock's API. */
export async function seedOverHttp(baseUrl: string): Promise<void> {
  await seedTenants(httpCaller(baseUrl));
}
