/**
 * The config layer's own slice of the config file: `server`, the engine's public URL, feed signing, where
 * it listens, its request limits and timeouts, the proxies it trusts, HSTS, and who may read /metrics on
 * which port. It lives here, not in http/ (which applies it), because config/ sits below http/ and may not
 * import it; domains that need the public URL declare a structural `{ server: { publicUrl?: string } }`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** proxy-addr's names for address ranges, accepted in `trustedProxies`. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address, an address/prefix CIDR range, or one of PROXY_RANGES. */
export function isProxyAddress(value: string): boolean {
  if (PROXY_RANGES.has(value)) return true;
  const [address, bits, ...rest] = value.split('/');
  const version = isIP(address ?? '');
  if (rest.length > 0 || version === 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

const seconds = (max: number) => z.number().positive().max(max);

const metricsSchema = z
  .strictObject({
    public: z
      .boolean()
      .default(false)
      .describe(
        'Serve /metrics without a credential. Default false: it needs Authorization: Bearer with an API token or the scrape token.',
      ),
    token: z
      .string()
      .min(16, 'use at least 16 characters; generate one with `openssl rand -hex 24`')
      .optional()
      .describe('A token only for scraping /metrics (Authorization: Bearer). Use ${ENV}.'),
    tokenFile: z
      .string()
      .min(1)
      .optional()
      .describe('A file holding the scrape token (e.g. a mounted Kubernetes Secret); read at start.'),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe(
        'Serve GET /metrics on this port of the same address, and not on the main port, so a NetworkPolicy or firewall can admit scrapers by port. Default: the main port.',
      ),
    webConfigFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Prometheus's web configuration file (web.yml) for the metrics port: HTTPS and client certificates (tls_server_config), and basic_auth_users beside the bearer tokens. Needs port. TLS is set up at start (a change needs a restart); basic_auth_users are read again at each reload.",
      ),
  })
  .refine((m) => !(m.token && m.tokenFile), {
    message: 'set token or tokenFile, not both',
    path: ['tokenFile'],
  })
  .refine((m) => !m.webConfigFile || m.port !== undefined, {
    message:
      'webConfigFile applies to the metrics listener of its own: set server.metrics.port too (e.g. 9464)',
    path: ['webConfigFile'],
  })
  .default({ public: false })
  .describe('Who may read GET /metrics.');

export const serverSchema = z
  .strictObject({
    publicUrl: z.url().optional().describe("The engine's own public URL, used in links."),
    feedSecret: z
      .string()
      .min(16, 'use at least 16 characters; generate one with `openssl rand -hex 24`')
      .optional()
      .describe('Signs subscribable iCal feed URLs (calendar apps cannot send an API token).'),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    host: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Address to listen on. Default 127.0.0.1 (this machine only); 0.0.0.0 or :: in a container or on Kubernetes. `klaxon serve --host` overrides it.',
      ),
    requestTimeoutSeconds: seconds(3600)
      .default(30)
      .describe(
        'A request whose headers and body have not all arrived this long after it began is closed (408).',
      ),
    headersTimeoutSeconds: seconds(3600)
      .default(10)
      .describe(
        'A request whose headers have not all arrived this long after it began is closed; at most requestTimeoutSeconds.',
      ),
    keepAliveTimeoutSeconds: seconds(3600)
      .default(72)
      .describe(
        'An idle keep-alive connection is closed after this long; keep it above your load balancer’s idle timeout.',
      ),
    idleTimeoutSeconds: seconds(86_400)
      .default(60)
      .describe(
        'A connection on which nothing is sent or received for this long is closed (the live feed pings every 15 s).',
      ),
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(1024)
      .describe('Open connections at most; further ones are closed at once until one ends.'),
    trustedProxies: z
      .array(
        z
          .string()
          .refine(
            isProxyAddress,
            'use an IP address, a CIDR range such as 10.0.0.0/8, or loopback, linklocal or uniquelocal',
          ),
      )
      .default([])
      .describe(
        'Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or CIDR ranges). Default: none.',
      ),
    hsts: z
      .boolean()
      .optional()
      .describe(
        'Strict-Transport-Security: absent, sent on requests that came over HTTPS (directly, or per a trusted proxy); true, always; false, never.',
      ),
    metrics: metricsSchema,
    shutdownTimeoutSeconds: seconds(3600)
      .default(25)
      .describe(
        'On SIGTERM or SIGINT, in-flight requests, the engine cycle and provider calls get this long to finish; past it the process logs what it abandoned and exits 1. Keep it below Kubernetes’ terminationGracePeriodSeconds (30).',
      ),
    shutdownDelaySeconds: z
      .number()
      .min(0)
      .max(300)
      .default(0)
      .describe(
        'On SIGTERM, /readyz answers 503 for this long while requests are still served, so a load balancer (a Kubernetes Service) stops sending before the socket closes; counted in shutdownTimeoutSeconds. 5 is a good value behind a load balancer.',
      ),
  })
  .superRefine((s, ctx) => {
    if (s.headersTimeoutSeconds > s.requestTimeoutSeconds)
      ctx.addIssue({
        code: 'custom',
        path: ['headersTimeoutSeconds'],
        message: `must be at most requestTimeoutSeconds (${s.requestTimeoutSeconds})`,
      });
    if (s.shutdownDelaySeconds >= s.shutdownTimeoutSeconds)
      ctx.addIssue({
        code: 'custom',
        path: ['shutdownDelaySeconds'],
        message: `must be less than shutdownTimeoutSeconds (${s.shutdownTimeoutSeconds})`,
      });
  })
  .default({
    bodyLimitBytes: 1024 * 1024,
    requestTimeoutSeconds: 30,
    headersTimeoutSeconds: 10,
    keepAliveTimeoutSeconds: 72,
    idleTimeoutSeconds: 60,
    maxConnections: 1024,
    trustedProxies: [],
    metrics: { public: false },
    shutdownTimeoutSeconds: 25,
    shutdownDelaySeconds: 0,
  });

export type ServerConfig = z.output<typeof serverSchema>;
