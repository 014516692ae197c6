/**
 * The Grafana annotations Klaxon writes, as plain data: one tag scheme (shared with the dashboards in
 * @klaxon/catalog, which query by these tags) and the request bodies for a deployment, an incident's
 * region, its acknowledgements and its tier raises.
 */
import type { DeploymentRow, IncidentRow } from '../db/tables.ts';

/**
 * The tags on every annotation Klaxon pushes to Grafana. Grafana's annotation query matches annotations
 * that carry *all* the tags it lists, so a dashboard asks for `[all, deployment]`, `[all, incident]`, or
 * narrows with a key:value tag such as `service:$service`.
 *
 * | Annotation             | Tags                                                                   |
 * | ---------------------- | ---------------------------------------------------------------------- |
 * | deployment (point)     | `klaxon`, `deployment`, `service:<id>`, `env:<environment>`            |
 * | incident (region)      | `klaxon`, `incident`, `service:<id>`, `tier:<T1…>`, `incident:<id>`    |
 * | acknowledgement (point) | the incident's tags plus `acknowledged`                               |
 * | tier raised (point)    | the incident's tags (its new tier) plus `tier-raised`                  |
 *
 * @example
 * // A dashboard annotation query (Grafana's built-in datasource) for one service's deployments:
 * const query = { type: 'tags', matchAny: false, tags: [ANNOTATION_TAGS.all, ANNOTATION_TAGS.deployment, `${ANNOTATION_TAGS.prefix.service}$service`] };
 */
export const ANNOTATION_TAGS = {
  /** On every annotation Klaxon writes. */
  all: 'klaxon',
  /** A deployment (point annotation at the deployment time). */
  deployment: 'deployment',
  /** An incident: a region from opened to resolved, and its acknowledgement points. */
  incident: 'incident',
  /** Only on the acknowledgement points of an incident. */
  acknowledged: 'acknowledged',
  /** Only on the points where an incident's tier rose (its alerts, or a promoted advisory). */
  tierRaised: 'tier-raised',
  /** Key:value tags are `<prefix><value>`. */
  prefix: { service: 'service:', tier: 'tier:', incident: 'incident:', env: 'env:' },
} as const;

/** A key:value tag, e.g. `annotationTag('service', 'kafka')` → `service:kafka`. */
export function annotationTag(key: keyof typeof ANNOTATION_TAGS.prefix, value: string | number): string {
  return `${ANNOTATION_TAGS.prefix[key]}${value}`;
}

/** The body of `POST /api/annotations` (organization annotation) and of `PATCH /api/annotations/:id`. */
export interface AnnotationBody {
  /** Epoch milliseconds. */
  time: number;
  /** For a region: its end, epoch milliseconds. */
  timeEnd?: number;
  text: string;
  tags: string[];
}

export function deploymentAnnotation(d: DeploymentRow): AnnotationBody {
  const lines = [
    `Deployed ${d.service_id} ${d.version} to ${d.environment}${d.author ? ` by ${d.author}` : ''}`,
  ];
  if (d.description) lines.push(d.description);
  if (d.url) lines.push(d.url);
  return {
    time: d.deployed_at,
    text: lines.join('\n'),
    tags: [
      ANNOTATION_TAGS.all,
      ANNOTATION_TAGS.deployment,
      annotationTag('service', d.service_id),
      annotationTag('env', d.environment),
    ],
  };
}

const incidentTags = (i: IncidentRow) => [
  ANNOTATION_TAGS.all,
  ANNOTATION_TAGS.incident,
  annotationTag('service', i.service_id),
  annotationTag('tier', i.tier),
  annotationTag('incident', i.id),
];

const headline = (i: IncidentRow) => `[${i.tier}] #${i.id} ${i.title} (${i.service_id})`;

/** The region an incident covers: it starts as a point when it opens and gets `timeEnd` when it resolves. */
export function incidentRegion(i: IncidentRow, openedAt: number, link: string | null): AnnotationBody {
  const text = [`Incident opened: ${headline(i)}`];
  if (link) text.push(link);
  return { time: openedAt, text: text.join('\n'), tags: incidentTags(i) };
}

export function resolvedRegion(
  i: IncidentRow,
  openedAt: number,
  resolvedAt: number,
  link: string | null,
): AnnotationBody {
  const minutes = Math.max(0, Math.round((resolvedAt - openedAt) / 60_000));
  const text = [
    `Incident resolved: ${headline(i)}`,
    `Resolved${i.resolved_by ? ` by ${i.resolved_by}` : ''} after ${minutes} min`,
  ];
  if (link) text.push(link);
  return {
    time: openedAt,
    timeEnd: Math.max(openedAt, resolvedAt),
    text: text.join('\n'),
    tags: incidentTags(i),
  };
}

export function acknowledgedPoint(i: IncidentRow, at: number, actor: string | null): AnnotationBody {
  return {
    time: at,
    text: `Incident acknowledged${actor ? ` by ${actor}` : ''}: ${headline(i)}`,
    tags: [...incidentTags(i), ANNOTATION_TAGS.acknowledged],
  };
}

/** The incident's tier rose from `from` (its alerts raised it, or `actor` promoted it). */
export function tierRaisedPoint(
  i: IncidentRow,
  at: number,
  from: string,
  actor: string | null,
): AnnotationBody {
  return {
    time: at,
    text: `Tier raised from ${from} to ${i.tier}${actor ? ` by ${actor}` : ''}: ${headline(i)}`,
    tags: [...incidentTags(i), ANNOTATION_TAGS.tierRaised],
  };
}
