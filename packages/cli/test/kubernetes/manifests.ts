/**
 * Test support for deploy/kubernetes and `klaxon build`'s kubernetes/ output: renders an overlay with the
 * real `kubectl kustomize`, validates each object offline against its schema (kubernetes-models and the
 * prometheus-operator and Argo CD models; a kind without a model fails), and lays out a pod's mounted ConfigMaps and Secrets under a temporary root the way the kubelet would.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { DaemonSet, Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import {
  Alertmanager,
  PodMonitor,
  Probe,
  Prometheus,
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { ScrapeConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';

export const ROOT = resolve(import.meta.dirname, '../../../..');
export const DEPLOY = join(ROOT, 'deploy');
export const OVERLAYS = ['dev', 'staging', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** The Secrets staging and production create out of band (deploy/kubernetes/README.md). */
export const EXTERNAL_SECRETS = ['klaxon-secrets', 'klaxon-metrics', 'klaxon-database'];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

type Model = new (data: never) => { validate(): void };

/** Every kind the manifests may hold, by apiVersion and kind. A kind missing here fails the test. */
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/StatefulSet': StatefulSet,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/Probe': Probe,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'monitoring.coreos.com/v1/Prometheus': Prometheus,
  'monitoring.coreos.com/v1/Alertmanager': Alertmanager,
  'monitoring.coreos.com/v1alpha1/ScrapeConfig': ScrapeConfig,
  'argoproj.io/v1alpha1/Application': Application,
};

/** Validates `obj` against its schema; throws naming the object and every schema error. */
export function validateObject(obj: K8sObject, where: string): void {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const model = Object.hasOwn(MODELS, key) ? MODELS[key] : undefined;
  if (!model)
    throw new Error(
      `${where}: ${obj.kind} ${obj.metadata?.name} (${obj.apiVersion}) has no schema model here; add its class from kubernetes-models or @kubernetes-models/* to MODELS in ${import.meta.filename}`,
    );
  try {
    new model(obj as never).validate();
  } catch (err) {
    throw new Error(`${where}: ${obj.kind} ${obj.metadata.name} does not match its schema: ${String(err)}`, {
      cause: err,
    });
  }
}

export function parseStream(text: string, where: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${where}: invalid YAML: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as K8sObject | null;
    return value ? [value] : [];
  });
}

/** `kubectl kustomize deploy/kubernetes/overlays/<overlay>`, parsed. */
export function render(overlay: Overlay): K8sObject[] {
  const dir = join(DEPLOY, 'kubernetes', 'overlays', overlay);
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0)
    throw new Error(
      `kubectl kustomize ${dir} failed (${r.status ?? r.signal}):\n${r.stderr}${r.error ?? ''}`,
    );
  return parseStream(r.stdout, `kubectl kustomize ${dir}`);
}

export function one<T = K8sObject>(objects: K8sObject[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1)
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0] as T;
}

export type Deploy = IDeployment & { spec: NonNullable<IDeployment['spec']> };

export function engine(objects: K8sObject[]): { deployment: Deploy; container: IContainer } {
  const deployment = one<Deploy>(objects, 'Deployment', 'klaxon');
  const container = deployment.spec.template.spec!.containers.find((c) => c.name === 'klaxon');
  if (!container) throw new Error('the klaxon Deployment has no container named klaxon');
  return { deployment, container };
}

/** True when every label of `selector` is on `labels`. */
export const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/** The klaxon.yaml of the rendered ConfigMap the engine mounts. */
export function configText(objects: K8sObject[]): string {
  const { deployment } = engine(objects);
  const volume = deployment.spec.template.spec!.volumes!.find((v) => v.name === 'config');
  const name = volume?.configMap?.name;
  const map = one<{ data: Record<string, string> }>(objects, 'ConfigMap', name);
  const text = map.data['klaxon.yaml'];
  if (!text) throw new Error(`ConfigMap ${name} has no klaxon.yaml`);
  return text;
}

const FILE_REF = /\$\{file:([^}]*)\}/g;

/** Every `${file:PATH}` PATH in the string values of a YAML config (comments are not values). */
export function fileRefs(config: string): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const [, path] of v.matchAll(FILE_REF)) found.push(path!);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(parse(config));
  return found;
}

export interface MountedPod {
  /** Where the pod's file system is laid out: a mount path P is at root + P. */
  root: string;
  /** `${file:}` paths whose Secret is not in the rendered objects (created out of band). */
  external: { path: string; secret: string; key: string }[];
  /** Maps a path inside the container to the temporary root. */
  at(path: string): string;
}

/**
 * Lays out the container's volume mounts under a temporary root as the kubelet would: a ConfigMap or a
 * Secret that is rendered gets its keys as files; an out-of-band Secret gets a random test value for each
 * key the config reads from it; emptyDir and PersistentVolumeClaim mounts become empty folders. Throws
 * when a `${file:}` of the config is under no mount, or under a mount that is not a Secret.
 */
export function mountPod(objects: K8sObject[], config: string): MountedPod {
  const { deployment, container } = engine(objects);
  const root = mkdtempSync(join(tmpdir(), 'klaxon-k8s-pod-'));
  const at = (path: string) => join(root, path);
  const volumes = new Map((deployment.spec.template.spec!.volumes ?? []).map((v) => [v.name, v]));
  const mounts = container.volumeMounts ?? [];
  const data = (kind: string, name: string | undefined) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name)?.data as
      Record<string, string> | undefined;
  for (const m of mounts) {
    const v = volumes.get(m.name);
    if (!v) throw new Error(`volumeMount ${m.name} has no volume`);
    mkdirSync(at(m.mountPath), { recursive: true });
    const files = v.configMap
      ? data('ConfigMap', v.configMap.name)
      : v.secret
        ? Object.fromEntries(
            Object.entries(data('Secret', v.secret.secretName) ?? {}).map(([k, b64]) => [
              k,
              Buffer.from(b64, 'base64').toString('utf8'),
            ]),
          )
        : {};
    for (const [k, text] of Object.entries(files ?? {})) writeFileSync(join(at(m.mountPath), k), text);
  }
  const external: MountedPod['external'] = [];
  for (const path of fileRefs(config)) {
    const mount = mounts.find((m) => path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
    if (!mount) throw new Error(`\${file:${path}} is under no volumeMount of the klaxon container`);
    const secret = volumes.get(mount.name)?.secret?.secretName;
    if (!secret) throw new Error(`\${file:${path}} is under ${mount.mountPath}, which is not a Secret`);
    if (data('Secret', secret)) continue;
    const key = path.slice(mount.mountPath.replace(/\/$/, '').length + 1);
    external.push({ path: path, secret, key });
    mkdirSync(dirname(at(path)), { recursive: true });
    writeFileSync(at(path), `test-only-${key}-${Math.random().toString(36).slice(2)}\n`);
  }
  return { root, external, at };
}

/** `text` with every mount path moved under the pod's temporary root (one pass: never moved twice). */
export function relocate(text: string, pod: MountedPod, mountPaths: string[]): string {
  const paths = mountPaths.map((p) => p.replace(/\/$/, '')).sort((a, b) => b.length - a.length);
  const alternatives = paths.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return text.replace(new RegExp(`(?<![\\w./-])(${alternatives})(?=/|$|\\s|'|")`, 'gm'), (p) => pod.at(p));
}

/** The container's plain `env` values (those from Secrets are left out). */
export function plainEnv(container: IContainer): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).flatMap((e) => (e.value !== undefined ? [[e.name, e.value]] : [])),
  );
}
