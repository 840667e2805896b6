import { executeCheck } from '../../backyard/execute-check.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { executeCheckSchema } from '../wire/backyard.js';

/** What every process is running, for operators before a backup. */
export const executeCheckRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/api/ita/backyard-execute-check/',
    summary: 'Every in-flight job across all organizations and workspaces, with counts (conductor rows listed, not counted)',
    tag: 'backyard',
    access: 'system_admin',
    writes: 'read',
    response: executeCheckSchema,
    handler: async ({ db, language }) => executeCheck(db, language),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/ita/backyard-execute-check/stream/',
    summary: 'Server-sent events: the execute-check at once and again whenever it changes (event "execute-check"), a "heartbeat" event every 5 s',
    tag: 'backyard',
    access: 'system_admin',
    writes: 'read',
    response: {
      contentTypes: ['text/event-stream'],
      description:
        'Server-sent events: "execute-check", each event\'s data the execute-check as GET …/backyard-execute-check/ answers it; ' +
        '"heartbeat" every 5 s (data {"interval_ms": 5000}, no id), so a client that hears nothing for two intervals knows the stream is lost',
    },
    handler: async ({ deps, language, request, reply }) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': drydock execute-check stream\n\n');
      deps.eventStreams.add(res);
      let id = 0;
      const unsubscribe = deps.executeCheckFeed.subscribe(language, (check) => {
        res.write(`id: ${++id}\nevent: execute-check\ndata: ${JSON.stringify(check)}\n\n`);
      });
      // The heartbeat (every 5 s, event-streams.ts) tells a client this stream is alive while nothing changes.
      request.raw.on('close', unsubscribe);
      return null;
    },
  }),
];
