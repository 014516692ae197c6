/**
 * The identities the incident model keys on: an alert's (`alerts.alert_key`, what it is de-duplicated on)
 * and its group's (`incidents.group_ref`, what shares an open incident). Both belong to the integration
 * that sent the alert.
 */
import { createHash } from 'node:crypto';
import type { IngestItem } from '../alerts/alert.ts';

/**
 * Keys go into unique btree indexes, which PostgreSQL caps at about 2.7 kB per entry: a long key (an
 * Alertmanager group key can be kilobytes) is replaced by its SHA-256, so any sender's key fits.
 */
const bounded = (key: string) =>
  Buffer.byteLength(key) > 512 ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;

/**
 * `<service>/<integration>/<key>`: an alert, and an alert group, belong to the integration that sent them,
 * so another integration's alert with the same dedup or group key is a different alert. A service id has
 * no `/` and the escaped integration name none either, so the parts never run into each other.
 */
const scoped = (item: IngestItem, key: string) =>
  bounded(`${item.serviceId}/${item.integration.replaceAll('%', '%25').replaceAll('/', '%2F')}/${key}`);
export const alertKeyOf = (item: IngestItem) => scoped(item, item.alert.dedupKey);
export const groupRefOf = (item: IngestItem) => scoped(item, item.alert.groupKey);

/**
 * Before migration 0007 keys were `<service>/<key>`, whatever integration sent the alert; the migration
 * moved them to `legacy:<source>/<old key>` (no service id has a `:`, so these never equal a key above).
 * An alert still firing from then, and an incident still open or recently resolved, are found by the same
 * source's alerts with that key: `applyOne` falls back to them when the integration's own key is unknown.
 */
export const LEGACY_PREFIX = 'legacy:';
const legacy = (item: IngestItem, key: string) =>
  `${LEGACY_PREFIX}${item.source}/${bounded(`${item.serviceId}/${key}`)}`;
export const legacyAlertKeyOf = (item: IngestItem) => legacy(item, item.alert.dedupKey);
export const legacyGroupRefOf = (item: IngestItem) => legacy(item, item.alert.groupKey);
