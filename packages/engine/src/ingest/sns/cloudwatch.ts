/**
 * CloudWatch alarm state changes, as an alarm's SNS action publishes them: ALARM triggers, OK resolves,
 * INSUFFICIENT_DATA does what the key's options say. One alarm is one alert (keyed by its ARN).
 */
import { z } from 'zod';
import { parseTime, type AlertAction, type IncomingAlert } from '../../alerts/alert.ts';
import type { Tier } from '../../alerts/tier.ts';
import type { SnsOptions } from '../config.ts';

const dimension = z.object({ name: z.string(), value: z.unknown() }).loose();

/** The JSON a CloudWatch alarm publishes to SNS (the `Message` of the notification). */
export const cloudWatchAlarmSchema = z
  .object({
    AlarmName: z.string().min(1).max(1024),
    AlarmDescription: z.string().max(4096).nullish(),
    AWSAccountId: z.string().max(64).nullish(),
    AlarmArn: z.string().max(2048).nullish(),
    NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
    NewStateReason: z.string().max(16_384).nullish(),
    OldStateValue: z.string().max(64).nullish(),
    StateChangeTime: z.string().max(64).nullish(),
    Region: z.string().max(256).nullish(),
    Trigger: z
      .object({
        MetricName: z.string().nullish(),
        Namespace: z.string().nullish(),
        Dimensions: z.array(dimension).nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();

export type CloudWatchAlarm = z.output<typeof cloudWatchAlarmSchema>;

/** True when a notification's JSON looks like an alarm, so it is parsed as one. */
export function looksLikeAlarm(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'AlarmName' in json && 'NewStateValue' in json;
}

/** `*` matches any run of characters; everything else is literal. */
export function globMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(text);
}

const TIER_WORD = /(?<![A-Za-z0-9])(T[123])(?![A-Za-z0-9])/;

/** The alarm's tier by config, else by a T1/T2/T3 word in its name or description, else none. */
export function alarmTier(alarm: CloudWatchAlarm, options: SnsOptions): Tier | null {
  const configured = options.alarmTiers.find((t) => globMatches(t.alarmName, alarm.AlarmName));
  if (configured) return configured.tier;
  const word = TIER_WORD.exec(alarm.AlarmName) ?? TIER_WORD.exec(alarm.AlarmDescription ?? '');
  return (word?.[1] as Tier | undefined) ?? null;
}

/** CloudWatch writes `2026-03-28T02:00:00.000+0000`; Date.parse wants the offset as `+00:00`. */
function alarmTime(value: string | null | undefined): number | null {
  return parseTime(value?.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/** The alert for one alarm state change, or null when the key's options say to ignore it. */
export function fromAlarm(alarm: CloudWatchAlarm, options: SnsOptions): IncomingAlert | null {
  let action: AlertAction;
  if (alarm.NewStateValue === 'ALARM') action = 'trigger';
  else if (alarm.NewStateValue === 'OK') action = 'resolve';
  else if (options.insufficientData === 'ignore') return null;
  else action = options.insufficientData;

  const labels: Record<string, string> = { alertname: alarm.AlarmName };
  // arn:aws:cloudwatch:<region>:<account>:alarm:<name>; Region itself is a display name.
  const arn = alarm.AlarmArn?.split(':');
  if (arn?.[3]) labels.aws_region = arn[3];
  const account = alarm.AWSAccountId ?? arn?.[4];
  if (account) labels.aws_account = account;
  if (alarm.Trigger?.Namespace) labels.namespace = alarm.Trigger.Namespace;
  if (alarm.Trigger?.MetricName) labels.metric = alarm.Trigger.MetricName;
  // Named as YACE names them (dimension_ClusterIdentifier), so dashboard links use the same variables.
  for (const d of alarm.Trigger?.Dimensions ?? []) {
    const name = `dimension_${d.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    labels[name] = typeof d.value === 'string' ? d.value : JSON.stringify(d.value);
  }
  const tier = alarmTier(alarm, options);
  if (tier) labels.tier = tier;

  const annotations: Record<string, string> = { summary: alarm.AlarmName };
  if (alarm.AlarmDescription) annotations.description = alarm.AlarmDescription;
  if (alarm.NewStateReason) annotations.reason = alarm.NewStateReason;

  const summary = alarm.AlarmDescription ? `${alarm.AlarmName}: ${alarm.AlarmDescription}` : alarm.AlarmName;
  const dedupKey = (alarm.AlarmArn || alarm.AlarmName).slice(0, 255);
  const at = alarmTime(alarm.StateChangeTime);
  return {
    action,
    dedupKey,
    groupKey: `cloudwatch:${dedupKey}`,
    summary: summary.length > 1024 ? `${summary.slice(0, 1021)}...` : summary,
    labels,
    annotations,
    details: {
      state: alarm.NewStateValue,
      oldState: alarm.OldStateValue ?? null,
      reason: alarm.NewStateReason ?? null,
      alarmArn: alarm.AlarmArn ?? null,
      region: alarm.Region ?? null,
      stateChangeTime: alarm.StateChangeTime ?? null,
      trigger: alarm.Trigger ?? null,
    },
    generatorUrl: arn?.[1] === 'aws' && arn[3] ? consoleUrl(arn[3], alarm.AlarmName) : null,
    startsAt: action === 'trigger' ? at : null,
    endsAt: action === 'resolve' ? at : null,
  };
}

function consoleUrl(region: string, alarmName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}
