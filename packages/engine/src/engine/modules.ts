/** The engine's standard modules, in the order each cycle runs them. */
import type { KlaxonConfig } from '../config/schema.ts';
import type { Locker } from '../db/locker.ts';
import { handoffModule } from '../escalation/handoffs.ts';
import { heartbeatModule } from '../escalation/heartbeat.ts';
import { escalationModule } from '../escalation/module.ts';
import { OnCallDirectory } from '../oncall/directory.ts';
import type { EngineModule } from './loop.ts';

export function standardModules(
  config: KlaxonConfig,
  locker: Locker,
  directory = new OnCallDirectory(config),
): EngineModule[] {
  const modules: EngineModule[] = [];
  const heartbeat = heartbeatModule(config, locker);
  if (heartbeat) modules.push(heartbeat);
  modules.push(escalationModule({ config, directory }));
  const handoffs = handoffModule(directory);
  if (handoffs) modules.push(handoffs);
  return modules;
}
