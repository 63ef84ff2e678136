// Computing the signals: the lexical ones always, round-trip rank with an encoder and relevance
// with a cross-encoder when one is picked here, as one 'curation.signals' job with progress and ETA.
import { useState } from 'react';
import type { JobSnapshot } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount, formatEta, formatRate } from '../../format.js';
import { useProjectModels } from '../../hooks/useProjectModels.js';
import { ProgressBar } from '../ProgressBar.js';
import { ModelOptions } from '../ModelOptions.js';

interface Props {
  job: JobSnapshot | null;
  onStarted(job: JobSnapshot): void;
}

const NONE = '';

export function SignalsPanel({ job, onStarted }: Props) {
  const [roundtrip, setRoundtrip] = useState(NONE);
  const [crossEncoder, setCrossEncoder] = useState(NONE);
  const listed = useProjectModels(({ list }) => {
    // Preselect: the newest encoder for the round trip and the cross-encoder, once models are known.
    setRoundtrip((cur) => cur || String(list.filter((m) => m.role === 'encoder').at(-1)?.id ?? NONE));
    setCrossEncoder((cur) => cur || String(list.find((m) => m.role === 'cross-encoder')?.id ?? NONE));
  });
  const models = listed.models ?? [];
  const encoders = models.filter((m) => m.role === 'encoder');
  const crossEncoders = models.filter((m) => m.role === 'cross-encoder');
  const running = !!job && (job.state === 'running' || job.state === 'queued');
  const start = () =>
    void attempt(() =>
      api.curation.computeSignals({
        roundtrip: roundtrip ? Number(roundtrip) : false,
        ...(crossEncoder ? { crossEncoderId: Number(crossEncoder) } : {}),
      }),
    ).then((j) => j && onStarted(j));
  const p = job?.progress;

  return (
    <section className="card csignals" aria-label="Signals">
      <h2>Signals</h2>
      <p className="muted small">Length, copying and duplicates are always computed. Round trip and relevance need a model:</p>
      <label className="csignals__field">
        <span>Round trip (rank of the own passage)</span>
        <select aria-label="Round-trip encoder" value={roundtrip} onChange={(e) => setRoundtrip(e.target.value)} disabled={running}>
          <option value={NONE}>{encoders.length ? 'skip' : 'skip (add an encoder on Models)'}</option>
          <ModelOptions models={encoders} />
        </select>
      </label>
      <label className="csignals__field">
        <span>Relevance (cross-encoder score)</span>
        <select aria-label="Relevance cross-encoder" value={crossEncoder} onChange={(e) => setCrossEncoder(e.target.value)} disabled={running}>
          <option value={NONE}>{crossEncoders.length ? 'skip' : 'skip (add a cross-encoder on Models)'}</option>
          <ModelOptions models={crossEncoders} />
        </select>
      </label>
      <button type="button" className="button button--small button--primary" disabled={running} onClick={start}>
        {running ? 'Computing signals…' : 'Compute signals'}
      </button>
      {job && p && (
        <div className="csignals__progress" data-testid="signals-progress" data-state={job.state}>
          <ProgressBar done={p.done} total={p.total} label="Signals progress" state={job.state} />
          <span className="small muted">
            {job.state === 'running' || job.state === 'queued'
              ? `${formatCount(p.done)}${p.total !== null ? ` / ${formatCount(p.total)}` : ''} ${p.unit}${p.message ? ` · ${p.message}` : ''} · ${formatRate(p.rate, p.unit)} · ETA ${formatEta(p.etaSeconds)}`
              : job.state === 'done'
                ? 'Signals computed.'
                : `Signals ${job.state}${job.error ? `: ${job.error.message}` : ''}`}
          </span>
        </div>
      )}
    </section>
  );
}
