/**
 * Proves an SNS message came from Amazon SNS: its SigningCertURL must be an https `.pem` on an SNS host
 * (checked before anything is fetched), the certificate is fetched once per URL with a short timeout
 * and cached, and the signature (version 1: SHA1withRSA, 2: SHA256withRSA) must verify over the string
 * SNS signs. Subscription confirmation visits the SubscribeURL under the same host rule.
 */
import { createVerify, X509Certificate } from 'node:crypto';
import { ApiError } from '../../errors/errors.ts';
import { stringToSign, type SnsMessage } from './message.ts';

/** The slice of `fetch` the verifier uses; tests pass a recording one. */
export type SnsFetch = (
  url: string,
  init: { signal: AbortSignal; redirect: 'error' },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface SnsVerifierOptions {
  /** Per request for a certificate or a SubscribeURL (default 5 s). */
  timeoutMs?: number;
  /** Certificates kept (default 64; SNS rotates them rarely). */
  maxCertificates?: number;
  /** Test seam: how URLs are fetched (default: global fetch). */
  fetch?: SnsFetch;
  /**
   * TEST ONLY: origins trusted besides the Amazon SNS hosts, e.g. `http://127.0.0.1:4567` serving a
   * test certificate. Only code can set this; neither the config file nor the environment reaches it.
   */
  trustedTestOrigins?: readonly string[];
}

// A Map: a SignatureVersion such as "toString" must find nothing, not Object.prototype's member.
const SIGNATURE_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['1', 'RSA-SHA1'],
  ['2', 'RSA-SHA256'],
]);
/** The pattern the AWS SDKs' SNS message validators use for the signing host. */
const SNS_HOST = /^sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;
const MAX_CERT_BYTES = 64 * 1024;

/** True when `raw` is an https URL on an Amazon SNS host, with no port or credentials. */
export function isSnsUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    SNS_HOST.test(url.hostname) &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

export class SnsVerifier {
  readonly #timeoutMs: number;
  readonly #maxCertificates: number;
  readonly #fetch: SnsFetch;
  readonly #trusted: ReadonlySet<string>;
  readonly #certificates = new Map<string, Promise<X509Certificate>>();

  constructor(opts: SnsVerifierOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#maxCertificates = opts.maxCertificates ?? 64;
    this.#fetch = opts.fetch ?? ((url, init) => fetch(url, init));
    this.#trusted = new Set((opts.trustedTestOrigins ?? []).map((o) => new URL(o).origin));
    Object.freeze(this);
  }

  /** Throws an ApiError unless `message` is signed by Amazon SNS. */
  async verify(message: SnsMessage): Promise<void> {
    const algorithm = SIGNATURE_ALGORITHMS.get(message.SignatureVersion);
    if (!algorithm) {
      throw new ApiError(
        'sns_signature_invalid',
        `SignatureVersion ${JSON.stringify(message.SignatureVersion)} is not supported; SNS uses 1 (SHA1withRSA) or 2 (SHA256withRSA).`,
      );
    }
    const certUrl = this.#allowed(message.SigningCertURL, (url) => url.pathname.endsWith('.pem'));
    if (!certUrl) {
      throw new ApiError(
        'sns_cert_host_refused',
        `SigningCertURL ${JSON.stringify(message.SigningCertURL.slice(0, 200))} is not an https .pem URL on an Amazon SNS host (sns.<region>.amazonaws.com); it was not fetched.`,
      );
    }
    const cert = await this.#certificate(certUrl);
    const valid =
      cert.publicKey.asymmetricKeyType === 'rsa' &&
      createVerify(algorithm)
        .update(stringToSign(message), 'utf8')
        .verify(cert.publicKey, message.Signature, 'base64');
    if (!valid) {
      throw new ApiError(
        'sns_signature_invalid',
        `The signature of SNS message ${message.MessageId} does not verify against ${certUrl}: the message was altered or not sent by Amazon SNS.`,
      );
    }
  }

  /**
   * Confirms a subscription by visiting its SubscribeURL, which must be an SNS ConfirmSubscription URL
   * for the message's topic. Returns the SubscriptionArn from SNS's answer when it has one.
   */
  async confirm(message: SnsMessage): Promise<string | null> {
    const raw = message.SubscribeURL ?? '';
    const url = this.#allowed(
      raw,
      (u) =>
        u.searchParams.get('Action') === 'ConfirmSubscription' &&
        u.searchParams.get('TopicArn') === message.TopicArn,
    );
    if (!url) {
      throw new ApiError(
        'sns_subscribe_url_refused',
        `SubscribeURL ${JSON.stringify(raw.slice(0, 200))} is not an https ConfirmSubscription URL on an Amazon SNS host for topic ${message.TopicArn}; it was not visited.`,
      );
    }
    const body = await this.#get(url, 'sns_confirmation_failed', 'confirming the subscription');
    return /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(body)?.[1] ?? null;
  }

  /** The parsed URL when it is on an SNS host (or a trusted test origin) and passes `check`. */
  #allowed(raw: string, check: (url: URL) => boolean): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return null;
    }
    const hostOk = this.#trusted.has(url.origin) || isSnsUrl(raw);
    return hostOk && check(url) ? url.href : null;
  }

  #certificate(url: string): Promise<X509Certificate> {
    let cert = this.#certificates.get(url);
    if (!cert) {
      cert = this.#download(url);
      this.#certificates.set(url, cert);
      // A failure is not cached: the next delivery tries again.
      cert.catch(() => this.#certificates.delete(url));
      if (this.#certificates.size > this.#maxCertificates) {
        this.#certificates.delete(this.#certificates.keys().next().value!);
      }
    }
    return cert;
  }

  async #download(url: string): Promise<X509Certificate> {
    const pem = await this.#get(url, 'sns_cert_unavailable', 'fetching the signing certificate');
    try {
      return new X509Certificate(pem);
    } catch {
      throw new ApiError('sns_cert_unavailable', `${url} did not return a PEM X.509 certificate.`);
    }
  }

  async #get(
    url: string,
    code: 'sns_cert_unavailable' | 'sns_confirmation_failed',
    what: string,
  ): Promise<string> {
    let status: number;
    let body: string;
    try {
      // Redirects are refused: they could lead off the SNS host that was checked.
      const res = await this.#fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs), redirect: 'error' });
      status = res.status;
      body = res.ok ? await res.text() : '';
      if (!res.ok) throw new Error(`HTTP ${status}`);
    } catch (err) {
      throw new ApiError(code, `${what} from ${url} failed (${(err as Error).message}); SNS retries.`);
    }
    if (body.length > MAX_CERT_BYTES && code === 'sns_cert_unavailable') {
      throw new ApiError(code, `${url} returned more than ${MAX_CERT_BYTES} bytes; not a certificate.`);
    }
    return body;
  }
}
