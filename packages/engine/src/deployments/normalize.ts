/**
 * Turns each accepted payload into one deployment row, and decides which service it is for: the request's
 * `?service=`, else the config's `deployments.repositories` / `deployments.argocdApps` mapping, else a
 * service whose id is the repository or app name.
 */
import type { NewDeploymentRow } from '../db/tables.ts';
import { ApiError } from '../errors/errors.ts';
import { httpUrl } from '../validation/url.ts';
import type { DeploymentsView } from './config.ts';
import type { ArgocdDeploymentBody, DeploymentPayload, GithubDeploymentStatusBody } from './model.ts';

export interface NormalizeInput {
  payload: DeploymentPayload;
  /** `?service=` */
  service?: string;
  /** `?environment=` */
  environment?: string;
  /** The API token's name. */
  principal: string;
  now: number;
}

export type Normalized = { row: NewDeploymentRow } | { ignored: string };

const short = (sha: string) => (/^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : sha);

/**
 * The service a config mapping gives a repository or app name from a webhook, or undefined. Only the
 * mapping's own entries count: a name such as "constructor" or "__proto__" must not find Object.prototype's.
 */
const mapped = (mapping: Record<string, string>, name: string): string | undefined =>
  Object.hasOwn(mapping, name) ? mapping[name] : undefined;

export function normalizeDeployment(config: DeploymentsView, input: NormalizeInput): Normalized {
  const { payload, principal, now } = input;
  const base = { created_by: principal, created_at: now };
  switch (payload.kind) {
    case 'api': {
      const b = payload.body;
      const service = knownService(config, input.service ?? b.service, 'body.service');
      return {
        row: {
          ...base,
          service_id: service,
          version: b.version,
          environment: input.environment ?? b.environment,
          author: b.author ?? principal,
          url: b.url ?? null,
          description: b.description ?? null,
          source: 'api',
          revision: null,
          external_id: b.id ?? null,
          deployed_at: b.time ? Date.parse(b.time) : now,
        },
      };
    }
    case 'github':
      return fromGithub(config, payload.body, input, base);
    case 'argocd':
      return fromArgocd(config, payload.body, input, base);
  }
}

function fromGithub(
  config: DeploymentsView,
  b: GithubDeploymentStatusBody,
  input: NormalizeInput,
  base: { created_by: string; created_at: number },
): Normalized {
  const status = b.deployment_status;
  if (status.state !== 'success')
    return { ignored: `deployment_status.state is "${status.state}"; only "success" is recorded` };
  const repo = b.repository.full_name;
  const service =
    input.service ??
    mapped(config.deployments.repositories, repo) ??
    byName(config, repo.split('/').pop() ?? repo, `repository ${repo}`, 'repositories', repo);
  const d = b.deployment;
  const declared = (d.payload as { version?: unknown } | undefined)?.version;
  const version =
    typeof declared === 'string' && declared
      ? declared
      : d.ref === d.sha
        ? short(d.sha)
        : `${d.ref}@${short(d.sha)}`;
  // Links from the webhook are kept only when they are http(s); a bad one never costs the deployment.
  const repoUrl = httpUrl(b.repository.html_url);
  const link =
    httpUrl(status.target_url) ??
    httpUrl(status.log_url) ??
    (repoUrl ? httpUrl(`${repoUrl}/commit/${d.sha}`) : null);
  return {
    row: {
      ...base,
      service_id: knownService(config, service, '?service'),
      version: version.slice(0, 200),
      environment: input.environment ?? status.environment ?? d.environment ?? 'production',
      author: d.creator?.login ?? status.creator?.login ?? b.sender?.login ?? null,
      url: link,
      description: status.description || d.description || null,
      source: 'github',
      revision: d.sha,
      external_id: `${repo}#${status.id}`,
      deployed_at: Date.parse(status.created_at),
    },
  };
}

function fromArgocd(
  config: DeploymentsView,
  b: ArgocdDeploymentBody,
  input: NormalizeInput,
  base: { created_by: string; created_at: number },
): Normalized {
  if (b.phase && b.phase !== 'Succeeded')
    return { ignored: `phase is "${b.phase}"; only "Succeeded" is recorded` };
  const service =
    input.service ??
    mapped(config.deployments.argocdApps, b.app) ??
    byName(config, b.app, `Argo CD app ${b.app}`, 'argocdApps', b.app);
  const revision = b.revision ?? null;
  const version = b.version || (revision ? short(revision) : 'unknown');
  const argocdUrl = httpUrl(b.argocdUrl);
  const link = argocdUrl ? httpUrl(`${argocdUrl.replace(/\/$/, '')}/applications/${b.app}`) : null;
  const details = [
    b.syncStatus || b.healthStatus
      ? `Argo CD ${b.app}: ${[b.syncStatus, b.healthStatus].filter(Boolean).join(', ')}`
      : `Argo CD ${b.app}`,
  ];
  if (b.images?.length) details.push(`images: ${b.images.join(', ')}`);
  const at = b.finishedAt ? Date.parse(b.finishedAt) : base.created_at;
  return {
    row: {
      ...base,
      service_id: knownService(config, service, '?service'),
      version: version.slice(0, 200),
      environment: input.environment ?? b.environment ?? 'production',
      author: b.initiatedBy || 'argocd',
      url: link,
      description: details.join('; ').slice(0, 2000),
      source: 'argocd',
      revision,
      external_id: `${b.app}@${revision ?? ''}@${b.finishedAt ?? at}`,
      deployed_at: at,
    },
  };
}

function knownService(config: DeploymentsView, id: string, where: string): string {
  if (config.services.some((s) => s.id === id)) return id;
  const known = config.services
    .slice(0, 8)
    .map((s) => s.id)
    .join(', ');
  throw new ApiError(
    'unknown_service',
    `${where}: no service "${id}" in the config. Use one of: ${known}${config.services.length > 8 ? ', …' : ''}.`,
  );
}

function byName(config: DeploymentsView, name: string, what: string, section: string, key: string): string {
  if (config.services.some((s) => s.id === name)) return name;
  throw new ApiError(
    'unknown_service',
    `No service for ${what}. Add it to the config under deployments.${section} ("${key}": <service id>), or add ?service=<service id> to the webhook URL.`,
  );
}
