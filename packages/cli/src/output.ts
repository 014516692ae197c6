/** Small helpers every command shares: errors that name the fix, and `--json` output. */

/** An error the CLI prints as-is (no stack trace) before exiting with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints a failure and sets the exit code; never throws. */
export async function reportFailure(err: unknown): Promise<void> {
  if (err instanceof CliError) {
    process.stderr.write(`klaxon: ${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  // Imported here, not at the top: the engine is most of the CLI's start-up, and `klaxon build`,
  // `check` and `test` do not otherwise load it.
  const { ConfigError, formatProblem } = await import('@klaxon/engine');
  if (err instanceof ConfigError) {
    process.stderr.write(
      `klaxon: the config is invalid (${err.problems.length} problem${err.problems.length > 1 ? 's' : ''}):\n`,
    );
    for (const p of err.problems) process.stderr.write(`  ${formatProblem(p)}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write(
    `klaxon: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
}
