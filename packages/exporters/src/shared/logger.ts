/**
 * The slice of a structured logger the exporters need. pino's `Logger` satisfies it; `jsonLogger` is a
 * dependency-free default that writes one JSON object per line.
 */
import { systemTime, type Clock } from './time.ts';

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

/** Discards everything (tests that do not look at logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/**
 * One JSON line per entry, pino-style levels (30 info, 40 warn, 50 error).
 *
 * @example
 * const log = jsonLogger((line) => process.stderr.write(line), { name: 'klaxon-bedrock-prober' });
 * log.warn({ model: 'm' }, 'bedrock probe failed');
 */
export function jsonLogger(
  write: (line: string) => void,
  base: LogFields = {},
  clock: Clock = systemTime,
): Logger {
  const entry = (level: number) => (fields: LogFields, msg: string) =>
    write(`${JSON.stringify({ level, time: clock.now().getTime(), ...base, ...fields, msg })}\n`);
  return { info: entry(30), warn: entry(40), error: entry(50) };
}

/** A logger that keeps its entries, for tests that assert what was logged. */
export class MemoryLogger implements Logger {
  readonly entries: { level: 'info' | 'warn' | 'error'; fields: LogFields; message: string }[] = [];
  info(fields: LogFields, message: string): void {
    this.entries.push({ level: 'info', fields, message });
  }
  warn(fields: LogFields, message: string): void {
    this.entries.push({ level: 'warn', fields, message });
  }
  error(fields: LogFields, message: string): void {
    this.entries.push({ level: 'error', fields, message });
  }
}

/** The fields that say why an AWS or database call failed: exception name, message, HTTP status. */
export function errorFields(err: unknown): LogFields {
  if (!(err instanceof Error)) return { error: 'Error', message: String(err) };
  const meta = (err as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  const code = (err as { code?: unknown }).code;
  return {
    error: err.name,
    message: err.message,
    ...(meta?.httpStatusCode !== undefined ? { httpStatus: meta.httpStatusCode } : {}),
    ...(meta?.requestId ? { requestId: meta.requestId } : {}),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
