/**
 * `klaxon hash-password`: makes the `users[].passwordHash` for the config. The password comes from
 * stdin (for scripts), or from a prompt that does not echo it when stdin is a terminal; only the hash is
 * printed, so `klaxon hash-password > hash.txt` works either way.
 */
import type { Command } from 'commander';
import { hashPassword } from '@klaxon/engine';
import { CliError } from '../output.ts';

const MIN_LENGTH = 8;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is how `echo` and editors end the line, not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it; the prompt goes to stderr. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new CliError('cancelled', 130));
          return;
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    input.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  const first = await promptHidden('Password: ');
  const again = await promptHidden('Again: ');
  if (first !== again) throw new CliError('the two passwords differ; run klaxon hash-password again.');
  return first;
}

export function registerHashPassword(program: Command): void {
  program
    .command('hash-password')
    .description(
      'Print a scrypt hash of a password for users[].passwordHash in the config. Reads the password from stdin, or asks for it (without echo) in a terminal.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  klaxon hash-password                      # asks twice, prints the hash\n  printf %s "$PASSWORD" | klaxon hash-password',
    )
    .action(async () => {
      const password = await readPassword();
      if (password.length < MIN_LENGTH)
        throw new CliError(
          password.length === 0
            ? 'no password given; type one at the prompt or pipe it on stdin.'
            : `the password has ${password.length} characters; use at least ${MIN_LENGTH}.`,
        );
      process.stdout.write(`${await hashPassword(password)}\n`);
    });
}
