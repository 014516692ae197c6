/** The engine slice of the config file: the loop's tick interval (`engine`). */
import { z } from 'zod';

export const engineSchema = z
  .strictObject({
    tickIntervalMs: z.number().int().min(50).max(60_000).default(250),
  })
  .default({ tickIntervalMs: 250 });

export type EngineConfig = z.output<typeof engineSchema>;
