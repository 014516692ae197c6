// The engine's folder layers, lowest first: a folder may import its own files and folders of lower
// layers, never a folder of its own layer or a higher one. docs/architecture.md explains each layer;
// eslint.config.js turns this list into eslint-plugin-boundaries policies.
export const ENGINE_LAYERS = [
  ['clock', 'errors', 'db'],
  ['validation', 'alerts'],
  ['engine', 'metrics', 'timeline'],
  ['auth'],
  ['maintenance'],
  ['org'],
  ['holidays'],
  ['schedules'],
  ['annotations'],
  ['notifications'],
  ['devices'],
  ['oncall'],
  ['shifts'],
  ['escalation'],
  ['deployments'],
  ['incidents'],
  ['heartbeat'],
  ['ingest'],
  ['actions'],
  ['delivery'],
  ['advisories'],
  ['analytics', 'stream', 'retention'],
  ['config'],
  ['http'],
  ['app'],
];

/** eslint-plugin-boundaries settings and the `boundaries/dependencies` rule for the layers above. */
export function engineBoundaries(root = 'packages/engine/src') {
  const elements = ENGINE_LAYERS.flat().map((folder) => ({
    type: folder,
    pattern: `${root}/${folder}`,
  }));
  const all = ENGINE_LAYERS.flat();
  // Default allow (packages, node built-ins); each folder is denied its own layer's siblings and every
  // folder above it.
  const policies = ENGINE_LAYERS.flatMap((layer, i) =>
    layer.map((folder) => ({
      from: { element: { type: folder } },
      disallow: {
        to: {
          element: {
            types: {
              anyOf: all.filter((f) => f !== folder && !ENGINE_LAYERS.slice(0, i).flat().includes(f)),
            },
          },
        },
      },
    })),
  );
  return { elements, policies };
}
