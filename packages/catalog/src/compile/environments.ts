/**
 * The deployment environments (deploy/kubernetes/overlays: dev, staging, prod) as typed data, in one
 * place: what the monitoring side runs in each (Prometheus retention and its volume, replicas of
 * Prometheus and Alertmanager, the external labels every series and alert carries). `klaxon build --env`
 * applies one to the kube-prometheus-stack values; without it the values are environment-neutral.
 */

export interface Environment {
  name: string;
  /** externalLabels.cluster: which cluster a series or an alert came from (remote write, federation). */
  cluster: string;
  prometheus: {
    /** How long samples are kept (`15d`) … */
    retention: string;
    /** … and how much disk they may take (`40GB`), whichever comes first; below `storage`. */
    retentionSize: string;
    /** The size of each Prometheus replica's volume (a Kubernetes quantity). */
    storage: string;
    /** Identical Prometheus replicas (the operator adds a `prometheus_replica` label). */
    replicas: number;
  };
  /** Alertmanager replicas, clustered with gossip: 3 tolerates the loss of one. */
  alertmanager: { replicas: number };
}

/**
 * The three environments. Example: `ENVIRONMENTS.prod.prometheus.retention` is `'30d'`.
 */
export const ENVIRONMENTS = {
  dev: {
    name: 'dev',
    cluster: 'klaxon-dev',
    prometheus: { retention: '2d', retentionSize: '8GB', storage: '10Gi', replicas: 1 },
    alertmanager: { replicas: 1 },
  },
  staging: {
    name: 'staging',
    cluster: 'klaxon-staging',
    prometheus: { retention: '7d', retentionSize: '40GB', storage: '50Gi', replicas: 1 },
    alertmanager: { replicas: 2 },
  },
  prod: {
    name: 'prod',
    cluster: 'klaxon-prod',
    prometheus: { retention: '30d', retentionSize: '170GB', storage: '200Gi', replicas: 2 },
    alertmanager: { replicas: 3 },
  },
} as const satisfies Record<string, Environment>;

export type EnvironmentName = keyof typeof ENVIRONMENTS;

export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS) as EnvironmentName[];

/** Thrown for a name that is not one of ENVIRONMENTS; the message lists the known ones. */
export class UnknownEnvironmentError extends Error {
  constructor(readonly requested: string) {
    super(
      `unknown environment "${requested}": use one of ${ENVIRONMENT_NAMES.join(', ')} (defined in packages/catalog/src/compile/environments.ts)`,
    );
    this.name = 'UnknownEnvironmentError';
  }
}

/** The environment called `name`. Throws UnknownEnvironmentError for any other name. */
export function environmentNamed(name: string): Environment {
  if (!Object.hasOwn(ENVIRONMENTS, name)) throw new UnknownEnvironmentError(name);
  return ENVIRONMENTS[name as EnvironmentName];
}

/** The kube-prometheus-stack values an environment sets, to be merged over the neutral ones. */
export function environmentValues(env: Environment): Record<string, unknown> {
  return {
    prometheus: {
      prometheusSpec: {
        retention: env.prometheus.retention,
        retentionSize: env.prometheus.retentionSize,
        replicas: env.prometheus.replicas,
        externalLabels: { cluster: env.cluster, environment: env.name },
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: env.prometheus.storage } },
            },
          },
        },
      },
    },
    alertmanager: { alertmanagerSpec: { replicas: env.alertmanager.replicas } },
  };
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` merged into `base`, object by object; any other value of `over` replaces `base`'s. */
export function mergeValues(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? mergeValues(b, v) : v;
  }
  return out;
}
