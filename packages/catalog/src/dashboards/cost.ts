/**
 * Spend is watched over days, not minutes, so cost and budget alerts land on a week-long view with the
 * anomalies and budget crossings overlaid as annotations.
 */
import { dashboard, stat, timeseries, type DashboardSpec } from './build.ts';

export function costDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-cost',
    title: 'Cost and spend',
    folder: 'Operations',
    purpose:
      'Daily spend by service, budget burn, forecasts and open cost anomalies, with the budget thresholds drawn in.',
    annotations: true,
    timeFrom: 'now-7d',
    variables: { service: 'label_values(aws_cost_daily_usd, service)' },
    overlays: [
      {
        name: 'Cost anomalies',
        expr: 'aws_cost_anomaly_impact_usd > 0',
        title: 'Cost anomaly {{service}} ({{anomaly_id}})',
        color: 'purple',
      },
      {
        name: 'Budget thresholds crossed',
        expr: 'aws_budget_utilization_ratio >= 0.8',
        title: 'Budget {{budget}} past 80 %',
        color: 'orange',
      },
    ],
    items: [
      stat('Open cost anomalies (USD impact)', 'sum(aws_cost_anomaly_impact_usd) or vector(0)', {
        unit: 'currencyUSD',
        thresholds: [{ value: 1, color: 'orange' }],
      }),
      stat('Month to date (all services)', 'sum(aws_billing_estimated_charges_maximum)', {
        unit: 'currencyUSD',
      }),
      timeseries(
        'Daily spend by service',
        [{ expr: 'sum by (service) (aws_cost_daily_usd{service=~"$service"})', legend: '{{service}}' }],
        {
          unit: 'currencyUSD',
          thresholds: [{ value: 5000, color: 'orange' }],
          description: 'DailyCostHigh (T3) above $5,000 a day.',
        },
      ),
      timeseries(
        'Budget used',
        [{ expr: 'max by (budget) (aws_budget_utilization_ratio)', legend: '{{budget}}' }],
        {
          unit: 'percentunit',
          thresholds: [
            { value: 0.8, color: 'orange' },
            { value: 1, color: 'red' },
          ],
          description: 'BudgetThresholdReached: T2 at 80 %, T1 at 100 %.',
        },
      ),
      timeseries(
        'Budget burn (share of the budget per day)',
        [
          {
            expr: 'max by (budget) (deriv(aws_budget_utilization_ratio[1h])) * 86400',
            legend: '{{budget}}',
          },
        ],
        { unit: 'percentunit' },
      ),
      timeseries(
        'Forecast at month end',
        [{ expr: 'max by (budget) (aws_budget_forecast_ratio)', legend: '{{budget}}' }],
        {
          unit: 'percentunit',
          thresholds: [{ value: 1, color: 'red' }],
        },
      ),
      timeseries(
        'Month-to-date charges by service',
        [
          {
            expr: 'max by (dimension_ServiceName) (aws_billing_estimated_charges_maximum)',
            legend: '{{dimension_ServiceName}}',
          },
        ],
        { unit: 'currencyUSD' },
      ),
      timeseries(
        'Cost anomalies',
        [
          {
            expr: 'max by (service, anomaly_id) (aws_cost_anomaly_impact_usd)',
            legend: '{{service}} {{anomaly_id}}',
          },
        ],
        { unit: 'currencyUSD' },
      ),
    ],
  });
}
