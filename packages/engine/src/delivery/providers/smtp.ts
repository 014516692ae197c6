/** Email over SMTP with nodemailer. */
import nodemailer from 'nodemailer';
import { ProviderError, type NotificationProvider } from '../provider.ts';

export interface SmtpOptions {
  id: string;
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  timeoutMs: number;
}

export function smtpProvider(o: SmtpOptions): NotificationProvider {
  const transport = nodemailer.createTransport({
    host: o.host,
    port: o.port,
    secure: o.secure,
    auth: o.user ? { user: o.user, pass: o.password } : undefined,
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
    tls: { rejectUnauthorized: o.secure },
  });
  return {
    id: o.id,
    type: 'smtp',
    channels: ['email'],
    async send(msg) {
      try {
        const info = await transport.sendMail({
          from: o.from,
          to: msg.address,
          subject: msg.subject,
          text: msg.body,
          headers: msg.incident ? { 'X-Klaxon-Incident': String(msg.incident.id) } : {},
        });
        return { providerId: info.messageId };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // No SMTP code means the connection failed; 4xx codes are transient, 5xx permanent.
        const retryable = code === undefined || code < 500;
        throw new ProviderError(`SMTP: ${(err as Error).message}`, { retryable, status: code });
      }
    },
  };
}
