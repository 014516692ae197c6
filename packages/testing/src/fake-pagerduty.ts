/**
 * A wire-exact fake of the PagerDuty REST API v2 (PagerDuty/api-schema, reference/REST/openapiv3.json),
 * for the importer's tests: `Authorization: Token token=…` (401 with PagerDuty's error body otherwise),
 * classic pagination (`limit`/`offset`/`more`, `total: null`), `include[]` on users and services, one
 * 429 with `ratelimit-*` headers when asked, schedules rendered over `since`/`until` by the fake's own
 * renderer (fixtures/pagerduty/render.ts), and every request recorded.
 */
import type { ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import { json, startFake, type RecordedRequest } from './fake-http.ts';
import { PD_ACCOUNT, type PdAccount, type Wire } from './fixtures/pagerduty/account.ts';
import { renderFinal, renderLayer, type RenderedEntry } from './fixtures/pagerduty/render.ts';

export { PD_ACCOUNT, type PdAccount } from './fixtures/pagerduty/account.ts';
export { renderFinal as renderPagerDutySchedule, type RenderedEntry } from './fixtures/pagerduty/render.ts';

export interface FakePagerDutyOptions {
  token: string;
  /** The fake's "now": maintenance windows that ended before it are not open. */
  now: number;
  account?: PdAccount;
  /** The most a page holds whatever `limit` asks (PagerDuty: 100). */
  maxLimit?: number;
  /** Answer 429 once, to the first request whose path and query start with this. */
  rateLimitOnce?: string;
}

export interface FakePagerDuty {
  url: string;
  requests: RecordedRequest[];
  account: PdAccount;
  /** The fake's own final rendering of a schedule, as `GET /schedules/{id}` serves it. */
  render(scheduleId: string, since: number, until: number): RenderedEntry[];
  close(): Promise<void>;
}

const error = (
  res: ServerResponse,
  status: number,
  message: string,
  code: number,
  headers: Record<string, string> = {},
) => json(res, status, { error: { message, code } }, headers);

function page(res: ServerResponse, q: URLSearchParams, key: string, items: readonly unknown[], max: number) {
  const limit = Math.min(Math.max(Number(q.get('limit') ?? 25) || 25, 1), max);
  const offset = Math.max(Number(q.get('offset') ?? 0) || 0, 0);
  const slice = items.slice(offset, offset + limit);
  json(res, 200, { [key]: slice, limit, offset, more: offset + slice.length < items.length, total: null });
}

const userRef = (id: string, account: PdAccount) => ({
  id,
  type: 'user_reference',
  summary: ((name: unknown) => (typeof name === 'string' ? name : id))(
    account.users.find((u) => u.id === id)?.name,
  ),
  self: `https://api.pagerduty.com/users/${id}`,
});

function iso(t: number, zone: string): string {
  return DateTime.fromMillis(t, { zone }).toISO({ suppressMilliseconds: true })!;
}

export async function startFakePagerDuty(opts: FakePagerDutyOptions): Promise<FakePagerDuty> {
  const account = opts.account ?? structuredClone(PD_ACCOUNT);
  const max = opts.maxLimit ?? 100;
  let limited = !opts.rateLimitOnce;
  const render = (id: string, since: number, until: number): RenderedEntry[] => {
    const s = account.schedules.find((x) => x.id === id);
    return s ? renderFinal(s, account.overrides[id] ?? [], since, until) : [];
  };
  const entries = (list: RenderedEntry[], zone: string) =>
    list.map((e) => ({ start: iso(e.start, zone), end: iso(e.end, zone), user: userRef(e.userId, account) }));

  const fake = await startFake((req, res) => {
    const url = new URL(req.path, 'http://fake');
    const q = url.searchParams;
    const path = url.pathname;
    if (req.headers.authorization !== `Token token=${opts.token}`)
      return error(res, 401, 'Unauthorized', 2006);
    if (!limited && req.path.startsWith(opts.rateLimitOnce!)) {
      limited = true;
      return error(res, 429, 'Rate Limit Exceeded', 2020, {
        'ratelimit-limit': '960',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '2',
      });
    }
    const include = new Set(q.getAll('include[]'));
    if (path === '/users') {
      const users = account.users.map((u) => ({
        ...u,
        contact_methods: include.has('contact_methods')
          ? u.contact_methods
          : (u.contact_methods as Wire[]).map((c) => ({ id: c.id, type: `${String(c.type)}_reference` })),
        notification_rules: include.has('notification_rules')
          ? u.notification_rules
          : (u.notification_rules as Wire[]).map((r) => ({
              id: r.id,
              type: 'assignment_notification_rule_reference',
            })),
      }));
      return page(res, q, 'users', users, max);
    }
    if (path === '/teams') return page(res, q, 'teams', account.teams, max);
    const members = /^\/teams\/([A-Z0-9]+)\/members$/.exec(path);
    if (members && Object.hasOwn(account.members, members[1]!))
      return page(res, q, 'members', account.members[members[1]!]!, max);
    if (path === '/schedules')
      return page(
        res,
        q,
        'schedules',
        account.schedules.map((s) =>
          Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'schedule_layers')),
        ),
        max,
      );
    const sched = /^\/schedules\/([A-Z0-9]+)(\/overrides)?$/.exec(path);
    const schedule = sched && account.schedules.find((s) => s.id === sched[1]);
    if (sched && schedule) {
      const since = q.has('since') ? Date.parse(q.get('since')!) : NaN;
      const until = q.has('until') ? Date.parse(q.get('until')!) : NaN;
      const zone = q.get('time_zone') ?? String(schedule.time_zone);
      const overrides = account.overrides[sched[1]!] ?? [];
      if (sched[2]) {
        if (!Number.isFinite(since) || !Number.isFinite(until))
          return error(res, 400, 'Invalid Input Provided', 2001);
        const open = overrides.filter(
          (o) => Date.parse(String(o.end)) > since && Date.parse(String(o.start)) < until,
        );
        return json(res, 200, { overrides: open });
      }
      const rendered = Number.isFinite(since) && Number.isFinite(until);
      const layers = (schedule.schedule_layers as Wire[]).map((l) => ({
        ...l,
        rendered_schedule_entries: rendered
          ? entries(renderLayer(l, String(schedule.time_zone), since, until), zone)
          : [],
      }));
      const final = rendered ? entries(render(sched[1]!, since, until), zone) : [];
      const overrideEntries = rendered
        ? overrides
            .filter((o) => Date.parse(String(o.end)) > since && Date.parse(String(o.start)) < until)
            .map((o) => ({ start: o.start, end: o.end, user: o.user }))
        : [];
      return json(res, 200, {
        schedule: {
          ...schedule,
          schedule_layers: layers,
          final_schedule: {
            name: 'Final Schedule',
            rendered_schedule_entries: final,
            rendered_coverage_percentage: null,
          },
          overrides_subschedule: {
            name: 'Overrides',
            rendered_schedule_entries: overrideEntries,
            rendered_coverage_percentage: null,
          },
        },
      });
    }
    if (path === '/escalation_policies')
      return page(res, q, 'escalation_policies', account.escalationPolicies, max);
    if (path === '/services') {
      const services = account.services.map((s) => ({
        ...s,
        integrations: include.has('integrations')
          ? s.integrations
          : (s.integrations as Wire[]).map((i) => ({
              id: i.id,
              type: `${String(i.type)}_reference`,
              summary: i.summary,
            })),
      }));
      return page(res, q, 'services', services, max);
    }
    if (path === '/maintenance_windows') {
      const filter = q.get('filter') ?? 'all';
      const windows = account.maintenanceWindows.filter((w) => {
        const [start, end] = [Date.parse(String(w.start_time)), Date.parse(String(w.end_time))];
        if (filter === 'open') return end > opts.now;
        if (filter === 'future') return start > opts.now;
        if (filter === 'ongoing') return start <= opts.now && end > opts.now;
        if (filter === 'past') return end <= opts.now;
        return true;
      });
      return page(res, q, 'maintenance_windows', windows, max);
    }
    return error(res, 404, 'Not Found', 2100);
  });
  return { url: fake.url, requests: fake.requests, account, render, close: () => fake.close() };
}
