/** Each AWS Budget's actual and forecast spend as a fraction of its limit, from `DescribeBudgets`. */
import { DescribeBudgetsCommand, type Budget, type BudgetsClient } from '@aws-sdk/client-budgets';

export interface BudgetRatio {
  budget: string;
  /** The budget's `Service` cost filter (values joined by `,`), or `All` when it has none. */
  service: string;
  utilization: number;
  /** Absent when AWS has no forecast yet (new budgets, or too little history). */
  forecast?: number;
}

export async function fetchBudgets(
  client: Pick<BudgetsClient, 'send'>,
  accountId: string,
  now: Date,
): Promise<BudgetRatio[]> {
  const out: BudgetRatio[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeBudgetsCommand({
        AccountId: accountId,
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const budget of page.Budgets ?? []) {
      const ratio = budgetRatio(budget, now);
      if (ratio) out.push(ratio);
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** `undefined` for a budget without a positive limit or spend, which has no meaningful ratio. */
export function budgetRatio(budget: Budget, now: Date): BudgetRatio | undefined {
  const limit = currentLimit(budget, now);
  const actual = Number(budget.CalculatedSpend?.ActualSpend?.Amount);
  if (!budget.BudgetName || !limit || !Number.isFinite(actual)) return undefined;
  const forecast = Number(budget.CalculatedSpend?.ForecastedSpend?.Amount);
  const services = budget.CostFilters?.Service ?? [];
  return {
    budget: budget.BudgetName,
    service: services.length > 0 ? [...services].sort().join(',') : 'All',
    utilization: actual / limit,
    ...(Number.isFinite(forecast) && budget.CalculatedSpend?.ForecastedSpend
      ? { forecast: forecast / limit }
      : {}),
  };
}

/**
 * The limit that applies now: `BudgetLimit`, or for a planned budget the `PlannedBudgetLimits` entry of
 * the current period (keys are the periods' start times in epoch seconds).
 */
function currentLimit(budget: Budget, now: Date): number | undefined {
  const fixed = Number(budget.BudgetLimit?.Amount);
  if (Number.isFinite(fixed) && fixed > 0) return fixed;
  const nowSeconds = now.getTime() / 1000;
  const current = Object.entries(budget.PlannedBudgetLimits ?? {})
    .map(([start, spend]) => ({ start: Number(start), amount: Number(spend.Amount) }))
    .filter((p) => p.start <= nowSeconds && Number.isFinite(p.amount) && p.amount > 0)
    .sort((a, b) => b.start - a.start)[0];
  return current?.amount;
}
