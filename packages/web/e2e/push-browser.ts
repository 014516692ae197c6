/**
 * The browser's half of Web Push for the phone test, run in the page by `context.addInitScript`.
 *
 * Why a stand-in: Chromium's `pushManager.subscribe` asks Google's push service (FCM) for an endpoint, and
 * FCM cannot be reached from the test machine. So `PushManager.prototype.subscribe`/`getSubscription` are
 * replaced by ones that do what the browser does locally: generate a P-256 ECDH key pair and a 16-byte auth
 * secret IN THE BROWSER with WebCrypto (the private key non-extractable, kept in IndexedDB), and return a
 * subscription whose endpoint is the test's own push service. The UI's real enable flow posts it to the
 * engine. `__klaxonDecryptPush` then does the user agent's part of RFC 8291 on the bytes the engine sent
 * (ECDH with the browser's private key, HKDF, AES-128-GCM): the plaintext can only come out of the page.
 */
import type { webcrypto } from 'node:crypto';

/*
 * The slice of the browser's globals this file uses: the repository's type check runs with Node's library
 * only (no DOM), and this code runs in the page, so it declares what it needs.
 */
interface Req<T = unknown> {
  result: T;
  error: Error | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface ObjectStore {
  get(key: string): Req;
  put(value: unknown, key: string): Req;
  delete(key: string): Req;
}
interface Idb {
  createObjectStore(name: string): unknown;
  transaction(name: string, mode: 'readonly' | 'readwrite'): { objectStore(name: string): ObjectStore };
}
interface SubscriptionOptions {
  applicationServerKey?: ArrayBuffer | ArrayBufferView | string | null;
}
interface PageGlobals {
  indexedDB: { open(name: string, version: number): Req<Idb> & { onupgradeneeded: (() => void) | null } };
  PushManager: {
    prototype: {
      subscribe(options?: SubscriptionOptions): Promise<unknown>;
      getSubscription(): Promise<unknown>;
    };
  };
  __klaxonDecryptPush?: (b64: string) => Promise<string>;
}

/** Installs the stand-in; `endpoint` is where this browser's push service is. Self-contained: serialised. */
export function installFakePushManager(endpoint: string): void {
  const page = globalThis as unknown as PageGlobals;
  const DB = 'klaxon-fake-push';
  const enc = new TextEncoder();
  const b64u = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  interface Stored {
    endpoint: string;
    keys: webcrypto.CryptoKeyPair;
    publicRaw: Uint8Array<ArrayBuffer>;
    auth: Uint8Array<ArrayBuffer>;
    appKey: ArrayBuffer;
  }
  const db = () =>
    new Promise<Idb>((resolve, reject) => {
      const open = page.indexedDB.open(DB, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('subscription');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error('indexedDB'));
    });
  const tx = async <T>(mode: 'readonly' | 'readwrite', op: (s: ObjectStore) => Req): Promise<T> => {
    const d = await db();
    return new Promise<T>((resolve, reject) => {
      const req = op(d.transaction('subscription', mode).objectStore('subscription'));
      req.onsuccess = () => resolve(req.result as T);
      req.onerror = () => reject(req.error ?? new Error('indexedDB'));
    });
  };
  const load = () => tx<Stored | undefined>('readonly', (s) => s.get('current'));

  const asSubscription = (r: Stored) => {
    const json = {
      endpoint: r.endpoint,
      expirationTime: null,
      keys: { p256dh: b64u(r.publicRaw), auth: b64u(r.auth) },
    };
    return {
      endpoint: r.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: r.appKey },
      getKey: (name: string) =>
        name === 'p256dh' ? r.publicRaw.buffer : name === 'auth' ? r.auth.buffer : null,
      toJSON: () => json,
      unsubscribe: async () => {
        await tx('readwrite', (s) => s.delete('current'));
        return true;
      },
    };
  };

  page.PushManager.prototype.getSubscription = async function getSubscription() {
    const r = await load();
    return r ? asSubscription(r) : null;
  };
  page.PushManager.prototype.subscribe = async function subscribe(options?: SubscriptionOptions) {
    const key = options?.applicationServerKey;
    if (!key || typeof key === 'string')
      throw new DOMException('applicationServerKey bytes needed', 'InvalidAccessError');
    const appKey = (
      ArrayBuffer.isView(key) ? key.buffer.slice(key.byteOffset, key.byteOffset + key.byteLength) : key
    ) as ArrayBuffer;
    // The private key cannot leave the browser (extractable: false); the public key is exported as the
    // uncompressed point p256dh names.
    const keys = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ]);
    const publicRaw = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey));
    const auth = crypto.getRandomValues(new Uint8Array(16));
    const id = b64u(crypto.getRandomValues(new Uint8Array(9)));
    const record: Stored = { endpoint: `${endpoint}/push/${id}`, keys, publicRaw, auth, appKey };
    await tx('readwrite', (s) => s.put(record, 'current'));
    return asSubscription(record);
  };

  const hkdf = async (
    salt: Uint8Array<ArrayBuffer>,
    ikm: ArrayBuffer,
    info: Uint8Array<ArrayBuffer>,
    bytes: number,
  ) => {
    const k = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
    return crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, k, bytes * 8);
  };
  const concat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };

  /** RFC 8291 / RFC 8188 (aes128gcm, one record): the body the push service got, base64, to the JSON text. */
  page.__klaxonDecryptPush = async (b64: string) => {
    const r = await load();
    if (!r) throw new Error('this browser has no push subscription');
    const body = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    // Header: salt (16) | record size (4) | key id length (1) | key id (the sender's public key).
    const salt = body.slice(0, 16);
    const idLength = body[20]!;
    const senderRaw = body.slice(21, 21 + idLength);
    const ciphertext = body.slice(21 + idLength);
    const sender = await crypto.subtle.importKey(
      'raw',
      senderRaw,
      { name: 'ECDH', namedCurve: 'P-256' },
      false,
      [],
    );
    const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: sender }, r.keys.privateKey, 256);
    const keyInfo = concat(enc.encode('WebPush: info\0'), r.publicRaw, senderRaw);
    const ikm = await hkdf(r.auth, shared, keyInfo, 32);
    const cek = await hkdf(salt, ikm, enc.encode('Content-Encoding: aes128gcm\0'), 16);
    const nonce = await hkdf(salt, ikm, enc.encode('Content-Encoding: nonce\0'), 12);
    const aes = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
    const padded = new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, aes, ciphertext),
    );
    // The last record ends with the delimiter 0x02, then zero padding.
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    if (padded[end] !== 2) throw new Error('not a final aes128gcm record');
    return new TextDecoder().decode(padded.slice(0, end));
  };
}
