/**
 * "Notifications on this device": turn this browser into a pager (service worker, permission, a Web Push
 * subscription with the engine's VAPID key, stored for the signed-in person), and the person's devices,
 * each with "Send a test" and Remove. Pages then arrive with Acknowledge and Open on the lock screen.
 */
import { useState } from 'react';
import { api } from '../api.ts';
import type { Device } from '../api.ts';
import { ErrorBanner, Loading, PageHeader, When } from '../ui/components.tsx';
import { useAction, useLoad } from '../ui/hooks.ts';
import {
  deviceName,
  permission,
  pushUnsupported,
  rememberThisDevice,
  subscribe,
  thisDevice,
  unsubscribe,
} from './push.ts';

type Busy = 'enable' | `test-${number}` | `remove-${number}`;

export function DevicesPage() {
  const data = useLoad(() => api.devices(), 'devices');
  const action = useAction<Busy>();
  const [done, setDone] = useState<string | null>(null);
  const [mine, setMine] = useState(thisDevice);
  const unsupported = pushUnsupported();
  const vapid = data.data?.vapidPublicKey ?? null;
  const devices = data.data?.devices ?? [];
  const current = devices.find((d) => d.id === mine) ?? null;

  const enable = () => {
    if (!vapid) return;
    setDone(null);
    action.run(
      'enable',
      async () => api.addDevice(deviceName(), await subscribe(vapid)),
      ({ device }) => {
        rememberThisDevice(device.id);
        setMine(device.id);
        setDone(`Notifications are on for ${device.name}. Send a test to check.`);
        data.reload();
      },
    );
  };

  const test = (d: Device) => {
    setDone(null);
    action.run(
      `test-${d.id}`,
      () => api.testDevice(d.id),
      () => {
        setDone(`A test notification is on its way to ${d.name}.`);
        data.reload();
      },
    );
  };

  const remove = (d: Device) => {
    setDone(null);
    action.run(
      `remove-${d.id}`,
      async () => {
        await api.removeDevice(d.id);
        if (d.id === mine) {
          await unsubscribe().catch(() => undefined);
          rememberThisDevice(null);
          setMine(null);
        }
      },
      () => {
        setDone(`${d.name} will get no more notifications.`);
        data.reload();
      },
    );
  };

  return (
    <section className="devices">
      <PageHeader title="Notifications on this device" />
      <p className="muted">
        Get pages on this phone or computer, with Acknowledge on the notification itself: no app store, no
        config. Each device you enable is listed below; remove the ones you no longer carry.
      </p>
      <ErrorBanner message={data.error} />
      {!data.data && data.loading ? <Loading what="your devices" /> : null}
      {data.data ? (
        <div className="card enable-card" data-testid="enable-card">
          <h2>This device</h2>
          {unsupported ? (
            <p className="error" data-testid="push-unsupported">
              {unsupported}
            </p>
          ) : !vapid ? (
            <p className="muted" data-testid="push-unconfigured">
              Push notifications are not set up on this Klaxon server (no Web Push provider). Ask an admin.
            </p>
          ) : (
            <>
              <p data-testid="push-status">
                {current
                  ? `On: this browser gets pages as “${current.name}”.`
                  : permission() === 'denied'
                    ? 'Blocked: allow notifications for Klaxon in this browser’s site settings.'
                    : 'Off: this browser gets no pages.'}
              </p>
              <button
                type="button"
                className="primary big"
                data-testid="enable-push"
                onClick={enable}
                disabled={action.busy !== null}
              >
                {action.busy === 'enable'
                  ? 'Enabling…'
                  : current
                    ? 'Enable again on this device'
                    : 'Enable notifications on this device'}
              </button>
            </>
          )}
          <ErrorBanner message={action.error} testId="push-error" />
          {done ? (
            <p className="ok" role="status" data-testid="push-done">
              {done}
            </p>
          ) : null}
        </div>
      ) : null}
      {data.data ? (
        <section className="card" aria-labelledby="dev-h">
          <h2 id="dev-h">Your devices</h2>
          {devices.length === 0 ? (
            <p className="muted" data-testid="no-devices">
              No devices yet.
            </p>
          ) : (
            <ul className="device-list" data-testid="device-list">
              {devices.map((d) => (
                <li key={d.id} className="device" data-testid="device-row" data-device={d.id}>
                  <div className="device-what">
                    <strong>{d.name}</strong>
                    <span className="small muted">via {d.service}</span>
                    {d.id === mine ? <span className="badge this-device">this device</span> : null}
                    <span className="small muted">
                      added <When at={d.createdAt} compact />
                      {' · '}
                      {d.lastUsedAt ? (
                        <>
                          last page <When at={d.lastUsedAt} compact />
                        </>
                      ) : (
                        'no page yet'
                      )}
                    </span>
                    {d.lastError ? (
                      <span className="small error-text" data-testid="device-error">
                        Last delivery failed: {d.lastError}
                      </span>
                    ) : null}
                  </div>
                  <div className="device-actions">
                    <button
                      type="button"
                      data-testid="device-test"
                      onClick={() => test(d)}
                      disabled={action.busy !== null}
                    >
                      {action.busy === `test-${d.id}` ? 'Sending…' : 'Send a test'}
                    </button>
                    <button
                      type="button"
                      className="danger"
                      data-testid="device-remove"
                      aria-label={`Remove ${d.name}`}
                      onClick={() => remove(d)}
                      disabled={action.busy !== null}
                    >
                      Remove
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </section>
  );
}
