/**
 * @klaxon/engine: the on-call and incident engine. This is the package's only public entry.
 */
export { systemClock, FakeClock, type Clock } from './clock/clock.ts';
export {
  configSchema,
  TIERS,
  INTEGRATION_SOURCES,
  ROLES,
  type Tier,
  type Role,
  type IntegrationSource,
  type KlaxonConfig,
  type KlaxonConfigInput,
  type ServiceConfig,
  type UserConfig,
  type TeamConfig,
  type GrafanaConfig,
  DEFAULT_SNS_OPTIONS,
  type SnsOptions,
  type SnsEventRule,
} from './config/schema.ts';
export {
  loadConfigFile,
  parseConfig,
  ConfigError,
  formatProblem,
  type ConfigProblem,
} from './config/load.ts';
export { configJsonSchema } from './config/json-schema.ts';
export {
  createDatabase,
  databaseOptionsFrom,
  type DatabaseOptions,
  type KlaxonDatabase,
  type Dialect,
} from './db/database.ts';
export type { Locker } from './db/locker.ts';
export { DatabaseNewerError, statusOf, type MigrationStatus } from './db/version.ts';
/** Migrates up to one named migration and no further: tests of upgrades start from an older schema. */
export { migrateTo } from './db/migrations.ts';
export {
  backupSqlite,
  restoreSqlite,
  readMigrationStatus,
  DatabaseFileError,
  type BackupProgress,
  type BackupResult,
  type RestoreResult,
} from './db/backup.ts';
export type { Database } from './db/tables.ts';
export { tierOf, type IncomingAlert, type IngestItem } from './alerts/alert.ts';
export { EngineLoop, type EngineModule, type TickContext, type CycleReport } from './engine/loop.ts';
export { standardModules } from './app/modules.ts';
export { OnCallDirectory, toScheduleSpec } from './oncall/directory.ts';
export {
  onCallAt,
  scheduleShifts,
  scheduleGaps,
  type ScheduleSpec,
  type Override,
} from './schedules/schedule.ts';
export { WEEKDAYS, type Weekday } from './schedules/rotation.ts';
export { isValidZone } from './validation/zod.ts';
export { isOffHours, DEFAULT_WORKING_HOURS, type WorkingHours } from './org/hours.ts';
export { buildApp, API_VERSION, type AppDeps, type KlaxonApp } from './app/build.ts';
export { ERROR_CODES, ApiError, type ErrorCode } from './errors/errors.ts';
export { hashPassword, verifyPassword, DEFAULT_SCRYPT, type ScryptParams } from './auth/password.ts';
export { visibleServices, canSeeService, scopeServices, type Principal } from './auth/principal.ts';
export { ANNOTATION_TAGS, annotationTag, type AnnotationBody } from './annotations/tags.ts';
export { annotationModule, type AnnotationModule } from './annotations/module.ts';
export { deploymentSchema, changeSchema, type DeploymentDto, type ChangeDto } from './deployments/model.ts';
export { startServer, UnsafeListenError, type ServerOptions, type RunningServer } from './app/server.ts';
export { RESTART_KEYS, type ReloadResult, type ReloadTrigger } from './app/reload.ts';
export { runShutdown, type ShutdownReport, type ShutdownStep } from './app/shutdown.ts';
export { demoSecretsInUse, isLoopbackHost, EXAMPLE_DEMO_SECRETS } from './config/demo-secrets.ts';
export { ProviderRegistry } from './delivery/registry.ts';
export type { NotificationProvider, OutboundMessage, SendResult } from './delivery/provider.ts';
