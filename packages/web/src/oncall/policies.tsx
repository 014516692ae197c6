/** Escalation policies, read only: steps, delays, targets, and who each step pages right now. */
import { api } from '../api.ts';
import { ErrorBanner, Loading, PageHeader } from '../ui/components.tsx';
import { useLoad } from '../ui/hooks.ts';
import { useUsers } from './people.ts';
import type { NameOf } from './people.ts';
import { PolicyCard } from './targets.tsx';

export function PoliciesPage() {
  const { nameOf } = useUsers();
  return (
    <section>
      <PageHeader title="Escalation policies" />
      <p className="muted">Edited in the config file (klaxon.yaml); changes apply on reload.</p>
      <PolicyList nameOf={nameOf} />
    </section>
  );
}

/** Every escalation policy as a card: on this page and under "On call now". */
export function PolicyList({ nameOf }: { nameOf: NameOf }) {
  const policies = useLoad(() => api.policies(), 'policies');
  return (
    <>
      <ErrorBanner message={policies.error} />
      {policies.data ? (
        <div className="cards">
          {policies.data.policies.map((p) => (
            <PolicyCard key={p.id} policy={p} nameOf={nameOf} />
          ))}
        </div>
      ) : policies.loading ? (
        <Loading what="policies" />
      ) : null}
    </>
  );
}
