import { z } from 'zod';
import { backyardSchema } from './backyard.js';
import { timestampSchema } from './common.js';

/** A count per minute, oldest first: one value per bucket of the history's `buckets`. */
const minuteSeriesSchema = z.array(z.number().int());

/** `GET /api/ita/backyard-execute-check/history/`: the jobs of the last minutes, by minute (backyard/job-history.ts). */
export const jobHistorySchema = z.strictObject({
  minutes: z.number().int(),
  /** The first minute's start, and now (the last minute ends here). */
  from: timestampSchema,
  to: timestampSchema,
  /** Each minute's start, oldest first. */
  buckets: z.array(timestampSchema),
  /** Every backyard, in the execute-check's key order. */
  backyards: z.array(
    z.strictObject({
      backyard: backyardSchema,
      /** Whether its jobs count in `execute_count` (conductors' do not: their driver jobs do). */
      counted: z.boolean(),
      /** The most of its jobs in flight at once during each minute. */
      in_flight: minuteSeriesSchema,
      /** Its jobs in flight now. */
      in_flight_now: z.number().int(),
      /** Its jobs that ended in each minute in the family's success status (Completed, Normal end). */
      succeeded: minuteSeriesSchema,
      /** Its jobs that ended in each minute in any other end (error, unexpected error, emergency stop, abend, warning end). */
      failed: minuteSeriesSchema,
    }),
  ),
  /** The counted backyards together, as `execute_count` counts them. */
  in_flight: minuteSeriesSchema,
  in_flight_now: z.number().int(),
  succeeded: minuteSeriesSchema,
  failed: minuteSeriesSchema,
});
