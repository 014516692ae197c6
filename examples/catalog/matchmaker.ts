/**
 * Your own alert, in one file: `npx klaxon build --catalog examples/catalog/matchmaker.ts`, then `check`
 * and `test` with the same option. See docs/catalog.md.
 */
import { gauge, input, type AlertDefinition } from '@klaxon/catalog';

const alerts: AlertDefinition[] = [
  {
    name: 'GamePlayersOnlineDropped',
    group: 'matchmaker',
    service: 'game-api',
    team: 'game',
    summary: 'Players online in {{ $labels.region }} dropped below 100',
    description:
      'Fewer than 100 players are online in {{ $labels.region }}: a login or matchmaking outage is likely.',
    expr: 'sum by (region) (game_server_players_online{job="game-backend"})',
    thresholds: [
      { tier: 'T1', op: '<', value: 100, for: '5m' },
      { tier: 'T2', op: '<', value: 500, for: '15m' },
    ],
    outputLabels: { region: 'eu-west-1' },
    input: (v) => input(gauge('game_server_players_online{job="game-backend",region="eu-west-1"}', v)),
    metrics: ['game_server_players_online'],
    runbook: {
      meaning: 'Concurrent players in the region fell below the floor.',
      impact: 'Players cannot log in or find matches.',
      diagnosis: ['Login error rate and matchmaker logs in the region.'],
      mitigation: ['Roll back the last game-backend deploy; fail matchmaking over to another region.'],
    },
  },
];

export default alerts;
