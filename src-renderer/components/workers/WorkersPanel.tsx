// Workers panel: the `genq worker`s connected to the project's Redis (devices, shards done and
// failed, throughput, last error) and the project's distributed stages (progress, rate and ETA,
// shards done/running/failed per worker), with pause, resume and cancel. Polls workers.status.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StageStatus, WorkersStatus } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import { formatCount, formatEta, formatRate, formatTime } from '../../format.js';
import { ProgressBar } from '../ProgressBar.js';
import { addSample, etaSeconds, sampleRate, type RateSample } from './stage-rate.js';
import './workers.css';

const POLL_MS = 2000;

function StageCard({ stage, samples, onChange }: { stage: StageStatus; samples: RateSample[]; onChange(): void }) {
  const active = stage.state === 'running' || stage.state === 'paused';
  const rate = stage.state === 'running' ? sampleRate(samples) : null;
  const unit = stage.kind === 'mine' ? 'queries' : 'passages'; // a mining stage's shards hold queries
  const act = (action: 'pause' | 'resume' | 'cancel') => async () => {
    if (await attempt(() => api.workers[action]({ stageId: stage.id }))) onChange();
  };
  return (
    <section className="card workers__stage" aria-label={`Distributed stage ${stage.id}`} data-stage-id={stage.id}>
      <div className="workers__stage-head">
        <strong>
          Stage {stage.id}: {stage.kind === 'generate' ? 'query generation' : stage.kind === 'mine' ? 'hard-negative labelling' : 'corpus embedding'}
        </strong>
        <span className={`badge badge--${stage.state}`}>{stage.state}</span>
        {stage.jobId !== null && <span className="muted small">job {stage.jobId}</span>}
        <span className="muted small mono">{stage.redis ?? ''}</span>
      </div>
      <ProgressBar done={stage.passagesDone} total={stage.passages} label={`Stage ${stage.id} passages`} state={stage.state} />
      <div className="workers__meta small">
        <span>
          {formatCount(stage.passagesDone)} / {formatCount(stage.passages)} {unit}
        </span>
        <span>
          shards {stage.shardsDone} done · {stage.shardsRunning} running · {stage.shardsFailed} failed · {stage.shards} total
        </span>
        {stage.state === 'running' && (
          <>
            <span>{formatRate(rate, unit)}</span>
            <span title="estimated time left">ETA {formatEta(etaSeconds(rate, stage.passages - stage.passagesDone))}</span>
          </>
        )}
      </div>
      {stage.error && stage.state !== 'done' && (
        <div className="job__error" role="status">
          {stage.error}
        </div>
      )}
      {stage.perWorker.length > 0 && (
        <table className="workers__table small">
          <thead>
            <tr>
              <th>worker</th>
              <th>device</th>
              <th>done</th>
              <th>running</th>
              <th>failed</th>
              <th>passages/s</th>
            </tr>
          </thead>
          <tbody>
            {stage.perWorker.map((w) => (
              <tr key={w.worker}>
                <td className="mono">{w.worker}</td>
                <td>{w.device ?? '—'}</td>
                <td>{w.done}</td>
                <td>{w.running}</td>
                <td>{w.failed}</td>
                <td>{formatRate(w.seconds > 0 ? w.passages / w.seconds : null, 'passages')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {active && (
        <div className="job__actions">
          {stage.state === 'running' ? (
            <button type="button" className="button button--small" onClick={() => void act('pause')()}>
              Pause
            </button>
          ) : (
            <button type="button" className="button button--small" onClick={() => void act('resume')()}>
              Resume
            </button>
          )}
          <button type="button" className="button button--small" onClick={() => void act('cancel')()}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}

export function WorkersPanel() {
  const [status, setStatus] = useState<WorkersStatus | null>(null);
  const [redisUrl, setRedisUrl] = useState('');
  const [asked, setAsked] = useState<string | undefined>(undefined);
  const samples = useRef(new Map<number, RateSample[]>());

  const refresh = useCallback(async () => {
    const next = await attempt(() => api.workers.status({ redisUrl: asked, limit: 10 }));
    if (!next) return;
    const now = Date.now();
    for (const s of next.stages) samples.current.set(s.id, addSample(samples.current.get(s.id) ?? [], { at: now, done: s.passagesDone }));
    setStatus(next);
  }, [asked]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  return (
    <div className="workers">
      <form
        className="workers__connect"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(redisUrl.trim() || undefined);
        }}
      >
        <label className="small" htmlFor="workers-redis">
          Redis
        </label>
        <input id="workers-redis" className="mono" placeholder={status?.redis ?? 'redis://host:6379 (default: the newest distributed job’s)'} value={redisUrl} onChange={(e) => setRedisUrl(e.target.value)} />
        <button type="submit" className="button button--small">
          Show workers
        </button>
        <span className={`small ${status?.connected ? '' : 'muted'}`} role="status">
          {status === null ? 'loading…' : status.redis === null ? 'no Redis known yet' : status.connected ? `connected to ${status.redis}` : `not connected: ${status.error ?? status.redis}`}
        </span>
      </form>

      <section className="card" aria-label="Connected workers">
        <h2>Connected workers ({status?.workers.length ?? 0})</h2>
        {status && status.workers.length === 0 ? (
          <p className="muted small">
            None. Start one on any machine with <span className="mono">genq worker --redis URL [--provider cuda] [--concurrency N]</span>.
          </p>
        ) : (
          <table className="workers__table small">
            <thead>
              <tr>
                <th>worker</th>
                <th>host</th>
                <th>provider</th>
                <th>devices</th>
                <th>running</th>
                <th>shards done</th>
                <th>failed</th>
                <th>passages/s</th>
                <th>last seen</th>
                <th>last error</th>
              </tr>
            </thead>
            <tbody>
              {status?.workers.map((w) => (
                <tr key={w.id} data-worker-id={w.id}>
                  <td className="mono">{w.id}</td>
                  <td>{w.host}</td>
                  <td>{w.provider}</td>
                  <td>{w.devices.join(', ') || '—'}</td>
                  <td>
                    {w.running} / {w.concurrency}
                  </td>
                  <td>{formatCount(w.shardsDone)}</td>
                  <td>{w.shardsFailed}</td>
                  <td>{formatRate(w.passagesPerSecond || null, 'passages')}</td>
                  <td>{formatTime(w.lastSeen)}</td>
                  <td className="workers__error">{w.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <h2>Distributed stages</h2>
      {status && status.stages.length === 0 && (
        <p className="muted small">
          None yet. Run <span className="mono">genq generate --project DIR --workers redis://…</span> or <span className="mono">genq index --project DIR --model M --workers redis://…</span>.
        </p>
      )}
      {status?.stages.map((s) => <StageCard key={s.id} stage={s} samples={samples.current.get(s.id) ?? []} onChange={() => void refresh()} />)}
    </div>
  );
}
