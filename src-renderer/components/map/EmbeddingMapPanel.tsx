// The embedding map tab: pick a model version with an index, build its 2D UMAP projection (a
// 'map.build' job, progress in the tray and here), then explore it coloured by document or status.
import { useEffect, useMemo, useState } from 'react';
import type { EmbeddingMap, IndexInfo, ProjectModel } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount, formatTime } from '../../format.js';
import { ProgressBar } from '../ProgressBar.js';
import { modelLabel } from '../search/IndexPanel.js';
import { isActive, jobModelId, useKindJobs } from '../search/useKindJobs.js';
import { legend, type ColorMode } from './colors.js';
import { MapCanvas } from './MapCanvas.js';
import './map.css';

interface Props {
  indexes: IndexInfo[] | null;
  models: ProjectModel[];
}

export function EmbeddingMapPanel({ indexes, models }: Props) {
  const indexed = useMemo(() => (indexes ?? []).filter((i) => i.exists), [indexes]);
  const [modelId, setModelId] = useState<number | null>(null);
  const [map, setMap] = useState<EmbeddingMap | null | undefined>(undefined);
  const [colorBy, setColorBy] = useState<ColorMode>('document');
  const [maxPassages, setMaxPassages] = useState(3000);
  const [includeQueries, setIncludeQueries] = useState(true);
  const jobs = useKindJobs('map.build');
  const running = jobs.find((j) => jobModelId(j) === modelId && isActive(j));
  const lastFinished = jobs.find((j) => jobModelId(j) === modelId && !isActive(j));

  useEffect(() => {
    if (modelId === null || !indexed.some((i) => i.modelId === modelId)) setModelId(indexed[0]?.modelId ?? null);
  }, [indexed, modelId]);

  const finishedKey = lastFinished ? `${lastFinished.id}:${lastFinished.state}` : '';
  useEffect(() => {
    let live = true;
    setMap(undefined);
    if (modelId === null) return;
    void attempt(() => api.search.embeddingMap({ modelId })).then((m) => live && m !== undefined && setMap(m));
    return () => {
      live = false;
    };
  }, [modelId, finishedKey]);

  const build = () => {
    if (modelId !== null) void attempt(() => api.search.buildMap({ modelId, maxPassages, includeQueries }));
  };
  // Documents by the names people know them by (title, else file name) for the legend.
  const [documentNames, setDocumentNames] = useState<ReadonlyMap<number, string>>(new Map());
  useEffect(() => {
    if (!map || colorBy !== 'document') return;
    let live = true;
    void attempt(() => api.corpus.listDocuments({ limit: 1000 })).then((r) => {
      if (!live || !r) return;
      setDocumentNames(new Map(r.rows.map((d) => [d.id, d.title ?? (d.sourcePath ? d.sourcePath.split(/[\\/]/).pop()! : `document ${d.id}`)])));
    });
    return () => {
      live = false;
    };
  }, [map, colorBy]);
  const entries = useMemo(() => (map ? legend(map.points, colorBy, 8, documentNames) : []), [map, colorBy, documentNames]);

  if (indexes !== null && indexed.length === 0) {
    return <p className="muted">Build an index first (Search tab): the map projects the indexed passage embeddings.</p>;
  }
  return (
    <div className="smap">
      <div className="smap__controls">
        <label>
          Model{' '}
          <select aria-label="Map model" value={modelId ?? ''} onChange={(e) => setModelId(Number(e.target.value))}>
            {indexed.map((i) => (
              <option key={i.modelId} value={i.modelId}>
                {modelLabel(i.modelId, models, i.modelName)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Passages{' '}
          <input type="number" aria-label="Passages on the map" min={10} max={50000} value={maxPassages} onChange={(e) => setMaxPassages(Number(e.target.value) || 3000)} />
        </label>
        <label>
          <input type="checkbox" checked={includeQueries} onChange={(e) => setIncludeQueries(e.target.checked)} /> with queries
        </label>
        <button type="button" className="button button--primary" onClick={build} disabled={modelId === null || !!running}>
          {map ? 'Rebuild map' : 'Build map'}
        </button>
        <label className="smap__color">
          Color by{' '}
          <select aria-label="Color by" value={colorBy} onChange={(e) => setColorBy(e.target.value as ColorMode)}>
            <option value="document">document</option>
            <option value="status">curation status</option>
          </select>
        </label>
      </div>
      {running && (
        <div className="smap__progress">
          <ProgressBar done={running.progress.done} total={running.progress.total} label="Building the map" state={running.state} />
          <span className="small muted">{running.progress.message ?? 'starting…'}</span>
        </div>
      )}
      {lastFinished?.state === 'failed' && !running && <p className="error small">The last map build failed: {lastFinished.error?.message}</p>}
      {map === null && !running && <p className="muted">No map for this model yet: build one (UMAP of its passage and query embeddings).</p>}
      {map && (
        <>
          <p className="muted small" data-testid="map-summary">
            {formatCount(map.points.filter((p) => p.kind === 'passage').length)} passages and {formatCount(map.points.filter((p) => p.kind === 'query').length)} queries
            (of {formatCount(map.indexedPassages)} indexed passages) · built {formatTime(map.builtAt)} · scroll to zoom, drag to pan, double-click to reset
          </p>
          <MapCanvas points={map.points} colorBy={colorBy} />
          <ul className="smap__legend" aria-label="Legend">
            {entries.map((e) => (
              <li key={e.label}>
                <span className="smap__swatch" style={{ background: e.color }} />
                {e.label} <span className="muted">({formatCount(e.count)})</span>
              </li>
            ))}
            <li className="muted">● passage ○ query</li>
          </ul>
        </>
      )}
    </div>
  );
}
