/**
 * The retention slice of the config file: how long alerts, timeline details and sent notifications are
 * kept. Incidents are always kept (the list, the detail's header and the analytics' MTTA/MTTR read them),
 * and nothing an open incident needs is pruned. Absent days keep everything, the default.
 */
import { z } from 'zod';

const days = (what: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(36_500)
    .optional()
    .describe(`Delete ${what} older than this many days; absent: keep them forever.`);

export const retentionSchema = z
  .strictObject({
    alertsDays: days('alerts last seen (of resolved incidents, or of none)'),
    timelineDetailsDays: days(
      "resolved incidents' timeline details (alert, escalation and delivery events; the incident's own opened, acknowledged, resolved and reopened events and people's notes stay)",
    ),
    notificationsDays: days("resolved incidents' finished notifications (sent, delivered, failed, canceled)"),
    batchSize: z
      .number()
      .int()
      .min(10)
      .max(50_000)
      .default(2000)
      .describe('Rows deleted per table per pass, each pass one short transaction.'),
    intervalSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(60)
      .describe('Seconds between passes; while a pass finds a full batch, the next runs after 1 s.'),
  })
  .default({ batchSize: 2000, intervalSeconds: 60 })
  .describe('How long history is kept. The default keeps everything.');

export type RetentionConfig = z.output<typeof retentionSchema>;

/** What the retention module reads from the config. */
export interface RetentionView {
  retention: RetentionConfig;
}
