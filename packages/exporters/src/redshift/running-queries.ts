/**
 * Reads the queries running longer than a floor from Redshift's system tables, over the PostgreSQL wire
 * protocol. Two sources, the same row shape:
 * - `sys_query_history` (provisioned and Serverless): `status = 'running'`, the real `query_id`,
 *   `elapsed_time` in microseconds, the user's name from `pg_user`;
 * - `stv_recents` (provisioned only): `status = 'Running'`, `duration` in microseconds. It has no query id,
 *   so the process id stands in for it (it is what `CANCEL <pid>` takes).
 * Table names are unqualified, so they resolve through the search path (`pg_catalog` on Redshift).
 */
import { z } from 'zod';

export type RedshiftSource = 'sys_query_history' | 'stv_recents';
export const REDSHIFT_SOURCES: readonly RedshiftSource[] = ['sys_query_history', 'stv_recents'];

/** The slice of `pg.Pool` / `pg.Client` the exporter uses. */
export interface SqlClient {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface RunningQuery {
  queryId: string;
  pid: string;
  userName: string;
  database: string;
  seconds: number;
  text: string;
}

/** `$1` is the floor in microseconds, `$2` the most rows to return (longest first). */
export const RUNNING_QUERIES_SQL: Record<RedshiftSource, string> = {
  sys_query_history: `
select q.query_id as query_id, q.session_id as pid,
       coalesce(trim(u.usename), cast(q.user_id as varchar)) as user_name,
       trim(q.database_name) as database, q.elapsed_time as duration_us, q.query_text as query_text
from sys_query_history q
left join pg_user u on u.usesysid = q.user_id
where trim(q.status) = 'running' and q.elapsed_time >= $1
order by q.elapsed_time desc
limit $2`,
  stv_recents: `
select r.pid as query_id, r.pid as pid, trim(r.user_name) as user_name, trim(r.db_name) as database,
       r.duration as duration_us, r.query as query_text
from stv_recents r
where trim(r.status) = 'Running' and r.duration >= $1
order by r.duration desc
limit $2`,
};

const text = z.union([z.string(), z.number(), z.bigint()]).transform(String);
const Row = z.object({
  query_id: text,
  pid: text.nullable(),
  user_name: z.string().nullable(),
  database: z.string().nullable(),
  duration_us: z.union([z.string(), z.number(), z.bigint()]).transform(Number).pipe(z.number().finite()),
  query_text: z.string().nullable(),
});

export async function readRunningQueries(
  db: SqlClient,
  source: RedshiftSource,
  floorSeconds: number,
  limit: number,
): Promise<RunningQuery[]> {
  const { rows } = await db.query(RUNNING_QUERIES_SQL[source], [Math.round(floorSeconds * 1e6), limit]);
  return rows.map((raw) => {
    const row = Row.parse(raw);
    return {
      queryId: row.query_id.trim(),
      pid: (row.pid ?? '').trim(),
      userName: row.user_name?.trim() || 'unknown',
      database: row.database?.trim() || 'unknown',
      seconds: row.duration_us / 1e6,
      text: row.query_text ?? '',
    };
  });
}
