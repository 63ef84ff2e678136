// Step 6, Search: per-model HNSW indexes (status, build/update as jobs), up to three retrievers
// side by side as you type with rank changes against the leftmost, a passage's queries and
// document on click, and the embedding map tab.
import { useState } from 'react';
import { useSessionState } from '../hooks/useSessionState.js';
import type { RetrieverId, SearchHit } from '../../shared/api.js';
import { EmbeddingMapPanel } from '../components/map/EmbeddingMapPanel.js';
import { PageHeader } from '../components/PageHeader.js';
import { IndexPanel, modelLabel } from '../components/search/IndexPanel.js';
import { PassageDetail } from '../components/search/PassageDetail.js';
import { rankChanges } from '../components/search/rank-changes.js';
import { ResultColumn } from '../components/search/ResultColumn.js';
import { defaultRetrievers, keepValid, parseRetrieverValue, retrieverValue } from '../components/search/retrievers.js';
import '../components/search/search.css';
import { useIndexes } from '../components/search/useIndexes.js';
import { useRetrieverResults } from '../components/search/useRetrieverResults.js';
import { routeHref } from '../hooks/useHashRoute.js';
import type { PageProps } from '../routes.js';

const K_CHOICES = [5, 10, 20, 50, 100];
type Tab = 'search' | 'map';

export function Search(_: PageProps) {
  const [tab, setTab] = useState<Tab>('search');
  const { indexes, models, jobs } = useIndexes();
  return (
    <div className="page page--wide">
      <PageHeader title="Search" step={6}>
        Query the passages with each model version’s HNSW index or BM25, side by side, and see where fine-tuning moved them.
      </PageHeader>
      <div className="tabs" role="tablist" aria-label="Search views">
        <button type="button" role="tab" className="tabs__tab" aria-selected={tab === 'search'} onClick={() => setTab('search')}>
          Search
        </button>
        <button type="button" role="tab" className="tabs__tab" aria-selected={tab === 'map'} onClick={() => setTab('map')}>
          Embedding map
        </button>
      </div>
      {tab === 'search' ? (
        <>
          <section className="card" aria-label="Indexes">
            <h2>Indexes</h2>
            <IndexPanel indexes={indexes} models={models} jobs={jobs} />
          </section>
          {indexes && <SearchColumns indexes={indexes} models={models} />}
        </>
      ) : (
        <section className="card" aria-label="Embedding map">
          <h2>Embedding map</h2>
          <EmbeddingMapPanel indexes={indexes} models={models} />
        </section>
      )}
      <a className="button" href={routeHref('evaluate')}>
        Next: Evaluate →
      </a>
    </div>
  );
}

function SearchColumns({ indexes, models }: { indexes: NonNullable<ReturnType<typeof useIndexes>['indexes']>; models: ReturnType<typeof useIndexes>['models'] }) {
  // Until the user picks, the columns follow the defaults (base, tuned, BM25) as indexes appear;
  // afterwards their picks stay, minus any whose index disappeared.
  const [userPicks, setUserPicks] = useState<Array<RetrieverId | null> | null>(null);
  // The query and k survive leaving the page (sessionStorage).
  const [query, setQuery] = useSessionState('genq.search.query', '');
  const [k, setK] = useSessionState('genq.search.k', 10);
  const [selected, setSelected] = useState<SearchHit | null>(null);

  const slots = userPicks ? keepValid(userPicks, indexes) : defaultRetrievers(indexes, models);
  const nameOf = (id: RetrieverId) => (id === 'bm25' ? 'BM25' : modelLabel(id, models, indexes.find((i) => i.modelId === id)?.modelName));

  const versionOf = (id: RetrieverId | null) => {
    const info = typeof id === 'number' ? indexes.find((i) => i.modelId === id) : undefined;
    return info ? `${info.updatedAt ?? info.builtAt}:${info.passages}` : '';
  };
  const c0 = useRetrieverResults(slots[0], query, k, versionOf(slots[0]));
  const c1 = useRetrieverResults(slots[1], query, k, versionOf(slots[1]));
  const c2 = useRetrieverResults(slots[2], query, k, versionOf(slots[2]));
  const columns = [c0, c1, c2]
    .map((results, slot) => ({ slot, retriever: slots[slot], results }))
    .filter((c): c is typeof c & { retriever: RetrieverId } => c.retriever !== null);
  const reference = columns[0];
  const referenceHits = reference?.results.answered ? (reference.results.response?.hits ?? null) : null;
  // Cheap (k ≤ 100 per column): recomputed on every render.
  const changes = columns.map((c, i) => (i === 0 || !c.results.answered || !c.results.response ? new Map() : rankChanges(c.results.response.hits, referenceHits)));

  const setPick = (slot: number, value: string) => setUserPicks(slots.map((p, i) => (i === slot ? parseRetrieverValue(value) : p)));
  return (
    <>
      <section className="card sbar" aria-label="Query">
        <div className="sbar__pickers">
          {slots.map((pick, slot) => (
            <select key={slot} aria-label={`Retriever ${slot + 1}`} value={retrieverValue(pick)} onChange={(e) => setPick(slot, e.target.value)}>
              <option value="">— none —</option>
              <option value="bm25">BM25</option>
              {indexes.map((i) => (
                <option key={i.modelId} value={i.modelId} disabled={!i.exists}>
                  {modelLabel(i.modelId, models, i.modelName)}
                  {i.exists ? (i.stale ? ' (stale index)' : '') : ' (no index)'}
                </option>
              ))}
            </select>
          ))}
          <label className="small">
            top{' '}
            <select aria-label="Results per retriever" value={k} onChange={(e) => setK(Number(e.target.value))}>
              {K_CHOICES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="sbar__query">
          <input type="search" aria-label="Search query" placeholder="Type a query: results update as you type" value={query} onChange={(e) => setQuery(e.target.value)} autoFocus />
        </div>
        {columns.length > 1 && <span className="muted small">Rank changes (↑ ↓ new) are relative to {nameOf(columns[0].retriever)}, the leftmost column.</span>}
      </section>
      {columns.length === 0 ? (
        <p className="muted">Pick at least one retriever.</p>
      ) : (
        <div className="scols" style={{ ['--cols' as string]: columns.length }}>
          {columns.map((c, i) => (
            <ResultColumn
              key={c.slot}
              slot={c.slot}
              name={nameOf(c.retriever)}
              results={c.results}
              changes={changes[i] ?? new Map()}
              referenceName={i === 0 ? null : nameOf(columns[0].retriever)}
              selectedPassageId={selected?.passageId ?? null}
              onSelect={setSelected}
            />
          ))}
        </div>
      )}
      {selected && <PassageDetail hit={selected} onClose={() => setSelected(null)} />}
    </>
  );
}
