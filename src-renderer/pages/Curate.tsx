// Step 4, Curate: see, score and prune the synthetic queries. A virtualized table of every query
// (with its passage and signals), filters and search, keyboard-first accept/reject of one row, a
// selection or everything the filter matches, inline edits, manual queries, a persisted undo log,
// rules with previews, signal histograms and export of the accepted pairs.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CurationCounts, QueryFilterInput, QueryStatus } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import { searchTerms } from '../components/corpus/highlight.js';
import { ExportPanel } from '../components/curate/ExportPanel.js';
import { FilterBar, type FilterState } from '../components/curate/FilterBar.js';
import { KeyHelp } from '../components/curate/KeyHelp.js';
import { QueryTable } from '../components/curate/QueryTable.js';
import { RulesPanel } from '../components/curate/RulesPanel.js';
import { SignalCharts } from '../components/curate/SignalCharts.js';
import { usePagedQueries } from '../components/curate/usePagedQueries.js';
import '../components/curate/curate.css';
import { PageHeader } from '../components/PageHeader.js';
import { formatCount } from '../format.js';
import { FINISHED_STATES, useLatestJob } from '../hooks/useLatestJob.js';
import type { PageProps } from '../routes.js';

const SIGNALS_KIND = 'curation.signals';

function toFilter(f: FilterState): QueryFilterInput {
  return {
    search: f.search.trim() || undefined,
    status: f.status === 'all' ? undefined : [f.status],
    conditions: f.conditions,
  };
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

export function Curate(_: PageProps) {
  const [filterState, setFilterState] = useState<FilterState>({ search: '', status: 'all', conditions: [] });
  const filter = useMemo(() => toFilter(filterState), [filterState]);
  const [version, setVersion] = useState(0);
  const bump = useCallback(() => setVersion((v) => v + 1), []);
  const paged = usePagedQueries(filter, version);
  const [active, setActive] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [editingId, setEditingId] = useState<number | null>(null);
  const [showKeys, setShowKeys] = useState(false);
  const [counts, setCounts] = useState<{ matching: CurationCounts; all: CurationCounts } | null>(null);
  const [newQuery, setNewQuery] = useState('');
  /** What the last bulk action or undo did (shown beside the counts). */
  const [notice, setNotice] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const terms = useMemo(() => searchTerms(filter.search), [filter.search]);
  const [job, trackJob] = useLatestJob(SIGNALS_KIND);

  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    setActive(0);
    setSelected(new Set());
  }, [filterKey]);
  useEffect(() => {
    void Promise.all([attempt(() => api.curation.counts({ filter })), attempt(() => api.curation.counts({}))]).then(([matching, all]) => {
      if (matching && all) setCounts({ matching, all });
    });
  }, [filterKey, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const jobKey = job ? `${job.id}:${job.state}` : '';
  useEffect(() => {
    if (job && FINISHED_STATES.has(job.state)) bump();
  }, [jobKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const activeRow = paged.rowAt(active);

  const setStatus = useCallback(
    async (status: QueryStatus, scope: 'row' | 'selection' | 'matching') => {
      const target: QueryFilterInput | null =
        scope === 'matching' ? filter : scope === 'selection' ? { queryIds: [...selected] } : activeRow ? { queryIds: [activeRow.id] } : null;
      if (!target) return;
      if (scope === 'row' && activeRow) paged.patch(activeRow.id, { status, statusReason: 'manual' });
      const r = await attempt(() => api.curation.setStatus({ filter: target, status }));
      if (!r) return bump();
      if (scope === 'selection') setSelected(new Set());
      if (scope === 'row') setActive((i) => Math.min(i + 1, Math.max(0, (paged.total ?? 1) - 1)));
      if (scope !== 'row') setNotice(`${status === 'rejected' ? 'Rejected' : status === 'accepted' ? 'Accepted' : 'Reset'} ${formatCount(r.changed)} queries (u to undo)`);
      bump();
    },
    [filter, selected, activeRow, paged, bump],
  );

  const undoRedo = useCallback(
    async (which: 'undo' | 'redo') => {
      const r = await attempt(() => (which === 'undo' ? api.curation.undo({}) : api.curation.redo({})));
      setNotice(r ? `${which === 'undo' ? 'Undid' : 'Redid'}: ${r.label} (${formatCount(r.rowCount)})` : `Nothing to ${which}`);
      bump();
    },
    [bump],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const total = paged.total ?? 0;
      const scope = selected.size ? 'selection' : 'row';
      const handled = (() => {
        switch (e.key) {
          case 'j':
          case 'ArrowDown':
            return setActive((i) => Math.min(i + 1, Math.max(0, total - 1)));
          case 'k':
          case 'ArrowUp':
            return setActive((i) => Math.max(0, i - 1));
          case 'a':
            return void setStatus('accepted', scope);
          case 'x':
            return void setStatus('rejected', scope);
          case 'A':
            return void setStatus('accepted', 'matching');
          case 'X':
            return void setStatus('rejected', 'matching');
          case 'e':
            return activeRow && setEditingId(activeRow.id);
          case ' ':
            return activeRow && setSelected((s) => {
              const next = new Set(s);
              if (!next.delete(activeRow.id)) next.add(activeRow.id);
              return next;
            });
          case '/':
            return searchRef.current?.focus();
          case 'u':
            return void undoRedo('undo');
          case 'U':
            return void undoRedo('redo');
          case '?':
            return setShowKeys((v) => !v);
          case 'Escape':
            return setShowKeys(false);
          default:
            return 'unhandled';
        }
      })();
      if (handled !== 'unhandled') e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [paged.total, selected, activeRow, setStatus, undoRedo]);

  const onEditDone = (id: number, text: string | null) => {
    setEditingId(null);
    if (text === null) return;
    paged.patch(id, { text });
    void attempt(() => api.curation.editQuery({ id, text })).then(bump);
  };

  const addQuery = () => {
    if (!activeRow || !newQuery.trim()) return;
    void attempt(() => api.curation.addQuery({ passageId: activeRow.passageId, text: newQuery.trim() })).then((r) => {
      if (!r) return;
      setNewQuery('');
      bump();
    });
  };

  const running = !!job && (job.state === 'running' || job.state === 'queued');
  const m = counts?.matching;
  return (
    <div className="page curate">
      <PageHeader title="Curate" step={4}>
        Keep the good queries, drop the bad ones. Press <kbd>?</kbd> for the keys.
      </PageHeader>
      <div className="curate__counts" aria-live="polite" data-testid="curate-counts">
        {m && counts ? (
          <>
            <strong data-testid="count-matching">{formatCount(m.total)}</strong> matching ·{' '}
            <span className="curate__c--pending">{formatCount(m.pending)} pending</span> · <span className="curate__c--accepted" data-testid="count-accepted">{formatCount(m.accepted)} accepted</span> ·{' '}
            <span className="curate__c--rejected" data-testid="count-rejected">{formatCount(m.rejected)} rejected</span>
            <span className="muted"> (of {formatCount(counts.all.total)} queries, {formatCount(counts.all.accepted)} accepted overall)</span>
          </>
        ) : (
          'counting…'
        )}
        {notice && (
          <span className="curate__notice small" data-testid="curate-notice">
            {notice}
          </span>
        )}
        <span className="curate__toolbar">
          <button type="button" className="button button--small" disabled={running} onClick={() => void attempt(() => api.curation.computeSignals({})).then((j) => j && trackJob(j))}>
            {running ? 'Computing signals…' : 'Compute signals'}
          </button>
          <button type="button" className="button button--small" onClick={() => void setStatus('accepted', 'matching')}>
            Accept all matching
          </button>
          <button type="button" className="button button--small" onClick={() => void setStatus('rejected', 'matching')}>
            Reject all matching
          </button>
          <button type="button" className="button button--small" onClick={() => void undoRedo('undo')}>
            Undo
          </button>
          <button type="button" className="button button--small" onClick={() => void undoRedo('redo')}>
            Redo
          </button>
        </span>
      </div>
      <FilterBar ref={searchRef} value={filterState} onChange={setFilterState} />
      <div className="curate__main">
        <QueryTable
          paged={paged}
          terms={terms}
          active={active}
          selected={selected}
          editingId={editingId}
          onActivate={setActive}
          onToggleSelect={(id) => setSelected((s) => { const n = new Set(s); if (!n.delete(id)) n.add(id); return n; })}
          onEditDone={onEditDone}
        />
        <aside className="curate__side">
          <section className="card" aria-label="Add a query">
            <h2>Add a query</h2>
            <p className="muted small">to passage {activeRow ? `#${activeRow.passageId}` : '–'}</p>
            <div className="crules__row">
              <input aria-label="New query" value={newQuery} onChange={(e) => setNewQuery(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && addQuery()} />
              <button type="button" className="button button--small" disabled={!activeRow || !newQuery.trim()} onClick={addQuery}>
                Add
              </button>
            </div>
          </section>
          <RulesPanel currentFilter={filter} version={version} onApplied={bump} />
          <SignalCharts filter={filter} version={version} />
          <ExportPanel />
        </aside>
      </div>
      {showKeys && <KeyHelp onClose={() => setShowKeys(false)} />}
    </div>
  );
}
