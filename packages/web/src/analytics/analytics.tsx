/**
 * On-call health over the last 7, 30 or 90 days: headline numbers, then MTTA and MTTR by tier and by
 * service, pages per week by tier, noise by service, off-hours pages per person and T1 acks within 5 min,
 * and the T3 advisories' review measures.
 * Loaded lazily: it is the only page that needs recharts.
 */
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { AdvisorySection } from '../advisories/measures.tsx';
import { api, TIERS } from '../api.ts';
import type { Analytics, Figures } from '../api.ts';
import { useUsers } from '../oncall/people.ts';
import { ErrorBanner, Loading, PageHeader } from '../ui/components.tsx';
import { useLoad } from '../ui/hooks.ts';
import { formatDateTime, formatDuration } from '../ui/time.ts';

const RANGES = [7, 30, 90] as const;
const TIER_COLOR = { T1: '#dc2626', T2: '#d97706', T3: '#2563eb' } as const;
const ACCENT = '#7c3aed';
const HEIGHT = 240;
const axis = { fill: 'currentColor', fontSize: 12 };

const minutes = (s: number | null) => (s === null ? null : Math.round((s / 60) * 10) / 10);
const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);

async function load(days: number): Promise<Analytics> {
  const to = new Date();
  const from = new Date(to.getTime() - days * 86400_000);
  return api.analytics(from.toISOString(), to.toISOString());
}

export default function AnalyticsPage() {
  const [params, setParams] = useSearchParams();
  const requested = Number(params.get('days'));
  const days = (RANGES as readonly number[]).includes(requested) ? requested : 30;
  const data = useLoad(() => load(days), String(days));
  const { nameOf } = useUsers();

  const setDays = (d: number) => {
    const next = new URLSearchParams(params);
    next.set('days', String(d));
    setParams(next);
  };

  const a = data.data;
  return (
    <section>
      <PageHeader title="Analytics">
        <label className="range">
          Range
          <select
            data-testid="analytics-range"
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
          >
            {RANGES.map((r) => (
              <option key={r} value={r}>
                Last {r} days
              </option>
            ))}
          </select>
        </label>
      </PageHeader>
      <ErrorBanner message={data.error} />
      {!a && data.loading ? <Loading what="analytics" /> : null}
      {a ? (
        <>
          <p className="muted small">
            {formatDateTime(a.from)} – {formatDateTime(a.to)}
            {data.loading ? ' · updating…' : ''}
          </p>
          <Headlines total={a.total} />
          <div className="charts">
            <DurationCharts a={a} field="mttaSeconds" title="Mean time to acknowledge" testId="chart-mtta" />
            <DurationCharts a={a} field="mttrSeconds" title="Mean time to resolve" testId="chart-mttr" />
            <PagesPerWeek a={a} />
            <ChartCard title="Noise: alerts per page, by service" testId="chart-noise">
              <ByService
                rows={serviceRows(a, (f) => f.noiseRatio)}
                unit=" alerts/page"
                color={ACCENT}
                empty="Nothing paged in this range."
              />
            </ChartCard>
            <ChartCard title="Off-hours pages per person" testId="chart-offhours">
              <ByService
                rows={[...a.offHoursPages]
                  .sort((x, y) => y.pages - x.pages)
                  .map((p) => ({ name: nameOf(p.user), value: p.pages }))}
                unit=" pages"
                color="#0d9488"
                empty="No off-hours pages. Nice."
              />
            </ChartCard>
            <T1Ack a={a} />
          </div>
          <AdvisorySection measures={a.advisories} />
        </>
      ) : null}
    </section>
  );
}

function Headlines({ total }: { total: Figures }) {
  const items = [
    { label: 'Incidents', value: String(total.incidents) },
    { label: 'Alerts received', value: String(total.alertsReceived) },
    { label: 'Pages sent', value: String(total.pagesSent) },
    { label: 'MTTA', value: formatDuration(total.mttaSeconds) },
    { label: 'MTTR', value: formatDuration(total.mttrSeconds) },
    { label: 'T1 acked ≤ 5 min', value: percent(total.t1AckedWithin5m) },
    { label: 'Noise (alerts/page)', value: total.noiseRatio === null ? '—' : String(total.noiseRatio) },
  ];
  return (
    <dl className="headlines">
      {items.map((i) => (
        <div key={i.label} className="headline">
          <dt>{i.label}</dt>
          <dd>{i.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ChartCard({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="card chart" data-testid={testId} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

interface Row {
  name: string;
  value: number | null;
}

function serviceRows(a: Analytics, pick: (f: Figures) => number | null): Row[] {
  return Object.entries(a.byService)
    .map(([name, f]) => ({ name, value: pick(f) }))
    .filter((r) => r.value !== null)
    .sort((x, y) => (y.value ?? 0) - (x.value ?? 0));
}

/** Horizontal bars, one per row: fits a phone's width and long service names. */
interface ByServiceProps {
  rows: Row[];
  unit: string;
  color: string;
  empty: string;
  /** Fixed axis range, e.g. [0, 100] for percentages. */
  domain?: [number, number];
}

function ByService({ rows, unit, color, empty, domain }: ByServiceProps) {
  if (rows.length === 0) return <p className="muted chart-empty">{empty}</p>;
  return (
    <ResponsiveContainer
      width="100%"
      height={Math.max(120, rows.length * 30 + 40)}
      initialDimension={{ width: 320, height: 200 }}
    >
      <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 16 }}>
        <CartesianGrid horizontal={false} strokeOpacity={0.2} />
        <XAxis type="number" tick={axis} allowDecimals {...(domain ? { domain } : {})} />
        <YAxis type="category" dataKey="name" tick={axis} width={110} />
        <Tooltip formatter={(v) => `${String(v)}${unit}`} cursor={{ fillOpacity: 0.1 }} />
        <Bar dataKey="value" fill={color} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

function DurationCharts({
  a,
  field,
  title,
  testId,
}: {
  a: Analytics;
  field: 'mttaSeconds' | 'mttrSeconds';
  title: string;
  testId: string;
}) {
  const tiers = TIERS.map((t) => ({ name: t, value: minutes(a.byTier[t]?.[field] ?? null) }));
  const services = serviceRows(a, (f) => minutes(f[field]));
  const none =
    field === 'mttaSeconds' ? 'Nothing acknowledged in this range.' : 'Nothing resolved in this range.';
  return (
    <ChartCard title={`${title} (minutes)`} testId={testId}>
      <h3>By tier</h3>
      {tiers.every((t) => t.value === null) ? <p className="muted small">{none}</p> : null}
      <ResponsiveContainer width="100%" height={180} initialDimension={{ width: 320, height: 180 }}>
        <BarChart data={tiers} margin={{ left: -12, right: 8 }}>
          <CartesianGrid vertical={false} strokeOpacity={0.2} />
          <XAxis dataKey="name" tick={axis} />
          <YAxis tick={axis} />
          <Tooltip formatter={(v) => `${String(v)} min`} cursor={{ fillOpacity: 0.1 }} />
          <Bar dataKey="value" isAnimationActive={false}>
            {tiers.map((t) => (
              <Cell key={t.name} fill={TIER_COLOR[t.name]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <h3>By service</h3>
      <ByService rows={services} unit=" min" color={ACCENT} empty={none} />
    </ChartCard>
  );
}

function PagesPerWeek({ a }: { a: Analytics }) {
  const weeks = a.pagesPerWeek ?? [];
  return (
    <ChartCard title="Pages per week, by tier" testId="chart-pages-per-week">
      {weeks.length === 0 ? (
        <p className="muted chart-empty">No pages in this range.</p>
      ) : (
        <ResponsiveContainer width="100%" height={HEIGHT} initialDimension={{ width: 320, height: HEIGHT }}>
          <BarChart data={weeks} margin={{ left: -12, right: 8 }}>
            <CartesianGrid vertical={false} strokeOpacity={0.2} />
            <XAxis dataKey="weekStart" tick={axis} tickFormatter={(d: string) => d.slice(5)} />
            <YAxis tick={axis} allowDecimals={false} />
            <Tooltip
              labelFormatter={(d) => `Week of ${typeof d === 'string' ? d : ''}`}
              cursor={{ fillOpacity: 0.1 }}
            />
            <Legend />
            {TIERS.map((t) => (
              <Bar key={t} dataKey={t} stackId="pages" fill={TIER_COLOR[t]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}

function T1Ack({ a }: { a: Analytics }) {
  const share = a.byTier.T1?.t1AckedWithin5m ?? a.total.t1AckedWithin5m;
  const rows = serviceRows(a, (f) =>
    f.t1AckedWithin5m === null ? null : Math.round(f.t1AckedWithin5m * 100),
  );
  return (
    <ChartCard title="T1 acknowledged within 5 minutes" testId="chart-t1-ack5">
      <p className={`big-number${share !== null && share < 0.9 ? ' warn' : ''}`}>{percent(share)}</p>
      <p className="muted small">Target: 90% or more. By service:</p>
      <ByService
        rows={rows}
        unit="%"
        color={TIER_COLOR.T1}
        empty="No T1 incidents in this range."
        domain={[0, 100]}
      />
    </ChartCard>
  );
}
