/**
 * Lets routes declare zod schemas: Fastify validates with them at the edge, and @fastify/swagger turns
 * them into the OpenAPI document. One schema per payload, two uses.
 */
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { ApiError, type ErrorCode } from '../errors/errors.ts';
import { formatPath } from '@klaxon/config-file';

const PART_CODES: Record<string, ErrorCode> = {
  body: 'invalid_payload',
  querystring: 'invalid_query',
  params: 'invalid_params',
};

function isZod(schema: unknown): schema is z.ZodType {
  return schema instanceof z.ZodType;
}

/** Turns zod issues into the API's error details. */
export function zodDetails(error: z.ZodError, prefix = ''): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: [prefix, formatPath(issue.path)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));
}

export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (!isZod(schema)) throw new Error(`route schema for ${httpPart ?? '?'} must be a zod schema`);
  const code = PART_CODES[httpPart ?? 'body'] ?? 'invalid_payload';
  return (data: unknown) => {
    const result = safeParseHostile(schema, data);
    if (!result) {
      const where = httpPart === 'body' ? 'body' : (httpPart ?? 'input');
      return {
        error: new ApiError(
          code,
          `The ${where} holds a value of the wrong type that cannot be read as one (an object where a string or number belongs). ${hintFor(code)}`,
        ),
      };
    }
    if (result.success) return { value: result.data };
    const details = zodDetails(result.error, httpPart === 'body' ? 'body' : httpPart);
    const first = details[0];
    return {
      error: new ApiError(
        code,
        `${first ? `${first.path}: ${first.message}. ` : ''}${hintFor(code)}`,
        details,
      ),
    };
  };
};

function hintFor(code: ErrorCode): string {
  if (code === 'invalid_payload') return 'Fix the body to match the schema in /api/v1/openapi.json.';
  if (code === 'invalid_query') return 'Fix the query parameters; see /api/v1/openapi.json.';
  return 'Fix the request; see /api/v1/openapi.json.';
}

/** Converts a route's zod schemas to OpenAPI schemas for @fastify/swagger. */
export function zodToOpenApi({ schema, url }: { schema: FastifySchema; url: string }): {
  schema: Record<string, unknown>;
  url: string;
} {
  if (!schema) return { schema: {}, url };
  const out: Record<string, unknown> = {};
  for (const [part, value] of Object.entries(schema as Record<string, unknown>)) {
    if (part === 'response' && value && typeof value === 'object') {
      out.response = Object.fromEntries(
        Object.entries(value).map(([status, s]) => [status, isZod(s) ? toOpenApi(s, 'output') : s]),
      );
    } else out[part] = isZod(value) ? toOpenApi(value, 'input') : value;
  }
  return { schema: out, url };
}

function toOpenApi(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });
}

/**
 * `schema.safeParse`, for input that may be built to break the parser itself: an object posing as a
 * string (`{"length": {"valueOf": 1}}`) makes zod's length checks throw instead of report. Such input
 * is malformed, so it is answered like any other invalid value: null here, a 4xx at the caller.
 */
export function safeParseHostile<S extends z.ZodType>(
  schema: S,
  data: unknown,
): ReturnType<S['safeParse']> | null {
  try {
    return schema.safeParse(data) as ReturnType<S['safeParse']>;
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) return null;
    throw err;
  }
}
