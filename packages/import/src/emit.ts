/**
 * Writes an imported config: a YAML document with a comment naming each object's source id, validated by
 * the engine's own `parseConfig` (the check `klaxon check-config` makes), then written atomically: a temp
 * file next to the target, renamed only when everything succeeded, so a failed import never leaves a
 * partial file where a good one was.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseConfig, type KlaxonConfig } from '@klaxon/engine';
import { Document, isNode } from 'yaml';

/** A comment placed before the node at `path` (e.g. `['users', 3]`). */
export interface NodeComment {
  path: readonly (string | number)[];
  text: string;
}

export interface EmitInput {
  /** The config as plain data (what parseConfig accepts, before defaults). */
  config: Record<string, unknown>;
  /** Lines at the top of the file (what was imported, from where, when). */
  header: readonly string[];
  comments: readonly NodeComment[];
  /**
   * Values of the `${ENV}` references the config uses (e.g. integration keys), used to validate the
   * document and written to `<out>.env` (mode 0600) so the operator can load them.
   */
  secrets: ReadonlyMap<string, string>;
}

export interface EmittedConfig {
  text: string;
  /** The parsed config (with defaults), as the engine will read it with the secrets set. */
  config: KlaxonConfig;
  /** `NAME=value` lines for the secrets, or '' when there are none. */
  envText: string;
}

/**
 * Builds the YAML document and validates it. Throws ConfigError (from @klaxon/engine) when the engine
 * would refuse the file: that is a bug of the importer, never something to write.
 *
 * @example
 * const { text } = buildConfig({ config, header: ['Imported from PagerDuty'], comments: [], secrets: new Map() });
 */
export function buildConfig(input: EmitInput): EmittedConfig {
  const doc = new Document(input.config);
  doc.commentBefore = input.header.map((l) => ` ${l}`).join('\n');
  for (const c of input.comments) {
    const node = doc.getIn(c.path, true);
    if (isNode(node)) node.commentBefore = ` ${c.text}`;
  }
  const text = doc.toString({ lineWidth: 0 });
  const env: NodeJS.ProcessEnv = Object.fromEntries(input.secrets);
  const config = parseConfig(text, '<imported config>', env);
  const envText = [...input.secrets].map(([k, v]) => `${k}=${v}\n`).join('');
  return { text, config, envText };
}

function tempFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `files` (path → content) so that either all are replaced or none is: each goes to a temp file
 * next to it first, and the renames happen only once every temp file is written.
 */
export async function writeAtomically(
  files: readonly { path: string; text: string; mode?: number }[],
): Promise<void> {
  const temps: { temp: string; path: string }[] = [];
  try {
    for (const f of files) {
      const temp = tempFor(f.path);
      temps.push({ temp, path: f.path });
      await writeFile(temp, f.text, { mode: f.mode ?? 0o644, flag: 'wx' });
    }
  } catch (err) {
    await Promise.all(temps.map((t) => rm(t.temp, { force: true })));
    throw err;
  }
  for (const t of temps) await rename(t.temp, t.path);
}

/** Builds, validates and writes the config to `out` (and its secrets to `<out>.env`). */
export async function emitConfig(input: EmitInput, out: string): Promise<EmittedConfig> {
  const emitted = buildConfig(input);
  const files: { path: string; text: string; mode?: number }[] = [{ path: out, text: emitted.text }];
  if (emitted.envText) files.push({ path: `${out}.env`, text: emitted.envText, mode: 0o600 });
  await writeAtomically(files);
  return emitted;
}
