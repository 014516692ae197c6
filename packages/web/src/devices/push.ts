/**
 * This browser's side of Web Push: what it supports, registering the service worker (/sw.js), asking for
 * the notification permission, subscribing with the engine's VAPID key, and a name for the device that a
 * person recognises in their list ("Chrome on Android").
 */
import type { SubscriptionJson } from '../api.ts';

/** Why this browser cannot take push notifications, or null when it can. */
export function pushUnsupported(): string | null {
  if (!('serviceWorker' in navigator))
    return 'This browser has no service workers, so it cannot receive pages.';
  if (!('PushManager' in window)) {
    return 'This browser cannot receive push messages. On an iPhone, add Klaxon to the home screen first (Share → Add to Home Screen), then open it from there.';
  }
  if (!('Notification' in window)) return 'This browser cannot show notifications.';
  if (!window.isSecureContext) return 'Notifications need a secure (https) connection to Klaxon.';
  return null;
}

/** The notification permission as the browser reports it now. */
export function permission(): NotificationPermission | 'unsupported' {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

/** The VAPID key (base64url) as the bytes `pushManager.subscribe` wants. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** "Chrome on Android", "Safari on iPhone", "Firefox on Linux": from the user agent, for the device list. */
export function deviceName(ua: string = navigator.userAgent): string {
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : 'Browser';
  const system = /iPhone/.test(ua)
    ? 'iPhone'
    : /iPad/.test(ua)
      ? 'iPad'
      : /Android/.test(ua)
        ? 'Android'
        : /Mac OS X/.test(ua)
          ? 'Mac'
          : /Windows/.test(ua)
            ? 'Windows'
            : /CrOS/.test(ua)
              ? 'ChromeOS'
              : /Linux/.test(ua)
                ? 'Linux'
                : 'this device';
  return `${browser} on ${system}`;
}

/** The service worker's registration, registering /sw.js (scope /) when it is not yet there. */
async function registration(): Promise<ServiceWorkerRegistration> {
  const existing = await navigator.serviceWorker.getRegistration('/');
  if (existing) return existing;
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  return navigator.serviceWorker.ready;
}

/** The subscription as the engine stores it; refuses one without its encryption keys. */
function subscriptionJson(sub: PushSubscription): SubscriptionJson {
  const json = sub.toJSON();
  const p256dh = json.keys?.p256dh;
  const auth = json.keys?.auth;
  if (!json.endpoint || !p256dh || !auth)
    throw new Error('The browser gave a push subscription without keys.');
  return {
    endpoint: json.endpoint,
    ...(json.expirationTime === undefined ? {} : { expirationTime: json.expirationTime }),
    keys: { p256dh, auth },
  };
}

/**
 * Asks for the permission (it must follow a tap), then subscribes this browser with the engine's key. A
 * subscription made with another key (the engine's key changed) is replaced.
 */
export async function subscribe(vapidPublicKey: string): Promise<SubscriptionJson> {
  const granted = await Notification.requestPermission();
  if (granted !== 'granted') {
    throw new Error(
      granted === 'denied'
        ? 'Notifications are blocked for Klaxon in this browser. Allow them in the site settings, then try again.'
        : 'Notifications were not allowed. Tap Enable again and choose Allow.',
    );
  }
  const reg = await registration();
  const key = keyBytes(vapidPublicKey);
  const current = await reg.pushManager.getSubscription();
  if (current) {
    const used = current.options.applicationServerKey;
    const same = used !== null && sameBytes(new Uint8Array(used), key);
    if (same) return subscriptionJson(current);
    await current.unsubscribe();
  }
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  return subscriptionJson(sub);
}

const THIS_DEVICE = 'klaxon.pushDevice';

/** The id of the device this browser registered as, remembered locally to mark it in the list. */
export function thisDevice(): number | null {
  const v = Number(localStorage.getItem(THIS_DEVICE));
  return Number.isInteger(v) && v > 0 ? v : null;
}

export function rememberThisDevice(id: number | null): void {
  if (id === null) localStorage.removeItem(THIS_DEVICE);
  else localStorage.setItem(THIS_DEVICE, String(id));
}

/** Drops this browser's push subscription (after its device was removed). */
export async function unsubscribe(): Promise<void> {
  if (pushUnsupported()) return;
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = await reg?.pushManager.getSubscription();
  await sub?.unsubscribe();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
