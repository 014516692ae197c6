/**
 * Runs one scenario against a running stack: schedules its faults in the simulator and its actions
 * (stopping Prometheus, reporting a deployment, acknowledging a page), watches what the system does,
 * and checks every expected outcome. The result carries the game-day measures: detection latency against
 * its floor, alerts, incidents and pages by tier, and noise against an every-alert-pages setup.
 */
import { durationMs, scaleDuration, TIER_POLICIES, type Tier } from '@klaxon/catalog';
import { isStop, mentionChecks, scheduleActions, type ScenarioAction } from './actions.ts';
import { advisoryListedCheck } from './advisories.ts';
import { actorName } from './actor.ts';
import { Observer, PAGING_CHANNELS, type Delivery, type FeedEvent } from './observe.ts';
import { sleep } from './processes.ts';
import type { Stack } from './stack.ts';

export const ROLES = ['primary', 'backup', 'lead'] as const;
export type Role = (typeof ROLES)[number];

export interface AlertMatch {
  alertname: string;
  tier?: Tier;
  labels?: Record<string, string>;
}

export interface PageMatch {
  tier: 'T1' | 'T2';
  /** The escalation step: primary (1st), backup (2nd), lead (3rd). */
  to: Role;
}

export interface ScenarioPlan {
  name: string;
  title: string;
  description: string;
  durationMs: number;
  faults: {
    atMs: number;
    knob: string;
    labels?: Record<string, string>;
    set?: number;
    add?: number;
    multiply?: number;
    rampMs?: number;
    untilMs?: number;
  }[];
  actions: ScenarioAction[];
  expect: {
    fire: AlertMatch[];
    silent: AlertMatch[];
    /** Every (tier, step) that may be paged; each must be. Empty: nobody is paged. */
    pages: PageMatch[];
    /** Who acknowledges, once paged. */
    ack?: Role;
    /** A T3 message reaches Slack (and pages nobody), and its incident is listed as an advisory. */
    advisory?: boolean;
    /** Text a page's message must contain, e.g. the deployment's "Changed: narrative v43". */
    mentions?: string[];
  };
}

export interface Check {
  ok: boolean;
  expected: string;
  actual: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  passed: boolean;
  checks: Check[];
  detection: { latencyMs: number | null; floorMs: number | null; what: string | null };
  alertsFired: Record<Tier, number>;
  incidents: Record<Tier, number>;
  pages: Record<'T1' | 'T2', number>;
  klaxonPages: number;
  naivePages: number;
  feed: FeedEvent[];
  elapsedMs: number;
}

const tierOfSubject = (d: Delivery): string | null => /^\[(T[123])\]/.exec(d.subject)?.[1] ?? d.tier;

const matches = (m: AlertMatch, labels: Record<string, string>) =>
  labels.alertname === m.alertname &&
  (!m.tier || labels.tier === m.tier) &&
  Object.entries(m.labels ?? {}).every(([k, v]) => labels[k] === v);

const describeMatch = (m: AlertMatch) =>
  `${m.alertname}${m.tier ? ` [${m.tier}]` : ''}${m.labels ? ` ${JSON.stringify(m.labels)}` : ''}`;

/** The least time from fault to page the pipeline allows: scrape + evaluation + `for:` + group wait. */
export function detectionFloorMs(stack: Stack, plan: ScenarioPlan): { floorMs: number; what: string } | null {
  const first = plan.expect.pages[0];
  if (!first) return null;
  if (plan.faults.length === 0 && plan.actions.some(isStop)) {
    // The heartbeat: Alertmanager keeps a silent Prometheus's Watchdog until it expires (4 × Prometheus's
    // resend delay), then the engine waits its heartbeat timeout.
    const hb = stack.config.heartbeat;
    if (!hb) return null;
    return {
      floorMs: hb.timeoutMinutes * 60_000 + 4 * durationMs(stack.resendDelay),
      what: `Watchdog expiry (4 × resend delay ${stack.resendDelay}) + heartbeat timeout`,
    };
  }
  const alert = plan.expect.fire.find((f) => f.tier === first.tier);
  const def = alert && stack.catalog.alerts.find((a) => a.name === alert.alertname);
  const threshold = def?.thresholds.find((t) => t.tier === first.tier);
  if (!alert || !threshold) return null;
  const groupWait = durationMs(scaleDuration(TIER_POLICIES[first.tier].groupWait, stack.factor));
  return {
    floorMs: 2 * stack.interval * 1000 + durationMs(threshold.for) + groupWait,
    what: `${alert.alertname} [${first.tier}]: scrape ${stack.interval}s + eval ${stack.interval}s + for ${threshold.for} + group wait`,
  };
}

/** The acknowledge link a page's person got for it: from the push notification, else the SMS. */
function ackLink(deliveries: readonly Delivery[], page: Delivery): { channel: string; url: string } | null {
  const mine = deliveries.filter(
    (d) => d.incidentId === page.incidentId && d.user === page.user && d.actions.acknowledge,
  );
  const d = mine.find((x) => x.channel === 'push') ?? mine.find((x) => x.channel === 'sms');
  return d ? { channel: d.channel, url: d.actions.acknowledge! } : null;
}

/** What a phone does when the Acknowledge action is tapped: POST the signed link, no session. */
async function tapLink(url: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status} ${await res.text()}`);
}

export async function runScenario(
  stack: Stack,
  plan: ScenarioPlan,
  o: { now: () => number; onEvent?: (e: FeedEvent) => void; settleMs?: number } = { now: () => 0 },
): Promise<ScenarioResult> {
  const now = o.now;
  const observer = new Observer(stack, now, o.onEvent);
  const t0 = now();
  const stepOf = (r: Role) => ROLES.indexOf(r);
  const timers: NodeJS.Timeout[] = [];
  for (const f of plan.faults) {
    stack.platform.addFault({
      knob: f.knob,
      labels: f.labels,
      set: f.set,
      add: f.add,
      multiply: f.multiply,
      startMs: t0 + f.atMs,
      rampMs: f.rampMs,
      endMs: f.untilMs === undefined ? undefined : t0 + f.untilMs,
    });
    const what = f.set !== undefined ? `= ${f.set}` : f.add !== undefined ? `+ ${f.add}` : `× ${f.multiply}`;
    const labels = Object.entries(f.labels ?? {})
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    timers.push(
      setTimeout(
        () =>
          observer.emit(
            'fault',
            `fault injected: ${f.knob}{${labels}} ${what}${f.rampMs ? ` over ${f.rampMs / 1000}s` : ''}`,
          ),
        f.atMs,
      ),
    );
  }
  const actionErrors: string[] = [];
  timers.push(...scheduleActions(stack, plan.actions, observer, actionErrors));
  const stops = plan.actions.filter(isStop);
  const faultAt =
    plan.faults.length > 0
      ? t0 + Math.min(...plan.faults.map((f) => f.atMs))
      : stops.length > 0
        ? t0 + Math.min(...stops.map((a) => a.atMs))
        : null;

  observer.start();
  /** Incidents acknowledged by the scenario's `ack` person, each once that person is paged for it. */
  const acked = new Map<number, string | null>();
  const pageSeen = (p: PageMatch) =>
    observer.pages().some((d) => d.at >= t0 && tierOfSubject(d) === p.tier && d.step === stepOf(p.to));
  const positiveDone = () =>
    plan.expect.fire.every((m) =>
      [...observer.alerts.values()].some((a) => a.firstFiringAt && matches(m, a.labels)),
    ) &&
    plan.expect.pages.every(pageSeen) &&
    (!plan.expect.ack || acked.size > 0) &&
    (!plan.expect.advisory ||
      observer.deliveries.some((d) => d.channel === 'slack' && tierOfSubject(d) === 'T3'));
  const settleMs = o.settleMs ?? 4000;
  let doneAt: number | null = null;
  while (now() - t0 < plan.durationMs) {
    await sleep(250);
    if (plan.expect.ack) {
      for (const page of observer.pages()) {
        if (page.step !== stepOf(plan.expect.ack) || page.incidentId === null || acked.has(page.incidentId))
          continue;
        // The person taps Acknowledge on their phone: the signed one-tap link of the push notification
        // (or of the SMS), which acts as them without a session.
        const tap = ackLink(observer.deliveries, page);
        if (!tap) continue;
        acked.set(page.incidentId, page.user);
        observer.emit(
          'action',
          `${actorName(stack.config.users, page.user)} (the ${plan.expect.ack}) taps Acknowledge on the ${tap.channel} notification for incident #${page.incidentId}`,
        );
        await tapLink(tap.url).catch((err: unknown) => actionErrors.push(String(err)));
      }
    }
    // Nothing can be expected of a scenario with no pages but its full length (the quiet day).
    if (plan.expect.pages.length > 0 && positiveDone()) {
      doneAt ??= now();
      if (now() - doneAt >= settleMs) break;
    }
  }
  for (const t of timers) clearTimeout(t);
  await observer.stop();
  await observer.finish();

  // ---- checks
  const checks: Check[] = [];
  const alerts = [...observer.alerts.values()].filter((a) => a.alertname !== 'Watchdog');
  const fired = alerts.filter((a) => a.firstFiringAt !== null);
  for (const m of plan.expect.fire) {
    const hit = fired.find((a) => matches(m, a.labels));
    checks.push({
      ok: !!hit,
      expected: `alert ${describeMatch(m)} fires`,
      actual: hit
        ? `fired after ${((hit.firstFiringAt! - t0) / 1000).toFixed(1)} s`
        : `did not fire; firing were: ${fired.map((a) => `${a.alertname} [${a.tier}]`).join(', ') || 'none'}`,
    });
  }
  for (const m of plan.expect.silent) {
    const hit = fired.find((a) => matches(m, a.labels));
    checks.push({
      ok: !hit,
      expected: `alert ${describeMatch(m)} stays silent`,
      actual: hit ? `fired (${JSON.stringify(hit.labels)})` : 'silent',
    });
  }
  const unexpected = fired.filter(
    (a) => (a.tier === 'T1' || a.tier === 'T2') && !plan.expect.fire.some((m) => matches(m, a.labels)),
  );
  checks.push({
    ok: unexpected.length === 0,
    expected: 'no paging (T1/T2) alert fires that the scenario does not expect',
    actual:
      unexpected.length === 0
        ? 'none'
        : unexpected.map((a) => `${a.alertname} [${a.tier}] ${JSON.stringify(a.labels)}`).join('; '),
  });
  const pages = observer.pages().filter((d) => d.at >= t0);
  for (const p of plan.expect.pages) {
    const hit = pages.find((d) => tierOfSubject(d) === p.tier && d.step === stepOf(p.to));
    checks.push({
      ok: !!hit,
      expected: `${p.tier} page reaches the ${p.to} (escalation step ${stepOf(p.to) + 1})`,
      actual: hit
        ? `${hit.user} paged by ${hit.channel} after ${((hit.at - t0) / 1000).toFixed(1)} s`
        : `no such page; pages were: ${pages.map((d) => `${tierOfSubject(d)} step ${(d.step ?? -1) + 1} ${d.user} ${d.channel}`).join('; ') || 'none'}`,
    });
  }
  const stray = pages.filter(
    (d) => !plan.expect.pages.some((p) => tierOfSubject(d) === p.tier && d.step === stepOf(p.to)),
  );
  checks.push({
    ok: stray.length === 0,
    expected:
      plan.expect.pages.length === 0
        ? 'nobody is paged'
        : `only ${plan.expect.pages.map((p) => `${p.tier}→${p.to}`).join(', ')} are paged`,
    actual:
      stray.length === 0
        ? 'as expected'
        : stray
            .map(
              (d) =>
                `${tierOfSubject(d)} page to ${d.user} (${d.channel}, step ${(d.step ?? -1) + 1}): ${d.subject}`,
            )
            .join('; '),
  });
  // When each escalation happens: a step's page follows the previous step's by the policy's delay.
  for (const d of pages.filter((x) => x.step !== null && x.step > 0)) {
    const before = pages.find((x) => x.incidentId === d.incidentId && x.step === d.step! - 1);
    const tier = tierOfSubject(d) as Tier | null;
    const policyId = tier ? stack.config.tiers[tier].escalationPolicy : undefined;
    const step = stack.config.escalationPolicies.find((p) => p.id === policyId)?.steps[d.step! - 1];
    if (!before || !step) continue;
    const want = step.escalateAfterMinutes * 60_000;
    const took = d.at - before.at;
    checks.push({
      ok: took >= want - 500 && took <= want + 2500,
      expected: `escalation to step ${d.step! + 1} (${d.user}) comes ${(want / 1000).toFixed(1)} s after step ${d.step}'s page (the policy's ${step.escalateAfterMinutes * stack.factor} min ÷ ${stack.factor})`,
      actual: `${(took / 1000).toFixed(1)} s`,
    });
  }
  const t3Pages = observer.deliveries.filter(
    (d) => PAGING_CHANNELS.has(d.channel) && tierOfSubject(d) === 'T3',
  );
  checks.push({
    ok: t3Pages.length === 0,
    expected: 'T3 never pages (no call, SMS or push for a T3 incident)',
    actual:
      t3Pages.length === 0 ? 'none' : t3Pages.map((d) => `${d.channel} to ${d.to}: ${d.subject}`).join('; '),
  });
  if (plan.expect.fire.some((m) => m.tier === 'T1')) {
    const t1 = pages.find((d) => tierOfSubject(d) === 'T1');
    checks.push({
      ok: !!t1,
      expected: 'the injected T1 fault pages',
      actual: t1 ? `paged ${t1.user} by ${t1.channel}` : 'no T1 page',
    });
  }
  if (plan.expect.ack) {
    const incs = [...acked.keys()].map((id) => observer.incidents.get(id));
    // The engine records the person who tapped, through the channel they tapped on (`push:bob`).
    const byThem = (i: (typeof incs)[number]) =>
      !!i?.acknowledgedAt && !!i.acknowledgedBy?.endsWith(`:${acked.get(i.id) ?? ''}`);
    checks.push({
      ok: incs.length > 0 && incs.every(byThem),
      expected: `the ${plan.expect.ack} acknowledges from their phone and the engine records them by name`,
      actual:
        incs.length === 0
          ? 'never paged, so never acknowledged'
          : incs
              .map((i) =>
                i
                  ? `incident #${i.id} is ${i.state}${i.acknowledgedBy ? ` (by ${actorName(stack.config.users, i.acknowledgedBy)}, ${i.acknowledgedBy})` : ''}`
                  : '?',
              )
              .join('; '),
    });
  }
  if (plan.expect.advisory) {
    const msg = observer.deliveries.find((d) => d.channel === 'slack' && tierOfSubject(d) === 'T3');
    checks.push({
      ok: !!msg,
      expected: 'a T3 message is posted to Slack',
      actual: msg ? `${msg.to}: ${msg.subject}` : 'no T3 message',
    });
    checks.push(await advisoryListedCheck(stack, observer, t0, { now }));
  }
  checks.push(...mentionChecks(observer.deliveries, plan.expect.mentions ?? [], t0));
  for (const e of actionErrors) checks.push({ ok: false, expected: 'scenario actions succeed', actual: e });

  const firstPage = faultAt === null ? undefined : pages.find((d) => d.at >= faultAt);
  const floor = detectionFloorMs(stack, plan);
  const count = <T extends string>(keys: readonly T[], items: (string | null)[]) =>
    Object.fromEntries(keys.map((k) => [k, items.filter((i) => i === k).length])) as Record<T, number>;
  const tiers = ['T1', 'T2', 'T3'] as const;
  const klaxonPages = pages.length;
  return {
    name: plan.name,
    title: plan.title,
    passed: checks.every((c) => c.ok),
    checks,
    detection: {
      latencyMs: firstPage && faultAt !== null ? firstPage.at - faultAt : null,
      floorMs: floor?.floorMs ?? null,
      what: floor?.what ?? null,
    },
    alertsFired: count(
      tiers,
      fired.map((a) => a.tier),
    ),
    incidents: count(
      tiers,
      [...observer.incidents.values()].filter((i) => i.createdAt >= t0 - 1000).map((i) => i.tier),
    ),
    pages: count(['T1', 'T2'] as const, pages.map(tierOfSubject)),
    klaxonPages,
    naivePages: alerts.reduce((n, a) => n + a.episodes, 0),
    feed: observer.feed,
    elapsedMs: now() - t0,
  };
}

/** The failure message: the scenario, each expected outcome that failed, and what happened instead. */
export function describeFailures(r: ScenarioResult): string {
  const failed = r.checks.filter((c) => !c.ok);
  return [
    `scenario "${r.name}" (${r.title}): ${failed.length} expected outcome(s) failed`,
    ...failed.map((c) => `  - expected: ${c.expected}\n    instead:  ${c.actual}`),
    '  feed:',
    ...r.feed.map(
      (e) => `    +${((e.at - (r.feed[0]?.at ?? e.at)) / 1000).toFixed(1)}s ${e.kind}: ${e.text}`,
    ),
  ].join('\n');
}
