// The project's training runs, newest first; a click shows that run below.
import type { TrainingRun } from '../../../shared/api.js';
import { formatTime } from '../../format.js';

export function RunList({ runs, selected, onSelect }: { runs: TrainingRun[]; selected: number | null; onSelect: (id: number) => void }) {
  return (
    <table className="train-table train-runs" aria-label="Training runs">
      <thead>
        <tr>
          <th>Run</th>
          <th>Status</th>
          <th className="num">Steps</th>
          <th className="num">Last loss</th>
          <th>Tuned model</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} aria-label={`Run ${r.id}`} aria-selected={r.id === selected} onClick={() => onSelect(r.id)}>
            <td>
              <b>#{r.id}</b> <span className="muted small">{r.name}</span>
            </td>
            <td>{r.status}</td>
            <td className="num">
              {r.stepsDone}/{r.config.totalSteps}
            </td>
            <td className="num">{r.lastLoss?.toFixed(4) ?? '—'}</td>
            <td>{r.summary?.modelName ?? '—'}</td>
            <td className="small">{formatTime(r.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
