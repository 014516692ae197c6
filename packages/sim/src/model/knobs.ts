/** Every knob of the platform, in one list. */
import { bedrockKnobs, redshiftKnobs } from '../aws/knobs.ts';
import { gameKnobs, httpKnobs, narrativeKnobs } from '../apps/knobs.ts';
import { genaiQualityKnobs, narrativeQualityKnobs } from '../apps/quality-knobs.ts';
import { costKnobs } from '../cost/knobs.ts';
import { kafkaKnobs } from '../kafka/knobs.ts';
import { kubeKnobs } from '../kube/knobs.ts';
import { probeKnobs } from '../probes/knobs.ts';
import type { KnobDef } from './knob.ts';

export const KNOBS: readonly KnobDef[] = [
  ...kafkaKnobs,
  ...bedrockKnobs,
  ...redshiftKnobs,
  ...kubeKnobs,
  ...probeKnobs,
  ...gameKnobs,
  ...httpKnobs,
  ...narrativeKnobs,
  ...genaiQualityKnobs,
  ...narrativeQualityKnobs,
  ...costKnobs,
];

export const knobDef = (name: string): KnobDef | undefined => KNOBS.find((k) => k.name === name);
