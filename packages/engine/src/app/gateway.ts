/**
 * One listening socket for every config generation. Each request goes to the Fastify instance of the
 * generation that is current when it arrives and finishes there, so a reload never splits a request
 * between two configs; a kept-alive connection simply sends its next request to the new generation. A
 * generation that is replaced is closed once its requests have finished, which ends its live-feed
 * streams (`retry: 2000`, so browsers reconnect, to the new one). The socket's own limits (timeouts,
 * connection cap) are set once, at start, and need a restart to change.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createNodeServer, type HttpLimits } from '../http/server.ts';

type Listener = (...args: unknown[]) => void;

/** A long-lived server-sent event stream: it ends when its generation closes, not when it finishes. */
function isEventStream(req: IncomingMessage): boolean {
  return (
    (req.headers.accept ?? '').includes('text/event-stream') || req.url?.startsWith('/api/v1/stream') === true
  );
}

/** One generation's instance on the gateway, and the requests it is serving. */
export class GatewaySlot {
  readonly #inFlight = new Map<ServerResponse, boolean>();

  constructor(
    readonly app: FastifyInstance,
    /** What the instance attached to the shared socket (Fastify's clientError handler). */
    readonly listeners: readonly Listener[],
  ) {}

  /** Requests being served, event streams included. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  serve(req: IncomingMessage, res: ServerResponse): void {
    this.#inFlight.set(res, isEventStream(req));
    res.once('close', () => this.#inFlight.delete(res));
    this.app.routing(req, res);
  }

  /**
   * Resolves true once no request is in flight (event streams aside, unless `streams`), false when
   * `graceMs` passes first.
   */
  async settled(graceMs: number, streams = false): Promise<boolean> {
    const deadline = performance.now() + graceMs;
    const busy = () => [...this.#inFlight.values()].some((stream) => streams || !stream);
    while (busy()) {
      if (performance.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }
}

export class Gateway {
  readonly server: Server;
  #current: GatewaySlot | null = null;
  #closed: Promise<void> | null = null;

  readonly #scheme: 'http' | 'https';

  /** `tls`: serve HTTPS (the metrics port with `server.metrics.webConfigFile`). */
  constructor(limits: HttpLimits, tls?: HttpsServerOptions) {
    this.server = createNodeServer(limits, tls);
    this.#scheme = tls ? 'https' : 'http';
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const slot = this.#current;
      if (slot) return slot.serve(req, res);
      res.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
      res.end('{"error":{"code":"unavailable","message":"The engine is starting."}}');
    });
  }

  get current(): GatewaySlot | null {
    return this.#current;
  }

  /** What is attached to the socket now, so adopt() can tell what an instance built next adds. */
  mark(): ReadonlySet<unknown> {
    return new Set(this.server.listeners('clientError'));
  }

  /** Detaches what was attached to the socket since `marked` (an instance that failed to build). */
  release(marked: ReadonlySet<unknown>): void {
    for (const l of this.server.listeners('clientError'))
      if (!marked.has(l)) this.server.removeListener('clientError', l as Listener);
  }

  /** Readies `app`, built on this socket (createHttp's `server`) since `marked`, as a slot. */
  async adopt(app: FastifyInstance, marked: ReadonlySet<unknown>): Promise<GatewaySlot> {
    await app.ready();
    const added = this.server.listeners('clientError').filter((l) => !marked.has(l)) as Listener[];
    return new GatewaySlot(app, added);
  }

  /** Sends new requests to `slot` from now on; returns the slot it replaces. */
  activate(slot: GatewaySlot): GatewaySlot | null {
    const previous = this.#current;
    this.#current = slot;
    return previous;
  }

  /**
   * Closes a replaced slot once its requests have finished (or after `graceMs`); its event streams end
   * then. The socket stays open.
   */
  async retire(slot: GatewaySlot, graceMs: number): Promise<void> {
    if (slot === this.#current) throw new Error('cannot retire the current generation');
    await slot.settled(graceMs);
    for (const l of slot.listeners) this.server.removeListener('clientError', l);
    await slot.app.close();
  }

  /** Listens on `port` and `host`; resolves to the URL, as Fastify's listen() does. */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', reject);
        const a = this.server.address() as AddressInfo;
        const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
        resolve(`${this.#scheme}://${h}:${a.port}`);
      });
    });
  }

  /**
   * Stops accepting connections, answers 503 (Connection: close) to new requests on open ones, ends the
   * event streams, waits for the requests in flight (at most `graceMs`), then closes every connection.
   */
  close(graceMs = Infinity): Promise<void> {
    this.#closed ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      const slot = this.#current;
      if (slot) {
        // Fastify's close: 503 to new requests, event streams ended (preClose); the socket is ours.
        await slot.app.close();
        await slot.settled(graceMs, true);
      }
      this.server.closeAllConnections();
      await closed;
    })();
    return this.#closed;
  }
}
