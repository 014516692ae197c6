/**
 * Open cost anomalies from Cost Anomaly Detection (`GetAnomalies`). AWS has no "open" flag: an anomaly
 * counts as open while it was still detected within the last `openDays` days (or has no end date yet)
 * and nobody marked it "not an anomaly" (feedback `NO`).
 */
import { GetAnomaliesCommand, type Anomaly, type CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { utcDay } from './days.ts';

export interface OpenAnomaly {
  anomalyId: string;
  /** The service of the root cause that contributes most, or `Unknown`. */
  service: string;
  /** `Impact.TotalImpact` (falls back to `MaxImpact`), in USD. */
  impactUsd: number;
}

export interface AnomalyWindow {
  /** How far back to ask for anomalies. */
  lookbackDays: number;
  /** An anomaly last detected longer ago than this is over. */
  openDays: number;
}

export const ANOMALY_WINDOW_DEFAULTS: AnomalyWindow = { lookbackDays: 14, openDays: 2 };

export async function fetchOpenAnomalies(
  client: Pick<CostExplorerClient, 'send'>,
  now: Date,
  window: AnomalyWindow = ANOMALY_WINDOW_DEFAULTS,
): Promise<OpenAnomaly[]> {
  const out: OpenAnomaly[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetAnomaliesCommand({
        DateInterval: { StartDate: utcDay(now, -window.lookbackDays) },
        MaxResults: 100,
        ...(token ? { NextPageToken: token } : {}),
      }),
    );
    for (const anomaly of page.Anomalies ?? []) {
      const open = openAnomaly(anomaly, utcDay(now, -window.openDays));
      if (open) out.push(open);
    }
    token = page.NextPageToken;
  } while (token);
  return out;
}

/** `undefined` when the anomaly is over, dismissed, or carries no impact. */
export function openAnomaly(anomaly: Anomaly, openSince: string): OpenAnomaly | undefined {
  if (!anomaly.AnomalyId || anomaly.Feedback === 'NO') return undefined;
  const end = anomaly.AnomalyEndDate?.slice(0, 10);
  if (end && end < openSince) return undefined;
  const impactUsd = anomaly.Impact?.TotalImpact ?? anomaly.Impact?.MaxImpact;
  if (impactUsd === undefined || !Number.isFinite(impactUsd)) return undefined;
  const top = [...(anomaly.RootCauses ?? [])]
    .filter((c) => c.Service)
    .sort((a, b) => (b.Impact?.Contribution ?? 0) - (a.Impact?.Contribution ?? 0))[0];
  return { anomalyId: anomaly.AnomalyId, service: top?.Service ?? 'Unknown', impactUsd };
}
