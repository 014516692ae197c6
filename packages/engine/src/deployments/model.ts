/**
 * The deployments API's shapes: the three payloads `POST /api/v1/deployments` accepts (Klaxon's own, a
 * GitHub `deployment_status` webhook, an Argo CD notification from the template in docs/deployments.md)
 * and the deployment the API returns.
 */
import { z } from 'zod';
import type { DeploymentRow } from '../db/tables.ts';
import { HTTP_URL_MESSAGE, httpUrl } from '../validation/url.ts';

const instant = z.iso.datetime({
  offset: true,
  error: 'use an ISO 8601 date-time with offset, e.g. 2026-03-28T09:00:00Z',
});
const text = (max: number) => z.string().trim().min(1).max(max);

/** Klaxon's own payload. */
export const nativeDeploymentBody = z.strictObject({
  service: text(63).describe('Service id from the config.'),
  version: text(200).describe('What was deployed: a version, tag or commit.'),
  environment: text(100).default('production'),
  author: text(200).optional().describe('Who deployed; default: the API token’s name.'),
  url: z
    .url()
    .max(2000)
    .refine((u) => httpUrl(u) !== null, HTTP_URL_MESSAGE)
    .optional()
    .describe('Link to the release, pipeline run or diff (http or https).'),
  time: instant.optional().describe('When it went out; default: now.'),
  description: z.string().max(2000).optional(),
  id: text(200)
    .optional()
    .describe('Your id for this deployment; posting the same id again records nothing new.'),
});

const githubUser = z.object({ login: z.string() }).nullish();

/** GitHub's `deployment_status` webhook (header `X-GitHub-Event: deployment_status`); only `state: success` is recorded. */
export const githubDeploymentStatusBody = z.object({
  action: z.string().optional(),
  deployment_status: z.object({
    id: z.number().int(),
    state: z.string(),
    environment: z.string().nullish(),
    target_url: z.string().nullish(),
    log_url: z.string().nullish(),
    description: z.string().nullish(),
    creator: githubUser,
    created_at: instant,
  }),
  deployment: z.object({
    id: z.number().int(),
    sha: z.string().min(1),
    ref: z.string().min(1),
    environment: z.string().nullish(),
    description: z.string().nullish(),
    creator: githubUser,
    payload: z.unknown().optional(),
  }),
  repository: z.object({ full_name: z.string().min(3), html_url: z.string().nullish() }),
  sender: githubUser,
});

/** The body of the Argo CD Notifications template in docs/deployments.md; only `phase: Succeeded` is recorded. */
export const argocdDeploymentBody = z.object({
  source: z.literal('argocd'),
  app: text(253).describe('{{.app.metadata.name}}'),
  revision: z.string().nullish().describe('{{.app.status.operationState.syncResult.revision}}'),
  version: z.string().nullish().describe('Optional: a version label to show instead of the revision.'),
  environment: z.string().nullish(),
  project: z.string().nullish(),
  namespace: z.string().nullish(),
  phase: z.string().nullish().describe('{{.app.status.operationState.phase}}'),
  syncStatus: z.string().nullish(),
  healthStatus: z.string().nullish(),
  finishedAt: instant.nullish().describe('{{.app.status.operationState.finishedAt}}'),
  initiatedBy: z.string().nullish(),
  argocdUrl: z.string().nullish().describe('{{.context.argocdUrl}}'),
  images: z.array(z.string()).nullish(),
});

export type NativeDeploymentBody = z.output<typeof nativeDeploymentBody>;
export type GithubDeploymentStatusBody = z.output<typeof githubDeploymentStatusBody>;
export type ArgocdDeploymentBody = z.output<typeof argocdDeploymentBody>;

export type DeploymentPayload =
  | { kind: 'api'; body: NativeDeploymentBody }
  | { kind: 'github'; body: GithubDeploymentStatusBody }
  | { kind: 'argocd'; body: ArgocdDeploymentBody };

/** For the OpenAPI document; validation picks one branch by shape (see `payloadSchemaFor`). */
export const deploymentBody = z.union([
  nativeDeploymentBody,
  githubDeploymentStatusBody,
  argocdDeploymentBody,
]);

/** Which of the three payloads `data` means to be, so its errors name the right fields. */
export function payloadKindOf(data: unknown): DeploymentPayload['kind'] {
  if (data && typeof data === 'object') {
    if ('deployment_status' in data) return 'github';
    if ((data as { source?: unknown }).source === 'argocd') return 'argocd';
  }
  return 'api';
}

export const PAYLOAD_SCHEMAS = {
  api: nativeDeploymentBody,
  github: githubDeploymentStatusBody,
  argocd: argocdDeploymentBody,
} as const;

export const deploymentSchema = z.object({
  id: z.number().int(),
  service: z.string(),
  version: z.string(),
  environment: z.string(),
  author: z.string().nullable(),
  url: z.string().nullable(),
  description: z.string().nullable(),
  source: z.enum(['api', 'github', 'argocd']),
  revision: z.string().nullable(),
  deployedAt: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});

export type DeploymentDto = z.output<typeof deploymentSchema>;

/** A deployment listed as a change on an incident. */
export const changeSchema = deploymentSchema.extend({
  relation: z
    .enum(['service', 'dependency'])
    .describe('To the incident’s own service, or to one it depends on.'),
  minutesBefore: z.number().int().describe('Minutes between the deployment and the incident opening.'),
});

export type ChangeDto = z.output<typeof changeSchema>;

export function toDeploymentDto(r: DeploymentRow): DeploymentDto {
  return {
    id: r.id,
    service: r.service_id,
    version: r.version,
    environment: r.environment,
    author: r.author,
    // Rows stored before links were checked may hold any scheme: only http(s) leaves as a link.
    url: httpUrl(r.url),
    description: r.description,
    source: r.source as DeploymentDto['source'],
    revision: r.revision,
    deployedAt: new Date(r.deployed_at).toISOString(),
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
