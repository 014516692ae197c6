/**
 * The config layer's own slice of the config file: `server`, the engine's public URL, feed signing and body
 * limit. It lives here, not in http/ (which applies it), because config/ sits below http/ and may not
 * import it; domains that need the public URL declare a structural `{ server: { publicUrl?: string } }`.
 */
import { z } from 'zod';

export const serverSchema = z
  .strictObject({
    publicUrl: z.url().optional().describe("The engine's own public URL, used in links."),
    feedSecret: z
      .string()
      .min(16, 'use at least 16 characters; generate one with `openssl rand -hex 24`')
      .optional()
      .describe('Signs subscribable iCal feed URLs (calendar apps cannot send an API token).'),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
  })
  .default({ bodyLimitBytes: 1024 * 1024 });

export type ServerConfig = z.output<typeof serverSchema>;
