/** The maintenance slice of the config file: planned maintenance windows (`maintenance`). */
import { z } from 'zod';
import { id, instant } from '../validation/zod.ts';

export const maintenanceWindowSchema = z.strictObject({
  service: id,
  from: instant,
  to: instant,
  reason: z.string().default(''),
});

export type MaintenanceWindowConfig = z.output<typeof maintenanceWindowSchema>;
