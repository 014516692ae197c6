/**
 * The link token and the pages, alone: a token verifies only for the row it was signed for and the key
 * it was signed with, and the pages escape what they show.
 */
import { describe, expect, it } from 'vitest';
import { confirmPage, refusedPage } from './page.ts';
import { newLinkId, parseToken, signLink, TOKEN_PATTERN, verifyLink, type LinkBinding } from './tokens.ts';

const key = Buffer.from('k'.repeat(32));
const binding: LinkBinding = {
  id: newLinkId(),
  incidentId: 42,
  userId: 'alice',
  action: 'acknowledge',
  channel: 'sms',
  expiresAt: 1_775_000_000_000,
};

describe('action link tokens', () => {
  it('are 33 URL-safe characters that verify for their own row', () => {
    const token = signLink(key, binding);
    expect(token).toMatch(TOKEN_PATTERN);
    expect(token).toHaveLength(33);
    expect(parseToken(token)).toEqual({ id: binding.id, mac: token.slice(17) });
    expect(verifyLink(key, token, binding)).toBe(true);
    expect(newLinkId()).not.toBe(binding.id);
  });

  it('do not verify for another row, another binding or another key', () => {
    const token = signLink(key, binding);
    for (const change of [
      { incidentId: 43 },
      { userId: 'bob' },
      { action: 'resolve' as const },
      { channel: 'push' },
      { expiresAt: binding.expiresAt + 1 },
      { id: newLinkId() },
    ])
      expect(verifyLink(key, token, { ...binding, ...change }), JSON.stringify(change)).toBe(false);
    expect(verifyLink(Buffer.from('other'), token, binding)).toBe(false);
    expect(verifyLink(key, `${token.slice(0, 17)}${'A'.repeat(16)}`, binding)).toBe(false);
    expect(parseToken(`${token}x`)).toBeNull();
    expect(parseToken(token.replace('.', '/'))).toBeNull();
  });
});

describe('action link pages', () => {
  it('escape the incident title and the messages', () => {
    const title = '<img src=x onerror=alert(1)> & "quotes"';
    const page = confirmPage({
      action: 'resolve',
      incident: { id: 7, title },
      person: 'Alice',
      path: '/a/7/t',
    });
    expect(page).toContain(
      'Resolve incident #7 (&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;) as Alice?',
    );
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<script');
    const refused = refusedPage('link_used', `Used: <b>${title}</b>`, 7);
    expect(refused).toContain('This link was already used');
    expect(refused).not.toContain('<b>');
  });
});
