/*
 * Klaxon's service worker (served at /sw.js, scope /): shows the engine's Web Push pages as notifications
 * with Acknowledge / Resolve / Open actions, and carries out a tapped action from the lock screen by POSTing
 * the page's signed one-tap link (no session needed: the link is bound to the incident, the person and the
 * action). The result comes back as a follow-up notification with the same tag. Plain JS, no build step.
 *
 * Payload (JSON): { v: 1, kind, title, body, tag, incident, tier, state, url,
 *                   actions: { acknowledge?, resolve? } }
 */

/** This file runs as a service worker (JSDoc types let `tsc --checkJs --lib webworker` check it). */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

sw.addEventListener('install', () => {
  // A new worker takes over at once: there is no cached app shell to keep consistent.
  void sw.skipWaiting();
});

sw.addEventListener('activate', (event) => {
  extend(event, sw.clients.claim());
});

/**
 * Keeps the worker alive until `promise` settles. `waitUntil` throws on a synthetic event (one a test
 * dispatches) or after the handler returned; the work still runs either way.
 */
/**
 * @param {ExtendableEvent} event
 * @param {Promise<unknown>} promise
 */
function extend(event, promise) {
  try {
    event.waitUntil(promise);
  } catch {
    // Not a trusted, active event: nothing to extend.
  }
  return promise;
}

/**
 * The payload as an object; a page that is not JSON still shows as text.
 * @param {PushMessageData | null} data
 */
function parsePayload(data) {
  if (!data) return { v: 1, kind: 'page', title: 'Klaxon', body: '', actions: {} };
  try {
    const p = data.json();
    return p && typeof p === 'object' ? p : { title: 'Klaxon', body: String(p), actions: {} };
  } catch {
    return { v: 1, kind: 'page', title: 'Klaxon', body: data.text(), actions: {} };
  }
}

/**
 * The notification's buttons when the page can be acknowledged: Acknowledge, then Resolve for a T2, then
 * Open. Browsers show at most `Notification.maxActions` (2 in Chrome and Firefox), so the order is the
 * priority: a T2 shows Acknowledge and Resolve there, and tapping the notification's body opens the
 * incident anyway.
 * @param {any} p
 */
function actionsOf(p) {
  const links = p.actions && typeof p.actions === 'object' ? p.actions : {};
  const out = [];
  if (typeof links.acknowledge === 'string') {
    out.push({ action: 'acknowledge', title: 'Acknowledge' });
    if (p.tier === 'T2' && typeof links.resolve === 'string')
      out.push({ action: 'resolve', title: 'Resolve' });
    out.push({ action: 'open', title: 'Open' });
  }
  const max = /** @type {{ maxActions?: number }} */ (/** @type {unknown} */ (Notification)).maxActions;
  return typeof max === 'number' && max > 0 ? out.slice(0, max) : out;
}

/** @param {any} p */
function show(p) {
  const title = typeof p.title === 'string' && p.title ? p.title : 'Klaxon';
  /** @type {NotificationOptions & { actions: { action: string, title: string }[] }} */
  const options = {
    body: typeof p.body === 'string' ? p.body : '',
    tag: typeof p.tag === 'string' && p.tag ? p.tag : undefined,
    data: p,
    icon: '/icon-192.png',
    badge: '/icon-192.png',
    // A T1 stays on screen until the person does something with it.
    requireInteraction: p.tier === 'T1',
    actions: actionsOf(p),
  };
  return sw.registration.showNotification(title, options);
}

sw.addEventListener('push', (/** @type {PushEvent} */ event) => {
  extend(event, show(parsePayload(event.data)));
});

/** POSTs a signed action link and says what happened, in a sentence for the follow-up notification. */
/**
 * @param {string} url
 * @param {string} action
 * @param {any} p
 */
async function act(url, action, p) {
  const label = p.incident ? `#${p.incident}` : 'the incident';
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      credentials: 'omit',
    });
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    if (res.ok && body && body.ok) {
      if (typeof body.message === 'string' && body.message) return { ok: true, text: body.message };
      const verb = action === 'resolve' ? 'Resolved' : 'Acknowledged';
      return { ok: true, text: `${verb} ${label} as ${body.actor ?? 'you'}` };
    }
    const message = body && body.error && typeof body.error.message === 'string' ? body.error.message : null;
    return { ok: false, text: message ?? `Klaxon refused: ${res.status} ${res.statusText}` };
  } catch {
    return { ok: false, text: `Could not reach Klaxon to ${action} ${label}. Open the app and try again.` };
  }
}

/**
 * Focuses a Klaxon window already open (navigating it to `url`), or opens one.
 * @param {string} url
 */
async function open(url) {
  const target = new URL(url || '/', sw.location.origin);
  if (target.origin !== sw.location.origin) {
    await sw.clients.openWindow(target.href);
    return;
  }
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  // matchAll gives this origin's windows only.
  for (const client of windows) {
    try {
      const focused = await client.focus();
      await focused.navigate(target.href);
      return;
    } catch {
      // That window cannot be focused or moved: try the next, else open a new one.
    }
  }
  await sw.clients.openWindow(target.href);
}

/**
 * @param {Notification} notification
 * @param {string} action
 */
async function onClick(notification, action) {
  const p = notification.data && typeof notification.data === 'object' ? notification.data : {};
  const links = p.actions && typeof p.actions === 'object' ? p.actions : {};
  notification.close();
  if ((action === 'acknowledge' || action === 'resolve') && typeof links[action] === 'string') {
    const result = await act(links[action], action, p);
    const what = `${action === 'resolve' ? 'Resolved' : 'Acknowledged'}${p.incident ? ` #${p.incident}` : ''}`;
    const title = result.ok ? what : `Not ${what.toLowerCase()}`;
    await sw.registration.showNotification(title, {
      body: result.text,
      tag: typeof p.tag === 'string' && p.tag ? p.tag : undefined,
      data: {
        v: 1,
        kind: 'result',
        ok: result.ok,
        incident: p.incident ?? null,
        url: p.url ?? null,
        actions: {},
      },
      icon: '/icon-192.png',
    });
    return;
  }
  await open(typeof p.url === 'string' ? p.url : p.incident ? `/incidents/${p.incident}` : '/');
}

sw.addEventListener('notificationclick', (/** @type {NotificationEvent} */ event) => {
  extend(event, onClick(event.notification, event.action));
});
