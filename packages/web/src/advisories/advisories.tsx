/**
 * The Advisories page (issue 23): the T3 incidents of the person's teams waiting for a review, newest
 * first. Filters live in the URL, so the daily digest's deep links (`/advisories?team=..&service=..
 * &alert=..`) open it filtered. Select many (click, Shift+click, all shown, or the keys) and review,
 * dismiss as noise or promote them at once; viewers see the list without the actions.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, messageOf } from '../api.ts';
import type { Advisory, ReviewAction, ReviewRequest } from '../api.ts';
import { useCan, useMe } from '../app/session.tsx';
import { useReconnects } from '../app/stream.tsx';
import { useUsers } from '../oncall/people.ts';
import { ErrorBanner, Loading, PageHeader } from '../ui/components.tsx';
import { ActionBar, DecisionDialog, Failures, KeysHelp } from './actions.tsx';
import { refreshUnreviewed, setUnreviewed } from './count.tsx';
import { FilterForm } from './filters.tsx';
import {
  applyDecisions,
  commandOf,
  keepShown,
  QUERY_KEYS,
  queryFrom,
  selectRange,
  toggle,
  toggleAll,
} from './selection.ts';
import type { AdvisoryQuery } from './selection.ts';
import { AdvisoryTable } from './table.tsx';
import './advisories.css';

interface ListState {
  key: string;
  advisories: Advisory[];
  unreviewed: number;
  nextBefore: number | null;
}

/** The engine takes at most this many ids in one review request; more are sent in several. */
const BATCH = 100;

export function AdvisoriesPage() {
  const [params, setParams] = useSearchParams();
  const q = queryFrom(params);
  const key = QUERY_KEYS.map((k) => q[k]).join('|');
  const me = useMe();
  const canAct = useCan('responder');
  const { nameOf } = useUsers();
  const [list, setList] = useState<ListState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [current, setCurrent] = useState(0);
  const [dialog, setDialog] = useState<ReviewAction | null>(null);
  const [help, setHelp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState<{ incidentId: number; message: string }[]>([]);
  const [done, setDone] = useState<string | null>(null);

  const reconnects = useReconnects();
  const load = useCallback((query: AdvisoryQuery, signal?: AbortSignal) => {
    return api.advisories(
      {
        state: query.state,
        ...(query.team ? { team: query.team } : {}),
        ...(query.service ? { service: query.service } : {}),
        ...(query.alert ? { alert: query.alert } : {}),
      },
      signal,
    );
  }, []);

  useEffect(() => {
    const ctrl = new AbortController();
    setError(null);
    load(q, ctrl.signal).then(
      (page) => {
        setList({ key, ...page });
        if (!q.team && !q.service && !q.alert) setUnreviewed(page.unreviewed);
        setSelected(new Set());
        setAnchor(null);
        setCurrent(0);
      },
      (err: unknown) => {
        if (!ctrl.signal.aborted) setError(messageOf(err));
      },
    );
    return () => ctrl.abort();
    // `q` is what `key` spells out.
  }, [key, reconnects, load]);

  const shown = list && list.key === key ? list.advisories : null;
  const ids = useMemo(() => (shown ?? []).map((a) => a.incidentId), [shown]);

  const loadMore = () => {
    if (!list?.nextBefore) return;
    setLoadingMore(true);
    api
      .advisories({
        state: q.state,
        before: list.nextBefore,
        ...(q.team ? { team: q.team } : {}),
        ...(q.service ? { service: q.service } : {}),
        ...(q.alert ? { alert: q.alert } : {}),
      })
      .then(
        (page) => {
          setList((cur) => {
            if (!cur) return cur;
            const have = new Set(cur.advisories.map((a) => a.incidentId));
            return {
              ...cur,
              advisories: [...cur.advisories, ...page.advisories.filter((a) => !have.has(a.incidentId))],
              unreviewed: page.unreviewed,
              nextBefore: page.nextBefore,
            };
          });
          setLoadingMore(false);
        },
        (err: unknown) => {
          setError(messageOf(err));
          setLoadingMore(false);
        },
      );
  };

  const setFilter = (name: keyof AdvisoryQuery, value: string) => {
    const next = new URLSearchParams(params);
    if (value && !(name === 'state' && value === 'unreviewed')) next.set(name, value);
    else next.delete(name);
    if (name === 'team') next.delete('service');
    setParams(next);
  };

  /** The ids an action applies to: the selection, else the current row. */
  const targets = (): number[] => {
    if (selected.size > 0) return ids.filter((id) => selected.has(id));
    const id = ids[current];
    return id === undefined ? [] : [id];
  };

  const openDialog = (action: ReviewAction) => {
    if (!canAct || busy) return;
    const t = targets();
    if (t.length === 0) return;
    if (selected.size === 0) setSelected(new Set(t));
    setDone(null);
    setDialog(action);
  };

  const decide = (body: Omit<ReviewRequest, 'incidentIds'>) => {
    const incidentIds = targets();
    setBusy(true);
    setFailures([]);
    void (async () => {
      const decided: Advisory[] = [];
      const failed: { incidentId: number; message: string }[] = [];
      for (let i = 0; i < incidentIds.length; i += BATCH) {
        const chunk = incidentIds.slice(i, i + BATCH);
        try {
          const { results } = await api.reviewAdvisories({ ...body, incidentIds: chunk });
          for (const r of results) {
            if (r.ok) decided.push(r.advisory);
            else failed.push({ incidentId: r.incidentId, message: r.message });
          }
        } catch (err) {
          for (const id of chunk) failed.push({ incidentId: id, message: messageOf(err) });
        }
      }
      setBusy(false);
      setDialog(null);
      setFailures(failed);
      setDone(decided.length > 0 ? `${decided.length} ${PAST[body.action]}.` : null);
      const failedIds = new Set(failed.map((f) => f.incidentId));
      setSelected(failedIds);
      setList((cur) => {
        if (!cur) return cur;
        const advisories = applyDecisions(cur.advisories, decided, q.state);
        const wasUnreviewed = decided.filter((a) => a.state !== 'unreviewed').length;
        return { ...cur, advisories, unreviewed: Math.max(0, cur.unreviewed - wasUnreviewed) };
      });
      setCurrent((c) => Math.max(0, Math.min(c, ids.length - 1 - decided.length)));
      refreshUnreviewed();
      // The engine's own count for this view (other people may be reviewing too).
      load(q).then(
        (page) => setList((cur) => (cur && cur.key === key ? { ...cur, unreviewed: page.unreviewed } : cur)),
        () => undefined,
      );
    })();
  };

  const onSelect = (index: number, shift: boolean) => {
    const id = ids[index];
    if (id === undefined) return;
    const on = !selected.has(id);
    setSelected(shift ? selectRange(selected, ids, anchor, index, on) : toggle(selected, id));
    setAnchor(index);
    setCurrent(index);
  };

  // The keys: only while no dialog is open (the dialog has the focus and handles Esc itself).
  const keyRef = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keyRef.current = (e: KeyboardEvent) => {
    if (dialog || help) return;
    const cmd = commandOf(e);
    if (!cmd) return;
    const last = ids.length - 1;
    switch (cmd) {
      case 'down':
        setCurrent((c) => Math.min(last, c + 1));
        break;
      case 'up':
        setCurrent((c) => Math.max(0, c - 1));
        break;
      case 'toggle':
        if (!canAct) return;
        onSelect(current, false);
        break;
      case 'select-all':
        if (!canAct) return;
        setSelected(toggleAll(selected, ids));
        break;
      case 'review':
        openDialog('review');
        break;
      case 'dismiss':
        openDialog('dismiss');
        break;
      case 'help':
        setHelp(true);
        break;
      case 'close':
        if (selected.size > 0) setSelected(new Set());
        else return;
        break;
    }
    e.preventDefault();
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keyRef.current(e);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    setSelected((s) => (s.size === 0 ? s : keepShown(s, ids)));
  }, [ids]);

  const unreviewed = list && list.key === key ? list.unreviewed : null;
  useEffect(() => {
    document.title = unreviewed ? `(${unreviewed}) Advisories · Klaxon` : 'Advisories · Klaxon';
  }, [unreviewed]);

  return (
    <section>
      <PageHeader title="Advisories">
        <span className="advisory-count" data-testid="advisories-unreviewed" aria-live="polite">
          {unreviewed === null ? '' : `${unreviewed} unreviewed`}
        </span>
      </PageHeader>
      <p className="muted small">
        T3 incidents never page: each waits here for a review in business hours. Press <kbd>?</kbd> for the
        keys.
      </p>
      <FilterForm q={q} setFilter={setFilter} teamIds={me.teams} shown={shown ?? []} />
      {canAct ? (
        <ActionBar count={selected.size} busy={busy} onAct={openDialog} onHelp={() => setHelp(true)} />
      ) : null}
      <ErrorBanner message={error} testId="advisories-error" />
      <Failures failures={failures} />
      {done ? (
        <p className="ok" role="status" data-testid="advisory-done">
          {done}
        </p>
      ) : null}
      {!shown && !error ? <Loading what="advisories" /> : null}
      {shown ? (
        <AdvisoryTable
          advisories={shown}
          selected={selected}
          current={current}
          canAct={canAct}
          nameOf={nameOf}
          onSelect={onSelect}
          onToggleAll={() => setSelected(toggleAll(selected, ids))}
          onCurrent={setCurrent}
        />
      ) : null}
      {list?.nextBefore && shown ? (
        <button
          type="button"
          className="more"
          data-testid="advisories-more"
          onClick={loadMore}
          disabled={loadingMore}
        >
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
      {dialog ? (
        <DecisionDialog
          action={dialog}
          count={targets().length}
          busy={busy}
          onCancel={() => setDialog(null)}
          onSubmit={decide}
        />
      ) : null}
      {help ? <KeysHelp onClose={() => setHelp(false)} /> : null}
    </section>
  );
}

const PAST: Record<ReviewAction, string> = {
  review: 'reviewed',
  dismiss: 'dismissed as noise',
  promote: 'promoted',
};
