/**
 * The analytics page's Advisories section: how many T3 advisories opened, how many wait for a review, the
 * share reviewed within one business day, and the alerts dismissed as noise most (the rules to tune).
 */
import { Link } from 'react-router';
import type { AdvisoryMeasures } from '../api.ts';

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);
const SHOWN = 10;

export function AdvisorySection({ measures }: { measures: AdvisoryMeasures }) {
  const items = [
    { label: 'Advisories opened', value: String(measures.opened), id: 'opened' },
    { label: 'Of those, unreviewed', value: String(measures.unreviewed), id: 'unreviewed' },
    {
      label: 'Reviewed within 1 business day',
      value: percent(measures.reviewedWithinOneBusinessDay),
      id: 'reviewed-1bd',
    },
  ];
  const noise = [...measures.dismissedAsNoise].sort((a, b) => b.count - a.count).slice(0, SHOWN);
  return (
    <section className="card" aria-label="Advisories" data-testid="analytics-advisories">
      <h2>Advisories (T3)</h2>
      <dl className="headlines">
        {items.map((i) => (
          <div key={i.id} className="headline" data-testid={`advisories-${i.id}`}>
            <dt>{i.label}</dt>
            <dd>{i.value}</dd>
          </div>
        ))}
      </dl>
      <h3>Dismissed as noise most</h3>
      {noise.length === 0 ? (
        <p className="muted small">No advisory was dismissed as noise in this range.</p>
      ) : (
        <table className="stack-table" data-testid="advisories-noise">
          <thead>
            <tr>
              <th scope="col">Alert</th>
              <th scope="col">Service</th>
              <th scope="col">Dismissed</th>
            </tr>
          </thead>
          <tbody>
            {noise.map((n) => (
              <tr key={`${n.service}|${n.alert}`}>
                <td data-label="Alert">
                  <Link
                    to={`/advisories?${new URLSearchParams({ service: n.service, alert: n.alert, state: 'dismissed' }).toString()}`}
                  >
                    {n.alert}
                  </Link>
                </td>
                <td data-label="Service">{n.service}</td>
                <td data-label="Dismissed">{n.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
