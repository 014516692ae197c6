/**
 * Local fakes of the AWS APIs the exporters call, speaking their wire formats, so the tests run the real
 * SDK clients end to end: Bedrock Runtime (restJson1, `POST /model/{modelId}/converse`) and Cost
 * Explorer / Budgets (awsJson1_1, `POST /` with an `X-Amz-Target` header). Every request is recorded.
 * The Bedrock Runtime client talks HTTP/2 by default, so its fake is cleartext HTTP/2 (`{ http2: true }`).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createH2cServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** `X-Amz-Target` (awsJson1_1), if any. */
  target: string | undefined;
  body: unknown;
}

/** What the fake answers; `hang` never answers (the client must time out). */
export type FakeReply = { status: number; body: unknown; headers?: Record<string, string> } | 'hang';

export type FakeRoute = (req: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeAws {
  url: string;
  requests: RecordedRequest[];
  /** Requests whose `X-Amz-Target` ends with `.${operation}`, or whose path matches for REST calls. */
  calls(operation: string): RecordedRequest[];
  respond(route: FakeRoute): void;
  close(): Promise<void>;
}

/** Static credentials: the fake does not check signatures, the SDK still signs. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIAFAKEFAKEFAKE', secretAccessKey: 'fake-secret' };

/** The error shape both protocols use: the type in `x-amzn-errortype` and the body, a message. */
export function awsError(status: number, type: string, message: string): FakeReply {
  return {
    status,
    headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws/` },
    body: { __type: type, message },
  };
}

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

export async function startFakeAws(route: FakeRoute, opts: { http2?: boolean } = {}): Promise<FakeAws> {
  let current = route;
  const requests: RecordedRequest[] = [];
  const hanging = new Set<AnyResponse>();
  const sessions = new Set<{ destroy(): void }>();
  const onRequest = (req: AnyRequest, res: AnyResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'];
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        target: typeof target === 'string' ? target : undefined,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      requests.push(recorded);
      void Promise.resolve(current(recorded)).then((reply) => {
        if (reply === 'hang') {
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        }
        const contentType = recorded.target ? 'application/x-amz-json-1.1' : 'application/json';
        res.writeHead(reply.status, {
          'content-type': contentType,
          'x-amzn-requestid': `req-${requests.length}`,
          ...reply.headers,
        });
        res.end(JSON.stringify(reply.body));
      });
    });
  };
  const server = opts.http2 ? createH2cServer(onRequest) : createServer(onRequest);
  if (opts.http2) server.on('session', (s: { destroy(): void }) => sessions.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: (op) =>
      requests.filter((r) => (r.target ? r.target.endsWith(`.${op}`) : r.path.endsWith(`/${op}`))),
    respond(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) ('stream' in res ? res.stream : res).destroy();
        for (const session of sessions) session.destroy();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads one series' value from Prometheus text exposition; `undefined` when the series is absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = parseLabels(m[3] ?? '');
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/** Every series of `name`, as label sets with values, in exposition order. */
export function series(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (m && m[1] === name) out.push({ labels: parseLabels(m[3] ?? ''), value: Number(m[4]) });
  }
  return out;
}

function parseLabels(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    out[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  return out;
}
