/** One shape for a timeline event row, whoever writes it (ingest, escalation, delivery, people). */
import type { NewIncidentEventRow } from '../db/tables.ts';

export function timelineEvent(
  incidentId: number,
  at: number,
  kind: string,
  actor: string,
  message: string,
  data: Record<string, unknown> = {},
): NewIncidentEventRow {
  return { incident_id: incidentId, at, kind, actor, message, data: JSON.stringify(data) };
}
