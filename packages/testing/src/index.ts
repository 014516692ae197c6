/**
 * @klaxon/testing: shared test support for Klaxon's packages. This is the package's only public entry
 * (the vitest configs name `global-setup.ts` by path).
 *
 * - real binaries: find and run Prometheus' tools, Alertmanager and `klaxon serve` as child processes;
 * - a throwaway PostgreSQL server;
 * - fake HTTP peers and Amazon SNS;
 * - engine fixtures: config YAML, keys and tokens, payloads, a store per dialect, a whole engine harness;
 * - a seeded generator of hostile ingest requests (fuzz.ts), for the fuzz test and `npm run bench -- fuzz`.
 *
 * Type shims for untyped test-only modules (`http_ece`, `oidc-provider`) live in `types/`.
 */
export {
  ALERTMANAGER_NAMES,
  findBinary,
  freePort,
  missingBinary,
  spawnEngine,
  startAlertmanager,
  waitFor,
  type EngineProcess,
  type RunningAlertmanager,
} from './binaries.ts';
export { findPgBin, startTempPostgres, type TempPostgres } from './postgres.ts';
export {
  json,
  selfSignedCert,
  startFake,
  type FakeHandler,
  type FakeServer,
  type RecordedRequest,
} from './fake-http.ts';
export {
  alarm,
  CERT_URL,
  confirmation,
  glueEvent,
  notification,
  redshiftDataEvent,
  sign,
  snsSigningKey,
  TOPIC,
  type SigningKey,
  type SnsFields,
} from './sns.ts';
export {
  amPayload,
  fastOncallYaml,
  KEYS,
  ONCALL_API_YAML,
  ONCALL_YAML,
  TEST_CONFIG_YAML,
  TOKENS,
} from './fixtures.ts';
export {
  auth,
  buildTestApp,
  createTestStore,
  DIALECTS,
  freshDatabase,
  pgAvailable,
  sessionBrowser,
  skipPostgres,
  testConfig,
} from './helpers.ts';
export { SERVICES_YAML, startHarness, type Harness } from './engine-harness.ts';
export {
  describeFuzzRequest,
  FUZZ_ENDPOINTS,
  FUZZ_KINDS,
  FUZZ_URLS,
  fuzzRequest,
  fuzzRequests,
  fuzzSeed,
  type FuzzEndpoint,
  type FuzzKind,
  type FuzzOptions,
  type FuzzRequest,
} from './fuzz.ts';
export {
  startFakeOnCall,
  ONCALL_FIXTURE_NOW,
  ONCALL_TOKEN,
  type FakeOnCall,
  type FakeOnCallOptions,
} from './fake-oncall.ts';
export {
  PD_ACCOUNT,
  renderPagerDutySchedule,
  startFakePagerDuty,
  type FakePagerDuty,
  type FakePagerDutyOptions,
  type PdAccount,
  type RenderedEntry,
} from './fake-pagerduty.ts';
