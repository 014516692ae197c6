/**
 * The small HTML pages an action link answers a browser with: the confirmation (a GET never acts, since
 * mail and SMS link scanners open links by themselves), the outcome, and one page per refusal, each in
 * plain words. Self-contained: no script (the CSP allows none inline), inline styles only.
 */
import type { ErrorCode } from '../errors/errors.ts';
import type { LinkAction } from './tokens.ts';

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const LABEL: Record<LinkAction, string> = { acknowledge: 'Acknowledge', resolve: 'Resolve' };

const REFUSAL_TITLE: Partial<Record<ErrorCode, string>> = {
  link_invalid: 'This link does not work',
  link_wrong_incident: 'This link is for another incident',
  link_used: 'This link was already used',
  link_expired: 'This link has expired',
  incident_resolved: 'The incident is already resolved',
  forbidden: 'This link cannot act for you',
  invalid_params: 'This link does not work',
};

function layout(title: string, inner: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)} · Klaxon</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.3rem}button{font-size:1.1rem;padding:.7rem 1.4rem;border:0;border-radius:.4rem;background:#c62828;color:#fff}
a{color:#0b57d0}</style></head>
<body><h1>${escape(title)}</h1>${inner}</body></html>
`;
}

const openIncident = (incidentId: number) =>
  `<p><a href="/incidents/${incidentId}">Open incident #${incidentId} in Klaxon</a></p>`;

/** "Acknowledge incident #42 (title) as Alice?" with one button that POSTs to the same link. */
export function confirmPage(o: {
  action: LinkAction;
  incident: { id: number; title: string };
  person: string;
  path: string;
}): string {
  const question = `${LABEL[o.action]} incident #${o.incident.id} (${o.incident.title}) as ${o.person}?`;
  return layout(
    question,
    `<form method="post" action="${escape(o.path)}"><button type="submit">${LABEL[o.action]}</button></form>
${openIncident(o.incident.id)}`,
  );
}

/** What the link did. */
export function donePage(message: string, incidentId: number): string {
  return layout('Done', `<p>${escape(message)}</p>${openIncident(incidentId)}`);
}

/** Why the link did nothing. */
export function refusedPage(code: ErrorCode, message: string, incidentId: number | null): string {
  const title = REFUSAL_TITLE[code] ?? 'The link did nothing';
  const more = incidentId !== null ? openIncident(incidentId) : '';
  return layout(title, `<p>${escape(message)}</p><p>This request changed nothing.</p>${more}`);
}
