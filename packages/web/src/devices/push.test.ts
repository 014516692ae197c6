/** The device name people see in their list, and the VAPID key as the bytes `pushManager.subscribe` takes. */
import { describe, expect, it } from 'vitest';
import { deviceName, keyBytes } from './push.ts';

describe('deviceName', () => {
  it.each([
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      'Safari on iPhone',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      'Safari on Mac',
    ],
    ['curl/8.5.0', 'Browser on this device'],
  ])('names %s', (ua, name) => {
    expect(deviceName(ua)).toBe(name);
  });
});

describe('keyBytes', () => {
  it('decodes base64url without padding, as the engine sends the VAPID key', () => {
    const raw = new Uint8Array(65).map((_, i) => (i * 37 + 4) % 256);
    raw[0] = 4; // an uncompressed P-256 point
    const b64url = Buffer.from(raw).toString('base64url');
    expect(b64url).not.toContain('=');
    expect([...keyBytes(b64url)]).toEqual([...raw]);
  });
});
