/**
 * The cost exporter with the real Cost Explorer and Budgets clients against a local awsJson1_1 fake:
 * the exact requests, the exported series, the cache (scrapes never call AWS), and failures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  awsError,
  FAKE_CREDENTIALS,
  sample,
  series,
  startFakeAws,
  type FakeAws,
  type FakeReply,
  type RecordedRequest,
} from '../../test/fake-aws.ts';
import { MemoryLogger } from '../shared/logger.ts';
import { startMetricsServer, type MetricsServer } from '../shared/server.ts';
import { ManualTime } from '../shared/time.ts';
import { CostExporter, createCostClients } from './exporter.ts';

const EC2 = 'Amazon Elastic Compute Cloud - Compute';
const BEDROCK = 'Amazon Bedrock';
const REDSHIFT = 'Amazon Redshift';

const costPage = (groups: [string, string][], next?: string) => ({
  GroupDefinitions: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
  ResultsByTime: [
    {
      TimePeriod: { Start: '2026-03-27', End: '2026-03-28' },
      Total: {},
      Groups: groups.map(([k, amount]) => ({
        Keys: [k],
        Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } },
      })),
      Estimated: true,
    },
  ],
  DimensionValueAttributes: [],
  ...(next ? { NextPageToken: next } : {}),
});

const budgets = {
  Budgets: [
    {
      BudgetName: 'monthly-total',
      BudgetLimit: { Amount: '1000.0', Unit: 'USD' },
      CostFilters: {},
      TimeUnit: 'MONTHLY',
      BudgetType: 'COST',
      CalculatedSpend: {
        ActualSpend: { Amount: '850.0', Unit: 'USD' },
        ForecastedSpend: { Amount: '1100.0', Unit: 'USD' },
      },
    },
    {
      BudgetName: 'bedrock',
      BudgetLimit: { Amount: '200', Unit: 'USD' },
      CostFilters: { Service: [BEDROCK] },
      TimeUnit: 'MONTHLY',
      BudgetType: 'COST',
      CalculatedSpend: { ActualSpend: { Amount: '50', Unit: 'USD' } },
    },
  ],
};

const anomalies = {
  Anomalies: [
    {
      AnomalyId: 'a-open',
      AnomalyStartDate: '2026-03-25',
      AnomalyEndDate: '2026-03-27',
      RootCauses: [
        { Service: EC2, Region: 'us-east-1', Impact: { Contribution: 10 } },
        { Service: BEDROCK, Region: 'us-east-1', Impact: { Contribution: 130 } },
      ],
      AnomalyScore: { MaxScore: 0.9, CurrentScore: 0.8 },
      Impact: { MaxImpact: 90, TotalImpact: 140.5 },
      MonitorArn: 'arn:aws:ce::123456789012:anomalymonitor/m',
    },
    {
      AnomalyId: 'a-over',
      AnomalyStartDate: '2026-03-18',
      AnomalyEndDate: '2026-03-20',
      RootCauses: [{ Service: REDSHIFT }],
      AnomalyScore: { MaxScore: 0.7, CurrentScore: 0.1 },
      Impact: { MaxImpact: 30, TotalImpact: 60 },
      MonitorArn: 'arn:aws:ce::123456789012:anomalymonitor/m',
    },
    {
      AnomalyId: 'a-dismissed',
      AnomalyStartDate: '2026-03-27',
      RootCauses: [{ Service: REDSHIFT }],
      AnomalyScore: { MaxScore: 0.7, CurrentScore: 0.7 },
      Impact: { MaxImpact: 30, TotalImpact: 30 },
      MonitorArn: 'arn:aws:ce::123456789012:anomalymonitor/m',
      Feedback: 'NO',
    },
  ],
};

function awsRoute(req: RecordedRequest): FakeReply {
  const body = req.body as { NextPageToken?: string };
  switch (req.target) {
    case 'AWSInsightsIndexService.GetCostAndUsage':
      return body.NextPageToken === 'page-2'
        ? { status: 200, body: costPage([[REDSHIFT, '12.5']]) }
        : {
            status: 200,
            body: costPage(
              [
                [EC2, '310.25'],
                [BEDROCK, '45.125'],
              ],
              'page-2',
            ),
          };
    case 'AWSBudgetServiceGateway.DescribeBudgets':
      return { status: 200, body: budgets };
    case 'AWSInsightsIndexService.GetAnomalies':
      return { status: 200, body: anomalies };
    default:
      return awsError(400, 'UnknownOperationException', `no fake for ${String(req.target)}`);
  }
}

let fake: FakeAws | undefined;
let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  await fake?.close();
  server = fake = undefined;
});

async function setup(opts: { accountId?: string } = { accountId: '123456789012' }) {
  fake = await startFakeAws(awsRoute);
  const time = new ManualTime('2026-03-28T23:30:00Z');
  const logger = new MemoryLogger();
  const clients = createCostClients({
    region: 'us-east-1',
    endpoint: fake.url,
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
  });
  const exporter = new CostExporter({
    costExplorer: clients.costExplorer,
    ...(opts.accountId ? { budgets: { client: clients.budgets, accountId: opts.accountId } } : {}),
    time,
    logger,
  });
  server = await startMetricsServer({ registry: exporter.registry, port: 0, host: '127.0.0.1' });
  const url = `${server.url}/metrics`;
  const scrape = async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return res.text();
  };
  return { fake, time, logger, exporter, scrape };
}

describe('cost exporter', () => {
  it('sends exactly the documented requests and exports cost, budgets and open anomalies', async () => {
    const { fake, exporter, scrape } = await setup();
    exporter.start();
    await exporter.idle();

    expect(fake.requests.map((r) => [r.method, r.path, r.target])).toEqual(
      expect.arrayContaining([
        ['POST', '/', 'AWSInsightsIndexService.GetCostAndUsage'],
        ['POST', '/', 'AWSBudgetServiceGateway.DescribeBudgets'],
        ['POST', '/', 'AWSInsightsIndexService.GetAnomalies'],
      ]),
    );
    expect(fake.requests).toHaveLength(4); // GetCostAndUsage had two pages
    expect(fake.requests.every((r) => r.headers['content-type'] === 'application/x-amz-json-1.1')).toBe(true);
    const costCalls = fake.calls('GetCostAndUsage').map((r) => r.body);
    const costRequest = {
      TimePeriod: { Start: '2026-03-27', End: '2026-03-28' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost'],
      GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
    };
    expect(costCalls).toEqual([costRequest, { ...costRequest, NextPageToken: 'page-2' }]);
    expect(fake.calls('DescribeBudgets').map((r) => r.body)).toEqual([
      { AccountId: '123456789012', MaxResults: 100 },
    ]);
    expect(fake.calls('GetAnomalies').map((r) => r.body)).toEqual([
      { DateInterval: { StartDate: '2026-03-14' }, MaxResults: 100 },
    ]);

    const text = await scrape();
    expect(series(text, 'aws_cost_daily_usd')).toEqual([
      { labels: { service: EC2 }, value: 310.25 },
      { labels: { service: BEDROCK }, value: 45.125 },
      { labels: { service: REDSHIFT }, value: 12.5 },
    ]);
    expect(series(text, 'aws_budget_utilization_ratio')).toEqual([
      { labels: { budget: 'monthly-total', service: 'All' }, value: 0.85 },
      { labels: { budget: 'bedrock', service: BEDROCK }, value: 0.25 },
    ]);
    expect(series(text, 'aws_budget_forecast_ratio')).toEqual([
      { labels: { budget: 'monthly-total', service: 'All' }, value: 1.1 },
    ]);
    expect(series(text, 'aws_cost_anomaly_impact_usd')).toEqual([
      { labels: { service: BEDROCK, anomaly_id: 'a-open' }, value: 140.5 },
    ]);
    const refreshed = Date.parse('2026-03-28T23:30:00Z') / 1000;
    for (const source of ['cost_and_usage', 'budgets', 'anomalies']) {
      expect(sample(text, 'klaxon_exporter_refresh_timestamp_seconds', { exporter: 'cost', source })).toBe(
        refreshed,
      );
      expect(sample(text, 'klaxon_exporter_refresh_errors_total', { exporter: 'cost', source })).toBe(0);
    }
    exporter.stop();
  });

  it('serves 100 scrapes from the cache without one AWS call, and refreshes on its own hourly schedule', async () => {
    const { fake, time, exporter, scrape } = await setup();
    exporter.start();
    await exporter.idle();
    expect(fake.requests).toHaveLength(4);

    const first = await scrape();
    for (let i = 0; i < 99; i++) expect(await scrape()).toBe(first);
    expect(fake.requests).toHaveLength(4);

    time.advance(59 * 60_000);
    await exporter.idle();
    expect(fake.requests).toHaveLength(4);

    time.advance(60_000); // one hour after the first refresh, and past midnight UTC: the next day's cost
    await exporter.idle();
    expect(fake.requests).toHaveLength(8);
    expect(fake.calls('GetCostAndUsage').at(-1)!.body).toMatchObject({
      TimePeriod: { Start: '2026-03-28', End: '2026-03-29' },
    });
    expect(
      sample(await scrape(), 'klaxon_exporter_refresh_timestamp_seconds', {
        exporter: 'cost',
        source: 'budgets',
      }),
    ).toBe(Date.parse('2026-03-29T00:30:00Z') / 1000);
    exporter.stop();
    expect(time.pending).toBe(0);
  });

  it('keeps the last values of a source whose refresh fails, counts the error and logs why', async () => {
    const { fake, time, exporter, scrape, logger } = await setup();
    exporter.start();
    await exporter.idle();
    fake.respond((req) =>
      req.target === 'AWSInsightsIndexService.GetAnomalies'
        ? awsError(400, 'LimitExceededException', 'You have exceeded the rate limit.')
        : req.target === 'AWSInsightsIndexService.GetCostAndUsage'
          ? { status: 200, body: costPage([[EC2, '1.5']]) }
          : awsRoute(req),
    );
    time.advance(3_600_000);
    await exporter.idle();

    const text = await scrape();
    expect(series(text, 'aws_cost_daily_usd')).toEqual([{ labels: { service: EC2 }, value: 1.5 }]); // replaced
    expect(series(text, 'aws_cost_anomaly_impact_usd')).toEqual([
      { labels: { service: BEDROCK, anomaly_id: 'a-open' }, value: 140.5 },
    ]); // kept
    expect(
      sample(text, 'klaxon_exporter_refresh_errors_total', { exporter: 'cost', source: 'anomalies' }),
    ).toBe(1);
    expect(
      sample(text, 'klaxon_exporter_refresh_errors_total', { exporter: 'cost', source: 'cost_and_usage' }),
    ).toBe(0);
    const stamp = (source: string) =>
      sample(text, 'klaxon_exporter_refresh_timestamp_seconds', { exporter: 'cost', source });
    expect(stamp('anomalies')).toBe(Date.parse('2026-03-28T23:30:00Z') / 1000);
    expect(stamp('cost_and_usage')).toBe(Date.parse('2026-03-29T00:30:00Z') / 1000);
    expect(logger.entries).toEqual([
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({
          source: 'anomalies',
          error: 'LimitExceededException',
          message: 'You have exceeded the rate limit.',
          httpStatus: 400,
        }),
      }),
    ]);
    exporter.stop();
  });

  it('does not read budgets without an account id', async () => {
    const { fake, exporter, scrape } = await setup({});
    await exporter.refresh();
    expect(fake.calls('DescribeBudgets')).toEqual([]);
    const text = await scrape();
    expect(series(text, 'aws_budget_utilization_ratio')).toEqual([]);
    expect(sample(text, 'klaxon_exporter_refresh_errors_total', { source: 'budgets' })).toBeUndefined();
  });
});
