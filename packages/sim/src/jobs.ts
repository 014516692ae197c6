/** The scrape targets: one job per exporter of the metrics contract, named as the rules select them. */
import { gameApi, gameBackend, narrative } from './apps/exporters.ts';
import { redshiftExporter, yaceExporter } from './aws/exporters.ts';
import { costExporter } from './cost/exporter.ts';
import { kafkaExporter, kafkaJmx, nodeExporter } from './kafka/exporters.ts';
import { kubelet, kubeStateMetrics } from './kube/exporters.ts';
import type { BuildContext, Family } from './model/series.ts';
import { bedrockProber, blackbox } from './probes/exporters.ts';

export const JOBS: readonly { job: string; build: (ctx: BuildContext) => Family[] }[] = [
  { job: 'kafka-exporter', build: kafkaExporter },
  { job: 'kafka-jmx', build: kafkaJmx },
  { job: 'node-exporter', build: nodeExporter },
  { job: 'yace', build: yaceExporter },
  { job: 'kube-state-metrics', build: kubeStateMetrics },
  { job: 'kubelet', build: kubelet },
  { job: 'blackbox', build: blackbox },
  { job: 'klaxon-bedrock-prober', build: bedrockProber },
  { job: 'game-backend', build: gameBackend },
  { job: 'game-api', build: gameApi },
  { job: 'narrative', build: narrative },
  { job: 'klaxon-cost-exporter', build: costExporter },
  { job: 'klaxon-redshift-exporter', build: redshiftExporter },
];
