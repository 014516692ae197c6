/**
 * A maintenance window as the API shows it: in the maintenance routes and on each service in
 * /api/v1/services.
 */
import { z } from 'zod';
import type { MaintenanceWindowRow } from './store.ts';

export const windowSchema = z.object({
  id: z.number().int(),
  service: z.string(),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  createdBy: z.string(),
});

export function toWindowDto(r: MaintenanceWindowRow): z.output<typeof windowSchema> {
  return {
    id: r.id,
    service: r.service_id,
    from: new Date(r.starts_at).toISOString(),
    to: new Date(r.ends_at).toISOString(),
    reason: r.reason,
    createdBy: r.created_by,
  };
}
