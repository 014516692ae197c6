/**
 * `basic_auth_users` of a web configuration file as a check: a `Basic` credential against the bcrypt
 * hashes, as exporter-toolkit does it. Every listener that takes the file (the exporters, the engine's
 * metrics port) uses this one, so a user Prometheus accepts is a user Klaxon accepts.
 */
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Verified credentials remembered, so a scrape every 15 s does not pay bcrypt each time. */
const CACHE_LIMIT = 64;
/** Compared against when the user is unknown, so timing does not tell which users exist. */
const DUMMY_HASH = '$2b$10$jj3UYjEMj1n8gfMBUS8I7OcvzMn4Q4l.fZpxES4/Zu2q685j8FbNO';

/** The scheme and the credential of an `Authorization` header; empty strings when there is none. */
export function splitAuthorization(header: string | undefined): { scheme: string; credential: string } {
  const h = (header ?? '').trim();
  const space = h.indexOf(' ');
  if (space < 0) return { scheme: h, credential: '' };
  return { scheme: h.slice(0, space), credential: h.slice(space + 1).trim() };
}

/**
 * A check of `Basic` credentials (the base64 part) against `users` (name → bcrypt hash), or undefined when
 * there are no users.
 *
 * @example
 * const verify = basicAuthVerifier(web.basic_auth_users);
 * const { scheme, credential } = splitAuthorization(req.headers.authorization);
 * if (verify && /^basic$/i.test(scheme) && (await verify(credential))) serve();
 */
export function basicAuthVerifier(
  users: Readonly<Record<string, string>> | null | undefined,
): ((credential: string) => Promise<boolean>) | undefined {
  const hashes = new Map(Object.entries(users ?? {}));
  if (hashes.size === 0) return undefined;
  const verified = new Set<string>();
  return async (credential) => {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const hash = hashes.get(user);
    const key = createHash('sha256')
      .update(`${user}\0${password}\0${hash ?? ''}`)
      .digest('hex');
    if (hash && verified.has(key)) return true;
    const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
    if (!ok || !hash) return false;
    if (verified.size >= CACHE_LIMIT) verified.clear();
    verified.add(key);
    return true;
  };
}
