/**
 * Zod primitives the config slices share: ids, IANA time zones, wall-clock times, instants, secrets and
 * minute counts. Kernel code: it imports nothing of the engine.
 */
import { z } from 'zod';

/** A config id: users, teams, services, schedules, policies, providers. */
export const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'use lowercase letters, digits, "-" or "_" (at most 63 characters)');

/** Whether `name` is an IANA time zone this runtime knows. */
export function isValidZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const zone = z
  .string()
  .refine(isValidZone, 'not an IANA time zone; use a name like Europe/London or America/New_York');

/** Days of the week, Monday first (ISO weekday − 1). */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A local wall-clock time, 24-hour `HH:mm`. */
export const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour "HH:mm", e.g. "09:00"');

/** At most a week of minutes. */
export const minutes = z
  .number()
  .min(0)
  .max(7 * 24 * 60);

/** An ISO 8601 date-time with offset. */
export const instant = z.iso.datetime({
  offset: true,
  error: 'use an ISO 8601 date-time with offset, e.g. 2026-03-28T09:00:00Z',
});

/** A credential; write it as `${ENV}` in the file. */
export const secret = z.string().min(1);
