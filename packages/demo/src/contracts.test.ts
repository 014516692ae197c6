/** What the catalog and the engine must agree on, checked where both are in reach. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ANNOTATION_TAG,
  catalogLinks,
  checkDashboards,
  CONTRACT_METRICS,
  DATASOURCES,
  DECLARED_METRICS,
  DEFAULT_GRAFANA,
  datasourceProvisioning,
  seedCatalog,
} from '@klaxon/catalog';
import { ANNOTATION_TAGS, loadConfigFile } from '@klaxon/engine';

describe('catalog ↔ engine', () => {
  it('the dashboards query the annotation tags the engine pushes', () => {
    expect(ANNOTATION_TAG).toEqual({
      all: ANNOTATION_TAGS.all,
      deployment: ANNOTATION_TAGS.deployment,
      incident: ANNOTATION_TAGS.incident,
    });
  });

  it('the engine links logs and traces to the datasource UIDs the catalog provisions', () => {
    const config = loadConfigFile(
      fileURLToPath(new URL('../../../examples/klaxon.yaml', import.meta.url)),
      {},
    );
    const provisioned = (
      datasourceProvisioning(DEFAULT_GRAFANA) as { datasources: { uid: string; type: string }[] }
    ).datasources.map((d) => `${d.type}:${d.uid}`);
    expect(provisioned).toEqual(
      expect.arrayContaining([
        `loki:${config.links.lokiDatasource}`,
        `tempo:${config.links.tempoDatasource}`,
      ]),
    );
    expect(config.links.tempoDatasource).toBe(DATASOURCES.tempo);
  });

  it('every deep link of the example engine config opens a dashboard that has the variables it passes', () => {
    const config = loadConfigFile(
      fileURLToPath(new URL('../../../examples/klaxon.yaml', import.meta.url)),
      {},
    );
    const catalog = seedCatalog();
    const links = config.services.flatMap((s) =>
      s.dashboard
        ? [{ from: `service ${s.id}`, uid: s.dashboard.uid, variables: s.dashboard.variables }]
        : [],
    );
    expect(links.length).toBe(config.services.length);
    const known = new Set([
      ...CONTRACT_METRICS,
      ...DECLARED_METRICS,
      ...catalog.recordingRules.map((r) => r.record),
    ]);
    expect(
      checkDashboards(catalog.dashboards ?? [], known, [...links, ...catalogLinks(catalog.alerts)]),
    ).toEqual([]);
  });
});
