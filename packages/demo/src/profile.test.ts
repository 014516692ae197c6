import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '@klaxon/engine';
import { compressEngineConfig, intervalSeconds } from './profile.ts';
import { MissingBinaryError, requireBinaries } from './processes.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/klaxon.yaml', import.meta.url));

describe('demo time profile', () => {
  it('divides every minute-valued wait of the example config and keeps link windows', () => {
    const config = loadConfigFile(EXAMPLE, {});
    const fast = compressEngineConfig(config, 30);
    const critical = fast.escalationPolicies.find((p) => p.id === 'critical')!;
    expect(critical.steps.map((s) => s.escalateAfterMinutes * 60)).toEqual([10, 10, 10]);
    expect(fast.heartbeat!.timeoutMinutes * 60).toBe(10);
    expect(fast.notificationDefaults.high.map((r) => r.delayMinutes * 60)).toEqual([0, 0, 4, 4]);
    expect(fast.links.windowBeforeMinutes).toBe(config.links.windowBeforeMinutes);
    // Thresholds of other kinds (counts, ids) are untouched, and the original is not modified.
    expect(fast.notifications.rateLimits.voice?.max).toBe(config.notifications.rateLimits.voice?.max);
    expect(config.heartbeat!.timeoutMinutes).toBe(5);
    expect(intervalSeconds(30)).toBe(1);
    expect(intervalSeconds(3)).toBe(10);
  });

  it('names the Debian package of every missing binary', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => requireBinaries(['prometheus', 'alertmanager'])).toThrow(MissingBinaryError);
      expect(() => requireBinaries(['prometheus', 'alertmanager'])).toThrow(
        'apt-get install -y prometheus prometheus-alertmanager',
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
