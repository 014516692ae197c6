/**
 * Compiles the tier model into `alertmanager.yml`: a route per tier with its own grouping and timing,
 * inhibitions (T1 over the matching T2; a node down over its pods' alerts; a model down over its latency
 * alerts), and receivers in two modes:
 * - `klaxon`: every tier goes to the Klaxon engine's webhook with its integration key (the engine pages);
 * - `pagerduty`: T1 to PagerDuty as critical (high urgency), T2 as warning (low urgency), T3 to Slack only.
 */
import type { Catalog } from '../model/alert.ts';
import { TIER_POLICIES, type Tier } from '../model/tiers.ts';
import { scaleDuration } from './profile.ts';

export interface AlertmanagerOptions {
  target: 'klaxon' | 'pagerduty';
  /** Klaxon mode: the engine's base URL and the integration key (or a file holding it). */
  klaxonUrl?: string;
  klaxonKeyFile?: string;
  klaxonKey?: string;
  /** PagerDuty mode: routing keys (or files) per paging tier. */
  pagerdutyRoutingKeyFile?: Partial<Record<'T1' | 'T2', string>>;
  /**
   * Divides every group wait, group interval and repeat interval by this factor (the demo's compressed
   * time profile). Default 1.
   */
  timeFactor?: number;
  /** PagerDuty mode: the Slack webhook for T3, and its channel. */
  slackApiUrlFile?: string;
  slackChannel?: string;
}

export interface AmReceiver {
  name: string;
  webhook_configs?: Record<string, unknown>[];
  pagerduty_configs?: Record<string, unknown>[];
  slack_configs?: Record<string, unknown>[];
}

export interface AmRoute {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  routes?: AmRoute[];
}

export interface AlertmanagerConfig {
  route: AmRoute;
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
  receivers: AmReceiver[];
}

const PAGING_KEYS = [
  'pagerduty_configs',
  'opsgenie_configs',
  'victorops_configs',
  'pushover_configs',
] as const;

/** Receivers that can wake someone up directly. */
export function isPagingReceiver(r: AmReceiver | Record<string, unknown>): boolean {
  return PAGING_KEYS.some(
    (k) =>
      Array.isArray((r as Record<string, unknown>)[k]) &&
      ((r as Record<string, unknown[]>)[k]?.length ?? 0) > 0,
  );
}

export function compileAlertmanager(catalog: Catalog, o: AlertmanagerOptions): AlertmanagerConfig {
  const identifying = [...new Set(catalog.alerts.flatMap((a) => Object.keys(a.outputLabels)))].sort();
  const t = (d: string) => (o.timeFactor && o.timeFactor !== 1 ? scaleDuration(d, o.timeFactor) : d);
  const tierRoute = (tier: Tier, receiver: string): AmRoute => {
    const p = TIER_POLICIES[tier];
    return {
      receiver,
      matchers: [`tier="${tier}"`],
      group_by: ['alertname', 'service', 'tier'],
      group_wait: t(p.groupWait),
      group_interval: t(p.groupInterval),
      repeat_interval: t(p.repeatInterval),
    };
  };
  const receivers: AmReceiver[] = [];
  const routes: AmRoute[] = [];
  if (o.target === 'klaxon') {
    const url = `${(o.klaxonUrl ?? 'http://klaxon:8080').replace(/\/$/, '')}/api/v1/ingest/alertmanager`;
    // Alertmanager does not expand environment variables: the key comes from a file unless given inline.
    const authorization = o.klaxonKey
      ? { type: 'Bearer', credentials: o.klaxonKey }
      : {
          type: 'Bearer',
          credentials_file: o.klaxonKeyFile ?? '/etc/alertmanager/secrets/klaxon-integration-key',
        };
    receivers.push({
      name: 'klaxon',
      webhook_configs: [{ url, send_resolved: true, max_alerts: 100, http_config: { authorization } }],
    });
    // The Watchdog goes straight through, often, so the engine's heartbeat sees it.
    routes.push({
      receiver: 'klaxon',
      matchers: ['alertname="Watchdog"'],
      group_wait: '0s',
      group_interval: t('1m'),
      repeat_interval: t('1m'),
    });
    for (const tier of ['T1', 'T2', 'T3'] as const) routes.push(tierRoute(tier, 'klaxon'));
  } else {
    const keyFile = (tier: 'T1' | 'T2') =>
      o.pagerdutyRoutingKeyFile?.[tier] ?? `/etc/alertmanager/secrets/pagerduty-${tier.toLowerCase()}`;
    const pd = (tier: 'T1' | 'T2', severity: string) => ({
      name: `pagerduty-${tier.toLowerCase()}`,
      pagerduty_configs: [
        {
          routing_key_file: keyFile(tier),
          send_resolved: true,
          severity,
          description: '{{ .CommonAnnotations.summary }}',
          links: [{ href: '{{ .CommonAnnotations.runbook_url }}', text: 'Runbook' }],
          details: {
            tier,
            service: '{{ .CommonLabels.service }}',
            description: '{{ .CommonAnnotations.description }}',
          },
        },
      ],
    });
    receivers.push(pd('T1', 'critical'), pd('T2', 'warning'), {
      name: 'slack-advisory',
      slack_configs: [
        {
          api_url_file: o.slackApiUrlFile ?? '/etc/alertmanager/secrets/slack-webhook',
          channel: o.slackChannel ?? '#alerts-advisory',
          send_resolved: true,
          title: '[T3] {{ .CommonAnnotations.summary }}',
          text: '{{ .CommonAnnotations.description }}\nRunbook: {{ .CommonAnnotations.runbook_url }}',
        },
      ],
    });
    receivers.push({ name: 'deadmans-switch' });
    routes.push({
      receiver: 'deadmans-switch',
      matchers: ['alertname="Watchdog"'],
      repeat_interval: t('1m'),
    });
    routes.push(
      tierRoute('T1', 'pagerduty-t1'),
      tierRoute('T2', 'pagerduty-t2'),
      tierRoute('T3', 'slack-advisory'),
    );
  }
  const own = catalog.routing ?? { routes: [], receivers: [] };
  receivers.push(...(own.receivers as unknown as AmReceiver[]));
  routes.unshift(...(own.routes as AmRoute[]));
  return {
    route: {
      receiver: o.target === 'klaxon' ? 'klaxon' : 'slack-advisory',
      group_by: ['alertname', 'service', 'tier'],
      group_wait: t('30s'),
      group_interval: t('5m'),
      repeat_interval: t('4h'),
      routes,
    },
    inhibit_rules: [
      {
        source_matchers: ['tier="T1"'],
        target_matchers: ['tier="T2"'],
        equal: ['alertname', ...identifying],
      },
      {
        source_matchers: ['alertname="KubeNodeNotReady"'],
        target_matchers: ['alertname=~"KubePod.*"'],
        equal: ['node'],
      },
      {
        source_matchers: ['alertname="BedrockModelUnavailable"'],
        target_matchers: ['alertname=~"BedrockLatencyHigh|GenAIClientLatencyHigh"'],
        equal: ['model'],
      },
    ],
    receivers,
  };
}

/** `amtool config routes test` cases: each tier reaches exactly the intended receivers. */
export function routeExpectations(
  o: AlertmanagerOptions,
): { labels: Record<string, string>; receivers: string[] }[] {
  const klaxon = o.target === 'klaxon';
  return [
    {
      labels: { alertname: 'KafkaConsumerLag', tier: 'T1', severity: 'critical', service: 'kafka' },
      receivers: [klaxon ? 'klaxon' : 'pagerduty-t1'],
    },
    {
      labels: { alertname: 'KafkaConsumerLag', tier: 'T2', severity: 'warning', service: 'kafka' },
      receivers: [klaxon ? 'klaxon' : 'pagerduty-t2'],
    },
    {
      labels: { alertname: 'CloudCostAnomaly', tier: 'T3', severity: 'info', service: 'cost' },
      receivers: [klaxon ? 'klaxon' : 'slack-advisory'],
    },
    {
      labels: { alertname: 'Watchdog', tier: 'T3', severity: 'info', service: 'monitoring' },
      receivers: [klaxon ? 'klaxon' : 'deadmans-switch'],
    },
  ];
}
