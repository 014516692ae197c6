/** An escalation policy's steps: who each targets and who it would page right now. */
import type { Policy, PolicyStep, Target } from '../api.ts';
import type { NameOf } from './people.ts';

const ROLE = ['primary', 'backup', 'lead'];

export function stepRole(index: number): string {
  return ROLE[index] ?? `step ${index + 1}`;
}

function stepDelay(step: PolicyStep, last: boolean, repeat: number): string {
  const minutes = step.escalateAfterMinutes ?? step.delayMinutes ?? 0;
  if (last) return repeat > 0 ? `repeats from step 1 after ${minutes} min` : 'last step';
  return `escalates after ${minutes} min`;
}

export function targetLabel(t: Target, nameOf: NameOf): string {
  if ('schedule' in t) return `schedule ${t.schedule}`;
  if ('user' in t) return nameOf(t.user);
  return `team ${t.team}`;
}

export function PolicyCard({ policy, nameOf }: { policy: Policy; nameOf: NameOf }) {
  return (
    <section
      className="card policy"
      data-testid={`policy-${policy.id}`}
      aria-labelledby={`policy-h-${policy.id}`}
    >
      <h2 id={`policy-h-${policy.id}`}>
        {policy.name}{' '}
        {policy.tiers.map((t) => (
          <span key={t} className={`badge tier tier-${t}`}>
            {t}
          </span>
        ))}
      </h2>
      <ol className="steps">
        {policy.steps.map((s, i) => (
          <li key={i} className="step">
            <div className="step-head">
              <span className="step-num">{i + 1}</span>
              <span className="step-role">{stepRole(i)}</span>
              <span className="muted small">
                {stepDelay(s, i === policy.steps.length - 1, policy.repeat)}
              </span>
            </div>
            <div className="small">
              Targets:{' '}
              {s.targets.map((t) => targetLabel(t, nameOf)).join(', ') || <span className="muted">none</span>}
            </div>
            {s.now ? (
              <div className="step-now">
                Pages now:{' '}
                {s.now.length > 0 ? (
                  s.now.map((u) => (
                    <strong key={u} className="person" data-user={u}>
                      {nameOf(u)}
                    </strong>
                  ))
                ) : (
                  <span className="error-text">nobody</span>
                )}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      <p className="muted small">
        {policy.repeat > 0 ? `Repeats ${policy.repeat}× when nobody acknowledges.` : 'Does not repeat.'}
      </p>
    </section>
  );
}
