/**
 * A local fake of the Bedrock Runtime HTTP API, enough for the real `BedrockRuntimeClient`: Converse (JSON),
 * ConverseStream and InvokeModelWithResponseStream (AWS event-stream binary frames) and InvokeModel, with
 * scripted successes, throttles and errors in the shapes Bedrock and the model providers send them.
 * It speaks cleartext HTTP/2, as the client's default request handler does.
 */
import { createServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

export type FakeOperation = 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream';

export interface FakeRequest {
  operation: FakeOperation;
  modelId: string;
  body: unknown;
}

/** One event-stream frame: an event (`messageStart`, `contentBlockDelta`, …) or an in-stream exception. */
export interface FakeEvent {
  type: string;
  payload: unknown;
  exception?: boolean;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  events?: FakeEvent[];
}

export interface FakeBedrock {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** Encodes one message of the `application/vnd.amazon.eventstream` framing (string headers only). */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const headerBytes = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const n = Buffer.from(name, 'utf8');
      const v = Buffer.from(value, 'utf8');
      const head = Buffer.alloc(1 + n.length + 1 + 2);
      head.writeUInt8(n.length, 0);
      n.copy(head, 1);
      head.writeUInt8(7, 1 + n.length); // 7 = string
      head.writeUInt16BE(v.length, 2 + n.length);
      return Buffer.concat([head, v]);
    }),
  );
  const total = 12 + headerBytes.length + payload.length + 4;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const body = Buffer.concat([prelude, headerBytes, payload]);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([body, trailer]);
}

function frame(event: FakeEvent): Buffer {
  const payload = Buffer.from(JSON.stringify(event.payload), 'utf8');
  const headers: Record<string, string> = event.exception
    ? { ':message-type': 'exception', ':exception-type': event.type, ':content-type': 'application/json' }
    : { ':message-type': 'event', ':event-type': event.type, ':content-type': 'application/json' };
  return encodeEventStreamMessage(headers, payload);
}

const ROUTE = /^\/model\/([^/]+)\/(converse-stream|converse|invoke-with-response-stream|invoke)$/;

async function readBody(req: Http2ServerRequest): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function send(res: Http2ServerResponse, reply: FakeReply): void {
  const status = reply.status ?? 200;
  if (reply.events && status === 200) {
    res.writeHead(status, { 'content-type': 'application/vnd.amazon.eventstream', ...reply.headers });
    for (const e of reply.events) res.write(frame(e));
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(reply.json ?? {}));
}

/** Starts the fake on 127.0.0.1; `answer` decides each reply. */
export async function startFakeBedrock(answer: (req: FakeRequest) => FakeReply): Promise<FakeBedrock> {
  const requests: FakeRequest[] = [];
  const server = createServer((req, res) => {
    const m = ROUTE.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res.writeHead(404, { 'x-amzn-errortype': 'UnknownOperationException' }).end('{}');
      return;
    }
    void readBody(req).then((body) => {
      const request = { operation: m[2] as FakeOperation, modelId: decodeURIComponent(m[1]!), body };
      requests.push(request);
      send(res, answer(request));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

// Canned replies, in the shapes Bedrock sends them.

export function converseOk(inputTokens: number, outputTokens: number, latencyMs = 100): FakeReply {
  return {
    json: {
      output: { message: { role: 'assistant', content: [{ text: 'Once upon a time' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs },
    },
  };
}

export function converseStreamOk(texts: string[], inputTokens: number, outputTokens: number): FakeReply {
  return {
    events: [
      { type: 'messageStart', payload: { role: 'assistant' } },
      ...texts.map((text) => ({
        type: 'contentBlockDelta',
        payload: { contentBlockIndex: 0, delta: { text } },
      })),
      { type: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
      { type: 'messageStop', payload: { stopReason: 'end_turn' } },
      {
        type: 'metadata',
        payload: {
          usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
          metrics: { latencyMs: 321 },
        },
      },
    ],
  };
}

/** InvokeModelWithResponseStream: each object becomes a `chunk` event whose `bytes` is its JSON (base64 on the wire). */
export function invokeStreamOk(chunks: unknown[]): FakeReply {
  return {
    events: chunks.map((c) => ({
      type: 'chunk',
      payload: { bytes: Buffer.from(JSON.stringify(c), 'utf8').toString('base64') },
    })),
  };
}

/** A Bedrock error reply: `type` in `x-amzn-errortype`, `message` in the body. */
export function bedrockError(status: number, type: string, message: string): FakeReply {
  return { status, headers: { 'x-amzn-errortype': type }, json: { message } };
}

/** The account's on-demand quota for the model is used up. */
export function quotaExceeded(): FakeReply {
  return bedrockError(
    400,
    'ServiceQuotaExceededException',
    'Your request exceeds the service quota for your account. You can view your quotas at https://docs.aws.amazon.com/servicequotas/latest/userguide/gs-request-quota.html.',
  );
}

/** A spend cap reported as a 400 (Anthropic's wording, as gateways pass it through Bedrock-compatible APIs). */
export function spendCapReached(): FakeReply {
  return bedrockError(
    400,
    'ValidationException',
    'You have reached your specified API usage limits. You will regain access on 2026-01-01 at 00:00 UTC.',
  );
}

/** The model did not answer in time (HTTP 408). */
export function modelTimeout(): FakeReply {
  return bedrockError(408, 'ModelTimeoutException', 'Model has timed out in processing the request.');
}

export function throttled(): FakeReply {
  return {
    status: 429,
    headers: {
      'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    },
    json: { message: 'Too many requests, please wait before trying again.' },
  };
}

export function validationError(): FakeReply {
  return {
    status: 400,
    headers: { 'x-amzn-errortype': 'ValidationException' },
    json: { message: 'The provided model identifier is invalid.' },
  };
}

export function serverError(): FakeReply {
  return {
    status: 500,
    headers: { 'x-amzn-errortype': 'InternalServerException' },
    json: { message: 'Internal server error' },
  };
}
