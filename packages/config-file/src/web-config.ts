/**
 * Prometheus's web configuration file (`--web.config.file`, the exporter-toolkit `web.yml`), read as
 * strictly as Prometheus 2.42 (exporter-toolkit 0.8) reads it: the same keys, the same values, unknown keys
 * refused. So one file serves Prometheus, Alertmanager and Klaxon's own metrics listeners (the exporters
 * and the engine's `server.metrics.webConfigFile`). Relative file names are resolved against the file's
 * folder, as exporter-toolkit does. Only parsing lives here; serving it is each listener's job.
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { loadYaml, parseYaml, type ParseYamlOptions } from './yaml.ts';

/** Go's `tls.ClientAuthType` names, weakest first. */
export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;

/** Go's TLS version names → Node's `minVersion`/`maxVersion`. */
export const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;

/** Go's `tls.CipherSuites()` names (the ones exporter-toolkit accepts) → OpenSSL's names for Node. */
export const CIPHER_SUITES = {
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
} as const;

/** Go's `tls.CurveID` names → Node's `ecdhCurve` names. */
export const CURVES = {
  CurveP256: 'P-256',
  CurveP384: 'P-384',
  CurveP521: 'P-521',
  X25519: 'X25519',
} as const;

/** The response headers exporter-toolkit lets the file set. */
export const WEB_HEADERS = [
  'Content-Security-Policy',
  'X-Frame-Options',
  'X-Content-Type-Options',
  'X-XSS-Protection',
  'Strict-Transport-Security',
] as const;

const keysOf = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string];
const file = z.string().min(1, 'give a file name');
/** A bcrypt hash as `htpasswd -nBC 10` writes it ($2y$), or as other tools do ($2a$, $2b$). */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

const TLS_ORDER = keysOf(TLS_VERSIONS);

const tlsSchema = z
  .strictObject({
    cert_file: file.describe('PEM certificate the server presents.'),
    key_file: file.describe('PEM private key of cert_file.'),
    client_auth_type: z.enum(CLIENT_AUTH_TYPES).default('NoClientCert'),
    client_ca_file: file.optional().describe('PEM CA bundle that client certificates must chain to.'),
    min_version: z.enum(keysOf(TLS_VERSIONS)).default('TLS12'),
    max_version: z.enum(keysOf(TLS_VERSIONS)).default('TLS13'),
    cipher_suites: z.array(z.enum(keysOf(CIPHER_SUITES))).optional(),
    prefer_server_cipher_suites: z.boolean().default(true),
    curve_preferences: z.array(z.enum(keysOf(CURVES))).optional(),
  })
  .refine((t) => !(t.client_ca_file && t.client_auth_type === 'NoClientCert'), {
    message:
      'client_ca_file is set but client_auth_type is NoClientCert, so no client certificate is asked for; set client_auth_type: RequireAndVerifyClientCert',
    path: ['client_auth_type'],
  })
  .refine(
    (t) =>
      t.client_ca_file ||
      (t.client_auth_type !== 'VerifyClientCertIfGiven' &&
        t.client_auth_type !== 'RequireAndVerifyClientCert'),
    { message: 'verifying client certificates needs client_ca_file: add it', path: ['client_ca_file'] },
  )
  .refine((t) => TLS_ORDER.indexOf(t.min_version) <= TLS_ORDER.indexOf(t.max_version), {
    message: 'min_version is above max_version; lower min_version (TLS12 is the default)',
    path: ['min_version'],
  });
const headersSchema = z
  .strictObject(
    Object.fromEntries(WEB_HEADERS.map((h) => [h, z.string().optional()])) as Record<
      (typeof WEB_HEADERS)[number],
      z.ZodOptional<z.ZodString>
    >,
  )
  .refine((h) => !h['X-Frame-Options'] || /^(deny|sameorigin)$/i.test(h['X-Frame-Options']), {
    message: 'X-Frame-Options must be deny or sameorigin',
    path: ['X-Frame-Options'],
  })
  .refine((h) => !h['X-Content-Type-Options'] || /^nosniff$/i.test(h['X-Content-Type-Options']), {
    message: 'X-Content-Type-Options must be nosniff',
    path: ['X-Content-Type-Options'],
  });

/** The schema of a web configuration file, as Prometheus 2.42 accepts it. */
export const webConfigSchema = z.strictObject({
  tls_server_config: tlsSchema.nullish().describe('Serve HTTPS with this certificate; absent: plain HTTP.'),
  http_server_config: z
    .strictObject({
      http2: z.boolean().default(true),
      headers: headersSchema.nullish(),
    })
    .nullish(),
  basic_auth_users: z
    .record(
      z.string().min(1).max(256),
      z
        .string()
        .regex(
          BCRYPT,
          'not a bcrypt hash; make one with `htpasswd -nBC 10 "" | tr -d \':\\n\'` (it starts with $2y$10$)',
        ),
    )
    .nullish()
    .refine((users) => !users || Object.keys(users).length <= 100, {
      message: 'more than 100 users; use TLS client certificates or a proxy for that many',
    }),
});

export type WebConfig = z.output<typeof webConfigSchema>;
export type WebTlsConfig = NonNullable<WebConfig['tls_server_config']>;

/** What exporter-toolkit 0.8 accepts, said once for every unknown key. */
const UNKNOWN_KEY_FIX =
  'remove it: a web config file takes the keys of Prometheus 2.42 (exporter-toolkit 0.8): tls_server_config, http_server_config, basic_auth_users (see docs/exporters.md)';

const options = (path: string): ParseYamlOptions<WebConfig> => ({
  unknownKeyFix: UNKNOWN_KEY_FIX,
  check: (value) => resolvePaths(value, dirname(path)),
});

/** Makes `tls_server_config`'s file names absolute, relative ones from `dir` (the file's folder). */
function resolvePaths(value: WebConfig, dir: string): void {
  const tls = value.tls_server_config;
  if (!tls) return;
  tls.cert_file = resolve(dir, tls.cert_file);
  tls.key_file = resolve(dir, tls.key_file);
  if (tls.client_ca_file) tls.client_ca_file = resolve(dir, tls.client_ca_file);
}

/**
 * Reads a web configuration file; throws a ConfigFileError naming the file, the line, the path inside it
 * and the fix.
 *
 * @example
 * const web = loadWebConfig('/etc/klaxon/web.yml');
 * if (web.tls_server_config) console.log(web.tls_server_config.cert_file); // absolute
 */
export function loadWebConfig(path: string): WebConfig {
  return loadYaml(path, webConfigSchema, options(path));
}

/** parseWebConfig is loadWebConfig for text already read (`path` names it and anchors relative files). */
export function parseWebConfig(text: string, path: string): WebConfig {
  return parseYaml(text, path, webConfigSchema, options(path));
}
