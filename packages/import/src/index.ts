/** @klaxon/import: PagerDuty and Grafana OnCall → a Klaxon config, with a report and a proof. */
export { ImportReport, type ReportEntry, type ReportOutcome } from './report.ts';
export {
  verifySchedule,
  summarizeDifferences,
  configOverrides,
  MAX_VERIFY_WEEKS,
  type SourceEntry,
  type OnCallDifference,
  type ScheduleVerification,
} from './verify.ts';
export {
  buildConfig,
  emitConfig,
  writeAtomically,
  type EmitInput,
  type EmittedConfig,
  type NodeComment,
} from './emit.ts';
export { OnCallClient, OnCallApiError, retryDelayMs, type OnCallClientOptions } from './oncall/client.ts';
export {
  runOnCallImport,
  summarizeOnCallImport,
  readOnCall,
  ONCALL_LISTS,
  type OnCallImportOptions,
  type OnCallImportResult,
} from './oncall/run.ts';
export { mapOnCall, type OnCallData, type SenderChange } from './oncall/map.ts';
export { PdClient, ImportSourceError, type PdClientOptions } from './pagerduty/client.ts';
export { importPagerDuty, type PagerDutyImport, type PagerDutyImportOptions } from './pagerduty/import.ts';
