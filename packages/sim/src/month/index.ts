/** The simulated production month: the plan (faults and ground truth), its scoring and its report. */
export { monthPlan, isNight, isWeekend, type MonthOptions, type MonthPlan, type TruthEvent } from './plan.ts';
export type { EventKind, TruthAlert } from './templates.ts';
export type { ScrapeGap } from '../platform/platform.ts';
export {
  scoreMonth,
  GRACE_MS,
  type Score,
  type Detection,
  type IncidentLike,
  type RuleLike,
} from './score.ts';
export { signalQualityMarkdown, type ReportInput } from './report.ts';
