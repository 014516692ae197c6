/**
 * deploy/kubernetes and deploy/argocd: each overlay rendered by the real `kubectl kustomize`, every object
 * validated offline against its schema, and the properties an operator relies on: replicas and database
 * per environment, probes, limits, a non-root read-only pod, a NetworkPolicy that admits /metrics only from
 * the monitoring namespace, a ServiceMonitor that sends the engine's own scrape token, and a ConfigMap whose
 * klaxon.yaml the engine accepts with the Secrets mounted where the config reads them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { DEFAULT_DEPLOY, serviceMonitors } from '@klaxon/catalog';
import { demoSecretsInUse, parseConfig } from '@klaxon/engine';
import { missingBinary } from '@klaxon/testing';
import {
  configText,
  DEPLOY,
  engine,
  EXTERNAL_SECRETS,
  fileRefs,
  mountPod,
  one,
  OVERLAYS,
  parseStream,
  plainEnv,
  relocate,
  render,
  selects,
  validateObject,
  type K8sObject,
  type Overlay,
} from './kubernetes/manifests.ts';

const skip = missingBinary(['kubectl'], 'kubernetes-client');
const rendered = new Map<Overlay, K8sObject[]>();
const objects = (overlay: Overlay) => {
  if (!rendered.has(overlay)) rendered.set(overlay, render(overlay));
  return rendered.get(overlay)!;
};

/** Where traffic to one port of the engine pods may come from, over every NetworkPolicy selecting them. */
function admittedTo(all: K8sObject[], port: { name: string; number: number }) {
  const { deployment } = engine(all);
  const podLabels = deployment.spec.template.metadata!.labels!;
  const own = deployment.metadata!.namespace!;
  const policies = all
    .filter((o): o is K8sObject & INetworkPolicy => o.kind === 'NetworkPolicy')
    .filter((p) => selects(p.spec!.podSelector?.matchLabels, podLabels));
  if (policies.length === 0) return 'anyone';
  const peers: { namespace: string; pods: Record<string, string> | 'any' }[] = [];
  for (const p of policies) {
    if (p.spec!.podSelector?.matchExpressions) throw new Error('matchExpressions: not analysed here');
    for (const rule of p.spec!.ingress ?? []) {
      const ports = rule.ports ?? [];
      if (ports.length > 0 && !ports.some((x) => x.port === port.name || x.port === port.number)) continue;
      if (!rule.from || rule.from.length === 0) return 'anyone';
      for (const peer of rule.from) {
        if (peer.ipBlock) return 'anyone';
        const ns = peer.namespaceSelector;
        const namespace = !ns
          ? own
          : (ns.matchLabels?.['kubernetes.io/metadata.name'] ?? (ns.matchExpressions ? '?' : '*'));
        peers.push({ namespace, pods: peer.podSelector?.matchLabels ?? 'any' });
      }
    }
  }
  return peers;
}

function portOf(all: K8sObject[], name: string) {
  const { container } = engine(all);
  const p = (container.ports ?? []).find((x) => x.name === name);
  if (!p) throw new Error(`the klaxon container has no port named ${name}`);
  return { name, number: p.containerPort };
}

const quantity = (q: string | number | undefined) => {
  const s = String(q ?? '0');
  const units: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
  const unit = /[A-Za-z]+$/.exec(s)?.[0] ?? '';
  return Number.parseFloat(s) * (units[unit] ?? 1);
};

/** The engine config of the overlay's ConfigMap, loaded as the pod would load it. */
function loadedConfig(all: K8sObject[]) {
  const { container } = engine(all);
  const text = configText(all);
  const pod = mountPod(all, text);
  const mounts = (container.volumeMounts ?? []).map((m) => m.mountPath);
  return { config: parseConfig(relocate(text, pod, mounts), 'klaxon.yaml', plainEnv(container)), pod, text };
}

describe.skipIf(skip).each(OVERLAYS)('deploy/kubernetes/overlays/%s', (overlay) => {
  it('renders with kubectl kustomize, and every object matches its schema', () => {
    const all = objects(overlay);
    expect(all.map((o) => o.kind).sort()).toEqual(
      expect.arrayContaining(['ConfigMap', 'Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service']),
    );
    for (const o of all) validateObject(o, `overlay ${overlay}`);
    expect(new Set(all.map((o) => o.metadata.namespace)).size, 'one namespace').toBe(1);
  });

  it('runs a probed, limited, non-root engine on a read-only root file system', () => {
    const all = objects(overlay);
    const { deployment, container } = engine(all);
    const pod = deployment.spec.template.spec!;
    expect(container.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
    for (const r of ['cpu', 'memory']) {
      expect(quantity(container.resources?.limits?.[r]), `limits.${r}`).toBeGreaterThan(0);
      expect(quantity(container.resources?.requests?.[r]), `requests.${r}`).toBeGreaterThan(0);
      expect(quantity(container.resources!.requests![r])).toBeLessThanOrEqual(
        quantity(container.resources!.limits![r]),
      );
    }
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    // Read-only root: /tmp and the SQLite folder must be volumes.
    const mountPaths = (container.volumeMounts ?? []).map((m) => m.mountPath);
    expect(mountPaths).toContain('/tmp');
    const db = container.args![container.args!.indexOf('--db') + 1]!;
    expect(
      mountPaths.some((p) => db.startsWith(`${p}/`)),
      `--db ${db} is on a volume`,
    ).toBe(true);
    // The kubelet kills only after the engine's own shutdown deadline has passed.
    const { config } = loadedConfig(all);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(config.server.shutdownTimeoutSeconds);
  });

  it('listens where the Service, the probes and the config say', () => {
    const all = objects(overlay);
    const { deployment, container } = engine(all);
    const { config } = loadedConfig(all);
    const args = container.args!;
    expect(args.slice(0, 1)).toEqual(['serve']);
    expect(args[args.indexOf('--host') + 1]).toBe('0.0.0.0');
    expect(Number(args[args.indexOf('--port') + 1])).toBe(portOf(all, 'http').number);
    expect(config.server.metrics.port).toBe(portOf(all, 'metrics').number);
    const service = one<{
      spec: { selector: Record<string, string>; ports: { name: string; targetPort: string }[] };
    }>(all, 'Service', 'klaxon');
    expect(selects(service.spec.selector, deployment.spec.template.metadata!.labels!)).toBe(true);
    expect(service.spec.ports.map((p) => [p.name, p.targetPort])).toEqual([
      ['http', 'http'],
      ['metrics', 'metrics'],
    ]);
    const pdb = one<{ spec: { selector: { matchLabels: Record<string, string> }; maxUnavailable?: number } }>(
      all,
      'PodDisruptionBudget',
    );
    expect(selects(pdb.spec.selector.matchLabels, deployment.spec.template.metadata!.labels!)).toBe(true);
    expect(pdb.spec.maxUnavailable).toBe(1);
  });

  it('admits /metrics only from Prometheus in the monitoring namespace, and the http port only from the ingress', () => {
    const all = objects(overlay);
    const metrics = admittedTo(all, portOf(all, 'metrics'));
    const http = admittedTo(all, portOf(all, 'http'));
    expect(metrics).not.toBe('anyone');
    expect(http).not.toBe('anyone');
    expect(metrics).toEqual([{ namespace: 'monitoring', pods: { 'app.kubernetes.io/name': 'prometheus' } }]);
    expect(http).toEqual([
      { namespace: 'ingress-nginx', pods: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    ]);
    // Ports only: NetworkPolicies cannot tell paths apart, so /metrics must not be served on http.
    const { config } = loadedConfig(all);
    expect(config.server.metrics.port).not.toBe(portOf(all, 'http').number);
  });

  it('scrapes with the token the engine itself reads, like the catalog’s ServiceMonitor for job klaxon', () => {
    const all = objects(overlay);
    const monitor = one<IServiceMonitor>(all, 'ServiceMonitor', 'klaxon');
    const service = one<K8sObject>(all, 'Service', 'klaxon');
    expect(selects(monitor.spec.selector.matchLabels, service.metadata.labels!)).toBe(true);
    const [endpoint] = monitor.spec.endpoints;
    expect(endpoint).toMatchObject({ port: 'metrics', path: '/metrics' });
    const catalog = (serviceMonitors(DEFAULT_DEPLOY) as unknown as IServiceMonitor[]).find(
      (m) => m.metadata?.name === 'klaxon',
    )!.spec.endpoints[0]!;
    const { port: _p, ...same } = catalog;
    expect(endpoint).toMatchObject(same);
    // The Secret the ServiceMonitor sends is the one mounted where the config reads server.metrics.token.
    const secret = endpoint!.authorization!.credentials!;
    const { deployment, container } = engine(all);
    const volume = deployment.spec.template.spec!.volumes!.find((v) => v.secret?.secretName === secret.name);
    const mount = container.volumeMounts!.find((m) => m.name === volume?.name);
    expect(mount, `a volume of Secret ${secret.name}`).toBeDefined();
    expect(configText(all)).toMatch(
      new RegExp(`metrics:\\s*\\n\\s*token: '\\$\\{file:${mount!.mountPath}/${secret.key}\\}'`),
    );
  });

  it('ships a klaxon.yaml the engine accepts, with no demo secret and every secret read from a mounted Secret', () => {
    const all = objects(overlay);
    const { config, pod, text } = loadedConfig(all);
    expect(demoSecretsInUse(config)).toEqual([]);
    expect(text).not.toMatch(/\$\{KLAXON_[A-Z_]+:-/);
    const refs = fileRefs(text);
    // Every credential in the file is a ${file:} reference, never a value.
    const raw = parse(text) as {
      apiTokens: { token: string }[];
      integrationKeys: { key: string }[];
      notifications: { providers: Record<string, string>[] };
      server: { feedSecret: string; metrics: { token: string } };
      auth: { oidc: { clientSecret: string } };
    };
    const credentials = [
      ...raw.apiTokens.map((t) => t.token),
      ...raw.integrationKeys.map((k) => k.key),
      ...raw.notifications.providers.flatMap((p) =>
        ['accountSid', 'authToken', 'botToken', 'signingSecret', 'token', 'password', 'secret']
          .filter((k) => k in p)
          .map((k) => p[k]!),
      ),
      raw.server.feedSecret,
      raw.server.metrics.token,
      raw.auth.oidc.clientSecret,
    ];
    expect(credentials.filter((c) => !/^\$\{file:\/[^}]+\}$/.test(c))).toEqual([]);
    expect(refs.length).toBe(credentials.length);
    // Out-of-band Secrets: only the documented ones, with keys the dev overlay provides and the README lists.
    const readme = readFileSync(join(DEPLOY, 'kubernetes', 'README.md'), 'utf8');
    const devSecrets = objects('dev').filter((o) => o.kind === 'Secret');
    for (const e of pod.external) {
      expect(EXTERNAL_SECRETS).toContain(e.secret);
      const dev = devSecrets.find((s) => s.metadata.name === e.secret)?.data as Record<string, string>;
      expect(Object.keys(dev ?? {}), `dev's ${e.secret}`).toContain(e.key);
      expect(readme, `README documents ${e.secret} key ${e.key}`).toContain(`\`${e.key}\``);
    }
    if (overlay === 'dev') expect(pod.external).toEqual([]);
    else expect(pod.external.length).toBe(refs.length);
  });

  it('runs on the database its environment asks for', () => {
    const all = objects(overlay);
    const { deployment, container } = engine(all);
    const url = (container.env ?? []).find((e) => e.name === 'DATABASE_URL');
    if (overlay === 'dev') {
      expect(deployment.spec.replicas).toBe(1);
      expect(url).toBeUndefined();
      expect(deployment.spec.strategy?.type).toBe('Recreate');
      const data = deployment.spec.template.spec!.volumes!.find((v) => v.name === 'data')!;
      expect(data.emptyDir).toBeUndefined();
      one(all, 'PersistentVolumeClaim', data.persistentVolumeClaim!.claimName);
      expect(
        all
          .filter((o) => o.kind === 'Secret')
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(['klaxon-metrics', 'klaxon-secrets']);
    } else {
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(url?.value).toBeUndefined();
      expect(url?.valueFrom?.secretKeyRef).toEqual({ name: 'klaxon-database', key: 'url' });
      expect(deployment.spec.strategy).toMatchObject({ rollingUpdate: { maxUnavailable: 0 } });
      expect(
        all.filter((o) => o.kind === 'Secret'),
        'no secret in Git',
      ).toEqual([]);
    }
  });
});

describe.skipIf(skip)('the production overlay', () => {
  it('has at least 2 replicas on separate nodes, with more resources than staging', () => {
    const prod = engine(objects('prod'));
    const staging = engine(objects('staging'));
    expect(prod.deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    const spread = prod.deployment.spec.template.spec!.topologySpreadConstraints ?? [];
    expect(spread).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'DoNotSchedule',
        }),
      ]),
    );
    for (const r of ['cpu', 'memory'])
      expect(quantity(prod.container.resources!.limits![r])).toBeGreaterThan(
        quantity(staging.container.resources!.limits![r]),
      );
  });
});

describe('deploy/argocd', () => {
  const files = readdirSync(join(DEPLOY, 'argocd')).filter((f) => f.endsWith('.yaml'));

  it('has one Application per environment, pointing at its overlay; only prod syncs by hand', () => {
    expect(files.sort()).toEqual(['dev.yaml', 'prod.yaml', 'staging.yaml']);
    for (const f of files) {
      const [app, ...rest] = parseStream(readFileSync(join(DEPLOY, 'argocd', f), 'utf8'), f);
      expect(rest).toEqual([]);
      validateObject(app!, `deploy/argocd/${f}`);
      const env = f.replace(/\.yaml$/, '') as Overlay;
      const spec = (app as unknown as IApplication).spec;
      expect(spec.source?.path).toBe(`deploy/kubernetes/overlays/${env}`);
      expect(readdirSync(join(DEPLOY, 'kubernetes', 'overlays', env))).toContain('kustomization.yaml');
      expect(spec.syncPolicy?.automated === undefined, `${f}: manual sync`).toBe(env === 'prod');
      if (!skip) expect(spec.destination.namespace).toBe(engine(objects(env)).deployment.metadata!.namespace);
    }
  });
});
