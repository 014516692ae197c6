/**
 * The deployment environments (deploy/kubernetes/overlays: dev, staging, prod): the defaults a catalog
 * gets when it declares none, the lookup `klaxon build --env` uses, their checks, and the
 * kube-prometheus-stack values one sets (retention and its volume, replicas, intervals, external labels,
 * and the alert relabelings that lower tiers which must not page there). Without an environment the values
 * are environment-neutral.
 */
import type { Catalog } from '../model/alert.ts';
import type { AlertRelabelConfig } from './chart.ts';
import type { Environment, PagingTier } from '../model/environment.ts';
import { TIER_POLICIES, type Tier } from '../model/tiers.ts';
import { durationMs } from './durations.ts';

export type { Environment } from '../model/environment.ts';

/**
 * The three default environments. dev pages nobody: its T1 and T2 arrive as advisories (Slack only);
 * staging turns calls into push notifications; prod pages as the tier model says.
 * Example: `ENVIRONMENTS.prod.prometheus.retention` is `'30d'`.
 */
export const ENVIRONMENTS = {
  dev: {
    name: 'dev',
    cluster: 'klaxon-dev',
    prometheus: {
      retention: '2d',
      retentionSize: '8GB',
      storage: '10Gi',
      replicas: 1,
      scrapeInterval: '60s',
      evaluationInterval: '60s',
    },
    alertmanager: { replicas: 1 },
    demote: { T1: 'T3', T2: 'T3' },
  },
  staging: {
    name: 'staging',
    cluster: 'klaxon-staging',
    prometheus: {
      retention: '7d',
      retentionSize: '40GB',
      storage: '50Gi',
      replicas: 1,
      scrapeInterval: '30s',
      evaluationInterval: '30s',
    },
    alertmanager: { replicas: 2 },
    demote: { T1: 'T2' },
  },
  prod: {
    name: 'prod',
    cluster: 'klaxon-prod',
    prometheus: {
      retention: '30d',
      retentionSize: '170GB',
      storage: '200Gi',
      replicas: 2,
      scrapeInterval: '30s',
      evaluationInterval: '30s',
    },
    alertmanager: { replicas: 3 },
    demote: {},
  },
} as const satisfies Record<string, Environment>;

export type EnvironmentName = keyof typeof ENVIRONMENTS;

export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS) as EnvironmentName[];

/** The environments a catalog declares, or the defaults. */
export function environmentsOf(catalog: Pick<Catalog, 'environments'>): readonly Environment[] {
  return catalog.environments ?? Object.values(ENVIRONMENTS);
}

/** Thrown for a name that is not one of the environments; the message lists the known ones. */
export class UnknownEnvironmentError extends Error {
  constructor(
    readonly requested: string,
    known: readonly string[] = ENVIRONMENT_NAMES,
  ) {
    super(
      `unknown environment "${requested}": use one of ${known.join(', ')} (the catalog's \`environments\`; the defaults are in packages/catalog/src/compile/environments.ts)`,
    );
    this.name = 'UnknownEnvironmentError';
  }
}

/** The environment called `name` among `environments`. Throws UnknownEnvironmentError for any other. */
export function environmentNamed(
  name: string,
  environments: readonly Environment[] = Object.values(ENVIRONMENTS),
): Environment {
  const env = environments.find((e) => e.name === name);
  if (!env)
    throw new UnknownEnvironmentError(
      name,
      environments.map((e) => e.name),
    );
  return env;
}

const RANK: Record<Tier, number> = { T1: 1, T2: 2, T3: 3 };

/** The tiers that still reach people (call, SMS or push) in `env`. */
export function pagingTiers(env: Environment): PagingTier[] {
  return (['T1', 'T2'] as const).filter((t) => {
    const to = env.demote[t];
    return to === undefined || TIER_POLICIES[to].pages;
  });
}

/** What is wrong with the declared environments, one sentence each (empty when nothing is). */
export function checkEnvironments(environments: readonly Environment[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, env] of environments.entries()) {
    const at = `environments[${i}] (${env.name})`;
    if (!/^[a-z][a-z0-9-]*$/.test(env.name))
      problems.push(`${at}: name must be lower-case letters, digits and dashes, e.g. "prod"`);
    if (seen.has(env.name)) problems.push(`${at}: the name is declared twice; names must be unique`);
    seen.add(env.name);
    for (const key of ['retention', 'scrapeInterval', 'evaluationInterval'] as const) {
      try {
        if (durationMs(env.prometheus[key]) <= 0) throw new Error('zero');
      } catch {
        problems.push(`${at}: prometheus.${key} "${env.prometheus[key]}" is not a duration like "30s"`);
      }
    }
    if (env.prometheus.replicas < 1 || env.alertmanager.replicas < 1)
      problems.push(`${at}: replicas must be at least 1`);
    for (const [from, to] of Object.entries(env.demote) as [PagingTier, Tier][]) {
      if (from !== 'T1' && from !== 'T2')
        problems.push(`${at}: demote.${String(from)}: only T1 and T2 can be lowered`);
      else if (RANK[to] <= RANK[from])
        problems.push(`${at}: demote.${from} is ${to}: a tier can only be lowered (T1 → T2 or T3, T2 → T3)`);
    }
  }
  return problems;
}

/**
 * Alert relabelings that lower `env.demote`'s tiers before the alert leaves Prometheus, so Alertmanager's
 * tier routes and the engine treat it as the lower tier: `demoted_from` keeps the original, `severity`
 * follows. In prometheus.yml's spelling: the chart copies them into it as they are. T2 is handled before
 * T1 so that a T1 lowered to T2 is not lowered again.
 */
export function demotionRelabelings(env: Environment): AlertRelabelConfig[] {
  const out: AlertRelabelConfig[] = [];
  for (const from of ['T2', 'T1'] as const) {
    const to = env.demote[from];
    if (!to) continue;
    const when = (target_label: string, replacement: string): AlertRelabelConfig => ({
      source_labels: ['tier'],
      regex: from,
      target_label,
      replacement,
      action: 'replace',
    });
    // Fresh objects each: the YAML writer would otherwise share them as anchors.
    out.push(when('demoted_from', from), when('severity', TIER_POLICIES[to].severity), when('tier', to));
  }
  return out;
}

/** The kube-prometheus-stack values an environment sets, to be merged over the neutral ones. */
export function environmentValues(env: Environment): Record<string, unknown> {
  const relabel = demotionRelabelings(env);
  return {
    prometheus: {
      prometheusSpec: {
        retention: env.prometheus.retention,
        retentionSize: env.prometheus.retentionSize,
        replicas: env.prometheus.replicas,
        scrapeInterval: env.prometheus.scrapeInterval,
        evaluationInterval: env.prometheus.evaluationInterval,
        externalLabels: { cluster: env.cluster, environment: env.name },
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: env.prometheus.storage } },
            },
          },
        },
        ...(relabel.length ? { additionalAlertRelabelConfigs: relabel } : {}),
      },
    },
    alertmanager: { alertmanagerSpec: { replicas: env.alertmanager.replicas } },
  };
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `over` merged into `base`, object by object; arrays of relabelings under `additionalAlertRelabelConfigs`
 * are appended (they run in order); any other value of `over` replaces `base`'s.
 */
export function mergeValues(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    if (isPlain(b) && isPlain(v)) out[k] = mergeValues(b, v);
    else if (k === 'additionalAlertRelabelConfigs' && Array.isArray(b) && Array.isArray(v))
      out[k] = [...(b as unknown[]), ...(v as unknown[])];
    else out[k] = v;
  }
  return out;
}
