/**
 * The advisories API's data shapes (issue 23): an `advisories` row with its incident, as the JSON the
 * API returns and the web page reads.
 */
import { z } from 'zod';
import type { AdvisoryRow, IncidentState } from '../db/tables.ts';

export const ADVISORY_STATES = ['unreviewed', 'reviewed', 'dismissed', 'promoted'] as const;
export type AdvisoryState = (typeof ADVISORY_STATES)[number];
export const REVIEW_ACTIONS = ['review', 'dismiss', 'promote'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];
export const PROMOTE_TIERS = ['T1', 'T2'] as const;
export type PromoteTier = (typeof PROMOTE_TIERS)[number];

export const NOTE_MAX = 2000;
export const REASON_MAX = 500;

export const advisorySchema = z.object({
  incidentId: z.number().int(),
  team: z.string(),
  service: z.string(),
  alert: z
    .string()
    .describe("The incident's alert name: its first alert's `alertname` label, else its title."),
  title: z.string(),
  state: z.enum(ADVISORY_STATES),
  incidentState: z.enum(['triggered', 'acknowledged', 'resolved']),
  firing: z.boolean().describe('Whether any of its alerts is still firing.'),
  openedAt: z.string(),
  deadlineAt: z
    .string()
    .describe('The end of the next business day after it opened, in its team’s calendar.'),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable().describe('Who decided (`klaxon` when its alerts raised its tier).'),
  note: z.string().nullable(),
  reason: z.string().nullable().describe('Why it was dismissed as noise.'),
  promotedTo: z.enum(PROMOTE_TIERS).nullable(),
});

export type AdvisoryDto = z.output<typeof advisorySchema>;

/** A row joined with what the DTO shows of its incident. */
export type AdvisoryView = AdvisoryRow & {
  title: string;
  incident_state: IncidentState;
  firing: number | bigint | null;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function asState(s: string): AdvisoryState {
  return (ADVISORY_STATES as readonly string[]).includes(s) ? (s as AdvisoryState) : 'unreviewed';
}

export function toAdvisoryDto(v: AdvisoryView): AdvisoryDto {
  return {
    incidentId: Number(v.incident_id),
    team: v.team_id,
    service: v.service_id,
    alert: v.alert_name,
    title: v.title,
    state: asState(v.state),
    incidentState: v.incident_state,
    firing: Number(v.firing ?? 0) > 0,
    openedAt: iso(Number(v.opened_at))!,
    deadlineAt: iso(Number(v.deadline_at))!,
    decidedAt: iso(v.decided_at === null ? null : Number(v.decided_at)),
    decidedBy: v.decided_by,
    note: v.note,
    reason: v.reason,
    promotedTo: v.promoted_to === 'T1' || v.promoted_to === 'T2' ? v.promoted_to : null,
  };
}
