/**
 * The AWS cost exporter: daily cost per service, budget utilisation and forecast, and open cost
 * anomalies. Cost Explorer bills every request, so the values are a cache refreshed on the exporter's own
 * schedule (hourly by default); a scrape only reads the cache and never calls AWS.
 */
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { Gauge, Registry } from 'prom-client';
import { clientConfig, type AwsClientOptions } from '../shared/aws.ts';
import { defined } from '../shared/defined.ts';
import { errorFields, silentLogger, type Logger } from '../shared/logger.ts';
import { RefreshStatus, SingleFlight } from '../shared/refresh.ts';
import { every, systemTime, type Time } from '../shared/time.ts';
import { ANOMALY_WINDOW_DEFAULTS, fetchOpenAnomalies, type AnomalyWindow } from './anomalies.ts';
import { fetchBudgets } from './budgets.ts';
import { fetchDailyCost } from './daily-cost.ts';

export type CostSource = 'cost_and_usage' | 'budgets' | 'anomalies';

export interface CostExporterOptions {
  costExplorer: Pick<CostExplorerClient, 'send'>;
  /** With `accountId`, budgets are read; without, the budget metrics are not exported. */
  budgets?: { client: Pick<BudgetsClient, 'send'>; accountId: string };
  /** Default 3 600 000 (hourly): Cost Explorer data changes a few times a day and each call costs money. */
  refreshIntervalMs?: number;
  anomalyWindow?: AnomalyWindow;
  registry?: Registry;
  time?: Time;
  logger?: Logger;
}

/** How each source's refresh went. */
export interface RefreshOutcome {
  source: CostSource;
  ok: boolean;
  error?: string;
}

export const COST_REFRESH_DEFAULT_MS = 3_600_000;

/** Builds the Cost Explorer and Budgets clients. Both APIs live in us-east-1 for the commercial partition. */
export function createCostClients(o: AwsClientOptions): {
  costExplorer: CostExplorerClient;
  budgets: BudgetsClient;
} {
  return {
    costExplorer: new CostExplorerClient(clientConfig(o)),
    budgets: new BudgetsClient(clientConfig(o)),
  };
}

/**
 * @example
 * const { costExplorer, budgets } = createCostClients({ region: 'us-east-1' });
 * const exporter = new CostExporter({ costExplorer, budgets: { client: budgets, accountId: '123456789012' } });
 * exporter.start(); // refreshes now, then hourly
 * await startMetricsServer({ registry: exporter.registry, port: 9471 });
 */
export class CostExporter {
  readonly registry: Registry;
  readonly #o: Required<Omit<CostExporterOptions, 'registry' | 'budgets'>> &
    Pick<CostExporterOptions, 'budgets'>;
  readonly #status: RefreshStatus;
  readonly #flight = new SingleFlight();
  readonly #daily: Gauge<'service'>;
  readonly #utilization: Gauge<'budget' | 'service'>;
  readonly #forecast: Gauge<'budget' | 'service'>;
  readonly #anomaly: Gauge<'service' | 'anomaly_id'>;
  #loop: { stop(): void } | undefined;

  constructor(opts: CostExporterOptions) {
    this.#o = {
      refreshIntervalMs: COST_REFRESH_DEFAULT_MS,
      anomalyWindow: ANOMALY_WINDOW_DEFAULTS,
      time: systemTime,
      logger: silentLogger,
      ...defined(opts),
      costExplorer: opts.costExplorer,
    };
    this.registry = opts.registry ?? new Registry();
    const registers = [this.registry];
    this.#daily = new Gauge({
      name: 'aws_cost_daily_usd',
      help: "The last complete UTC day's unblended cost per AWS service, in USD (Cost Explorer).",
      labelNames: ['service'],
      registers,
    });
    this.#utilization = new Gauge({
      name: 'aws_budget_utilization_ratio',
      help: "Each AWS Budget's actual spend divided by its limit.",
      labelNames: ['budget', 'service'],
      registers,
    });
    this.#forecast = new Gauge({
      name: 'aws_budget_forecast_ratio',
      help: "Each AWS Budget's forecast spend divided by its limit.",
      labelNames: ['budget', 'service'],
      registers,
    });
    this.#anomaly = new Gauge({
      name: 'aws_cost_anomaly_impact_usd',
      help: 'The total impact of each open Cost Anomaly Detection anomaly, in USD.',
      labelNames: ['service', 'anomaly_id'],
      registers,
    });
    this.#status = new RefreshStatus(this.registry, 'cost', this.#sources(), this.#o.time);
  }

  /** Refreshes now and then every `refreshIntervalMs`, until `stop()`. */
  start(): void {
    this.#loop ??= every(this.#o.time, this.#o.refreshIntervalMs, () => void this.refresh());
  }

  stop(): void {
    this.#loop?.stop();
    this.#loop = undefined;
  }

  /** Resolves when no refresh is running. */
  idle(): Promise<void> {
    return this.#flight.idle();
  }

  /**
   * Reads every source once. A source that fails keeps its previous values (and counts an error); the
   * others still update. Returns `undefined` when a refresh is already running.
   */
  refresh(): Promise<RefreshOutcome[]> | undefined {
    return this.#flight.run(() => Promise.all(this.#sources().map((s) => this.#refreshSource(s))));
  }

  #sources(): CostSource[] {
    return this.#o.budgets ? ['cost_and_usage', 'budgets', 'anomalies'] : ['cost_and_usage', 'anomalies'];
  }

  async #refreshSource(source: CostSource): Promise<RefreshOutcome> {
    const now = this.#o.time.now();
    try {
      if (source === 'cost_and_usage') {
        const costs = await fetchDailyCost(this.#o.costExplorer, now);
        this.#daily.reset();
        for (const c of costs) this.#daily.set({ service: c.service }, c.usd);
      } else if (source === 'budgets' && this.#o.budgets) {
        const ratios = await fetchBudgets(this.#o.budgets.client, this.#o.budgets.accountId, now);
        this.#utilization.reset();
        this.#forecast.reset();
        for (const r of ratios) {
          this.#utilization.set({ budget: r.budget, service: r.service }, r.utilization);
          if (r.forecast !== undefined)
            this.#forecast.set({ budget: r.budget, service: r.service }, r.forecast);
        }
      } else if (source === 'anomalies') {
        const anomalies = await fetchOpenAnomalies(this.#o.costExplorer, now, this.#o.anomalyWindow);
        this.#anomaly.reset();
        for (const a of anomalies)
          this.#anomaly.set({ service: a.service, anomaly_id: a.anomalyId }, a.impactUsd);
      }
      this.#status.succeeded(source);
      return { source, ok: true };
    } catch (err) {
      this.#status.failed(source);
      const fields = errorFields(err);
      this.#o.logger.warn(
        { exporter: 'cost', source, ...fields },
        `cost refresh of ${source} failed; keeping the previous values`,
      );
      return { source, ok: false, error: `${String(fields.error)}: ${String(fields.message)}` };
    }
  }
}
