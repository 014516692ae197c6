/** The `shiftRequests` slice of the config file: how cover and swap requests expire and warn. */
import { z } from 'zod';

export const shiftRequestsSchema = z
  .strictObject({
    warnBeforeHours: z
      .number()
      .min(0)
      .max(24 * 14)
      .default(24)
      .describe(
        'An unfilled cover request warns its requester and the team lead this long before it starts.',
      ),
  })
  .default({ warnBeforeHours: 24 })
  .describe('Shift self-service: cover and swap requests.');

export type ShiftRequestsConfig = z.output<typeof shiftRequestsSchema>;
