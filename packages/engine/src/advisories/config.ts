/**
 * The advisories slice of the config (issue 23): the daily digest of T3 incidents and the review deadline.
 * Teams' business hours and where their digest goes are on each team (org/config.ts).
 */
import { z } from 'zod';

export const advisoriesSchema = z
  .strictObject({
    digest: z
      .boolean()
      .default(true)
      .describe("Send each team's daily digest of advisories at the start of its business day."),
    emptyDigest: z
      .enum(['say', 'skip'])
      .default('say')
      .describe('A day with nothing to report: `say` sends one line saying so, `skip` sends nothing.'),
    deadline: z
      .boolean()
      .default(true)
      .describe(
        'Tell the team lead, once (Slack or email, never a page), about an advisory still unreviewed at the end of the next business day.',
      ),
    noiseWindowDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .default(30)
      .describe('How far back the digest and the analytics count advisories dismissed as noise.'),
  })
  .default({ digest: true, emptyDigest: 'say', deadline: true, noiseWindowDays: 30 })
  .describe('T3 advisories: the daily digest and the review deadline (issue 23).');

export type AdvisoriesConfig = z.output<typeof advisoriesSchema>;
