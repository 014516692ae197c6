/**
 * The dev overlay's pod, run for real: the rendered Deployment's arguments and environment, its ConfigMap
 * and its generated Secrets laid out where the volumes mount them (under a temporary root), started as
 * `klaxon serve`. The probes' paths answer on the http port, /metrics answers the ServiceMonitor's token on
 * the metrics port only, and SIGTERM ends it cleanly within terminationGracePeriodSeconds.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, missingBinary, waitFor } from '@klaxon/testing';
import { configText, engine, mountPod, plainEnv, relocate, render, ROOT } from './kubernetes/manifests.ts';

const skip = missingBinary(['kubectl'], 'kubernetes-client');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');

describe.skipIf(skip)('the dev overlay’s pod', () => {
  it('starts from its rendered args, ConfigMap and Secrets, answers its probes and scrapes, and stops on SIGTERM', async () => {
    const all = render('dev');
    const { deployment, container } = engine(all);
    const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
    const [http, metrics] = [await freePort(), await freePort()];

    // The kubelet's view: volumes mounted, then the container's args against them. Only the two ports
    // move (to free ones), so that the test can run beside anything listening on 8080 or 9090.
    const text = configText(all);
    const pod = mountPod(all, text);
    const mountPaths = (container.volumeMounts ?? []).map((m) => m.mountPath);
    const configArg = container.args![container.args!.indexOf('--config') + 1]!;
    const config = relocate(text, pod, mountPaths).replace(
      new RegExp(`(\\n    port: )${ports.metrics}\\n`),
      `$1${metrics}\n`,
    );
    expect(config, 'server.metrics.port is the container port named metrics').toContain(
      `    port: ${metrics}\n`,
    );
    writeFileSync(pod.at(configArg), config);
    const args = container.args!.map((a, i, list) =>
      list[i - 1] === '--port' ? String(http) : relocate(a, pod, mountPaths),
    );
    expect(container.args![container.args!.indexOf('--port') + 1]).toBe(String(ports.http));

    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env))
      if (!k.startsWith('KLAXON_') && k !== 'DATABASE_URL') env[k] = v;
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: pod.root,
      env: { ...env, ...plainEnv(container) },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const get = (port: number, path: string, token?: string) =>
      fetch(
        `http://127.0.0.1:${port}${path}`,
        token ? { headers: { authorization: `Bearer ${token}` } } : {},
      );
    try {
      const startup = container.startupProbe!;
      const budget = startup.periodSeconds! * startup.failureThreshold! * 1000;
      await waitFor(
        `the startup probe (GET ${startup.httpGet!.path}); output so far:\n${out}`,
        async () => (await get(http, startup.httpGet!.path!)).ok,
        Math.min(budget, 60_000),
      );
      expect((await get(http, container.livenessProbe!.httpGet!.path!)).status).toBe(200);
      expect((await get(http, container.readinessProbe!.httpGet!.path!)).status).toBe(200);

      const token = readFileSync(pod.at('/etc/klaxon/metrics/token'), 'utf8').trim();
      const scrape = await get(metrics, '/metrics', token);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('klaxon_incidents');
      expect((await get(metrics, '/metrics')).status).toBe(401);
      expect((await get(http, '/metrics', token)).status).toBe(404);
      // SQLite went where --db and the data volume say.
      expect(out).toContain(`SQLite ${pod.at('/var/lib/klaxon/klaxon.db')}`);

      const stopped = performance.now();
      child.kill('SIGTERM');
      const code = await exited;
      expect(code, out).toBe(0);
      expect(performance.now() - stopped).toBeLessThan(
        deployment.spec.template.spec!.terminationGracePeriodSeconds! * 1000,
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
