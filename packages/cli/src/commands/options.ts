/** Option parsers shared by commands. */
import { InvalidArgumentError } from 'commander';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`"${value}" is not a port; use a whole number from 0 to 65535.`);
  }
  return port;
}
