import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Change, IncidentContext } from '../api.ts';
import { Changes, DeepLinks } from '../incidents/sections.tsx';
import { ExternalLink } from './components.tsx';
import { safeHref } from './links.ts';

/** Links a stored URL must never become, however it is spelled. */
const UNSAFE = [
  'javascript:alert(1)',
  ' JavaScript:alert(document.cookie)',
  'java\tscript:alert(1)',
  'jav&#x09;ascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  '//evil.example.com/x',
  '/relative',
  '',
];

/** The href of every link in `html`. */
const hrefs = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1]);

describe('safeHref', () => {
  it('keeps absolute http(s) URLs as they are', () => {
    for (const url of ['https://grafana.example.com/d/abc?var-x=1', 'http://prometheus.local:9090/graph'])
      expect(safeHref(url)).toBe(url);
  });

  it.each(UNSAFE)('refuses %j', (url) => {
    expect(safeHref(url)).toBeNull();
  });

  it('refuses nothing-at-all', () => {
    expect(safeHref(null)).toBeNull();
    expect(safeHref(undefined)).toBeNull();
  });
});

describe('links out of the UI', () => {
  it('ExternalLink renders an unsafe URL as text, not as a link', () => {
    for (const url of UNSAFE) {
      const html = renderToStaticMarkup(createElement(ExternalLink, { href: url, children: 'source ↗' }));
      expect(hrefs(html), html).toEqual([]);
      expect(html).toContain('source ↗');
    }
    const safe = renderToStaticMarkup(
      createElement(ExternalLink, { href: 'https://x.example.com/', children: 'x' }),
    );
    expect(hrefs(safe)).toEqual(['https://x.example.com/']);
  });

  // Alert sources render through ExternalLink too (the Alerts list needs a browser: it shows live times).
  it('the incident page links only http(s) URLs: deep links and changes', () => {
    const context = {
      dashboardUrl: 'https://grafana.example.com/d/abc',
      logsUrl: 'data:text/html,x',
      runbookUrl: 'javascript:alert(1)',
      silenceUrl: null,
      incidentUrl: null,
      generatorUrl: ' JavaScript:alert(2)',
    } as IncidentContext;
    const deep = renderToStaticMarkup(createElement(DeepLinks, { context }));
    expect(hrefs(deep)).toEqual(['https://grafana.example.com/d/abc']);
    expect(deep).not.toContain('Runbook');

    const change = {
      id: 1,
      service: 'game-api',
      version: '1.4.2',
      environment: 'production',
      author: 'alice',
      url: 'javascript:alert(4)',
      description: null,
      source: 'api',
      revision: null,
      deployedAt: '2026-03-28T01:50:00.000Z',
      createdBy: 'ci',
      createdAt: '2026-03-28T01:50:00.000Z',
      relation: 'service',
      minutesBefore: 10,
    } as Change;
    expect(hrefs(renderToStaticMarkup(createElement(Changes, { changes: [change] })))).toEqual([]);
  });
});
