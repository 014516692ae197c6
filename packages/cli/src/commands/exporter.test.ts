/**
 * The exporter commands as a user runs them: flags, configuration errors, who may scrape, and the prober
 * end to end behind a scrape token.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterFromUrl } from './exporter.ts';

const TOKEN = 'scrape-token-0123456789abcdef';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');
const klaxon = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env });

describe('klaxon probe / exporter', () => {
  it('documents every flag in --help and names the missing option and its fix', () => {
    const help = klaxon(['probe', 'bedrock', '--help']);
    expect(help.status).toBe(0);
    for (const flag of [
      '--models',
      '--interval',
      '--timeout',
      '--region',
      '--endpoint',
      '--port',
      '--web.config.file',
      '--metrics-token-file',
      '--allow-unauthenticated-metrics',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    for (const cmd of ['cost', 'redshift'])
      expect(klaxon(['exporter', cmd, '--help']).stdout).toContain('--metrics-token-file <path>');
    expect(help.stdout).toContain('time between probes of a model (default: 1m)');

    const env = { ...process.env, REDSHIFT_DATABASE_URL: '' };
    const missing = klaxon(['exporter', 'redshift', '--floor', '90s'], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      'klaxon: --database-url is required: pass --database-url postgres://user:password@host:5439/db?sslmode=require, or set REDSHIFT_DATABASE_URL.\n',
    );
  });

  it('takes the cluster label from a Redshift host name, and asks for --cluster otherwise', () => {
    expect(
      clusterFromUrl('postgres://m:p@analytics-prod.abc123.eu-west-1.redshift.amazonaws.com:5439/dev'),
    ).toBe('analytics-prod');
    expect(() => clusterFromUrl('postgres://m@127.0.0.1:5439/dev')).toThrow(/--cluster is required/);
    expect(() => clusterFromUrl('mysql://m@db.example.com/dev')).toThrow(/must start with postgres:\/\//);
  });

  it('refuses to serve /metrics beyond loopback without a credential, and names a bad file and the fix', () => {
    const env = { ...process.env, KLAXON_METRICS_TOKEN: '', AWS_REGION: 'us-east-1' };
    const args = ['probe', 'bedrock', '--models', 'm', '--port', '0'];
    const open = klaxon([...args, '--host', '0.0.0.0'], env);
    expect(open.status).toBe(2);
    expect(open.stderr).toMatch(
      /^klaxon: --host 0\.0\.0\.0 would serve \/metrics to anyone who can reach it: give scrapes a credential with --metrics-token-file <file>.*--allow-unauthenticated-metrics/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-web-'));
    writeFileSync(join(dir, 'web.yml'), 'basic_auth_users:\n  prometheus: hunter2-not-a-hash\n');
    const bad = klaxon([...args, '--web.config.file', join(dir, 'web.yml')], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      `klaxon: --web.config.file ${join(dir, 'web.yml')} is invalid:\n  ${join(dir, 'web.yml')}:2:15: basic_auth_users.prometheus: not a bcrypt hash`,
    );
    expect(bad.stderr).not.toContain('hunter2');
    writeFileSync(
      join(dir, 'tls.yml'),
      'tls_server_config: { cert_file: missing.crt, key_file: missing.key }\n',
    );
    const noCert = klaxon([...args, '--web.config.file', join(dir, 'tls.yml')], env);
    expect(noCert.status).toBe(2);
    expect(noCert.stderr).toContain(
      `klaxon: --web.config.file ${join(dir, 'tls.yml')}: tls_server_config: cannot read the cert_file ${join(dir, 'missing.crt')}`,
    );
    const short = klaxon(args, { ...env, KLAXON_METRICS_TOKEN: 'hunter2' });
    expect(short.status).toBe(2);
    expect(short.stderr).toBe(
      'klaxon: $KLAXON_METRICS_TOKEN holds fewer than 16 characters; use a token of at least 16 characters (`openssl rand -hex 24`)\n',
    );
  });

  it('klaxon probe bedrock probes a (fake) Bedrock endpoint and serves the result on /metrics', async () => {
    const paths: string[] = [];
    const fake = createServer((req, res) => {
      paths.push(req.url);
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            output: { message: { role: 'assistant', content: [{ text: 'p' }] } },
            stopReason: 'max_tokens',
            usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
            metrics: { latencyMs: 1 },
          }),
        );
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'klaxon-token-')), 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const child = spawn(
      process.execPath,
      [
        CLI,
        'probe',
        'bedrock',
        '--models',
        'amazon.nova-micro-v1:0',
        '--region',
        'us-east-1',
        '--endpoint',
        endpoint,
        '--port',
        '0',
        // With a credential the default is every address; the log names the guard, never the token.
        '--metrics-token-file',
        tokenFile,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'AKIAFAKE',
          AWS_SECRET_ACCESS_KEY: 'fake',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      let metricsUrl: string | undefined;
      let text = '';
      for (let i = 0; i < 200 && !text.includes('probe_success{'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        metricsUrl ??= /"url":"([^"]+)"/.exec(stderr)?.[1];
        if (metricsUrl)
          text = await (await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      }
      expect(stderr).toContain('"auth":["bearer"]');
      expect(stderr).not.toContain(TOKEN);
      const refused = await fetch(metricsUrl!);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(text, stderr).toContain('probe_success{probe="bedrock",model="amazon.nova-micro-v1:0"} 1');
      expect(paths).toEqual(['/model/amazon.nova-micro-v1%3A0/converse']);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await new Promise((r) => fake.close(r));
    }
  });
});
