/** Application layer: synthetic checks, HTTP golden signals, game connections, narrative and AI agents. */
import type { AlertDefinition } from '../model/alert.ts';
import { counter, gauge, histogram, input, ratio } from '../model/inputs.ts';
import { selectorLabels, type Selectors } from '../model/selectors.ts';
import { SIGNAL_RECORDS } from './signals.ts';

export interface AppOptions {
  /** The API p99 latency SLA, seconds. */
  apiP99SlaSeconds: number;
  narrativeP95SlaSeconds: number;
  agentP95SlaSeconds: number;
}

export function applicationAlerts(s: Selectors, o: AppOptions): AlertDefinition[] {
  const bb = selectorLabels(s.blackbox);
  const game = selectorLabels(s.game);
  const base = { group: 'application', service: 'game-api', team: 'game' };
  const http = `job="game-api",service_name="game-api",http_request_method="POST",http_route="/v1/match"`;
  return [
    {
      ...base,
      name: 'SyntheticCheckFailing',
      summary: 'Synthetic check of {{ $labels.instance }} is failing',
      description: 'The 30-second blackbox probe of {{ $labels.instance }} has failed for a minute.',
      expr: `min by (instance) (probe_success{${s.blackbox}})`,
      thresholds: [{ tier: 'T1', op: '<', value: 1, for: '1m' }],
      testValues: { firing: 0, quiet: 1 },
      outputLabels: { instance: 'https://api.game.example.com/healthz' },
      input: (v) => input(gauge(`probe_success{${bb},instance="https://api.game.example.com/healthz"}`, v)),
      metrics: ['probe_success'],
      runbook: {
        meaning: 'The endpoint does not answer 2xx from outside.',
        impact: 'Players cannot reach it.',
        diagnosis: ['probe_http_status_code and probe_duration_seconds; ingress and load balancer health.'],
        mitigation: ['Roll back, or fail over the ingress.'],
      },
    },
    {
      ...base,
      name: 'HTTP5xxRateHigh',
      summary: '{{ $labels.service_name }} is answering 5xx',
      description: 'The share of 5xx responses from {{ $labels.service_name }} is above 1% (T2) or 5% (T1).',
      expr: SIGNAL_RECORDS.http5xxRatio,
      thresholds: [
        { tier: 'T1', op: '>', value: 0.05, for: '5m' },
        { tier: 'T2', op: '>', value: 0.01, for: '10m' },
      ],
      outputLabels: { service_name: 'game-api' },
      input: (v) =>
        input(
          counter(
            `http_server_request_duration_seconds_count{${http},http_response_status_code="500"}`,
            v * 1000,
          ),
          counter(
            `http_server_request_duration_seconds_count{${http},http_response_status_code="200"}`,
            (1 - v) * 1000,
          ),
        ),
      metrics: ['http_server_request_duration_seconds_count'],
      panel: 'errors',
      runbook: {
        meaning: 'Server errors over all requests, by service (OpenTelemetry HTTP semconv).',
        impact: 'Failed player requests.',
        diagnosis: [
          'Which route? Split by http_route on the platform overview.',
          'Deployments in the last hour on the incident timeline.',
        ],
        mitigation: ['Roll back the last deploy; shed load if a dependency is down.'],
      },
    },
    {
      ...base,
      name: 'GameServerConnectionFailures',
      summary: 'Players in {{ $labels.region }} cannot connect to game servers',
      description: 'More than 10% of connection attempts in {{ $labels.region }} fail.',
      expr: SIGNAL_RECORDS.connectionFailureRatio,
      thresholds: [{ tier: 'T1', op: '>', value: 0.1, for: '5m' }],
      outputLabels: { region: 'eu-west-1' },
      input: (v) =>
        input(
          ratio(
            `game_server_connection_failures_total{${game},region="eu-west-1"}`,
            `game_server_connection_attempts_total{${game},region="eu-west-1"}`,
            v,
          ),
        ),
      metrics: ['game_server_connection_failures_total', 'game_server_connection_attempts_total'],
      runbook: {
        meaning: 'Failed / attempted connections per region.',
        impact: 'Players in the region cannot play.',
        diagnosis: ['Game server fleet health in the region; matchmaker logs.'],
        mitigation: ['Redirect matchmaking to a healthy region; scale the fleet.'],
      },
    },
    {
      ...base,
      name: 'APILatencySLABreach',
      summary: '{{ $labels.service_name }} p99 latency is above its SLA',
      description: `p99 request latency of {{ $labels.service_name }} is above ${o.apiP99SlaSeconds} s.`,
      expr: `histogram_quantile(0.99, sum by (le, service_name) (rate(http_server_request_duration_seconds_bucket{${s.apps}}[5m])))`,
      thresholds: [{ tier: 'T2', op: '>', value: o.apiP99SlaSeconds, for: '10m' }],
      outputLabels: { service_name: 'game-api' },
      input: (v) => input(histogram('http_server_request_duration_seconds', http, 0.99, v)),
      metrics: ['http_server_request_duration_seconds_bucket'],
      panel: 'latency',
      runbook: {
        meaning: 'p99 latency above the service\u2019s SLA.',
        impact: 'The slowest 1% of player requests are too slow.',
        diagnosis: ['Saturation: CPU throttling, DB and Kafka latency, Bedrock latency.'],
        mitigation: ['Scale out; roll back a slow deploy.'],
      },
    },
    {
      ...base,
      service: 'narrative',
      team: 'ml',
      name: 'NarrativeGenerationSlow',
      summary: 'Narrative generation for {{ $labels.story_type }} is slow',
      description: `p95 narrative generation time for {{ $labels.story_type }} is above ${o.narrativeP95SlaSeconds} s.`,
      expr: `histogram_quantile(0.95, sum by (le, story_type) (rate(narrative_generation_duration_seconds_bucket{${s.narrative}}[5m])))`,
      thresholds: [{ tier: 'T2', op: '>', value: o.narrativeP95SlaSeconds, for: '10m' }],
      outputLabels: { story_type: 'quest' },
      input: (v) =>
        input(
          histogram(
            'narrative_generation_duration_seconds',
            `${selectorLabels(s.narrative)},story_type="quest"`,
            0.95,
            v,
          ),
        ),
      metrics: ['narrative_generation_duration_seconds_bucket'],
      runbook: {
        meaning: 'Story generation p95 above its SLA.',
        impact: 'Players wait for the story to continue.',
        diagnosis: ['Bedrock latency and token counts for the story type.'],
        mitigation: ['Shorten prompts; pre-generate; use a faster model.'],
      },
    },
    {
      ...base,
      service: 'narrative',
      team: 'ml',
      name: 'NarrativeGenerationFailing',
      summary: 'Narrative requests for {{ $labels.story_type }} are failing',
      description: 'More than 5% of narrative requests for {{ $labels.story_type }} end in an error.',
      expr: `sum by (story_type) (rate(narrative_requests_total{${s.narrative},outcome="error"}[5m])) / sum by (story_type) (rate(narrative_requests_total{${s.narrative}}[5m]))`,
      thresholds: [{ tier: 'T2', op: '>', value: 0.05, for: '10m' }],
      outputLabels: { story_type: 'quest' },
      input: (v) => {
        const l = `${selectorLabels(s.narrative)},story_type="quest"`;
        return input(
          counter(`narrative_requests_total{${l},outcome="error"}`, v * 1000),
          counter(`narrative_requests_total{${l},outcome="ok"}`, (1 - v) * 1000),
        );
      },
      metrics: ['narrative_requests_total'],
      runbook: {
        meaning: 'Failed narrative requests over all.',
        impact: 'Stories stall or fall back to canned text.',
        diagnosis: ['Error types in the narrative service logs; Bedrock error rate.'],
        mitigation: ['Fail over the model; roll back the last prompt change.'],
      },
    },
    {
      ...base,
      service: 'narrative',
      team: 'ml',
      name: 'AIAgentSlow',
      summary: 'AI agent {{ $labels.agent }} is slow to respond',
      description: `p95 response time of agent {{ $labels.agent }} is above ${o.agentP95SlaSeconds} s.`,
      expr: `histogram_quantile(0.95, sum by (le, agent) (rate(ai_agent_response_duration_seconds_bucket{${s.narrative}}[5m])))`,
      thresholds: [{ tier: 'T2', op: '>', value: o.agentP95SlaSeconds, for: '10m' }],
      outputLabels: { agent: 'npc-dialogue' },
      input: (v) =>
        input(
          histogram(
            'ai_agent_response_duration_seconds',
            `${selectorLabels(s.narrative)},agent="npc-dialogue"`,
            0.95,
            v,
          ),
        ),
      metrics: ['ai_agent_response_duration_seconds_bucket'],
      runbook: {
        meaning: 'Agent p95 latency above its SLA.',
        impact: 'NPCs pause before answering.',
        diagnosis: ['Tool calls and model latency inside the agent trace.'],
        mitigation: ['Cache tool results; cap agent steps.'],
      },
    },
    {
      ...base,
      name: 'TLSCertificateExpiring',
      summary: 'The TLS certificate of {{ $labels.instance }} expires soon',
      description: 'Less than 14 days (T3) or 3 days (T2) left on the certificate of {{ $labels.instance }}.',
      expr: `min by (instance) (probe_ssl_earliest_cert_expiry{${s.blackbox}} - time()) / 86400`,
      thresholds: [
        { tier: 'T2', op: '<', value: 3, for: '1h' },
        { tier: 'T3', op: '<', value: 14, for: '1h' },
      ],
      outputLabels: { instance: 'https://api.game.example.com/healthz' },
      // time() is the test clock (seconds since 0); pin the expiry relative to it at the evaluation time.
      input: (v) =>
        input({
          series: `probe_ssl_earliest_cert_expiry{${bb},instance="https://api.game.example.com/healthz"}`,
          values: `${Math.round(v * 86400)}+60x{n}`,
        }),
      metrics: ['probe_ssl_earliest_cert_expiry'],
      runbook: {
        meaning: 'Days until the earliest certificate in the chain expires.',
        impact: 'Clients refuse the endpoint when it expires.',
        diagnosis: ['cert-manager Certificate status; ACME challenges.'],
        mitigation: ['Renew now; fix the renewal automation.'],
      },
    },
  ];
}
