/**
 * How a runbook reaches the switches through the API (src/runbook/switch-access.ts), against an
 * in-test server: a server of an older release that refuses the drain record (400-00026) gets the
 * same change without it, and any other refusal reaches the caller as the API client's error.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ApiClient } from '../src/api-client/api-client.js';
import { ApiCallError } from '../src/api-client/api-errors.js';
import { switchAccessOverApi } from '../src/runbook/switch-access.js';
import { ADMIN } from './support/app.js';

describe('the switches through the API of an older release', () => {
  it('a server that refuses the drain record (400-00026) gets the same change without it; any other refusal is thrown', async () => {
    const patches: unknown[] = [];
    let answer: { status: number; result: string; message: string } | undefined;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const change = JSON.parse(body) as Record<string, unknown>;
        patches.push(change);
        const refusal = answer ?? ('drain' in change ? { status: 400, result: '400-00026', message: 'unknown key: drain' } : undefined);
        res.writeHead(refusal?.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: null, message: refusal?.message ?? '', result: refusal?.result ?? '000-00000', ts: new Date().toISOString() }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const switches = switchAccessOverApi(new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, auth: { user: ADMIN.user, password: ADMIN.password } }));
      await switches.change({ backyard_execute_stop: '1', drain: 'start' });
      assert.deepEqual(patches, [{ backyard_execute_stop: '1', drain: 'start' }, { backyard_execute_stop: '1' }]);

      patches.length = 0;
      answer = { status: 403, result: '403-00001', message: 'Your role does not allow this call.' };
      await assert.rejects(
        switches.change({ backyard_execute_stop: '1', drain: 'start' }),
        (err: unknown) => err instanceof ApiCallError && err.status === 403 && err.result === '403-00001',
      );
      assert.equal(patches.length, 1, 'not retried');
    } finally {
      server.close();
    }
  });
});
