/**
 * The Redshift exporter against real PostgreSQL. A fresh database holds `stv_recents` and
 * `sys_query_history` tables in a schema on the search path, standing in for Redshift's system views.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sample, series } from '../../test/fake-aws.ts';
import { MemoryLogger } from '../shared/logger.ts';
import { ManualTime } from '../shared/time.ts';
import { createRedshiftPool, RedshiftExporter } from './exporter.ts';
import type { RedshiftSource } from './running-queries.ts';

const adminUrl = inject('pgUrl');
const suffix = randomBytes(5).toString('hex');
const dbName = `klaxon_rs_${suffix}`;
const etlRole = `etl_${suffix}`;
let dbUrl = '';
let owner: pg.Client;

const MIN = 60_000_000; // microseconds

const SCHEMA = `
create schema redshift_sim;
set search_path = redshift_sim;
create table stv_recents (
  userid integer, status character(20), starttime timestamp, duration bigint,
  user_name character(50), db_name character(50), query character(600), pid integer);
create table sys_query_history (
  user_id integer, query_id bigint, transaction_id bigint, session_id integer, database_name character(128),
  query_type character(32), status character(10), start_time timestamp, end_time timestamp,
  elapsed_time bigint, query_text character varying(4000));
`;

const LONG_TEXT = `SELECT   player_id,\n\tsum(spend)\nFROM   game.purchases WHERE email = 'bob@example.com' AND region = 'eu' GROUP BY 1 ORDER BY 2 DESC`;

async function seed(db: pg.Client, etlId: number) {
  await db.query(
    `
    insert into redshift_sim.stv_recents (userid, status, starttime, duration, user_name, db_name, query, pid) values
      (100, 'Running', now(), ${10 * MIN}, 'etl', 'game', $1, 30001),
      (101, 'Running', now(), ${2 * MIN}, 'analyst', 'game', 'select count(*) from game.sessions', 30002),
      (101, 'Running', now(), 5000000, 'analyst', 'game', 'select 1', 30003),
      (102, 'Done', now(), ${30 * MIN}, 'bi', 'game', 'select * from done', 30004)`,
    [LONG_TEXT],
  );
  await db.query(
    `
    insert into redshift_sim.sys_query_history
      (user_id, query_id, session_id, database_name, status, start_time, elapsed_time, query_text) values
      ($1, 4242, 30001, 'game', 'running', now(), ${10 * MIN}, $2),
      (424242, 4243, 30002, 'game', 'running', now(), ${2 * MIN}, 'select count(*) from game.sessions'),
      ($1, 4244, 30003, 'game', 'running', now(), 5000000, 'select 1'),
      ($1, 4245, 30004, 'game', 'success', now(), ${30 * MIN}, 'select * from done'),
      ($1, 4246, 30005, 'game', 'failed', now(), ${30 * MIN}, 'select * from failed')`,
    [etlId, LONG_TEXT],
  );
}

describe.skipIf(!adminUrl)('Redshift running-query exporter (real PostgreSQL)', () => {
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl! });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.query(`alter database ${dbName} set search_path = redshift_sim, public`);
    await admin.query(`create role ${etlRole} login`);
    const { rows } = await admin.query<{ oid: number }>(
      `select oid::int as oid from pg_roles where rolname = $1`,
      [etlRole],
    );
    await admin.end();
    const url = new URL(adminUrl!);
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
    owner = new pg.Client({ connectionString: dbUrl });
    await owner.connect();
    await owner.query(SCHEMA);
    await seed(owner, rows[0]!.oid);
  });

  afterAll(async () => {
    if (!adminUrl) return;
    await owner.end();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.query(`drop role if exists ${etlRole}`);
    await admin.end();
  });

  function exporterFor(source: RedshiftSource, extra: { floorSeconds?: number } = {}) {
    const time = new ManualTime('2026-03-28T02:00:00Z');
    const logger = new MemoryLogger();
    const db = createRedshiftPool(dbUrl, { logger });
    const exporter = new RedshiftExporter({ db, cluster: 'analytics-prod', source, time, logger, ...extra });
    return { time, logger, db, exporter, metrics: () => exporter.registry.metrics() };
  }

  it('sys_query_history: exports only running queries past the floor, with their user, database and text', async () => {
    const { exporter, metrics, db } = exporterFor('sys_query_history');
    try {
      const queries = await exporter.collect();
      expect(queries?.map((q) => q.queryId)).toEqual(['4242', '4243']);
      const text = await metrics();
      expect(series(text, 'redshift_running_query_seconds')).toEqual([
        {
          labels: { cluster: 'analytics-prod', query_id: '4242', user_name: etlRole, database: 'game' },
          value: 600,
        },
        {
          labels: { cluster: 'analytics-prod', query_id: '4243', user_name: '424242', database: 'game' },
          value: 120,
        },
      ]);
      expect(series(text, 'redshift_running_query_info')).toEqual([
        {
          labels: {
            cluster: 'analytics-prod',
            query_id: '4242',
            pid: '30001',
            query_text: "SELECT player_id, sum(spend) FROM game.purchases WHERE email = '?' AND region =…",
          },
          value: 1,
        },
        {
          labels: {
            cluster: 'analytics-prod',
            query_id: '4243',
            pid: '30002',
            query_text: 'select count(*) from game.sessions',
          },
          value: 1,
        },
      ]);
      expect(
        sample(text, 'klaxon_exporter_refresh_timestamp_seconds', {
          exporter: 'redshift',
          source: 'sys_query_history',
        }),
      ).toBe(Date.parse('2026-03-28T02:00:00Z') / 1000);
    } finally {
      await db.end();
    }
  });

  it('stv_recents: the pid stands in for the query id; the floor is configurable', async () => {
    const { exporter, metrics, db } = exporterFor('stv_recents', { floorSeconds: 300 });
    try {
      await exporter.collect();
      const text = await metrics();
      expect(series(text, 'redshift_running_query_seconds')).toEqual([
        {
          labels: { cluster: 'analytics-prod', query_id: '30001', user_name: 'etl', database: 'game' },
          value: 600,
        },
      ]);
      expect(series(text, 'redshift_running_query_info').map((s) => s.labels.query_text)).toEqual([
        "SELECT player_id, sum(spend) FROM game.purchases WHERE email = '?' AND region =…",
      ]);
    } finally {
      await db.end();
    }
  });

  it('drops finished queries at the next collection, adds new ones, and keeps the set when the database fails', async () => {
    const { exporter, metrics, db, time, logger } = exporterFor('sys_query_history');
    try {
      exporter.start();
      await exporter.idle();
      expect(series(await metrics(), 'redshift_running_query_seconds').map((s) => s.labels.query_id)).toEqual(
        ['4242', '4243'],
      );

      await owner.query(`update redshift_sim.sys_query_history set status = 'success' where query_id = 4242`);
      await owner.query(
        `update redshift_sim.sys_query_history set elapsed_time = ${3 * MIN} where query_id = 4243`,
      );
      await owner.query(
        `update redshift_sim.sys_query_history set elapsed_time = ${MIN} where query_id = 4244`,
      );
      time.advance(30_000);
      await exporter.idle();
      let text = await metrics();
      expect(series(text, 'redshift_running_query_seconds').map((s) => [s.labels.query_id, s.value])).toEqual(
        [
          ['4243', 180],
          ['4244', 60],
        ],
      );
      expect(series(text, 'redshift_running_query_info').map((s) => s.labels.query_id)).toEqual([
        '4243',
        '4244',
      ]);

      await owner.query(`alter table redshift_sim.sys_query_history rename to sys_query_history_gone`);
      time.advance(30_000);
      await exporter.idle();
      text = await metrics();
      expect(series(text, 'redshift_running_query_seconds').map((s) => s.labels.query_id)).toEqual([
        '4243',
        '4244',
      ]);
      expect(
        sample(text, 'klaxon_exporter_refresh_errors_total', {
          exporter: 'redshift',
          source: 'sys_query_history',
        }),
      ).toBe(1);
      expect(logger.entries.at(-1)).toMatchObject({
        level: 'warn',
        message: 'reading running queries failed',
        fields: { code: '42P01', message: 'relation "sys_query_history" does not exist' },
      });
      await owner.query(`alter table redshift_sim.sys_query_history_gone rename to sys_query_history`);
    } finally {
      exporter.stop();
      await db.end();
    }
  });
});
