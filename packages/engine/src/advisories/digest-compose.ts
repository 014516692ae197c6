/**
 * The words of a team's daily advisory digest (issue 23), from what advisories/digest.ts read: the new
 * advisories grouped by service and alert, the unreviewed ones from before, and the alerts most often
 * dismissed as noise (with the rule's threshold). Plain text, bounded: at most `MAX_GROUPS` groups by
 * email and what fits in one Slack section (the provider cuts a section at 2,900 characters), then
 * "and N more". The Slack text escapes `&`, `<` and `>` as Slack's mrkdwn asks. Pure.
 */
import { DateTime } from 'luxon';

/** Groups listed by email; the rest are counted. */
export const MAX_GROUPS = 50;
/** Unreviewed advisories from before the period listed by name. */
export const MAX_OLDEST = 5;
/** Alerts listed as candidates to tune. */
export const MAX_NOISE = 5;
/** The Slack text stays within this, with room for the link the message appends. */
const SLACK_BUDGET = 2600;

export interface DigestGroup {
  service: string;
  serviceName: string;
  alert: string;
  count: number;
  first: number;
  last: number;
  /** Whether any of the group's incidents is not resolved. */
  firing: boolean;
  url: string;
}

export interface DigestOldItem {
  incidentId: number;
  serviceName: string;
  alert: string;
  openedAt: number;
}

export interface DigestNoise {
  serviceName: string;
  /** The alert name, which is the Prometheus rule's name. */
  alert: string;
  count: number;
  /** The rule's threshold as the alert carried it, or null when it carried none. */
  threshold: string | null;
  /** Where the threshold was read: a `threshold` annotation/label, the rule expression, the description. */
  thresholdFrom: 'annotation' | 'label' | 'expr' | 'description' | null;
}

export interface DigestContent {
  teamName: string;
  /** The team's local date of the digest, YYYY-MM-DD. */
  day: string;
  timezone: string;
  /** The new advisories are those opened in [from, until). */
  from: number;
  until: number;
  newCount: number;
  /** The first groups (most advisories first), and how many more there are. */
  groups: DigestGroup[];
  moreGroups: number;
  unreviewedBefore: number;
  oldest: DigestOldItem[];
  noise: DigestNoise[];
  noiseWindowDays: number;
  /** The team's Advisories page. */
  url: string;
}

export interface DigestMessage {
  subject: string;
  text: string;
  url: string;
}

/** Nothing new, nothing unreviewed from before: the digest has nothing to ask of anyone. */
export function isEmptyDigest(c: DigestContent): boolean {
  return c.newCount === 0 && c.unreviewedBefore === 0;
}

const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The deep link to the team's Advisories page filtered to one service and alert. */
export function advisoriesUrl(
  publicUrl: string | undefined,
  team: string,
  filter?: { service: string; alert: string },
): string {
  const q = new URLSearchParams({ team });
  if (filter) {
    q.set('service', filter.service);
    q.set('alert', filter.alert);
  }
  return `${(publicUrl ?? '').replace(/\/$/, '')}/advisories?${q.toString()}`;
}

/**
 * The threshold of the rule that raised an alert, from what the alert carries: a `threshold` annotation
 * or label when the rule sets one; else the comparison at the end of the rule's expression in
 * Prometheus's generator URL (`g0.expr`, as the catalog compiles `(<expr>) > 0.05`); else the
 * `description` annotation, which the catalog's descriptions word around the threshold.
 */
export function thresholdOf(
  annotations: Record<string, unknown>,
  labels: Record<string, unknown>,
  generatorUrl: string | null,
): { threshold: string | null; from: DigestNoise['thresholdFrom'] } {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 160) : null);
  const annotated = Object.hasOwn(annotations, 'threshold') ? str(annotations['threshold']) : null;
  if (annotated) return { threshold: annotated, from: 'annotation' };
  const labelled = Object.hasOwn(labels, 'threshold') ? str(labels['threshold']) : null;
  if (labelled) return { threshold: labelled, from: 'label' };
  if (generatorUrl) {
    let expr: string | null;
    try {
      expr = new URL(generatorUrl).searchParams.get('g0.expr');
    } catch {
      expr = null;
    }
    if (expr && expr.trim() !== '') {
      const cmp = /(==|!=|>=|<=|>|<)\s*(-?[\d.]+(?:e[+-]?\d+)?)\s*$/i.exec(expr.trim());
      return { threshold: cmp ? `${cmp[1]} ${cmp[2]}` : expr.trim().slice(0, 160), from: 'expr' };
    }
  }
  const described = Object.hasOwn(annotations, 'description') ? str(annotations['description']) : null;
  if (described) return { threshold: described, from: 'description' };
  return { threshold: null, from: null };
}

/** The digest as one message for `format`: the Slack channel's (mrkdwn-safe) or an email's. */
export function digestMessage(c: DigestContent, format: 'slack' | 'email'): DigestMessage {
  const slack = format === 'slack';
  const esc = slack ? slackEscape : (s: string) => s;
  const zone = (t: number) => DateTime.fromMillis(t, { zone: c.timezone });
  const when = (t: number) => zone(t).toFormat('ccc d LLL HH:mm');
  const tz = zone(c.until).toFormat('ZZZZ');
  const link = (url: string) => (slack ? `<${url.replace(/&/g, '&amp;')}|open>` : url);
  const dayName = DateTime.fromISO(c.day, { zone: c.timezone }).toFormat('cccc d LLLL yyyy');
  const empty = isEmptyDigest(c);
  const subject = empty
    ? `Advisories for ${c.teamName}: nothing to review (${c.day})`
    : `Advisories for ${c.teamName}: ${c.newCount} new, ${c.unreviewedBefore} unreviewed from before (${c.day})`;
  if (empty) {
    return {
      subject,
      text: esc(`No advisories need review for ${c.teamName} on ${dayName}.`),
      url: c.url,
    };
  }
  const head = [esc(`Advisory digest for ${c.teamName}, ${dayName}. Times are ${tz}.`), ''];
  head.push(
    c.newCount === 0
      ? esc(`New since ${when(c.from)}: none.`)
      : esc(
          `New since ${when(c.from)}: ${plural(c.newCount, 'advisory', 'advisories')} in ${plural(c.groups.length + c.moreGroups, 'group')}.`,
        ),
  );
  const tail: string[] = [];
  if (c.unreviewedBefore > 0) {
    tail.push('', esc(`Unreviewed from before: ${c.unreviewedBefore}. Oldest:`));
    for (const o of c.oldest)
      tail.push(esc(`- #${o.incidentId} ${o.serviceName} / ${o.alert}, opened ${when(o.openedAt)}`));
  }
  if (c.noise.length > 0) {
    tail.push(
      '',
      esc(`Dismissed as noise most often in the last ${c.noiseWindowDays} days (candidates to tune):`),
    );
    for (const n of c.noise) {
      const threshold = n.threshold === null ? 'threshold unknown' : `threshold ${n.threshold}`;
      tail.push(
        esc(`- ${n.serviceName} / ${n.alert}: ${plural(n.count, 'time')}; rule ${n.alert}, ${threshold}`),
      );
    }
  }
  let budget = SLACK_BUDGET - [...head, ...tail].join('\n').length;
  const lines: string[] = [];
  let listed = 0;
  for (const g of c.groups) {
    const state = g.firing ? 'still firing' : 'resolved';
    const line = `${esc(`- ${g.serviceName} / ${g.alert}: ${g.count}, first ${when(g.first)}, last ${when(g.last)}, ${state}`)} ${link(g.url)}`;
    if (listed >= MAX_GROUPS || (slack && budget - line.length - 40 < 0)) break;
    lines.push(line);
    budget -= line.length + 1;
    listed += 1;
  }
  const more = c.groups.length - listed + c.moreGroups;
  if (more > 0) lines.push(esc(`and ${more} more`));
  return { subject, text: [...head, ...lines, ...tail].join('\n'), url: c.url };
}
