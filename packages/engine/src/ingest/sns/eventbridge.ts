/**
 * EventBridge events delivered through SNS (the notification's `Message` is the event JSON). The key's
 * `sns.eventRules` decide which events are alerts: the first rule whose source, detail-type and `match`
 * fields fit makes one, with its tier, summary and dedup key rendered from `{{path}}` templates.
 */
import { z } from 'zod';
import { parseTime, type IncomingAlert } from '../../alerts/alert.ts';
import { TEMPLATE_PLACEHOLDER, type SnsEventRule, type SnsOptions } from '../config.ts';

/** The envelope every EventBridge event has. */
export const eventBridgeEventSchema = z
  .object({
    id: z.string().max(256).nullish(),
    source: z.string().min(1).max(256),
    'detail-type': z.string().max(1024),
    account: z.string().max(64).nullish(),
    region: z.string().max(64).nullish(),
    time: z.string().max(64).nullish(),
    resources: z.array(z.unknown()).nullish(),
    detail: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export type EventBridgeEvent = z.output<typeof eventBridgeEventSchema>;

export function looksLikeEvent(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'source' in json && 'detail-type' in json;
}

/** The value at a dotted path, or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

type Scalar = string | number | boolean;

function fieldMatches(actual: unknown, wanted: Scalar | Scalar[]): boolean {
  const allowed = Array.isArray(wanted) ? wanted : [wanted];
  // A list in the event (e.g. resources) matches when any element is allowed, as in event patterns.
  const values = Array.isArray(actual) ? (actual as unknown[]) : [actual];
  return values.some((v) => allowed.some((a) => a === v));
}

export function ruleMatches(rule: SnsEventRule, event: EventBridgeEvent): boolean {
  if (rule.source !== event.source) return false;
  if (rule.detailType !== undefined && rule.detailType !== event['detail-type']) return false;
  return Object.entries(rule.match).every(([path, wanted]) =>
    fieldMatches(valueAt(event.detail, path), wanted),
  );
}

/**
 * Fills `{{path}}` placeholders from the event; a missing value renders as nothing.
 *
 * @example
 * render('Glue job {{detail.jobName}} {{detail.state}}', event); // 'Glue job nightly-etl FAILED'
 */
export function render(
  template: string,
  event: EventBridgeEvent,
  onMissing?: (path: string) => void,
): string {
  return template.replace(TEMPLATE_PLACEHOLDER, (_all, path: string) => {
    const value = valueAt(event, path);
    if (value === undefined || value === null || value === '') {
      onMissing?.(path);
      return '';
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/** The alert for an event, or null when no rule matches it. */
export function fromEvent(
  event: EventBridgeEvent,
  options: SnsOptions,
  messageId: string,
): IncomingAlert | null {
  const rule = options.eventRules.find((r) => ruleMatches(r, event));
  if (!rule) return null;
  // A key with a missing field would lump unrelated events together: such an event stands alone.
  let complete = true;
  const rendered = rule.dedupKey ? render(rule.dedupKey, event, () => (complete = false)).trim() : '';
  const dedupKey = (complete && clip(rendered, 255)) || event.id || messageId;
  const summary =
    clip(render(rule.summary ?? '{{detail-type}} ({{source}})', event).trim(), 1024) || event['detail-type'];
  const labels: Record<string, string> = {
    alertname: rule.name ?? event['detail-type'],
    tier: rule.tier,
    event_source: event.source,
    detail_type: event['detail-type'],
  };
  if (event.region) labels.aws_region = event.region;
  if (event.account) labels.aws_account = event.account;
  const at = parseTime(event.time);
  return {
    action: rule.action,
    dedupKey,
    groupKey: `eventbridge:${event.source}:${dedupKey}`,
    summary,
    labels,
    annotations: { summary },
    details: { event },
    generatorUrl: null,
    startsAt: rule.action === 'trigger' ? at : null,
    endsAt: rule.action === 'resolve' ? at : null,
  };
}
