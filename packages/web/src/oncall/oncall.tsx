/** "On call now": who holds each schedule and when it hands off, and who each policy step pages. */
import { api } from '../api.ts';
import { ErrorBanner, Loading, PageHeader, When } from '../ui/components.tsx';
import { useLoad } from '../ui/hooks.ts';
import { useUsers } from './people.ts';
import { PolicyList } from './policies.tsx';

export function OnCallPage() {
  const { nameOf } = useUsers();
  const schedules = useLoad(() => api.schedules(), 'schedules');

  return (
    <section>
      <PageHeader title="On call now" />
      <ErrorBanner message={schedules.error} />
      {schedules.data ? (
        <div className="cards">
          {schedules.data.schedules.map((s) => (
            <section key={s.id} className="card oncall" data-testid={`oncall-schedule-${s.id}`}>
              <h2>{s.name}</h2>
              <p className="oncall-now">
                <span className="muted small">On call</span>
                <strong
                  className={s.onCall ? 'oncall-user' : 'oncall-user error-text'}
                  data-testid="oncall-user"
                >
                  {s.onCall ? nameOf(s.onCall) : 'Nobody (gap)'}
                </strong>
              </p>
              {s.nextHandoff ? (
                <p className="small">
                  Next: <strong>{nameOf(s.nextHandoff.user)}</strong> from <When at={s.nextHandoff.start} />
                </p>
              ) : (
                <p className="muted small">No handoff scheduled.</p>
              )}
              <p className="muted small">Time zone {s.timezone}</p>
            </section>
          ))}
        </div>
      ) : schedules.loading ? (
        <Loading what="schedules" />
      ) : null}

      <h2 className="section-title">Escalation policies</h2>
      <PolicyList nameOf={nameOf} />
    </section>
  );
}
