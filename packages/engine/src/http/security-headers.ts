/**
 * Helmet's security headers, worked out once. @fastify/helmet runs helmet's middleware, which parses its
 * options (the CSP directives included) again on every request: about 5% of an ingest request's CPU in
 * the profile. The headers depend only on the options, so they are read off one request through helmet
 * at start-up and then set on every response the way helmet sets them (on the raw response, so that a
 * hijacked reply such as the live feed keeps them too).
 */
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';

/** The headers helmet adds with `options`, by probing a throwaway server with and without it. */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<[string, string][]> {
  const probe = async (withHelmet: boolean) => {
    const app = Fastify();
    if (withHelmet) await app.register(helmet, options);
    app.get('/', () => '');
    const res = await app.inject('/');
    await app.close();
    return res.headers;
  };
  const plain = await probe(false);
  const secured = await probe(true);
  return Object.entries(secured).flatMap(([name, value]) =>
    name in plain || value === undefined ? [] : [[name, String(value)] as [string, string]],
  );
}
