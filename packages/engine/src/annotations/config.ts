/** The annotations slice of the config file: pushing annotations to Grafana (`grafana`). */
import { z } from 'zod';
import { secret } from '../validation/zod.ts';

export const grafanaSchema = z
  .strictObject({
    url: z
      .url()
      .describe('Base URL of the Grafana that receives annotations, e.g. https://grafana.example.com.'),
    token: secret.describe(
      'Service account token with the annotations:write and annotations:create permissions; use ${ENV}.',
    ),
    timeoutSeconds: z.number().positive().max(60).default(5).describe('Per request to Grafana.'),
    maxAttempts: z.number().int().min(1).max(100).default(10).describe('Then the annotation is given up.'),
    retryBaseSeconds: z
      .number()
      .positive()
      .default(5)
      .describe('Backoff 5 s, 10 s, 20 s … (× 0.5–1 jitter), at most retryMaxSeconds.'),
    retryMaxSeconds: z.number().positive().default(300),
  })
  .describe(
    'Push deployments and incidents to Grafana as annotations (docs/deployments.md). Absent: the feature is off.',
  );

export type GrafanaConfig = z.output<typeof grafanaSchema>;

/** What queueing annotations reads: whether `grafana` is set, and the public URL for incident links. */
export interface AnnotationsConfig {
  grafana?: GrafanaConfig | undefined;
  server: { publicUrl?: string | undefined };
}
