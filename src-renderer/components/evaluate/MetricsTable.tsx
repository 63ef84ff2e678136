// One evaluation's results: a row per retriever with the BEIR metrics (best value per column in
// bold) and, beside them, how much of exact search's top 10 the HNSW index found.
import { EVAL_METRIC_NAMES, type EvalResultRow } from '../../../shared/services/search.js';
import { formatCount } from '../../format.js';
import { bestByMetric, formatMetric, METRIC_LABELS } from './eval-format.js';

export function MetricsTable({ rows }: { rows: EvalResultRow[] }) {
  const best = bestByMetric(rows);
  return (
    <div className="etable__wrap">
      <table className="etable" aria-label="Evaluation metrics">
        <thead>
          <tr>
            <th>Retriever</th>
            {EVAL_METRIC_NAMES.map((m) => (
              <th key={m}>{METRIC_LABELS[m]}</th>
            ))}
            <th title="recall@10 of the HNSW index against exact search on these queries">HNSW recall@10 vs exact</th>
            <th>Queries</th>
            <th>Queries/s</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.retriever}:${r.runId}`} data-retriever={r.retriever}>
              <th scope="row">{r.retriever}</th>
              {EVAL_METRIC_NAMES.map((m) => (
                <td key={m} data-metric={m} className={`mono ${rows.length > 1 && r.metrics[m] === best[m] ? 'etable__best' : ''}`}>
                  {formatMetric(r.metrics[m])}
                </td>
              ))}
              <td className="mono" data-metric="hnsw-recall">
                {r.hnswRecallAt10 === null ? <span className="muted">n/a</span> : formatMetric(r.hnswRecallAt10)}
              </td>
              <td title={r.skippedNoRelevant ? `${r.skippedNoRelevant} queries without a relevant document were skipped, as BEIR does` : undefined}>
                {formatCount(r.evaluatedQueries)}
                {r.skippedNoRelevant > 0 && <span className="muted small"> (+{r.skippedNoRelevant} skipped)</span>}
              </td>
              <td className="mono">{r.queriesPerSecond.toFixed(0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
