/**
 * Whether a person can be paged at an urgency: their notification rules (their own, else the defaults)
 * and a contact method for each rule's type. One check for the config (everyone an escalation can reach),
 * the overrides API (whom an override puts on call) and the escalation module (whom a step reaches).
 */
import type { Channel, Urgency } from './config.ts';

/** A person as reachability reads them (`users[]`). */
export interface ContactView {
  id: string;
  contactMethods: readonly { type: Channel }[];
  notificationRules?: Partial<Record<Urgency, readonly { type: Channel }[] | undefined>> | undefined;
}

/** The rules of people without their own (`notificationDefaults`). */
export type DefaultRules = Readonly<Record<Urgency, readonly { type: Channel }[]>>;

/** Why a person cannot be paged at an urgency. */
export type ReachProblem =
  | { kind: 'unknown_user' }
  | { kind: 'no_rules' }
  /** Rule types without a contact method of that type; `none` when no rule has one. */
  | { kind: 'missing_methods'; missing: Channel[]; none: boolean };

/** The rules that reach `user` at `urgency`: their own, else the defaults. */
export function rulesFor<R extends { type: Channel }>(
  user: { notificationRules?: Partial<Record<Urgency, readonly R[] | undefined>> | undefined },
  urgency: Urgency,
  defaults: Readonly<Record<Urgency, readonly R[]>>,
): readonly R[] {
  return user.notificationRules?.[urgency] ?? defaults[urgency];
}

/**
 * What stops `user` (undefined: not in the config) from being paged at `urgency`, or null when every one
 * of their rules has a contact method of its type.
 */
export function reachProblem(
  user: ContactView | undefined,
  urgency: Urgency,
  defaults: DefaultRules,
): ReachProblem | null {
  if (!user) return { kind: 'unknown_user' };
  const rules = rulesFor(user, urgency, defaults);
  if (rules.length === 0) return { kind: 'no_rules' };
  const have = new Set(user.contactMethods.map((c) => c.type));
  const missing = [...new Set(rules.map((r) => r.type).filter((type) => !have.has(type)))];
  if (missing.length === 0) return null;
  return { kind: 'missing_methods', missing, none: rules.every((r) => !have.has(r.type)) };
}

/** The problem as a phrase after the person's id, e.g. `has no sms, voice contact method`. */
export function describeReachProblem(p: ReachProblem, urgency: Urgency): string {
  switch (p.kind) {
    case 'unknown_user':
      return 'is not a user in the config';
    case 'no_rules':
      return `has no notification rule at ${urgency} urgency`;
    case 'missing_methods':
      return `has no ${p.missing.join(', ')} contact method for their ${urgency}-urgency notification rules`;
  }
}
