/** Alert tiers: T1 pages at high urgency, T2 at low urgency, T3 is advisory and never pages. */
import { z } from 'zod';

export const TIERS = ['T1', 'T2', 'T3'] as const;
export type Tier = (typeof TIERS)[number];
export const tierSchema = z.enum(TIERS);
