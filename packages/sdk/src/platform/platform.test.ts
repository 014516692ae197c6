import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, gameMetrics, narrativeMetrics, prometheusOutput } from '../index.ts';
import { only, samples, seriesKey } from '../../test/prom.ts';

describe('narrativeMetrics', () => {
  it('writes the contract names and labels', async () => {
    const registry = new Registry();
    const narrative = narrativeMetrics<'quest' | 'dialogue', 'narrator'>(
      createMetrics({ output: prometheusOutput(registry) }),
    );
    narrative.recordGeneration('quest', 2.5, 'ok');
    narrative.recordGeneration('quest', 6, 'error');
    narrative.recordGeneration('dialogue', 0.4, 'ok');
    narrative.sessionStarted();
    narrative.sessionStarted();
    narrative.sessionEnded();
    narrative.storyStarted('quest');
    narrative.storyStarted('quest');
    narrative.storyCompleted('quest');
    narrative.recordAgentResponse('narrator', 1.2);
    // @ts-expect-error: story types are declared
    const neverCalled = () => narrative.storyCompleted('romance');
    expect(neverCalled).toBeTypeOf('function');

    const s = await samples(registry);
    expect(only(s, 'narrative_requests_total')).toEqual({
      [seriesKey('narrative_requests_total', { story_type: 'quest', outcome: 'ok' })]: 1,
      [seriesKey('narrative_requests_total', { story_type: 'quest', outcome: 'error' })]: 1,
      [seriesKey('narrative_requests_total', { story_type: 'dialogue', outcome: 'ok' })]: 1,
    });
    expect(
      s[seriesKey('narrative_generation_duration_seconds_bucket', { story_type: 'quest', le: '5' })],
    ).toBe(1);
    expect(s[seriesKey('narrative_generation_duration_seconds_sum', { story_type: 'quest' })]).toBe(8.5);
    expect(s['story_sessions_active']).toBe(1);
    expect(s[seriesKey('story_completions_total', { story_type: 'quest' })]).toBe(1);
    expect(only(s, 'story_starts_total')).toEqual({
      [seriesKey('story_starts_total', { story_type: 'quest' })]: 2,
    });
    expect(s[seriesKey('ai_agent_response_duration_seconds_bucket', { agent: 'narrator', le: '1.5' })]).toBe(
      1,
    );
    expect(s[seriesKey('ai_agent_response_duration_seconds_bucket', { agent: 'narrator', le: '1' })]).toBe(0);
  });

  it('bounds story types declared in the limits', async () => {
    const registry = new Registry();
    const narrative = narrativeMetrics(
      createMetrics({
        output: prometheusOutput(registry),
        limits: { labels: { story_type: { values: ['quest'] } } },
      }),
    );
    narrative.storyCompleted('quest');
    narrative.storyCompleted('a prompt the player typed');
    const s = await samples(registry);
    expect(only(s, 'story_completions_total')).toEqual({
      [seriesKey('story_completions_total', { story_type: 'quest' })]: 1,
      [seriesKey('story_completions_total', { story_type: 'other' })]: 1,
    });
  });
});

describe('gameMetrics', () => {
  it('counts attempts and failures and sets players online, by region', async () => {
    const registry = new Registry();
    const game = gameMetrics<'eu-west-1' | 'us-east-1'>(
      createMetrics({ output: prometheusOutput(registry) }),
    );
    game.recordConnection('eu-west-1', true);
    game.recordConnection('eu-west-1', false);
    game.recordConnection('us-east-1', true);
    game.setPlayersOnline('eu-west-1', 1200);
    game.setPlayersOnline('eu-west-1', 1150);

    const s = await samples(registry);
    expect(only(s, 'game_server_')).toEqual({
      [seriesKey('game_server_connection_attempts_total', { region: 'eu-west-1' })]: 2,
      [seriesKey('game_server_connection_attempts_total', { region: 'us-east-1' })]: 1,
      [seriesKey('game_server_connection_failures_total', { region: 'eu-west-1' })]: 1,
      [seriesKey('game_server_players_online', { region: 'eu-west-1' })]: 1150,
    });
  });
});
