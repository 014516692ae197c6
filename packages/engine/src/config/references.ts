/**
 * The checks that span slices of the config file: ids are unique, every reference (user, team, service,
 * schedule, escalation policy) resolves, sign-in names are unique, and everyone an escalation can reach
 * has a contact method for each of their notification rules. `configSchema` runs them after every slice
 * has parsed.
 */
import type { z } from 'zod';
import { INTERNAL_INTEGRATION, storable } from '../alerts/alert.ts';
import { TIERS, type Tier } from '../alerts/tier.ts';
import { heartbeatIntegrations } from '../heartbeat/config.ts';
import type { Channel, Urgency } from '../org/config.ts';
import { reachProblem } from '../org/reach.ts';

type Ctx = z.RefinementCtx;
type Draft = {
  tiers: Record<Tier, { pages: boolean; urgency: string; escalationPolicy?: string | undefined }>;
  notificationDefaults: Record<Urgency, { type: Channel }[]>;
  server: { publicUrl?: string | undefined };
  auth: { oidc?: { redirectUrl?: string | undefined } | undefined };
  users: {
    id: string;
    email?: string | undefined;
    contactMethods: { type: Channel }[];
    notificationRules?: Partial<Record<Urgency, { type: Channel }[] | undefined>> | undefined;
  }[];
  schedules: {
    id: string;
    team?: string | undefined;
    layers: { users: string[] }[];
    overrides: { user: string; from: string; to: string }[];
  }[];
  escalationPolicies: {
    id: string;
    steps: { targets: ({ schedule: string } | { user: string } | { team: string })[] }[];
  }[];
  maintenance: { service: string; from: string; to: string }[];
  heartbeat?: { service: string; integrations?: string[] | undefined } | undefined;
  teams: { id: string; members: string[]; lead?: string | undefined }[];
  services: { id: string; team: string; dependsOn: string[] }[];
  integrationKeys: { key: string; name: string; service: string; source: string; sns?: unknown }[];
  apiTokens: { name: string; token: string; teams?: string[] | undefined }[];
  deployments: { repositories: Record<string, string>; argocdApps: Record<string, string> };
};

function checkUnique(ctx: Ctx, items: readonly Record<string, unknown>[], field: string, path: string): void {
  const seen = new Map<unknown, number>();
  items.forEach((item, i) => {
    const value = item[field];
    const first = seen.get(value);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [path, i, field],
        message: `duplicate ${field} ${JSON.stringify(value)} (also at ${path}[${first}]); each must be unique`,
      });
    } else seen.set(value, i);
  });
}

const SECTIONS: Record<string, string> = {
  user: 'users',
  team: 'teams',
  service: 'services',
  schedule: 'schedules',
  'escalation policy': 'escalationPolicies',
  'integration key': 'integrationKeys',
};

/** Reports `value` when it is not one of `known`, naming the section to define it in. */
function checkRef(
  ctx: Ctx,
  known: Set<string>,
  value: string,
  path: (string | number)[],
  what: string,
): void {
  if (!known.has(value)) {
    const list = [...known].slice(0, 8).join(', ');
    ctx.addIssue({
      code: 'custom',
      path,
      message: `unknown ${what} ${JSON.stringify(value)}; define it under ${SECTIONS[what] ?? what} or use one of: ${list || '(none defined)'}`,
    });
  }
}

export function checkReferences(cfg: Draft, ctx: Ctx): void {
  checkUnique(ctx, cfg.users, 'id', 'users');
  checkUnique(ctx, cfg.teams, 'id', 'teams');
  checkUnique(ctx, cfg.services, 'id', 'services');
  checkUnique(ctx, cfg.integrationKeys, 'key', 'integrationKeys');
  // An alert belongs to the key that sent it, by name (incidents/keys.ts): names are its identity.
  checkUnique(ctx, cfg.integrationKeys, 'name', 'integrationKeys');
  checkUnique(ctx, cfg.apiTokens, 'token', 'apiTokens');
  checkUnique(ctx, cfg.apiTokens, 'name', 'apiTokens');
  const users = new Set(cfg.users.map((u) => u.id));
  const teams = new Set(cfg.teams.map((t) => t.id));
  const services = new Set(cfg.services.map((s) => s.id));
  cfg.teams.forEach((t, i) => {
    t.members.forEach((m, j) => checkRef(ctx, users, m, ['teams', i, 'members', j], 'user'));
    if (t.lead) checkRef(ctx, users, t.lead, ['teams', i, 'lead'], 'user');
  });
  cfg.services.forEach((s, i) => {
    checkRef(ctx, teams, s.team, ['services', i, 'team'], 'team');
    s.dependsOn.forEach((d, j) => checkRef(ctx, services, d, ['services', i, 'dependsOn', j], 'service'));
  });
  checkAuth(cfg, ctx, teams);
  cfg.integrationKeys.forEach((k, i) => {
    checkRef(ctx, services, k.service, ['integrationKeys', i, 'service'], 'service');
    if (k.name === INTERNAL_INTEGRATION) {
      ctx.addIssue({
        code: 'custom',
        path: ['integrationKeys', i, 'name'],
        message: `${JSON.stringify(k.name)} is reserved for the alerts Klaxon raises itself (the heartbeat's); choose another name`,
      });
    } else if (storable(k.name) !== k.name) {
      ctx.addIssue({
        code: 'custom',
        path: ['integrationKeys', i, 'name'],
        message: 'contains a NUL or an unpaired surrogate, which cannot be stored; use plain text',
      });
    }
    if (k.sns !== undefined && k.source !== 'sns') {
      ctx.addIssue({
        code: 'custom',
        path: ['integrationKeys', i, 'sns'],
        message: `sns options apply only to keys with source: sns (this key's source is ${k.source}); remove them or set source: sns`,
      });
    }
  });
  checkUnique(ctx, cfg.schedules, 'id', 'schedules');
  checkUnique(ctx, cfg.escalationPolicies, 'id', 'escalationPolicies');
  const schedules = new Set(cfg.schedules.map((s) => s.id));
  const policies = new Set(cfg.escalationPolicies.map((p) => p.id));
  cfg.schedules.forEach((s, i) => {
    if (s.team) checkRef(ctx, teams, s.team, ['schedules', i, 'team'], 'team');
    s.layers.forEach((l, j) =>
      l.users.forEach((u, k) => checkRef(ctx, users, u, ['schedules', i, 'layers', j, 'users', k], 'user')),
    );
    s.overrides.forEach((o, j) => {
      checkRef(ctx, users, o.user, ['schedules', i, 'overrides', j, 'user'], 'user');
      if (Date.parse(o.to) <= Date.parse(o.from)) {
        ctx.addIssue({
          code: 'custom',
          path: ['schedules', i, 'overrides', j, 'to'],
          message: 'must be after from',
        });
      }
    });
  });
  cfg.escalationPolicies.forEach((p, i) =>
    p.steps.forEach((step, j) =>
      step.targets.forEach((t, k) => {
        const path = ['escalationPolicies', i, 'steps', j, 'targets', k];
        if ('schedule' in t) checkRef(ctx, schedules, t.schedule, [...path, 'schedule'], 'schedule');
        else if ('user' in t) checkRef(ctx, users, t.user, [...path, 'user'], 'user');
        else checkRef(ctx, teams, t.team, [...path, 'team'], 'team');
      }),
    ),
  );
  for (const t of TIERS) {
    const policy = cfg.tiers[t].escalationPolicy;
    if (policy) {
      checkRef(ctx, policies, policy, ['tiers', t, 'escalationPolicy'], 'escalation policy');
    }
  }
  cfg.maintenance.forEach((m, i) =>
    checkRef(ctx, services, m.service, ['maintenance', i, 'service'], 'service'),
  );
  if (cfg.heartbeat) checkHeartbeat(cfg, ctx, cfg.heartbeat, services);
  for (const section of ['repositories', 'argocdApps'] as const) {
    for (const [name, service] of Object.entries(cfg.deployments[section]))
      checkRef(ctx, services, service, ['deployments', section, name], 'service');
  }
  checkReachability(cfg, ctx);
}

/**
 * The heartbeat's service exists, and some integration key feeds it: those `heartbeat.integrations` names
 * (each a key), else the keys of its service. With none, no Watchdog could ever count and the "monitoring
 * pipeline is down" incident would open for good.
 */
function checkHeartbeat(
  cfg: Draft,
  ctx: Ctx,
  heartbeat: NonNullable<Draft['heartbeat']>,
  services: Set<string>,
): void {
  checkRef(ctx, services, heartbeat.service, ['heartbeat', 'service'], 'service');
  const names = new Set(cfg.integrationKeys.map((k) => k.name));
  heartbeat.integrations?.forEach((name, i) =>
    checkRef(ctx, names, name, ['heartbeat', 'integrations', i], 'integration key'),
  );
  if (heartbeatIntegrations(heartbeat, cfg).size === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['heartbeat', 'integrations'],
      message: `no integration key feeds service ${JSON.stringify(heartbeat.service)}, so no always-firing alert could ever reach the heartbeat; list the keys that carry it in heartbeat.integrations`,
    });
  }
}

/** Sign-in names are unique; token team scopes and the OIDC callback URL resolve. */
function checkAuth(cfg: Draft, ctx: Ctx, teams: Set<string>): void {
  const names = new Map<string, number>(cfg.users.map((u, i) => [u.id, i]));
  cfg.users.forEach((u, i) => {
    if (!u.email) return;
    const email = u.email.toLowerCase();
    const first = names.get(email);
    if (first !== undefined && first !== i) {
      ctx.addIssue({
        code: 'custom',
        path: ['users', i, 'email'],
        message: `${u.email} is also the id or email of users[${first}]; sign-in names must be unique (any case)`,
      });
    } else names.set(email, i);
  });
  cfg.apiTokens.forEach((t, i) =>
    t.teams?.forEach((team, j) => checkRef(ctx, teams, team, ['apiTokens', i, 'teams', j], 'team')),
  );
  if (cfg.auth.oidc && !cfg.auth.oidc.redirectUrl && !cfg.server.publicUrl) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth', 'oidc', 'redirectUrl'],
      message:
        'OIDC needs a callback URL: set server.publicUrl (the callback is <publicUrl>/auth/oidc/callback) or auth.oidc.redirectUrl',
    });
  }
}

/**
 * Every person an escalation can reach must be reachable at that tier's urgency: each of their rules
 * needs a contact method of its type. A silent skip once let a real incident escalate to directors.
 */
function checkReachability(cfg: Draft, ctx: Ctx): void {
  const byId = new Map(cfg.users.map((u, i) => [u.id, { user: u, index: i }]));
  const teamMembers = new Map(cfg.teams.map((t) => [t.id, t.members]));
  const reachable = (policyId: string): Set<string> => {
    const found = new Set<string>();
    for (const step of cfg.escalationPolicies.find((p) => p.id === policyId)?.steps ?? []) {
      for (const t of step.targets) {
        if ('user' in t) found.add(t.user);
        else if ('team' in t) for (const m of teamMembers.get(t.team) ?? []) found.add(m);
        else {
          const schedule = cfg.schedules.find((s) => s.id === t.schedule);
          for (const l of schedule?.layers ?? []) for (const u of l.users) found.add(u);
          for (const o of schedule?.overrides ?? []) found.add(o.user);
        }
      }
    }
    return found;
  };
  const reported = new Set<string>();
  for (const t of ['T1', 'T2'] as const) {
    const tier = cfg.tiers[t];
    if (!tier.pages || !tier.escalationPolicy || (tier.urgency !== 'high' && tier.urgency !== 'low'))
      continue;
    const urgency = tier.urgency;
    for (const userId of reachable(tier.escalationPolicy)) {
      const entry = byId.get(userId);
      if (!entry || reported.has(`${userId}/${urgency}`)) continue;
      const problem = reachProblem(entry.user, urgency, cfg.notificationDefaults);
      if (problem) {
        const missing = problem.kind === 'missing_methods' ? problem.missing : [];
        reported.add(`${userId}/${urgency}`);
        ctx.addIssue({
          code: 'custom',
          path: ['users', entry.index, 'contactMethods'],
          message: `${userId} can be paged at ${urgency} urgency (${t}, policy ${tier.escalationPolicy}) but has no ${missing.join(', ') || 'notification rule'} contact method; add one, or give ${userId} notificationRules.${urgency} that use methods they have`,
        });
      }
    }
  }
}
