// Step 4, Curate: see, score and prune the synthetic queries. A virtualized table of every query
// beside a reading pane (the active query with its passage, the query's words marked), filters and
// search, keyboard-first accept/reject of one row, a selection or everything the filter matches
// (confirmed with a count when large), inline edits, manual queries, a persisted undo log, signals
// with model choice, rules with previews, the held-out split, signal histograms and export.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CurationCounts, QueryFilterInput, QueryStatus } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import { searchTerms } from '../components/corpus/highlight.js';
import { BulkConfirm, CONFIRM_OVER, type PendingBulk } from '../components/curate/BulkConfirm.js';
import { ExportPanel } from '../components/curate/ExportPanel.js';
import { FilterBar, type FilterState } from '../components/curate/FilterBar.js';
import { KeyHelp } from '../components/curate/KeyHelp.js';
import { QueryTable } from '../components/curate/QueryTable.js';
import { ReadingPane } from '../components/curate/ReadingPane.js';
import { RulesPanel } from '../components/curate/RulesPanel.js';
import { SignalCharts } from '../components/curate/SignalCharts.js';
import { SignalsPanel } from '../components/curate/SignalsPanel.js';
import { SplitPanel } from '../components/curate/SplitPanel.js';
import { usePagedQueries } from '../components/curate/usePagedQueries.js';
import '../components/curate/curate.css';
import { PageHeader } from '../components/PageHeader.js';
import { formatCount } from '../format.js';
import { FINISHED_STATES, useLatestJob } from '../hooks/useLatestJob.js';
import { routeHref } from '../hooks/useHashRoute.js';
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
  /** A bulk action over more than CONFIRM_OVER queries, waiting for its confirmation. */
  const [pendingBulk, setPendingBulk] = useState<PendingBulk | null>(null);
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
    async (status: QueryStatus, scope: 'row' | 'selection' | 'matching', confirmed = false) => {
      const target: QueryFilterInput | null =
        scope === 'matching' ? filter : scope === 'selection' ? { queryIds: [...selected] } : activeRow ? { queryIds: [activeRow.id] } : null;
      if (!target) return;
      const count = scope === 'matching' ? (counts?.matching.total ?? 0) : scope === 'selection' ? selected.size : 1;
      if (scope !== 'row' && !confirmed && count > CONFIRM_OVER) return setPendingBulk({ status, scope, count });
      setPendingBulk(null);
      if (scope === 'row' && activeRow) paged.patch(activeRow.id, { status, statusReason: 'manual' });
      const r = await attempt(() => api.curation.setStatus({ filter: target, status }));
      if (!r) return bump();
      const verb = status === 'rejected' ? 'Rejected' : status === 'accepted' ? 'Accepted' : 'Reset';
      if (scope === 'selection') setSelected(new Set());
      if (scope === 'row' && activeRow) {
        const last = Math.max(0, (paged.total ?? 1) - 1);
        setActive((i) => Math.min(i + 1, last));
        setNotice(`${verb} query #${activeRow.id}${active < last ? `; moved to query ${active + 2}` : '; that was the last query'} (u to undo)`);
      }
      if (scope !== 'row') setNotice(`${verb} ${formatCount(r.changed)} queries (u to undo)`);
      bump();
    },
    [filter, selected, activeRow, active, counts, paged, bump],
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
      // While a bulk action waits for its confirmation, only its own buttons act (Enter / Esc).
      if (pendingBulk) {
        if (e.key === 'Escape') setPendingBulk(null);
        return;
      }
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
            if (!activeRow) return;
            {
              const next = new Set(selected);
              const added = !next.delete(activeRow.id);
              if (added) next.add(activeRow.id);
              setSelected(next);
              return setNotice(`${added ? 'Selected' : 'Unselected'} query #${activeRow.id}: ${formatCount(next.size)} selected (a / x act on them)`);
            }
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
  }, [paged.total, selected, activeRow, setStatus, undoRedo, pendingBulk]);

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
      {pendingBulk && (
        <BulkConfirm pending={pendingBulk} onConfirm={() => void setStatus(pendingBulk.status, pendingBulk.scope, true)} onCancel={() => setPendingBulk(null)} />
      )}
      <FilterBar ref={searchRef} value={filterState} onChange={setFilterState} />
      <div className="curate__reader">
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
        <ReadingPane row={activeRow} position={active} total={paged.total ?? 0} />
      </div>
      <div className="curate__main">
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
          <SignalsPanel job={job} onStarted={trackJob} />
          <RulesPanel currentFilter={filter} version={version} onApplied={bump} />
          <SplitPanel version={version} onChanged={bump} />
          <SignalCharts filter={filter} version={version} />
          <ExportPanel />
        </aside>
      </div>
      <a className="button curate__next" href={routeHref('train')}>
        Next: Train →
      </a>
      {showKeys && <KeyHelp onClose={() => setShowKeys(false)} />}
    </div>
  );
}
