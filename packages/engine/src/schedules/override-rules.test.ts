/** The override rules as pure functions: who may change a schedule's overrides, whom, and over what range. */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { ApiError } from '../errors/errors.ts';
import {
  checkOverrideRange,
  checkOverrideRights,
  checkOverrideUser,
  schedulePaging,
} from './override-rules.ts';

const person = (name: string, role: Principal['role'], teams: string[] | null): Principal => ({
  name,
  role,
  kind: 'user',
  userId: name,
  teams,
  via: 'password',
});
const token = (name: string, role: Principal['role'], teams: string[] | null): Principal => ({
  name,
  role,
  kind: 'token',
  teams,
  via: 'token',
});
const teamed = { id: 'games-primary', team: 'games', overridesBy: 'team', overrideMaxDays: 90 } as const;
const teamless = { id: 'shared', overridesBy: 'team', overrideMaxDays: 90 } as const;
const open = { id: 'open', overridesBy: 'responders', overrideMaxDays: 7 } as const;

/** The error `fn` throws, as `code: message`; 'ok' when it throws nothing. */
function outcome(fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError) return `${err.code}: ${err.message}`;
    throw err;
  }
}

describe('who may change overrides', () => {
  it("lets a schedule's team members and lead, and admins, change a team's schedule", () => {
    // A lead's principal lists the team too (teamsOf counts members and the lead).
    expect(
      outcome(() => checkOverrideRights(teamed, teamed.id, person('olga', 'responder', ['games']))),
    ).toBe('ok');
    expect(outcome(() => checkOverrideRights(teamed, teamed.id, person('root', 'admin', null)))).toBe('ok');
    expect(
      outcome(() => checkOverrideRights(teamed, teamed.id, token('games-bot', 'responder', ['games']))),
    ).toBe('ok');
    expect(
      outcome(() => checkOverrideRights(teamed, teamed.id, token('platform-bot', 'responder', ['platform']))),
    ).toBe(
      'forbidden: Schedule "games-primary" belongs to team "games"; only its members or an admin may change its overrides.',
    );
  });

  it('lets only admins change a schedule without a team, unless it says overridesBy: responders', () => {
    const refused =
      'forbidden: Schedule "shared" has no team, so only an admin may change its overrides. Give it a team (schedules[].team) or set schedules[].overridesBy: responders in the config.';
    expect(
      outcome(() => checkOverrideRights(teamless, 'shared', person('alice', 'responder', ['platform']))),
    ).toBe(refused);
    // A token without teams acts for every team, but is no admin.
    expect(
      outcome(() => checkOverrideRights(teamless, 'shared', token('responder', 'responder', null))),
    ).toBe(refused);
    // An admin token scoped to teams is held to its teams.
    expect(outcome(() => checkOverrideRights(teamless, 'shared', token('ops', 'admin', ['platform'])))).toBe(
      refused,
    );
    expect(outcome(() => checkOverrideRights(teamless, 'shared', person('root', 'admin', null)))).toBe('ok');
    expect(outcome(() => checkOverrideRights(open, 'open', token('games-bot', 'responder', ['games'])))).toBe(
      'ok',
    );
  });
});

const paging = {
  tiers: {
    T1: { pages: true, urgency: 'high', escalationPolicy: 't1' },
    T2: { pages: true, urgency: 'low', escalationPolicy: 't2' },
    T3: { pages: false, urgency: 'none' },
  },
  escalationPolicies: [
    { id: 't1', steps: [{ targets: [{ schedule: 'primary' }] }, { targets: [{ user: 'erin' }] }] },
    { id: 't2', steps: [{ targets: [{ schedule: 'primary' }, { schedule: 'backup' }] }] },
    { id: 'unused', steps: [{ targets: [{ schedule: 'spare' }] }] },
  ],
  notificationDefaults: {
    high: [{ type: 'voice' as const }, { type: 'sms' as const }],
    low: [{ type: 'push' as const }],
  },
  users: [
    {
      id: 'alice',
      contactMethods: [{ type: 'voice' as const }, { type: 'sms' as const }, { type: 'push' as const }],
    },
    { id: 'lee', contactMethods: [{ type: 'push' as const }] },
    { id: 'vic', contactMethods: [] },
    { id: 'quiet', contactMethods: [{ type: 'push' as const }], notificationRules: { low: [] } },
  ],
};

describe('whom an override may put on call', () => {
  it('finds the urgencies a schedule pages at through the tiers', () => {
    expect(schedulePaging(paging, 'primary')).toEqual([
      { tier: 'T1', urgency: 'high', policy: 't1' },
      { tier: 'T2', urgency: 'low', policy: 't2' },
    ]);
    expect(schedulePaging(paging, 'backup')).toEqual([{ tier: 'T2', urgency: 'low', policy: 't2' }]);
    expect(schedulePaging(paging, 'spare')).toEqual([]); // its policy pages for no tier
  });

  it('refuses someone who cannot be paged at an urgency the schedule pages at, and says why', () => {
    expect(outcome(() => checkOverrideUser(paging, 'primary', 'alice'))).toBe('ok');
    expect(outcome(() => checkOverrideUser(paging, 'primary', 'lee'))).toBe(
      'override_unreachable: lee has no voice, sms contact method for their high-urgency notification rules, so they cannot be paged at high urgency (T1 pages schedule "primary" through policy "t1"). Put someone on call who can be paged, or add their contact methods in the config.',
    );
    expect(outcome(() => checkOverrideUser(paging, 'backup', 'lee'))).toBe('ok');
    expect(outcome(() => checkOverrideUser(paging, 'backup', 'vic'))).toMatch(
      /^override_unreachable: vic has no push contact method .* \(T2 pages schedule "backup"/,
    );
    expect(outcome(() => checkOverrideUser(paging, 'backup', 'quiet'))).toMatch(
      /^override_unreachable: quiet has no notification rule at low urgency/,
    );
    expect(outcome(() => checkOverrideUser(paging, 'spare', 'vic'))).toBe('ok');
    expect(outcome(() => checkOverrideUser(paging, 'primary', 'ghost'))).toBe(
      'invalid_payload: No user "ghost"; use an id from users in the config.',
    );
    // Input is looked up as data: inherited names are no users.
    expect(outcome(() => checkOverrideUser(paging, 'primary', 'constructor'))).toMatch(/^invalid_payload/);
  });
});

describe('over what range', () => {
  const now = Date.parse('2026-03-31T10:00:00Z');
  const at = (iso: string) => Date.parse(iso);
  const range = (s: typeof teamed | typeof open, from: string, to: string) =>
    outcome(() => checkOverrideRange(s, at(from), at(to), now));

  it('takes a range that starts at most an hour ago and lasts at most overrideMaxDays', () => {
    expect(range(teamed, '2026-03-31T09:00:00Z', '2026-03-31T12:00:00Z')).toBe('ok');
    expect(range(teamed, '2026-03-31T10:00:00Z', '2026-06-29T10:00:00Z')).toBe('ok'); // 90 days
    expect(range(open, '2026-04-01T00:00:00Z', '2026-04-08T00:00:00Z')).toBe('ok'); // 7 days
  });

  it('refuses an empty, backdated, far-off or too long range, naming the limit', () => {
    expect(range(teamed, '2026-03-31T12:00:00Z', '2026-03-31T12:00:00Z')).toBe(
      'invalid_override_range: to must be after from.',
    );
    expect(range(teamed, '1970-01-01T00:00:00Z', '1970-01-02T00:00:00Z')).toMatch(
      /^invalid_override_range: from is more than 60 minutes in the past/,
    );
    expect(range(teamed, '2026-03-31T08:59:59Z', '2026-03-31T12:00:00Z')).toMatch(/more than 60 minutes/);
    expect(range(teamed, '9999-01-01T00:00:00Z', '9999-01-02T00:00:00Z')).toMatch(
      /^invalid_override_range: from is more than 366 days ahead/,
    );
    expect(range(teamed, '2026-03-31T10:00:00Z', '9999-12-31T00:00:00Z')).toBe(
      "invalid_override_range: An override on this schedule lasts at most 90 days (schedules[].overrideMaxDays); shorten it or change the schedule's layers instead.",
    );
    expect(range(open, '2026-04-01T00:00:00Z', '2026-04-08T00:00:01Z')).toMatch(/at most 7 days/);
  });
});
