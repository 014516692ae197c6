/**
 * @klaxon/config-file: reads YAML files against a zod schema and reports every problem with its file,
 * line, column, path and fix; among them Prometheus's web configuration file (web.yml), with what serving
 * it needs (HTTPS options, client-certificate rules, basic auth). This is the package's only public entry.
 */
export { ConfigFileError, formatPath, formatProblem, type FileProblem } from './problems.ts';
export {
  describeIssue,
  loadYaml,
  parseYaml,
  type LoadYamlOptions,
  type ParseYamlOptions,
  type ReportProblem,
} from './yaml.ts';
export {
  CIPHER_SUITES,
  CLIENT_AUTH_TYPES,
  CURVES,
  loadWebConfig,
  parseWebConfig,
  TLS_VERSIONS,
  WEB_HEADERS,
  webConfigSchema,
  type WebConfig,
  type WebTlsConfig,
} from './web-config.ts';
export { basicAuthVerifier, splitAuthorization } from './web-auth.ts';
export { clientCertificateAccepted, httpsOptions, webHeaders } from './web-tls.ts';
