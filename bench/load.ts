/**
 * A closed-loop HTTP load generator: `connections` workers each send their next request as soon as the
 * previous one is answered, for a fixed time. Reports requests/s and latency percentiles.
 */
import { Pool } from 'undici';

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  durationMs: number;
  warmupMs: number;
  headers?: Record<string, string>;
  /** Builds the n-th request body. */
  body: (n: number) => string;
  /** Status codes that count as success. */
  ok: (status: number) => boolean;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(o.url, { connections: o.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  let n = 0;
  let measuring = false;
  let stop = false;
  let errors = 0;
  const latencies: number[] = [];
  const headers = { 'content-type': 'application/json', ...o.headers };
  const worker = async () => {
    while (!stop) {
      const body = o.body(n++);
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path: o.path, headers, body });
        await res.body.dump();
        if (measuring) {
          latencies.push(performance.now() - t0);
          if (!o.ok(res.statusCode)) errors++;
        }
      } catch {
        if (measuring) errors++;
      }
    }
  };
  const workers = Array.from({ length: o.connections }, worker);
  await new Promise((r) => setTimeout(r, o.warmupMs));
  measuring = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, o.durationMs));
  measuring = false;
  const seconds = (performance.now() - start) / 1000;
  stop = true;
  await Promise.all(workers);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    max: latencies[latencies.length - 1] ?? NaN,
  };
}
