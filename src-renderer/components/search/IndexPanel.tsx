// Index status per encoder model (missing / stale / ready, with why) and the button that starts an
// 'index.build' job; the HNSW settings (M, efConstruction, ef) apply to the next build.
import { useState } from 'react';
import type { IndexInfo, JobSnapshot, ProjectModel } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount, formatTime } from '../../format.js';
import { ProgressBar } from '../ProgressBar.js';
import { initialWorkersChoice, RunOnWorkers, workersBlockedReason, workersOption } from '../workers/RunOnWorkers.js';
import { buildButtonLabel, DEFAULT_INDEX_SETTINGS, indexState, parseIndexSettings } from './index-status.js';
import { isActive, jobModelId } from './useKindJobs.js';

interface Props {
  indexes: IndexInfo[] | null;
  models: ProjectModel[];
  jobs: JobSnapshot[];
}

export function modelLabel(modelId: number, models: ProjectModel[], fallback?: string): string {
  const model = models.find((m) => m.id === modelId);
  if (!model) return fallback ?? `model ${modelId}`;
  const parent = model.parentId !== null ? models.find((m) => m.id === model.parentId) : undefined;
  return parent ? `${model.name} (tuned from ${parent.name})` : model.name;
}

export function IndexPanel({ indexes, models, jobs }: Props) {
  const [form, setForm] = useState({ M: '', efConstruction: '', ef: '' });
  const [rebuild, setRebuild] = useState(false);
  const [problem, setProblem] = useState('');
  const [workers, setWorkers] = useState(initialWorkersChoice);
  const settings = parseIndexSettings(form);

  const build = async (modelId: number) => {
    if (typeof settings === 'string') return setProblem(settings);
    const notReady = workersBlockedReason(workers);
    if (notReady) return setProblem(notReady);
    setProblem('');
    await attempt(() => api.search.buildIndex({ modelId, rebuild, ...settings, workers: workersOption(workers) }));
  };

  if (indexes === null) return <p className="muted">Loading indexes…</p>;
  if (indexes.length === 0) {
    return (
      <p className="muted">
        No encoder models in this project yet: add one on the <a href="#/models">Models</a> page. BM25 works without one.
      </p>
    );
  }
  return (
    <div className="sindex">
      <table className="sindex__table">
        <thead>
          <tr>
            <th>Model</th>
            <th>Index</th>
            <th>Passages</th>
            <th>HNSW</th>
            <th>Updated</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {indexes.map((info) => {
            const state = indexState(info);
            const job = jobs.find((j) => jobModelId(j) === info.modelId && isActive(j));
            const label = modelLabel(info.modelId, models, info.modelName);
            return (
              <tr key={info.modelId} aria-label={`Index of ${info.modelName}`} data-index-state={state}>
                <td>{label}</td>
                <td>
                  <span className={`istate istate--${state}`} data-testid={`index-state-${info.modelId}`}>
                    {state}
                  </span>
                  {info.reasons.length > 0 && <div className="muted small">{info.reasons.join('; ')}</div>}
                </td>
                <td>{info.exists ? formatCount(info.passages) : '—'}</td>
                <td className="small mono">{info.params ? `M ${info.params.M} · efC ${info.params.efConstruction} · ef ${info.params.ef}` : '—'}</td>
                <td className="small">{formatTime(info.updatedAt ?? info.builtAt)}</td>
                <td className="sindex__action">
                  {job ? (
                    <div className="sindex__progress">
                      <ProgressBar done={job.progress.done} total={job.progress.total} label={`Indexing with ${info.modelName}`} state={job.state} />
                      <span className="small muted">
                        {formatCount(job.progress.done)}
                        {job.progress.total !== null && ` / ${formatCount(job.progress.total)}`} {job.progress.unit}
                      </span>
                    </div>
                  ) : (
                    <button
                      type="button"
                      className={`button button--small ${state === 'ready' ? '' : 'button--primary'}`}
                      onClick={() => void build(info.modelId)}
                      aria-label={`${buildButtonLabel(info)} for ${info.modelName}`}
                    >
                      {buildButtonLabel(info)}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details className="sindex__settings">
        <summary>Index settings</summary>
        <div className="sindex__fields">
          {(['M', 'efConstruction', 'ef'] as const).map((key) => (
            <label key={key}>
              {key}
              <input
                type="number"
                inputMode="numeric"
                value={form[key]}
                placeholder={String(DEFAULT_INDEX_SETTINGS[key])}
                onChange={(e) => setForm({ ...form, [key]: e.target.value })}
              />
            </label>
          ))}
          <label className="sindex__check">
            <input type="checkbox" checked={rebuild} onChange={(e) => setRebuild(e.target.checked)} /> re-embed everything (otherwise only changed passages)
          </label>
          <RunOnWorkers value={workers} onChange={setWorkers} what="passages are embedded on the workers; the index is built here" />
        </div>
        <p className="muted small">
          M: links per node (memory, recall); efConstruction: build-time search width; ef: query-time search width (higher = better recall, slower).
        </p>
      </details>
      {(problem || typeof settings === 'string') && <p className="error small">{problem || (settings as string)}</p>}
    </div>
  );
}
