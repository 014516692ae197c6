/** Builds the configured providers and picks, for a channel and address, the ones to try in order. */
import type { Clock } from '../clock/clock.ts';
import type { ProviderConfig, ProvidersConfig } from '../notifications/config.ts';
import type { DeliveryChannel, NotificationProvider } from './provider.ts';
import { ntfyProvider } from './providers/ntfy.ts';
import { outboxProvider } from './providers/outbox.ts';
import { pagerDutyForwarder } from './providers/pagerduty.ts';
import { slackProvider } from './providers/slack.ts';
import { smtpProvider } from './providers/smtp.ts';
import { twilioProvider } from './providers/twilio.ts';
import { vonageProvider } from './providers/vonage.ts';
import { webhookProvider } from './providers/webhook.ts';
import type { DeviceDirectory } from '../devices/store.ts';
import { webPushProvider } from './providers/webpush.ts';

export type { ProviderConfig } from '../notifications/config.ts';

export function buildProvider(
  p: ProviderConfig,
  config: ProvidersConfig,
  clock: Clock,
  devices?: DeviceDirectory,
): NotificationProvider {
  const timeoutMs = config.notifications.timeoutSeconds * 1000;
  switch (p.type) {
    case 'twilio':
      return twilioProvider({
        id: p.id,
        accountSid: p.accountSid,
        authToken: p.authToken,
        from: p.from,
        baseUrl: p.baseUrl,
      });
    case 'vonage':
      return vonageProvider({
        id: p.id,
        apiKey: p.apiKey,
        apiSecret: p.apiSecret,
        from: p.from,
        baseUrl: p.baseUrl,
      });
    case 'ntfy':
      return ntfyProvider({ id: p.id, baseUrl: p.baseUrl, token: p.token });
    case 'slack':
      return slackProvider({ id: p.id, botToken: p.botToken, baseUrl: p.baseUrl });
    case 'smtp':
      return smtpProvider({
        id: p.id,
        host: p.host,
        port: p.port,
        secure: p.secure,
        user: p.user,
        password: p.password,
        from: p.from,
        timeoutMs,
      });
    case 'pagerduty':
      return pagerDutyForwarder({ id: p.id, url: p.url });
    case 'webhook':
      return webhookProvider({
        id: p.id,
        url: p.url,
        secret: p.secret,
        now: () => clock.now().getTime() / 1000,
      });
    case 'webpush':
      return webPushProvider({
        id: p.id,
        publicKey: p.publicKey,
        privateKey: p.privateKey,
        subject: p.subject,
        timeoutMs,
        ...(devices ? { devices } : {}),
      });
    case 'outbox':
      return outboxProvider({
        id: p.id,
        path: p.path,
        channels: p.channels,
        now: () => clock.now().getTime(),
      });
  }
}

export class ProviderRegistry {
  readonly providers: readonly NotificationProvider[];

  constructor(providers: readonly NotificationProvider[]) {
    this.providers = providers;
  }

  /** The configured providers; `devices` lets web push reach the browsers people enabled. */
  static fromConfig(config: ProvidersConfig, clock: Clock, devices?: DeviceDirectory): ProviderRegistry {
    return new ProviderRegistry(
      config.notifications.providers.map((p) => buildProvider(p, config, clock, devices)),
    );
  }

  /** The providers to try for a message, in failover order (their order in the config). */
  chain(channel: DeliveryChannel, address: string): NotificationProvider[] {
    return this.providers.filter(
      (p) => p.channels.includes(channel) && (p.accepts?.(channel, address) ?? true),
    );
  }

  get(id: string): NotificationProvider | undefined {
    return this.providers.find((p) => p.id === id);
  }
}
