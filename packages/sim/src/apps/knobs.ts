/** Application knobs: game connections per region, HTTP services, the narrative platform. */
import { blendDiurnal, rateWave, regionalDiurnal } from '../model/curves.ts';
import { knobKey, type KnobDef } from '../model/knob.ts';
import type { Labels } from '../model/labels.ts';
import { jitter } from '../model/random.ts';
import { AGENTS, HTTP_SERVICES, REGIONS, STORY_TYPES } from '../model/topology.ts';
import { constant, evalWave } from '../model/wave.ts';

const global = blendDiurnal(REGIONS);
const regions = REGIONS.map((r) => ({ region: r.region }));
const regionOf = (l: Labels) => REGIONS.find((r) => r.region === l.region)!;
const services = HTTP_SERVICES.map((s) => ({ service: s.service }));
const serviceOf = (l: Labels) => HTTP_SERVICES.find((s) => s.service === l.service)!;
const stories = STORY_TYPES.map((s) => ({ story_type: s.story_type }));
const storyOf = (l: Labels) => STORY_TYPES.find((s) => s.story_type === l.story_type)!;

export const gameKnobs: KnobDef[] = [
  {
    name: 'game.players',
    labels: ['region'],
    unit: 'players',
    help: 'Players online in the region (game_server_players_online).',
    baseDoc:
      'us-east-1 42000, eu-west-1 31000, ap-southeast-1 18000; diurnal in local time (0.78–1.22), ±0.5%',
    instances: regions,
    base: (l, t, seed) => {
      const r = regionOf(l);
      const v = r.players * evalWave(regionalDiurnal(r.utcOffset), t);
      return Math.round(v * (1 + jitter(seed, knobKey('game.players', l), t, 0.005)));
    },
    alerts: [],
  },
  {
    name: 'game.connection_rate',
    labels: ['region'],
    unit: 'attempts/s',
    help: 'Connection attempts to the game servers in the region.',
    baseDoc: 'players / 250 per second (168, 124, 72), diurnal in local time, ±4% noise',
    instances: regions,
    wave: (l, seed) => {
      const r = regionOf(l);
      return rateWave(
        seed,
        knobKey('game.connection_rate', l),
        r.players / 250,
        regionalDiurnal(r.utcOffset),
      );
    },
    alerts: [],
  },
  {
    name: 'game.connection_failure_ratio',
    labels: ['region'],
    unit: 'ratio',
    help: 'Failed / attempted connections in the region.',
    baseDoc: '0.004',
    instances: regions,
    wave: () => constant(0.004),
    alerts: [{ alertname: 'GameServerConnectionFailures', tier: 'T1', op: '>', value: 0.1 }],
  },
];

export const httpKnobs: KnobDef[] = [
  {
    name: 'http.request_rate',
    labels: ['service'],
    unit: 'requests/s',
    help: 'HTTP requests to the service, split over its routes.',
    baseDoc: 'game-api 240, narrative 12; diurnal (all regions), ±4% noise',
    instances: services,
    wave: (l, seed) => rateWave(seed, knobKey('http.request_rate', l), serviceOf(l).requestsPerSec, global),
    alerts: [],
  },
  {
    name: 'http.error_ratio',
    labels: ['service'],
    unit: 'ratio',
    help: 'Share of the service’s requests answered 500 (on its failing routes).',
    baseDoc: '0.0015',
    instances: services,
    wave: () => constant(0.0015),
    alerts: [
      { alertname: 'HTTP5xxRateHigh', tier: 'T1', op: '>', value: 0.05 },
      { alertname: 'HTTP5xxRateHigh', tier: 'T2', op: '>', value: 0.01 },
    ],
  },
  {
    name: 'http.latency_p99_seconds',
    labels: ['service'],
    unit: 's',
    help: 'p99 of http_server_request_duration_seconds for the service (log-normal, σ 0.6).',
    baseDoc: 'game-api 0.16, narrative 0.12',
    instances: services,
    wave: (l) => constant(serviceOf(l).p99Seconds),
    alerts: [{ alertname: 'APILatencySLABreach', tier: 'T2', op: '>', value: 0.5 }],
  },
];

export const narrativeKnobs: KnobDef[] = [
  {
    name: 'narrative.request_rate',
    labels: ['story_type'],
    unit: 'generations/s',
    help: 'Story generations requested (narrative_requests_total); 0.3 story starts per generation.',
    baseDoc: 'quest 1.2, dialogue 4, lore 0.6; diurnal (all regions), ±4% noise',
    instances: stories,
    wave: (l, seed) => rateWave(seed, knobKey('narrative.request_rate', l), storyOf(l).perSec, global),
    alerts: [],
  },
  {
    name: 'narrative.error_ratio',
    labels: ['story_type'],
    unit: 'ratio',
    help: 'Share of generations with outcome="error".',
    baseDoc: '0.004',
    instances: stories,
    wave: () => constant(0.004),
    alerts: [{ alertname: 'NarrativeGenerationFailing', tier: 'T2', op: '>', value: 0.05 }],
  },
  {
    name: 'narrative.latency_p95_seconds',
    labels: ['story_type'],
    unit: 's',
    help: 'p95 of narrative_generation_duration_seconds (log-normal, σ 0.45).',
    baseDoc: 'quest 3.0, dialogue 1.6, lore 2.4',
    instances: stories,
    wave: (l) => constant(storyOf(l).p95Seconds),
    alerts: [{ alertname: 'NarrativeGenerationSlow', tier: 'T2', op: '>', value: 5 }],
  },
  {
    name: 'narrative.agent_latency_p95_seconds',
    labels: ['agent'],
    unit: 's',
    help: 'p95 of ai_agent_response_duration_seconds (log-normal, σ 0.45).',
    baseDoc: 'planner 1.1, narrator 1.5',
    instances: AGENTS.map((a) => ({ agent: a.agent })),
    wave: (l) => constant(AGENTS.find((a) => a.agent === l.agent)!.p95Seconds),
    alerts: [{ alertname: 'AIAgentSlow', tier: 'T2', op: '>', value: 3 }],
  },
  {
    name: 'narrative.sessions_active',
    labels: [],
    unit: 'sessions',
    help: 'Story sessions in progress (story_sessions_active).',
    baseDoc: '1800, diurnal (all regions), ±2%',
    instances: [{}],
    base: (l, t, seed) =>
      Math.round(
        1800 * evalWave(global, t) * (1 + jitter(seed, knobKey('narrative.sessions_active', l), t, 0.02)),
      ),
    alerts: [],
  },
];
