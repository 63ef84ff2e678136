// A run's checkpoints on disk: continue the run from one, or export one as a model of its own.
import { useEffect, useState } from 'react';
import type { JobSnapshot, TrainingCheckpointInfo, TrainingRun } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

export function CheckpointList({ run, onResumed }: { run: TrainingRun; onResumed: (job: JobSnapshot) => void }) {
  const [checkpoints, setCheckpoints] = useState<TrainingCheckpointInfo[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const active = run.status === 'running' || run.status === 'queued';
  // Re-listed as the run advances (new checkpoints every N steps) and when it ends.
  const bucket = Math.floor(run.stepsDone / Math.max(1, run.config.settings.checkpointEvery));
  useEffect(() => {
    let live = true;
    void attempt(() => api.training.checkpoints({ runId: run.id })).then((c) => live && c && setCheckpoints(c));
    return () => {
      live = false;
    };
  }, [run.id, run.status, bucket]);

  const resume = async (name: string) => {
    setBusy(name);
    const job = await attempt(() => api.training.resume({ runId: run.id, checkpoint: name }));
    setBusy(null);
    if (job) onResumed(job);
  };
  const exportAsModel = async (name: string) => {
    setBusy(name);
    const model = await attempt(() => api.training.exportCheckpoint({ runId: run.id, checkpoint: name }));
    setBusy(null);
    if (model) setNotice(`Checkpoint ${name} is now the model “${model.name}” (${model.path}).`);
  };

  if (checkpoints === null) return <p className="muted small">Loading checkpoints…</p>;
  if (checkpoints.length === 0) return <p className="muted small">No checkpoint yet (one is written every {run.config.settings.checkpointEvery} steps and at each epoch end).</p>;
  return (
    <>
    <table className="train-table" aria-label="Checkpoints">
      <thead>
        <tr>
          <th>Checkpoint</th>
          <th className="num">Step</th>
          <th>Epoch</th>
          <th className="num">Recent loss</th>
          <th className="num">Size</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {checkpoints.map((c) => (
          <tr key={c.name} aria-label={`Checkpoint ${c.name}`}>
            <td className="mono">{c.name}</td>
            <td className="num">{c.step}</td>
            <td>{c.epoch !== null ? `end of epoch ${c.epoch}` : '—'}</td>
            <td className="num">{c.loss?.toFixed(4) ?? '—'}</td>
            <td className="num">{mb(c.bytes)}</td>
            <td className="train-table__actions">
              <button className="button button--small" disabled={active || busy !== null} onClick={() => void resume(c.name)} title="Continue this run from here (later checkpoints are redone)">
                Resume from
              </button>
              <button className="button button--small" disabled={busy !== null} onClick={() => void exportAsModel(c.name)} title="Write these weights as a sentence-transformers model and add it to the project">
                Export
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    {notice && (
      <p className="small" role="status">
        {notice}
      </p>
    )}
    </>
  );
}
