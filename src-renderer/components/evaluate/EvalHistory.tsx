// Past evaluations, newest first: when, on what, and each retriever's nDCG@10 / MRR@10. Choosing
// one shows it in the table and chart above.
import { formatTime } from '../../format.js';
import { datasetLabel, formatMetric, type Evaluation } from './eval-format.js';

interface Props {
  evaluations: Evaluation[];
  selectedKey: string | null;
  onSelect: (key: string) => void;
}

export function EvalHistory({ evaluations, selectedKey, onSelect }: Props) {
  return (
    <table className="etable ehistory" aria-label="Evaluation history">
      <thead>
        <tr>
          <th>Run</th>
          <th>When</th>
          <th>Data</th>
          <th>nDCG@10 / MRR@10 per retriever</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {evaluations.map((e) => (
          <tr key={e.key} className={e.key === selectedKey ? 'ehistory__selected' : ''} data-eval={e.key}>
            <td>#{e.number}</td>
            <td className="small">{formatTime(e.createdAt)}</td>
            <td className="small">{datasetLabel(e.dataset)}</td>
            <td className="small">
              {e.rows.map((r) => (
                <div key={r.runId ?? r.retriever}>
                  {r.retriever}: <span className="mono">{formatMetric(r.metrics['ndcg@10'])}</span> / <span className="mono">{formatMetric(r.metrics['mrr@10'])}</span>
                </div>
              ))}
            </td>
            <td>
              <button type="button" className="button button--small" onClick={() => onSelect(e.key)} disabled={e.key === selectedKey}>
                {e.key === selectedKey ? 'Shown' : 'Show'}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
