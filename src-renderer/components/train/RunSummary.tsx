// One run at a glance: status and progress, throughput and ETA, the dev metrics per epoch, and
// the tuned model it produced.
import type { TrainingRun } from '../../../shared/api.js';
import { formatEta } from '../../format.js';
import { routeHref } from '../../hooks/useHashRoute.js';
import { ProgressBar } from '../ProgressBar.js';
import { epochEvals } from './curves.js';
import { runDevice, runMemory } from './train-facts.js';
import type { SeriesMap } from './useTraining.js';

const DEV_METRICS = ['mrr@10', 'recall@10', 'ndcg@10'] as const;
const last = (s: SeriesMap, name: string) => s[name]?.[s[name].length - 1]?.value;

export function RunSummary({ run, series }: { run: TrainingRun; series: SeriesMap }) {
  const stepsDone = Math.max(run.stepsDone, (series.loss?.at(-1)?.step ?? -1) + 1);
  const total = run.summary?.steps ?? run.config.totalSteps;
  const evals = epochEvals(series, DEV_METRICS);
  const pairsPerSec = last(series, 'pairs_per_s');
  const active = run.status === 'running' || run.status === 'queued';
  const memory = runMemory(run, series);
  return (
    <div className="train-summary" aria-label="Run summary">
      <div className="train-summary__head">
        <span className={`pill train-status train-status--${run.status}`} data-status={run.status}>
          {run.status}
        </span>
        <span className="mono small" data-fact="device" title="the engine and device that ran (or were asked for, until the run reports)">
          {runDevice(run)}
        </span>
        <span>
          step <b data-fact="steps">{stepsDone}</b> of {run.config.totalSteps}
        </span>
        {pairsPerSec !== undefined && <span data-fact="throughput">{pairsPerSec.toFixed(1)} pairs/s</span>}
        {active && <span>ETA {formatEta(last(series, 'eta_s') ?? null)}</span>}
        {series.loss?.length ? <span>loss {series.loss[series.loss.length - 1].value.toFixed(4)}</span> : null}
      </div>
      {(memory.gpu || memory.state) && (
        <div className="muted small train-summary__memory" aria-label="Device memory">
          {memory.gpu && <div data-fact="device-memory">{memory.gpu}</div>}
          {memory.state && <div data-fact="engine-state">{memory.state}</div>}
        </div>
      )}
      {active && <ProgressBar done={stepsDone} total={total} label={`Training run ${run.id}`} state={run.status} />}
      {evals.length > 0 && (
        <table className="train-table" aria-label="Dev metrics per epoch">
          <thead>
            <tr>
              <th>Evaluated</th>
              <th className="num">Step</th>
              {DEV_METRICS.map((m) => (
                <th key={m} className="num">
                  {m.toUpperCase().replace('RECALL', 'Recall').replace('NDCG', 'nDCG')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {evals.map((e) => (
              <tr key={e.step}>
                <td>{e.epoch === 0 ? 'base model' : `epoch ${e.epoch}`}</td>
                <td className="num">{e.step}</td>
                {DEV_METRICS.map((m) => (
                  <td key={m} className="num">
                    {e.metrics[m]?.toFixed(4) ?? '—'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {evals.length === 0 && !active && <p className="muted small">No dev evaluation: the held-out split has no queries.</p>}
      {run.summary && (
        <p className="train-summary__model" aria-label="Tuned model">
          Tuned model <b>{run.summary.modelName}</b> ({run.summary.stopped === 'early-stopping' ? 'stopped early, ' : ''}
          {run.summary.steps} steps, {run.summary.seconds.toFixed(1)} s) — <a href={routeHref('models')}>see Models</a>
          <span className="muted small mono train-summary__path"> {run.summary.modelPath}</span>
        </p>
      )}
    </div>
  );
}
