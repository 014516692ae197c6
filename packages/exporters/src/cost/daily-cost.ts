/** The last complete day's unblended cost per AWS service, from Cost Explorer `GetCostAndUsage`. */
import { GetCostAndUsageCommand, type CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { lastCompleteDay } from './days.ts';

export interface ServiceCost {
  service: string;
  usd: number;
}

/** Reads every page (each page is a billed request, so there are rarely more than one). */
export async function fetchDailyCost(
  client: Pick<CostExplorerClient, 'send'>,
  now: Date,
): Promise<ServiceCost[]> {
  const totals = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetCostAndUsageCommand({
        TimePeriod: lastCompleteDay(now),
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost'],
        GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
        ...(token ? { NextPageToken: token } : {}),
      }),
    );
    for (const result of page.ResultsByTime ?? []) {
      for (const group of result.Groups ?? []) {
        const service = group.Keys?.[0];
        const amount = Number(group.Metrics?.UnblendedCost?.Amount);
        if (service && Number.isFinite(amount)) totals.set(service, (totals.get(service) ?? 0) + amount);
      }
    }
    token = page.NextPageToken;
  } while (token);
  return [...totals].map(([service, usd]) => ({ service, usd }));
}
