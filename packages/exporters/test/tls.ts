/**
 * Test support for secured scrapes: a throwaway CA with a server certificate for 127.0.0.1/localhost and a
 * client certificate, made by the real `openssl`, a bcrypt user, and an HTTPS GET that trusts that CA
 * (fetch cannot be given a CA without undici).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';

export interface TestPki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A CA, a server certificate (SAN 127.0.0.1, localhost) and a client certificate, in a new folder. */
export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-pki-'));
  openssl(
    dir,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=klaxon-test-ca'].concat([
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    ]),
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [
    ['server', 'localhost'],
    ['client', 'prometheus'],
  ] as const) {
    openssl(
      dir,
      ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`].concat([
        '-out',
        `${name}.csr`,
      ]),
    );
    openssl(
      dir,
      ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      ]),
    );
  }
  const at = (f: string) => join(dir, f);
  return {
    dir,
    ca: at('ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
  };
}

/** A bcrypt hash at the lowest cost (tests), as `htpasswd -B` would write it. */
export const bcryptHash = (password: string) => bcrypt.hashSync(password, 4).replace(/^\$2b\$/, '$2y$');

export const basicAuth = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET `url` over HTTPS trusting `pki`'s CA, optionally presenting its client certificate. */
export function httpsGet(
  url: string,
  pki: TestPki,
  opts: { headers?: Record<string, string>; clientCert?: boolean } = {},
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(pki.ca),
        headers: opts.headers ?? {},
        ...(opts.clientCert ? { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
