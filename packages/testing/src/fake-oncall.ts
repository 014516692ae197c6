/**
 * A wire-exact fake of Grafana OnCall's public API (engine/apps/public_api): `Authorization: <token>`
 * (no scheme), DRF page-number pagination (`count`, `next`/`previous` absolute URLs with `?page=N`,
 * `results`, `page_size`, `current_page_number`, `total_pages`), DRF error bodies (`{"detail": …}`),
 * a 429 with `Retry-After` the first time `/teams/` is asked for, and `GET
 * /api/v1/schedules/{id}/final_shifts?start_date&end_date` rendered by its own code
 * (fixtures/oncall/render.ts). Every request is recorded for the test to assert.
 */
import type { ServerResponse } from 'node:http';
import { json, startFake, type FakeServer, type RecordedRequest } from './fake-http.ts';
import * as data from './fixtures/oncall/data.ts';
import { renderFinalShifts, type FixtureShift } from './fixtures/oncall/render.ts';

export interface FakeOnCall {
  url: string;
  /** Every request, as received. */
  requests: RecordedRequest[];
  token: string;
  /** The fixture's objects (integrations carry this fake's URL in `link`). */
  fixture: Fixture;
  /** The fake's own rendering of a schedule, by OnCall user id. */
  finalShifts(scheduleId: string, from: number, to: number): { user: string; start: number; end: number }[];
  close(): Promise<void>;
}

export interface FakeOnCallOptions {
  /** Page sizes per list (default: users 2, rules 5, shifts 3, policies 5, others 50). */
  pageSizes?: Partial<Record<string, number>>;
  /** Answer 429 the first time this path is asked for (default `/api/v1/teams/`; null: never). */
  throttleOnce?: string | null;
  /** Extra shifts, e.g. one that puts two people on call at once. */
  extraShifts?: FixtureShift[];
  /** Extra escalation policies (steps), appended to the list. */
  extraPolicies?: Record<string, unknown>[];
}

type Fixture = ReturnType<typeof fixture>;

function fixture(base: string, extraShifts: FixtureShift[], extraPolicies: Record<string, unknown>[]) {
  return {
    users: data.users,
    personal_notification_rules: data.rules,
    teams: data.teams,
    schedules: data.schedules,
    on_call_shifts: [...data.shifts, ...extraShifts] as FixtureShift[],
    escalation_chains: data.chains,
    escalation_policies: [...data.policies, ...extraPolicies] as (typeof data.policies)[number][],
    integrations: data.integrations(base),
    routes: data.routes,
    webhooks: data.webhooks,
  };
}

const DEFAULT_PAGES: Record<string, number> = {
  users: 2,
  personal_notification_rules: 5,
  on_call_shifts: 3,
  escalation_policies: 5,
  final_shifts: 50,
};

function page(res: ServerResponse, base: string, url: URL, items: readonly unknown[], size: number): void {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const n = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
  if (n > pages) return json(res, 404, { detail: 'Invalid page.' });
  const link = (p: number) => {
    const u = new URL(url.pathname + url.search, base);
    u.searchParams.set('page', String(p));
    return u.href;
  };
  json(res, 200, {
    count: items.length,
    next: n < pages ? link(n + 1) : null,
    previous: n > 1 ? link(n - 1) : null,
    results: items.slice((n - 1) * size, n * size),
    page_size: size,
    current_page_number: n,
    total_pages: pages,
  });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function startFakeOnCall(opts: FakeOnCallOptions = {}): Promise<FakeOnCall> {
  // The fixture names the fake's own URL (integration links), known once it listens.
  const state: { fx?: Fixture } = {};
  let throttle = opts.throttleOnce === undefined ? '/api/v1/teams/' : opts.throttleOnce;
  const sizes = { ...DEFAULT_PAGES, ...opts.pageSizes };
  const scheduleShifts = (id: string) => {
    const s = state.fx!.schedules.find((x) => x.id === id)!;
    const listed = 'shifts' in s && Array.isArray(s.shifts) ? (s.shifts as string[]) : [];
    return state.fx!.on_call_shifts.filter((sh) => sh.schedule === id || listed.includes(sh.id));
  };
  const zoneOf = (id: string) => {
    const s = state.fx!.schedules.find((x) => x.id === id);
    return s && 'time_zone' in s && typeof s.time_zone === 'string' ? s.time_zone : 'UTC';
  };
  const render = (id: string, from: number, to: number) =>
    renderFinalShifts(scheduleShifts(id), zoneOf(id), from, to);
  const server: FakeServer = await startFake((req, res) => {
    const base = server.url;
    const url = new URL(req.path, base);
    if (req.method !== 'GET') return json(res, 405, { detail: `Method "${req.method}" not allowed.` });
    if (req.headers.authorization !== data.ONCALL_TOKEN) return json(res, 401, { detail: 'Invalid token.' });
    if (throttle && url.pathname === throttle) {
      throttle = null;
      return json(
        res,
        429,
        { detail: 'Request was throttled. Expected available in 3 seconds.' },
        { 'retry-after': '3' },
      );
    }
    const final = /^\/api\/v1\/schedules\/([A-Z0-9]+)\/final_shifts\/?$/.exec(url.pathname);
    if (final) {
      const id = final[1]!;
      if (!state.fx!.schedules.some((s) => s.id === id)) return json(res, 404, { detail: 'Not found.' });
      const start = url.searchParams.get('start_date') ?? '';
      const end = url.searchParams.get('end_date') ?? '';
      const problems: Record<string, string[]> = {};
      if (!DATE.test(start))
        problems.start_date = ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'];
      if (!DATE.test(end))
        problems.end_date = ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'];
      if (Object.keys(problems).length > 0) return json(res, 400, problems);
      const from = Date.parse(`${start}T00:00:00Z`);
      const to = Date.parse(`${end}T00:00:00Z`) + 86_400_000;
      const emails = new Map(state.fx!.users.map((u) => [u.id, u]));
      const rows = render(id, from, to).map((f) => ({
        user_pk: f.user,
        user_email: emails.get(f.user)?.email ?? null,
        user_username: emails.get(f.user)?.username ?? null,
        shift_start: new Date(f.start).toISOString().replace('.000Z', 'Z'),
        shift_end: new Date(f.end).toISOString().replace('.000Z', 'Z'),
      }));
      return page(res, base, url, rows, sizes.final_shifts ?? 50);
    }
    const list = /^\/api\/v1\/([a-z_]+)\/$/.exec(url.pathname);
    const name = list?.[1];
    if (!name || !Object.hasOwn(state.fx!, name)) return json(res, 404, { detail: 'Not found.' });
    return page(res, base, url, state.fx![name as keyof Fixture], sizes[name] ?? 50);
  });
  state.fx = fixture(server.url, opts.extraShifts ?? [], opts.extraPolicies ?? []);
  return {
    url: server.url,
    requests: server.requests,
    token: data.ONCALL_TOKEN,
    fixture: state.fx,
    finalShifts: render,
    close: () => server.close(),
  };
}

export { FIXTURE_NOW as ONCALL_FIXTURE_NOW, ONCALL_TOKEN } from './fixtures/oncall/data.ts';
