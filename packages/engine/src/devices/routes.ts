/**
 * The signed-in person's browsers for push notifications: the web app's "Enable notifications on this
 * device" posts the browser's Web Push subscription here (with the engine's VAPID key from the GET), the
 * person lists and removes their devices and sends one a test. Only people (not API tokens) have devices,
 * and each sees only their own. A subscription's endpoint must be on one of the push services the config
 * allows (`notifications.providers[].endpointHosts`): the engine POSTs to it, so it is never a free URL.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { ApiError } from '../errors/errors.ts';
import { queueNotifications } from '../notifications/store.ts';
import type { ProvidersConfig } from '../notifications/config.ts';
import {
  deviceAddress,
  findDevice,
  listDevices,
  registerDevice,
  removeDevice,
  type DeviceRow,
} from './store.ts';

export interface DeviceRouteDeps {
  config: ProvidersConfig;
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
  poke?: () => void;
}

const base64url = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'use base64url, as PushSubscription.toJSON() gives it')
    .refine((s) => Buffer.from(s, 'base64url').length === bytes, `must decode to ${bytes} bytes`);
const deviceBody = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe('What the person calls this device, e.g. "Chrome on Android".'),
  subscription: z.strictObject({
    endpoint: z.url().max(2048),
    expirationTime: z.number().nullable().optional(),
    keys: z.strictObject({ p256dh: base64url(65), auth: base64url(16) }),
  }),
});
const deviceParams = z.strictObject({
  deviceId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
const deviceSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** The push service's host: enough to tell devices apart, never the subscription. */
  service: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  lastError: z.string().nullable(),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toDeviceDto(r: DeviceRow): z.output<typeof deviceSchema> {
  return {
    id: r.id,
    name: r.name,
    service: new URL(r.endpoint).host,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: iso(r.last_used_at),
    lastError: r.last_error,
  };
}

/** Whether `host` is one of `patterns` (`*.example.com` matches any subdomain). */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase();
  return patterns.some((p) => {
    const q = p.toLowerCase();
    return q.startsWith('*.') ? h.endsWith(q.slice(1)) && h.length > q.length - 1 : h === q;
  });
}

export function deviceRoutes(app: FastifyInstance, deps: DeviceRouteDeps): void {
  const { config, store, clock, credentials } = deps;
  const signedIn = requireRole(credentials, 'viewer');
  const security = [{ bearer: [] }];
  const webPush = config.notifications.providers.flatMap((p) => (p.type === 'webpush' ? [p] : []));
  const personOf = (principal: { kind: string; userId?: string | undefined }): string => {
    if (principal.kind !== 'user' || !principal.userId)
      throw new ApiError(
        'forbidden',
        'Devices belong to people: sign in to the web app (API tokens have none).',
      );
    return principal.userId;
  };

  app.get(
    '/api/v1/me/devices',
    {
      schema: {
        summary: "The signed-in person's browsers enabled for push, and the VAPID key to subscribe with",
        tags: ['devices'],
        security,
        response: {
          200: z.object({
            vapidPublicKey: z.string().nullable().describe('null: no webpush provider is configured.'),
            devices: z.array(deviceSchema),
          }),
        },
      },
      preValidation: signedIn,
    },
    async (req) => {
      const user = personOf(req.principal!);
      return {
        vapidPublicKey: webPush[0]?.publicKey ?? null,
        devices: (await listDevices(store.db, user)).map(toDeviceDto),
      };
    },
  );

  app.post(
    '/api/v1/me/devices',
    {
      schema: {
        summary: "Register this browser's push subscription for the signed-in person",
        tags: ['devices'],
        security,
        body: deviceBody,
        response: { 201: z.object({ device: deviceSchema }) },
      },
      preValidation: signedIn,
    },
    async (req, reply) => {
      const user = personOf(req.principal!);
      const body = req.body as z.output<typeof deviceBody>;
      if (webPush.length === 0)
        throw new ApiError(
          'push_not_configured',
          'This Klaxon has no webpush provider, so browsers cannot get notifications. Ask an admin to add one (notifications.providers[] type webpush with VAPID keys).',
        );
      const url = new URL(body.subscription.endpoint);
      const insecureOk = webPush.some((p) => p.allowInsecureEndpoints);
      if (url.protocol !== 'https:' && !(insecureOk && url.protocol === 'http:'))
        throw new ApiError(
          'push_endpoint_refused',
          `The push endpoint must use https (got ${url.protocol}).`,
        );
      if (!webPush.some((p) => hostAllowed(url.hostname, p.endpointHosts)))
        throw new ApiError(
          'push_endpoint_refused',
          `The push service ${url.hostname} is not allowed. An admin can add it to endpointHosts of the webpush provider.`,
        );
      const row = await registerDevice(store.db, {
        userId: user,
        name: body.name,
        subscription: { endpoint: body.subscription.endpoint, keys: body.subscription.keys },
        now: clock.now().getTime(),
      });
      return reply.code(201).send({ device: toDeviceDto(row) });
    },
  );

  app.delete(
    '/api/v1/me/devices/:deviceId',
    {
      schema: {
        summary: 'Stop sending push notifications to one of my devices',
        tags: ['devices'],
        security,
        params: deviceParams,
      },
      preValidation: signedIn,
    },
    async (req, reply) => {
      const { deviceId } = req.params as z.output<typeof deviceParams>;
      if (!(await removeDevice(store.db, personOf(req.principal!), deviceId)))
        throw new ApiError('not_found', `You have no device ${deviceId}.`);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/me/devices/:deviceId/test',
    {
      schema: {
        summary: 'Send a test push notification to one of my devices',
        tags: ['devices'],
        security,
        params: deviceParams,
        response: { 202: z.object({ queued: z.literal(true) }) },
      },
      preValidation: signedIn,
    },
    async (req, reply) => {
      const { deviceId } = req.params as z.output<typeof deviceParams>;
      const user = personOf(req.principal!);
      if (!(await findDevice(store.db, user, deviceId)))
        throw new ApiError('not_found', `You have no device ${deviceId}.`);
      const t = clock.now().getTime();
      await store.db.transaction().execute((trx) =>
        queueNotifications(trx, [
          {
            incident_id: null,
            kind: 'test',
            user_id: user,
            channel: 'push',
            address: deviceAddress(deviceId),
            urgency: 'low',
            step_index: null,
            due_at: t,
            status: 'queued',
            detail: JSON.stringify({
              subject: 'Klaxon test notification',
              text: 'Notifications work on this device.',
            }),
            created_at: t,
            updated_at: t,
          },
        ]),
      );
      deps.poke?.();
      return reply.code(202).send({ queued: true });
    },
  );
}
