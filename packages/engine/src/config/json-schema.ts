/** The config file's JSON Schema, generated from the zod schema, for editor completion. */
import { z } from 'zod';
import { configSchema } from './schema.ts';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'https://klaxon.dev/schema/config.json',
    title: 'Klaxon engine configuration',
  };
}
