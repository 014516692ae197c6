/**
 * The token of a one-tap action link, `<id>.<mac>`: a random id (96 bits) that names the `action_links`
 * row, and an HMAC-SHA256 (truncated to 96 bits) over that row's binding (incident, person, action,
 * channel, expiry), so a token is good only for the row it was made for and a row cannot be re-pointed.
 * Pure functions; the key comes from store.ts.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a link is bound to: the fields its MAC covers. */
export interface LinkBinding {
  id: string;
  incidentId: number;
  userId: string;
  action: LinkAction;
  channel: string;
  expiresAt: number;
}

export type LinkAction = 'acknowledge' | 'resolve';

const ID_BYTES = 12;
const MAC_BYTES = 12;
/** base64url of 12 bytes is 16 characters, no padding. */
const PART = '[A-Za-z0-9_-]{16}';
/** The shape of a token as it appears in a link's path. */
export const TOKEN_PATTERN = new RegExp(`^${PART}\\.${PART}$`);

/** A new random link id. */
export function newLinkId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

function mac(key: Buffer, b: LinkBinding): Buffer {
  // JSON keeps the fields apart whatever characters a user id holds.
  const message = JSON.stringify([b.id, b.incidentId, b.userId, b.action, b.channel, b.expiresAt]);
  return createHmac('sha256', key).update(message).digest().subarray(0, MAC_BYTES);
}

/** The token for a link row. */
export function signLink(key: Buffer, b: LinkBinding): string {
  return `${b.id}.${mac(key, b).toString('base64url')}`;
}

/** Splits a token into its id and MAC, or null when it does not have a token's shape. */
export function parseToken(token: string): { id: string; mac: string } | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  const [id, m] = token.split('.') as [string, string];
  return { id, mac: m };
}

/** Whether `token` was signed with `key` for exactly this row (constant-time comparison). */
export function verifyLink(key: Buffer, token: string, b: LinkBinding): boolean {
  const parts = parseToken(token);
  if (!parts || parts.id !== b.id) return false;
  const sent = Buffer.from(parts.mac, 'base64url');
  const expected = mac(key, b);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}
