/** A runbook page per alert: what it means, the impact, how to diagnose and mitigate, and where to look. */
import type { AlertDefinition } from '../model/alert.ts';
import { TIER_POLICIES } from '../model/tiers.ts';

export function runbookMarkdown(a: AlertDefinition, grafanaUrl?: string): string {
  const tiers = a.thresholds
    .map(
      (t) =>
        `| ${t.tier} ${TIER_POLICIES[t.tier].name} | \`${t.op} ${t.value}\` | ${/^0[smh]?$/.test(t.for) ? 'immediately' : `for ${t.for}`} | ${TIER_POLICIES[t.tier].response} |`,
    )
    .join('\n');
  const dashboard = grafanaUrl
    ? `${grafanaUrl.replace(/\/$/, '')}/d/klaxon-${a.service}${a.panel ? `?viewPanel=${a.panel}` : ''}`
    : null;
  return [
    `# ${a.name}`,
    '',
    `Service \`${a.service}\` · team \`${a.team}\` · group \`${a.group}\``,
    '',
    `> ${a.summary}`,
    '',
    '| Tier | Condition | Fires | Response |',
    '| --- | --- | --- | --- |',
    tiers,
    '',
    '```promql',
    a.expr.trim(),
    '```',
    '',
    '## Meaning',
    '',
    a.runbook.meaning,
    '',
    '## Impact',
    '',
    a.runbook.impact,
    '',
    '## Diagnosis',
    '',
    ...a.runbook.diagnosis.map((d) => `1. ${d}`),
    '',
    '## Mitigation',
    '',
    ...a.runbook.mitigation.map((m) => `1. ${m}`),
    '',
    ...(dashboard
      ? [
          '## Dashboard',
          '',
          `[${a.service} in Grafana](${dashboard}) — the page's deep link also scopes the time range to the incident.`,
          '',
        ]
      : []),
  ].join('\n');
}
