/**
 * Serving a web configuration file: Node's HTTPS options for `tls_server_config` (Go's names for TLS
 * versions, cipher suites and curves mapped to OpenSSL's), the per-request client-certificate rules, and
 * the response headers of `http_server_config`. Shared by the exporters and the engine's metrics port.
 */
import { readFileSync } from 'node:fs';
import type { ServerOptions as HttpsOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { CIPHER_SUITES, CURVES, TLS_VERSIONS, type WebConfig, type WebTlsConfig } from './web-config.ts';

/**
 * The per-request part of `client_auth_type` that Node's handshake does not enforce by itself: a
 * certificate must be there (`RequireAnyClientCert`), or valid when given (`VerifyClientCertIfGiven`).
 * `RequireAndVerifyClientCert` is refused at the handshake (`rejectUnauthorized`).
 */
export function clientCertificateAccepted(
  connection: Socket,
  type: WebTlsConfig['client_auth_type'],
): boolean {
  const socket = connection as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return true;
  const present = Object.keys(socket.getPeerCertificate()).length > 0;
  if (type === 'RequireAnyClientCert') return present;
  if (type === 'VerifyClientCertIfGiven') return !present || socket.authorized === true;
  return true;
}

/**
 * Node's HTTPS options for `tls_server_config`: certificate, key, client certificates and the TLS
 * versions, ciphers and curves, with Go's names mapped to OpenSSL's.
 */
export function httpsOptions(
  tls: WebTlsConfig,
  read: (file: string) => Buffer = (f) => readFileSync(f),
): HttpsOptions {
  const load = (file: string, what: string) => {
    try {
      return read(file);
    } catch (err) {
      throw new Error(
        `tls_server_config: cannot read the ${what} ${file} (${(err as Error).message}); fix the path in the web config file`,
        { cause: err },
      );
    }
  };
  const type = tls.client_auth_type;
  return {
    cert: load(tls.cert_file, 'cert_file'),
    key: load(tls.key_file, 'key_file'),
    ...(tls.client_ca_file ? { ca: load(tls.client_ca_file, 'client_ca_file') } : {}),
    requestCert: type !== 'NoClientCert',
    rejectUnauthorized: type === 'RequireAndVerifyClientCert',
    minVersion: TLS_VERSIONS[tls.min_version],
    maxVersion: TLS_VERSIONS[tls.max_version],
    honorCipherOrder: tls.prefer_server_cipher_suites,
    ...(tls.cipher_suites?.length ? { ciphers: cipherList(tls.cipher_suites) } : {}),
    ...(tls.curve_preferences?.length
      ? { ecdhCurve: tls.curve_preferences.map((c) => CURVES[c]).join(':') }
      : {}),
  };
}

/**
 * OpenSSL's cipher list for Go's `cipher_suites`. Go applies the list to TLS 1.2 and below only; Node
 * turns TLS 1.3 off when its list names no TLS 1.3 suite, so those are added back.
 */
function cipherList(suites: readonly (keyof typeof CIPHER_SUITES)[]): string {
  const names = suites.map((c) => CIPHER_SUITES[c]);
  const tls13 = Object.values(CIPHER_SUITES).filter((c) => c.startsWith('TLS_'));
  if (!names.some((n) => n.startsWith('TLS_'))) names.push(...tls13);
  return names.join(':');
}

/** The response headers `http_server_config.headers` asks for. */
export function webHeaders(web: WebConfig | undefined): Record<string, string> {
  const headers = web?.http_server_config?.headers ?? {};
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => !!e[1]));
}
