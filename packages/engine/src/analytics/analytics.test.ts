import { describe, expect, it } from 'vitest';
import { amPayload, auth, buildTestApp, KEYS, TOKENS } from '@klaxon/testing';
import { isOffHours } from '../org/hours.ts';

const MIN = 60_000;

describe('analytics', () => {
  it('reports MTTA, MTTR, noise, off-hours pages and T1 acks within 5 min, by tier and service, in the API and /metrics', async () => {
    const t = await buildTestApp('sqlite', { start: '2026-03-30T09:00:00Z' }); // Monday
    try {
      const fire = async (fingerprint: string, labels: Record<string, string>, n = 1) => {
        const alerts = Array.from({ length: n }, (_, i) => ({
          labels: { ...labels, i: String(i) },
          fingerprint: `${fingerprint}-${i}`,
        }));
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/ingest/alertmanager',
          headers: auth(KEYS.alertmanager),
          payload: amPayload(alerts, fingerprint),
        });
        return res.json().results[0].incidentId as number;
      };
      const act = (id: number, verb: string) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/incidents/${id}/${verb}`,
          headers: auth(TOKENS.responder),
        });
      const a = await fire('a', { alertname: 'A', service: 'kafka', tier: 'T1' }, 3);
      const b = await fire('b', { alertname: 'B', service: 'game-api', tier: 'T1' });
      await fire('c', { alertname: 'C', service: 'kafka', tier: 'T2' }, 2);
      t.clock.advance(3 * MIN);
      await act(a, 'acknowledge');
      t.clock.advance(4 * MIN);
      await act(b, 'acknowledge');
      t.clock.advance(13 * MIN);
      await act(a, 'resolve');
      // Two pages sent: one at 10:00 London on a Monday, one at 03:00 London.
      const page = (id: number, at: string) =>
        t.store.db
          .insertInto('notifications')
          .values({
            incident_id: id,
            kind: 'page',
            user_id: 'alice',
            channel: 'sms',
            address: '+1',
            urgency: 'high',
            step_index: 0,
            due_at: Date.parse(at),
            status: 'sent',
            sent_at: Date.parse(at),
            created_at: Date.parse(at),
            updated_at: Date.parse(at),
          })
          .execute();
      await page(a, '2026-03-30T09:00:00Z');
      await page(b, '2026-03-30T02:00:00Z');

      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/analytics?from=2026-03-30T00:00:00Z&to=2026-03-31T00:00:00Z',
        headers: auth(TOKENS.viewer),
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total).toEqual({
        incidents: 3,
        alertsReceived: 6,
        pagesSent: 2,
        noiseRatio: 3,
        mttaSeconds: 300,
        mttrSeconds: 1200,
        t1AckedWithin5m: 0.5,
      });
      expect(body.byTier.T1).toMatchObject({
        incidents: 2,
        alertsReceived: 4,
        pagesSent: 2,
        mttaSeconds: 300,
        t1AckedWithin5m: 0.5,
      });
      expect(body.byTier.T2).toMatchObject({
        incidents: 1,
        alertsReceived: 2,
        pagesSent: 0,
        noiseRatio: null,
        mttaSeconds: null,
      });
      expect(body.byService.kafka).toMatchObject({ incidents: 2, alertsReceived: 5, mttrSeconds: 1200 });
      expect(body.offHoursPages).toEqual([{ user: 'alice', pages: 1 }]);
      // 2026-03-30 is a Monday: one ISO week, both pages T1.
      expect(body.pagesPerWeek).toEqual([{ weekStart: '2026-03-30', T1: 2, T2: 0, T3: 0 }]);
      const month = await t.app.inject({
        method: 'GET',
        url: '/api/v1/analytics?from=2026-03-15T00:00:00Z&to=2026-04-01T00:00:00Z',
        headers: auth(TOKENS.viewer),
      });
      expect(month.json().pagesPerWeek.map((w: { weekStart: string }) => w.weekStart)).toEqual([
        '2026-03-09',
        '2026-03-16',
        '2026-03-23',
        '2026-03-30',
      ]);
      const bad = await t.app.inject({
        method: 'GET',
        url: '/api/v1/analytics?from=2026-03-31T00:00:00Z&to=2026-03-30T00:00:00Z',
        headers: auth(TOKENS.viewer),
      });
      expect(bad.json().error.code).toBe('invalid_query');

      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: auth(TOKENS.viewer) }))
        .body;
      expect(metrics).toContain('klaxon_oncall_mtta_seconds{tier="T1"} 300');
      expect(metrics).toContain('klaxon_oncall_t1_acked_within_5m_ratio 0.5');
      expect(metrics).toContain('klaxon_oncall_offhours_pages{user="alice"} 1');
      expect(metrics).toContain('klaxon_oncall_noise_ratio{tier="T1"} 2');
    } finally {
      await t.close();
    }
  });

  it('counts off hours in the person’s own zone', () => {
    expect(isOffHours(Date.parse('2026-03-30T16:30:00Z'), { timezone: 'Europe/London' })).toBe(false); // Monday 17:30 BST
    expect(isOffHours(Date.parse('2026-03-30T17:30:00Z'), { timezone: 'Europe/London' })).toBe(true); // 18:30 BST
    expect(isOffHours(Date.parse('2026-04-04T12:00:00Z'), { timezone: 'Europe/London' })).toBe(true); // Saturday
    expect(isOffHours(Date.parse('2026-03-30T04:00:00Z'), { timezone: 'Asia/Kolkata' })).toBe(false); // 09:30 IST
  });

  it('counts off hours by a person’s own working hours when the config gives them', () => {
    const sundayToMonday = {
      timezone: 'America/New_York',
      workingHours: { days: ['sunday' as const, 'monday' as const], start: '12:00', end: '20:00' },
    };
    expect(isOffHours(Date.parse('2026-03-29T17:00:00Z'), sundayToMonday)).toBe(false); // Sunday 13:00 EDT
    expect(isOffHours(Date.parse('2026-03-30T15:30:00Z'), sundayToMonday)).toBe(true); // Monday 11:30: before 12:00
    expect(isOffHours(Date.parse('2026-03-31T17:00:00Z'), sundayToMonday)).toBe(true); // Tuesday 13:00
    expect(isOffHours(Date.parse('2026-03-31T00:30:00Z'), sundayToMonday)).toBe(true); // Monday 20:30: after 20:00
    expect(isOffHours(Date.parse('2026-03-30T18:00:00Z'), sundayToMonday)).toBe(false); // Monday 14:00 EDT
  });
});
