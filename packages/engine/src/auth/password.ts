/**
 * Password hashes for `users[].passwordHash`: scrypt from node:crypto, stored as
 * `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` so the cost can be raised without breaking old hashes.
 * Verification compares in constant time, and a name with no hash costs the same scrypt work as a real
 * one, so response times do not tell which user ids exist.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** 2^15, 8, 1: about 32 MiB and tens of milliseconds per attempt. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 32_768, r: 8, p: 1 };

const HASH_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
const KEY_BYTES = 32;

export interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/**
 * Reads a stored hash, or says what is wrong with it.
 *
 * @example
 * const parsed = parsePasswordHash('scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$…');
 * if (typeof parsed === 'string') console.error(parsed);
 */
export function parsePasswordHash(text: string): ParsedHash | string {
  const m = HASH_FORMAT.exec(text);
  if (!m)
    return 'not a password hash; use the output of `klaxon hash-password` (scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>)';
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 1024 || N > 2 ** 20 || (N & (N - 1)) !== 0)
    return `scrypt N ${N} must be a power of two from 1024 to 1048576; make a new hash with \`klaxon hash-password\``;
  if (r < 1 || r > 32 || p < 1 || p > 16)
    return 'scrypt r must be 1 to 32 and p 1 to 16; make a new hash with `klaxon hash-password`';
  const salt = Buffer.from(m[4]!, 'base64');
  const hash = Buffer.from(m[5]!, 'base64');
  if (salt.length < 16 || hash.length < 16 || hash.length > 128)
    return 'the salt and the hash must each be at least 16 bytes; make a new hash with `klaxon hash-password`';
  return { N, r, p, salt, hash };
}

function derive(password: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * Hashes a password for the config.
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 * // 'scrypt$32768$8$1$…$…'
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, KEY_BYTES, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A fixed salt for the decoy work done when there is no hash to check. */
const DECOY_SALT = Buffer.alloc(16, 7);

/**
 * Whether `password` matches `stored`. With no usable hash (unknown user, OIDC-only user) it does the same
 * scrypt work as for a real one and answers false.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parsed = stored === undefined ? undefined : parsePasswordHash(stored);
  if (parsed === undefined || typeof parsed === 'string') {
    await derive(password, DECOY_SALT, KEY_BYTES, DEFAULT_SCRYPT);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(key, parsed.hash);
}
