/** What every ingest endpoint answers per alert, after the commit. */
import { z } from 'zod';

export const ingestResult = z.object({
  dedupKey: z.string(),
  outcome: z.string(),
  incidentId: z.number().int().nullable(),
  tier: z.string().nullable(),
});
