/** `klaxon hash-password` as a user runs it: the hash verifies, and bad input is refused with the fix. */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, verifyPassword } from '@klaxon/engine';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');
const klaxon = (input: string, ...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'hash-password', ...args], { cwd: ROOT, encoding: 'utf8', input });

describe('klaxon hash-password', () => {
  it('prints a hash of the password on stdin that the engine accepts and verifies', async () => {
    const run = klaxon('correct horse battery\n');
    expect(run.status, run.stderr).toBe(0);
    const hash = run.stdout.trim();
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery\n', hash)).toBe(false);
    const config = parseConfig(
      `users: [{ id: a, name: A, passwordHash: '${hash}' }]\nteams: [{ id: t, name: T }]\nservices: [{ id: s, name: S, team: t }]\n`,
    );
    expect(config.users[0]!.passwordHash).toBe(hash);
  });

  it('refuses an empty or short password with the fix', () => {
    const empty = klaxon('');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('no password given');
    const short = klaxon('abc\n');
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('use at least 8');
  });

  it('has --help', () => {
    const help = klaxon('', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('users[].passwordHash');
  });
});
