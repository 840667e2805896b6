import { z } from 'zod';
import { HISTORY_MAX_MINUTES, jobHistory } from '../../backyard/job-history.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { jobHistorySchema } from '../wire/job-history.js';

/** What the backyards did over the last minutes, for the console's charts (backyard/job-history.ts). */
export const jobHistoryRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/api/ita/backyard-execute-check/history/',
    summary: 'Jobs in flight (the most at once) and jobs finished (succeeded, failed) per minute over the last minutes, per backyard and in all',
    tag: 'backyard',
    access: 'system_admin',
    writes: 'read',
    query: z
      .object({
        minutes: z.coerce.number().int().min(1).max(HISTORY_MAX_MINUTES).default(60),
      })
      .strict(),
    response: jobHistorySchema,
    handler: async ({ db, query }) => jobHistory(db, query.minutes),
  }),
];
