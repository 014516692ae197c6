/**
 * The simulated platform's fixed shape: brokers, topics, consumer groups, regions, models, clusters,
 * nodes, pods and endpoints. Plain data, the same for every seed, so scenarios can name things.
 */

export const BROKERS = ['kafka-0', 'kafka-1', 'kafka-2'] as const;
export const brokerNodeInstance = (b: string) => `${b}:9100`;
export const brokerJmxInstance = (b: string) => `${b}:9404`;

export const TOPICS = [
  { topic: 'player-actions', partitions: 4, messagesPerSec: 900 },
  { topic: 'game-events', partitions: 3, messagesPerSec: 600 },
  { topic: 'telemetry', partitions: 3, messagesPerSec: 1500 },
  { topic: 'narrative-requests', partitions: 3, messagesPerSec: 40 },
] as const;

/** The broker leading a partition: round robin, as a fresh cluster assigns them. */
export const leaderOf = (topicIndex: number, partition: number) =>
  BROKERS[(topicIndex + partition) % BROKERS.length]!;

export const CONSUMER_GROUPS = [
  {
    consumergroup: 'narrative-workers',
    topics: ['player-actions', 'narrative-requests'],
    members: 3,
    lag: 120,
  },
  { consumergroup: 'analytics-etl', topics: ['telemetry'], members: 2, lag: 400 },
  { consumergroup: 'game-state', topics: ['game-events'], members: 2, lag: 60 },
] as const;

export const REGIONS = [
  { region: 'us-east-1', utcOffset: -5, players: 42_000, weight: 0.46 },
  { region: 'eu-west-1', utcOffset: 0, players: 31_000, weight: 0.34 },
  { region: 'ap-southeast-1', utcOffset: 8, players: 18_000, weight: 0.2 },
] as const;

export const MODELS = [
  {
    model: 'anthropic.claude-3-haiku',
    invocationsPerSec: 7,
    p95Ms: 1100,
    ttftMs: 450,
    inputTokens: 1400,
    outputTokens: 300,
  },
  {
    model: 'anthropic.claude-3-5-sonnet',
    invocationsPerSec: 2.5,
    p95Ms: 1700,
    ttftMs: 750,
    inputTokens: 2600,
    outputTokens: 650,
  },
] as const;

export const AWS = { accountId: '123456789012', region: 'us-east-1' } as const;

export const REDSHIFT = { cluster: 'analytics-dw', queues: ['etl', 'dashboards'] } as const;

export const NODES = [
  'ip-10-0-1-17.ec2.internal',
  'ip-10-0-2-41.ec2.internal',
  'ip-10-0-3-88.ec2.internal',
] as const;

export const PODS = [
  { namespace: 'game', pod: 'game-api-6f9c7d8b5-x2k4p', container: 'game-api', node: NODES[0] },
  { namespace: 'game', pod: 'game-api-6f9c7d8b5-q7lmn', container: 'game-api', node: NODES[1] },
  { namespace: 'game', pod: 'game-backend-7d5f9c6b4-h8j2r', container: 'game-backend', node: NODES[1] },
  { namespace: 'game', pod: 'game-backend-7d5f9c6b4-t4v9w', container: 'game-backend', node: NODES[2] },
  {
    namespace: 'narrative',
    pod: 'narrative-api-5c8d7f6b9-m3n5p',
    container: 'narrative-api',
    node: NODES[0],
  },
  { namespace: 'narrative', pod: 'narrative-worker-84b6d9c7f-r2s8t', container: 'worker', node: NODES[2] },
  { namespace: 'narrative', pod: 'narrative-worker-84b6d9c7f-z6y4x', container: 'worker', node: NODES[0] },
  { namespace: 'kafka', pod: 'kafka-0', container: 'kafka', node: NODES[0] },
  { namespace: 'kafka', pod: 'kafka-1', container: 'kafka', node: NODES[1] },
  { namespace: 'kafka', pod: 'kafka-2', container: 'kafka', node: NODES[2] },
] as const;

export const HPAS = [
  { namespace: 'game', horizontalpodautoscaler: 'game-api', min: 2, max: 12, typical: 5 },
  { namespace: 'game', horizontalpodautoscaler: 'game-backend', min: 2, max: 10, typical: 4 },
  { namespace: 'narrative', horizontalpodautoscaler: 'narrative-worker', min: 2, max: 8, typical: 3 },
] as const;

export const PVCS = [
  { namespace: 'game', persistentvolumeclaim: 'data-game-db-0', capacityGiB: 200, lo: 0.38, hi: 0.55 },
  {
    namespace: 'narrative',
    persistentvolumeclaim: 'data-narrative-cache-0',
    capacityGiB: 50,
    lo: 0.3,
    hi: 0.5,
  },
  {
    namespace: 'narrative',
    persistentvolumeclaim: 'data-story-vectors-0',
    capacityGiB: 100,
    lo: 0.45,
    hi: 0.6,
  },
] as const;

export const ENDPOINTS = ['https://api.game.example.com/healthz', 'https://play.game.example.com/'] as const;

export const HTTP_SERVICES = [
  {
    service: 'game-api',
    requestsPerSec: 240,
    p99Seconds: 0.16,
    routes: [
      { method: 'GET', route: '/v1/matchmaking/status', share: 0.5, ok: '200', fails: false },
      { method: 'POST', route: '/v1/matches/{matchId}/join', share: 0.3, ok: '200', fails: true },
      { method: 'GET', route: '/v1/players/{playerId}/profile', share: 0.2, ok: '200', fails: false },
    ],
  },
  {
    service: 'narrative',
    requestsPerSec: 12,
    p99Seconds: 0.12,
    routes: [{ method: 'POST', route: '/v1/stories/{storyId}/turns', share: 1, ok: '202', fails: true }],
  },
] as const;

/**
 * Story types: generations per second, p95, the model that writes them (long-form on Sonnet, dialogue on
 * Haiku) and the share of started stories that reach their end.
 */
export const STORY_TYPES = [
  { story_type: 'quest', perSec: 1.2, p95Seconds: 3.0, model: MODELS[1].model, completion: 0.64 },
  { story_type: 'dialogue', perSec: 4, p95Seconds: 1.6, model: MODELS[0].model, completion: 0.82 },
  { story_type: 'lore', perSec: 0.6, p95Seconds: 2.4, model: MODELS[1].model, completion: 0.75 },
] as const;

/** Stories started per generation (a story is about three to four turns). */
export const STARTS_PER_GENERATION = 0.3;

/** The narrative prompts: the version live everywhere, and the next one `narrative.prompt_rollout` moves to. */
export const PROMPT_VERSIONS = { live: 'v42', next: 'v43' } as const;

/** The evaluators that score a sample of generations from 0 to 1, and their usual mean score. */
export const EVALUATORS = [
  { evaluator: 'coherence', mean: 0.84 },
  { evaluator: 'personalization', mean: 0.76 },
] as const;

/** Share of generations each evaluator scores. */
export const EVAL_SAMPLE = 0.1;

/** GenAI failure classes (the SDK's classification) and the share of calls failing so on a quiet day. */
export const FAILURE_CLASSES = [
  { failure_class: 'throttled', ratio: 0.0012 },
  { failure_class: 'quota_exhausted', ratio: 0 },
  { failure_class: 'spend_cap', ratio: 0 },
  { failure_class: 'content_filtered', ratio: 0.0004 },
  { failure_class: 'validation', ratio: 0.0002 },
  { failure_class: 'server_error', ratio: 0.0008 },
  { failure_class: 'timeout', ratio: 0.0004 },
] as const;

/** The classes that mean nothing works until someone acts (GenAIQuotaExhausted). */
export const EXHAUSTED_CLASSES: readonly string[] = ['quota_exhausted', 'spend_cap'];

/** Model fallbacks the narrative service makes, with the share of the from-model's calls that fall back. */
export const FALLBACKS = [
  { from_model: MODELS[1].model, to_model: MODELS[0].model, reason: 'throttled', ratio: 0.001 },
  { from_model: MODELS[1].model, to_model: MODELS[0].model, reason: 'server_error', ratio: 0.0005 },
  { from_model: MODELS[1].model, to_model: MODELS[0].model, reason: 'timeout', ratio: 0.0003 },
  { from_model: MODELS[0].model, to_model: MODELS[1].model, reason: 'throttled', ratio: 0.0004 },
] as const;

export const AGENTS = [
  { agent: 'planner', callsPerStory: 1, p95Seconds: 1.1 },
  { agent: 'narrator', callsPerStory: 2, p95Seconds: 1.5 },
] as const;

export const COST_SERVICES = [
  { service: 'AmazonBedrock', dailyUsd: 1200 },
  { service: 'AmazonRedshift', dailyUsd: 900 },
  { service: 'AmazonMSK', dailyUsd: 620 },
  { service: 'AmazonEKS', dailyUsd: 750 },
] as const;

export const BUDGETS = [
  { budget: 'monthly-total', service: 'All', monthEnd: 0.62 },
  { budget: 'bedrock-monthly', service: 'AmazonBedrock', monthEnd: 0.66 },
] as const;
