/**
 * The AI narrative platform's metrics from the metrics contract. Story types and agents are type parameters,
 * so a service declares its own and the compiler refuses the rest; the guard bounds them at run time too.
 */
import type { Metrics } from '../metrics/metrics.ts';
import type { Exemplar, MetricDefinition } from '../metrics/types.ts';

export type NarrativeOutcome = 'ok' | 'error';

/** Generation takes seconds: buckets around the 5 s p95 SLA of the seed catalog. */
export const NARRATIVE_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 15, 30, 60] as const;
/** Agent responses: buckets around the 3 s p95 SLA of the seed catalog. */
export const AGENT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 20] as const;

export const NARRATIVE_GENERATION_DURATION: MetricDefinition<{ story_type: string }> = {
  name: 'narrative_generation_duration_seconds',
  otelName: 'narrative.generation.duration',
  help: 'Time to generate a narrative, by story type.',
  unit: 's',
  labels: { story_type: 'story_type' },
  buckets: NARRATIVE_BUCKETS,
};

export const NARRATIVE_REQUESTS: MetricDefinition<{ story_type: string; outcome: NarrativeOutcome }> = {
  name: 'narrative_requests_total',
  otelName: 'narrative.requests',
  help: 'Narrative requests, by story type and outcome.',
  unit: '{request}',
  labels: { story_type: 'story_type', outcome: 'outcome' },
};

export const STORY_SESSIONS_ACTIVE: MetricDefinition<Record<never, string>> = {
  name: 'story_sessions_active',
  otelName: 'story.sessions.active',
  help: 'Story sessions in progress.',
  unit: '{session}',
  labels: {},
};

export const STORY_STARTS: MetricDefinition<{ story_type: string }> = {
  name: 'story_starts_total',
  otelName: 'story.starts',
  help: 'Stories started, by story type (the completion rate is story_completions_total / story_starts_total).',
  unit: '{story}',
  labels: { story_type: 'story_type' },
};

export const STORY_COMPLETIONS: MetricDefinition<{ story_type: string }> = {
  name: 'story_completions_total',
  otelName: 'story.completions',
  help: 'Stories played to the end, by story type.',
  unit: '{story}',
  labels: { story_type: 'story_type' },
};

export const AI_AGENT_RESPONSE_DURATION: MetricDefinition<{ agent: string }> = {
  name: 'ai_agent_response_duration_seconds',
  otelName: 'ai_agent.response.duration',
  help: 'Time for an AI agent to respond, by agent.',
  unit: 's',
  labels: { agent: 'agent' },
  buckets: AGENT_BUCKETS,
};

export interface NarrativeMetrics<StoryType extends string, Agent extends string> {
  /**
   * One narrative request: its duration and outcome. `exemplar`: the trace it belongs to, when recorded
   * outside that trace's active span (see `HistogramMetric.observe`).
   */
  recordGeneration(
    storyType: StoryType,
    seconds: number,
    outcome: NarrativeOutcome,
    exemplar?: Exemplar,
  ): void;
  sessionStarted(): void;
  sessionEnded(): void;
  /** A story begun; with `storyCompleted`, the completion rate. */
  storyStarted(storyType: StoryType): void;
  storyCompleted(storyType: StoryType): void;
  recordAgentResponse(agent: Agent, seconds: number, exemplar?: Exemplar): void;
}

/**
 * The narrative platform metrics over `metrics`.
 *
 * @example
 * const narrative = narrativeMetrics<'quest' | 'dialogue', 'narrator' | 'companion'>(metrics);
 * narrative.recordGeneration('quest', 2.4, 'ok');
 */
export function narrativeMetrics<StoryType extends string = string, Agent extends string = string>(
  metrics: Metrics,
): NarrativeMetrics<StoryType, Agent> {
  const generation = metrics.histogram(NARRATIVE_GENERATION_DURATION);
  const requests = metrics.counter(NARRATIVE_REQUESTS);
  const sessions = metrics.upDownCounter(STORY_SESSIONS_ACTIVE);
  const starts = metrics.counter(STORY_STARTS);
  const completions = metrics.counter(STORY_COMPLETIONS);
  const agents = metrics.histogram(AI_AGENT_RESPONSE_DURATION);
  return {
    recordGeneration(storyType, seconds, outcome, exemplar) {
      generation.observe({ story_type: storyType }, seconds, exemplar);
      requests.inc({ story_type: storyType, outcome });
    },
    sessionStarted: () => sessions.add({}, 1),
    sessionEnded: () => sessions.add({}, -1),
    storyStarted: (storyType) => starts.inc({ story_type: storyType }),
    storyCompleted: (storyType) => completions.inc({ story_type: storyType }),
    recordAgentResponse: (agent, seconds, exemplar) => agents.observe({ agent }, seconds, exemplar),
  };
}
