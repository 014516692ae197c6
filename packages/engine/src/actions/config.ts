/** The `actionLinks` slice of the config file: how long a page's signed one-tap links stay valid. */
import { z } from 'zod';
import { secret } from '../validation/zod.ts';

export const actionLinksSchema = z
  .strictObject({
    ttlMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(120)
      .describe('How long a link in a page stays valid after it is sent.'),
    secret: secret
      .optional()
      .describe(
        'HMAC key for the links (use ${ENV}); without it the engine makes one and keeps it in the database, shared by every replica.',
      ),
  })
  .default({ ttlMinutes: 120 })
  .describe(
    'Signed, single-use links in pages (SMS, email, push, ntfy) that acknowledge or resolve as the person paged.',
  );

export type ActionLinksConfig = z.output<typeof actionLinksSchema>;
