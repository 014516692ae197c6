/**
 * The HTTP floor of the ingest bench (issue 22): a Fastify server, the engine's version and defaults,
 * whose `POST /v2/enqueue` parses the event and answers 202 as Klaxon does, with no validation, no
 * storage and no incident logic. What it serves is the most any single Node process answering over
 * Fastify can serve on this machine under the same load generator, whatever Klaxon does after parsing.
 * `node --import tsx bench/http-floor.ts <port>` prints "ready" once listening.
 */
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const app = Fastify({ logger: false, bodyLimit: 1_048_576 });
app.post('/v2/enqueue', (req, reply) => {
  const body = req.body as { dedup_key?: unknown } | null;
  void reply.code(202).send({
    status: 'success',
    message: 'Event processed',
    dedup_key: typeof body?.dedup_key === 'string' ? body.dedup_key : null,
  });
});
await app.listen({ port, host: '127.0.0.1' });
console.log('ready');
