/**
 * The Advisories page's pure parts: the filters in the URL, which rows are selected (click, shift-click
 * range, all shown), the keys, and how a decision changes the list shown.
 */
import { ADVISORY_STATES } from '../api.ts';
import type { Advisory, AdvisoryState } from '../api.ts';

export type StateFilter = AdvisoryState | 'all';

export interface AdvisoryQuery {
  team: string;
  service: string;
  alert: string;
  state: StateFilter;
}

export const QUERY_KEYS = ['team', 'service', 'alert', 'state'] as const;

const MAX_PARAM = 200;

/** The filters from the URL (`/advisories?team=..&service=..&alert=..&state=..`); state defaults to unreviewed. */
export function queryFrom(params: URLSearchParams): AdvisoryQuery {
  const text = (k: string) => (params.get(k) ?? '').trim().slice(0, MAX_PARAM);
  const state = params.get('state') ?? '';
  return {
    team: text('team'),
    service: text('service'),
    alert: text('alert'),
    state:
      state === 'all' || (ADVISORY_STATES as readonly string[]).includes(state)
        ? (state as StateFilter)
        : 'unreviewed',
  };
}

/** Whether an advisory belongs in a list filtered by `state`. */
export function inState(a: Advisory, state: StateFilter): boolean {
  return state === 'all' || a.state === state;
}

/** The list after decisions: each decided advisory replaced, or dropped when it left the state shown. */
export function applyDecisions(list: Advisory[], decided: Advisory[], state: StateFilter): Advisory[] {
  const byId = new Map(decided.map((a) => [a.incidentId, a] as const));
  const out: Advisory[] = [];
  for (const a of list) {
    const next = byId.get(a.incidentId) ?? a;
    if (inState(next, state)) out.push(next);
  }
  return out;
}

/** `id` toggled. */
export function toggle(selected: ReadonlySet<number>, id: number): Set<number> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/**
 * A shift-click: every row between the last one clicked (`anchor`) and `index`, inclusive, set to what
 * the clicked row becomes (`on`). Without an anchor, just the clicked row.
 */
export function selectRange(
  selected: ReadonlySet<number>,
  ids: readonly number[],
  anchor: number | null,
  index: number,
  on: boolean,
): Set<number> {
  const next = new Set(selected);
  const from = anchor === null ? index : Math.min(anchor, index);
  const to = anchor === null ? index : Math.max(anchor, index);
  for (let i = Math.max(0, from); i <= Math.min(to, ids.length - 1); i++) {
    const id = ids[i]!;
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}

/** "Select all shown": all of them, or none when all already are. */
export function toggleAll(selected: ReadonlySet<number>, ids: readonly number[]): Set<number> {
  const all = ids.length > 0 && ids.every((id) => selected.has(id));
  return all ? new Set() : new Set(ids);
}

/** Only the ids still shown (after a filter change or a decision removed rows). */
export function keepShown(selected: ReadonlySet<number>, ids: readonly number[]): Set<number> {
  return new Set(ids.filter((id) => selected.has(id)));
}

export type KeyCommand = 'down' | 'up' | 'toggle' | 'review' | 'dismiss' | 'select-all' | 'help' | 'close';

/** The page's keys, as the help lists them. */
export const KEYS: readonly { key: string; does: string }[] = [
  { key: 'j / k', does: 'Next / previous advisory' },
  { key: 'x', does: 'Select or unselect the current advisory' },
  { key: 'Shift + click', does: 'Select a range' },
  { key: 'a', does: 'Select all shown (again: none)' },
  { key: 'r', does: 'Review the selected (or the current) advisories' },
  { key: 'd', does: 'Dismiss the selected (or the current) as noise' },
  { key: '?', does: 'Show or hide these keys' },
  { key: 'Esc', does: 'Close a dialog or this help' },
];

/** Inputs the keys still work on (a row's checkbox keeps focus after a click). */
const CLICKABLE_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit']);

const COMMANDS = new Map<string, KeyCommand>([
  ['j', 'down'],
  ['ArrowDown', 'down'],
  ['k', 'up'],
  ['ArrowUp', 'up'],
  ['x', 'toggle'],
  ['r', 'review'],
  ['d', 'dismiss'],
  ['a', 'select-all'],
  ['?', 'help'],
  ['Escape', 'close'],
]);

/** The command for a key press, or null (typing in a field, a modifier held, any other key). */
export function commandOf(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}): KeyCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const t = e.target as { tagName?: string; type?: string; isContentEditable?: boolean } | null;
  const tag = t?.tagName?.toLowerCase();
  const typing =
    (tag === 'input' && !CLICKABLE_INPUTS.has(t?.type ?? '')) ||
    tag === 'textarea' ||
    tag === 'select' ||
    t?.isContentEditable === true;
  if (typing) return null;
  return COMMANDS.get(e.key) ?? null;
}
