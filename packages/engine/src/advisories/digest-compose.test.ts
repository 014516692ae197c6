/**
 * The digest's words: bounded (at most 50 groups by email, what fits one Slack section, then "and N
 * more"), Slack's mrkdwn escapes, and where a rule's threshold is read from.
 */
import { describe, expect, it } from 'vitest';
import { digestMessage, MAX_GROUPS, thresholdOf, type DigestContent } from './digest-compose.ts';

const MON = new Date('2026-12-07T14:00:00Z').getTime();

function content(groups: number, moreGroups = 0): DigestContent {
  return {
    teamName: 'Platform',
    day: '2026-12-07',
    timezone: 'America/New_York',
    from: MON - 3 * 86_400_000,
    until: MON,
    newCount: groups + moreGroups,
    groups: Array.from({ length: groups }, (_, i) => ({
      service: 'cost',
      serviceName: 'Cloud cost',
      alert: `Alert${String(i).padStart(3, '0')}`,
      count: 1,
      first: MON - 3_600_000,
      last: MON - 60_000,
      firing: i % 2 === 0,
      url: `https://klaxon.example.com/advisories?team=platform&service=cost&alert=Alert${i}`,
    })),
    moreGroups,
    unreviewedBefore: 0,
    oldest: [],
    noise: [],
    noiseWindowDays: 30,
    url: 'https://klaxon.example.com/advisories?team=platform',
  };
}

describe('digest message', () => {
  it('lists at most 50 groups by email, then says how many more', () => {
    // The read returns 50 groups and counts the other 10.
    const mail = digestMessage(content(MAX_GROUPS, 10), 'email');
    const lines = mail.text.split('\n');
    expect(lines.filter((l) => l.startsWith('- Cloud cost / '))).toHaveLength(50);
    expect(lines.at(-1)).toBe('and 10 more');
    expect(lines[2]).toBe('New since Fri 4 Dec 09:00: 60 advisories in 60 groups.');
  });

  it('keeps the Slack text within one section, and counts what it left out', () => {
    const slack = digestMessage(content(MAX_GROUPS, 10), 'slack');
    // The provider posts text + "\n" + url in one section of at most 2,900 characters.
    expect(`${slack.text}\n${slack.url}`.length).toBeLessThanOrEqual(2900);
    const listed = slack.text.split('\n').filter((l) => l.startsWith('- Cloud cost / ')).length;
    expect(listed).toBeGreaterThan(5);
    expect(listed).toBeLessThan(50);
    expect(slack.text.split('\n').at(-1)).toBe(`and ${60 - listed} more`);
  });

  it("escapes Slack's control characters, and not in email", () => {
    const c = content(1);
    c.teamName = 'R&D <core>';
    c.groups[0]!.alert = 'Latency>p99';
    const slack = digestMessage(c, 'slack').text;
    expect(slack).toContain('Advisory digest for R&amp;D &lt;core&gt;');
    expect(slack).toContain('- Cloud cost / Latency&gt;p99: 1');
    expect(slack).toContain('|open>');
    const mail = digestMessage(c, 'email').text;
    expect(mail).toContain('Advisory digest for R&D <core>');
    expect(mail).toContain(
      '- Cloud cost / Latency>p99: 1, first Mon 7 Dec 08:00, last Mon 7 Dec 08:59, still firing https://',
    );
  });
});

describe('rule threshold', () => {
  const gen = (expr: string) => `https://prom.example.com/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;
  it('reads a threshold annotation first, then a label', () => {
    expect(thresholdOf({ threshold: '250 USD/h' }, { threshold: '9' }, gen('x > 1'))).toEqual({
      threshold: '250 USD/h',
      from: 'annotation',
    });
    expect(thresholdOf({}, { threshold: '9' }, null)).toEqual({ threshold: '9', from: 'label' });
  });
  it("reads the comparison that ends the rule's expression (as the catalog compiles it)", () => {
    expect(thresholdOf({}, {}, gen('(sum(rate(x[5m]))) >= 1e-3'))).toEqual({
      threshold: '>= 1e-3',
      from: 'expr',
    });
    expect(thresholdOf({}, {}, gen('absent(up)'))).toEqual({ threshold: 'absent(up)', from: 'expr' });
  });
  it('falls back to the description, then to nothing', () => {
    expect(thresholdOf({ description: 'More than 50 errors in 5m.' }, {}, 'not a url')).toEqual({
      threshold: 'More than 50 errors in 5m.',
      from: 'description',
    });
    expect(thresholdOf({ summary: 'x' }, {}, null)).toEqual({ threshold: null, from: null });
  });
});
