/** Bedrock model ids: inference profiles and ARNs reduced to the foundation model they name. */

/** Cross-region inference profiles (`us.`, `eu.`, `apac.`, `global.` …) route to the model after the prefix. */
const PROFILE_PREFIX = /^(?:us|eu|apac|ap|ca|jp|au|us-gov|global)\./;

/** `arn:…:foundation-model/anthropic.x` or `us.anthropic.x` → `anthropic.x`; anything else unchanged. */
export function baseModelId(modelId: string): string {
  const slash = modelId.startsWith('arn:') ? modelId.lastIndexOf('/') : -1;
  const id = slash >= 0 ? modelId.slice(slash + 1) : modelId;
  return id.replace(PROFILE_PREFIX, '');
}

/** The model's provider family: `anthropic`, `amazon`, `meta`, `cohere`, `mistral` … */
export function modelFamily(modelId: string): string {
  const id = baseModelId(modelId);
  const dot = id.indexOf('.');
  return dot > 0 ? id.slice(0, dot) : id;
}
