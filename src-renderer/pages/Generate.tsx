// Step 3, Generate: pick a T5 generator and settings, see an estimate, run 'generation.run' with a
// progress bar, pause (cancel) / resume, a live stream of the newest queries beside their passages
// and a throughput chart from the job's metric points. "Run on workers" starts the same run as a
// 'distributed.generation' job (workers.startGeneration), shown here like a local run.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GeneratedQuery, GenerationEstimate, GenerationRunParamsInput, GenerationScope, GenerationSettings, JobSnapshot } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';
import '../components/generate/generate.css';
import { LiveQueries } from '../components/generate/LiveQueries.js';
import { DEFAULT_SETTINGS } from '../components/generate/settings-fields.js';
import { SettingsForm } from '../components/generate/SettingsForm.js';
import { ThroughputChart, type ThroughputPoint } from '../components/generate/ThroughputChart.js';
import { DeviceMemoryNote } from '../components/DeviceMemoryNote.js';
import { PageHeader } from '../components/PageHeader.js';
import { initialWorkersChoice, RunOnWorkers, workersBlockedReason, workersOption } from '../components/workers/RunOnWorkers.js';
import { JobProgress, PauseResumeButtons } from '../components/JobProgress.js';
import { formatCount, formatEta } from '../format.js';
import { generateBlockedReason } from '../components/generate/blocked-reason.js';
import { routeHref } from '../hooks/useHashRoute.js';
import { FINISHED_STATES, useLatestJob } from '../hooks/useLatestJob.js';
import { useProjectModels } from '../hooks/useProjectModels.js';
import type { PageProps } from '../routes.js';

const KIND = 'generation.run';
const WORKERS_KIND = 'distributed.generation';

export function Generate(_props: PageProps) {
  const [modelId, setModelId] = useState<number | null>(null);
  // Preselect the newest generator on the first list (unless one is picked already).
  const listed = useProjectModels(({ list, first }) => {
    if (first) setModelId((cur) => cur ?? list.filter((m) => m.role === 'generator').at(-1)?.id ?? null);
  });
  const models = listed.models ?? [];
  const [settings, setSettings] = useState<GenerationSettings>(DEFAULT_SETTINGS);
  const [scope, setScope] = useState<GenerationScope>({ kind: 'new', skipDuplicates: true });
  const [inScope, setInScope] = useState<number | null>(null);
  const [estimate, setEstimate] = useState<GenerationEstimate | null>(null);
  const [estimating, setEstimating] = useState(false);
  const [localJob, setLocalJob] = useLatestJob(KIND);
  const [workersJob, setWorkersJob] = useLatestJob(WORKERS_KIND);
  // The newer of the two kinds: a run on workers is shown like a local one.
  const job = !workersJob || (localJob && localJob.id > workersJob.id) ? localJob : workersJob;
  const setJob = (j: JobSnapshot) => (j.kind === WORKERS_KIND ? setWorkersJob(j) : setLocalJob(j));
  const [workers, setWorkers] = useState(initialWorkersChoice);
  const [latest, setLatest] = useState<GeneratedQuery[]>([]);
  const [points, setPoints] = useState<ThroughputPoint[]>([]);
  const running = !!job && !FINISHED_STATES.has(job.state);
  // Generation runs numbered in this project (the first is #1), not by the shared runs table's id.
  const [runNumbers, setRunNumbers] = useState<Map<number, number>>(new Map());
  useEffect(() => {
    if (!job) return;
    void attempt(() => api.generation.runs({})).then((runs) => {
      if (!runs) return;
      const ordered = [...runs].sort((a, b) => a.id - b.id);
      setRunNumbers(new Map(ordered.flatMap((r, i) => (r.jobId !== null ? [[r.jobId, i + 1] as [number, number]] : []))));
    });
  }, [job?.id, job?.state]); // eslint-disable-line react-hooks/exhaustive-deps
  const runNumber = job ? runNumbers.get(job.id) : undefined;

  const [corpusPassages, setCorpusPassages] = useState<number | null>(null);
  useEffect(() => {
    setEstimate(null);
    void attempt(() => api.generation.count({ scope })).then((r) => r && setInScope(r.passages));
    void attempt(() => api.corpus.stats({})).then((st) => st && setCorpusPassages(st.passages));
  }, [scope, job?.state]);

  // Live queries: refreshed on the job's progress updates, at most twice a second.
  const lastFetch = useRef(0);
  const refreshLatest = useCallback(() => {
    lastFetch.current = Date.now();
    void attempt(() => api.generation.latest({ limit: 24 })).then((rows) => rows && setLatest(rows));
  }, []);
  useEffect(() => refreshLatest(), [refreshLatest]);
  useEffect(() => {
    if (job && (Date.now() - lastFetch.current > 500 || FINISHED_STATES.has(job.state))) refreshLatest();
  }, [job, refreshLatest]);

  // Throughput: the job's metric points, pushed as jobs.onMetric.
  useEffect(() => {
    if (!job) return;
    return api.jobs.onMetric((m) => {
      if (m.jobId !== job.id) return;
      const key = m.series === 'passages_per_s' ? 'passages' : m.series === 'queries_per_s' ? 'queries' : null;
      if (!key) return;
      setPoints((cur) => {
        const next = cur.slice(-299);
        const at = next.findIndex((p) => p.done === m.step);
        if (at >= 0) next[at] = { ...next[at], [key]: Number(m.value.toFixed(3)) };
        else next.push({ done: m.step, [key]: Number(m.value.toFixed(3)) });
        return next;
      });
    });
  }, [job?.id]);

  const blocked = generateBlockedReason({ hasGenerator: models.some((m) => m.role === 'generator'), running, inScope, corpusPassages, scope }) ?? workersBlockedReason(workers);
  const params = (): GenerationRunParamsInput | null => (modelId ? { modelId, scope, settings } : null);
  const start = async () => {
    const p = params();
    if (!p) return;
    setPoints([]);
    const onWorkers = workersOption(workers);
    const started = await attempt(() => (onWorkers ? api.workers.startGeneration({ run: p, workers: onWorkers }) : api.generation.start(p)));
    if (started) setJob(started);
  };
  const runEstimate = async () => {
    const p = params();
    if (!p) return;
    setEstimating(true);
    setEstimate((await attempt(() => api.generation.estimate(p))) ?? null);
    setEstimating(false);
  };

  return (
    <div className="page page--wide">
      <PageHeader title="Generate" step={3}>
        A T5 query generator writes the questions each passage answers (GenQ). Runs are resumable: pause, close the app or crash, and resume where it stopped.
      </PageHeader>
      <section className="card">
        <h2>Settings</h2>
        <SettingsForm models={models} modelId={modelId} onModel={setModelId} settings={settings} onSettings={setSettings} scope={scope} onScope={setScope} disabled={running} />
        <RunOnWorkers value={workers} onChange={setWorkers} disabled={running} what="passages are sharded over the workers, same queries as here for the seed" />
        <div className="generate__actions">
          <button className="button button--primary" disabled={!modelId || running || inScope === 0 || !!workersBlockedReason(workers)} onClick={() => void start()}>
            Generate queries
          </button>
          <button className="button" disabled={!modelId || running || estimating || inScope === 0} onClick={() => void runEstimate()}>
            {estimating ? 'Timing a calibration batch…' : 'Estimate time'}
          </button>
          <span className="muted small" data-testid="scope-count">
            {inScope === null ? '' : `${formatCount(inScope)} passages in scope`}
          </span>
          {blocked && (
            <span className="small generate__blocked" role="status" data-testid="generate-blocked">
              {blocked}
            </span>
          )}
          {estimate && (
            <span className="small" data-testid="estimate">
              ≈ {formatEta(estimate.seconds)} for {formatCount(estimate.passages)} passages ({estimate.secondsPerPassage.toFixed(3)} s/passage on <span title={estimate.device?.fallbackReasons.join('\n') || undefined}>{estimate.provider}</span>, timed on {estimate.calibrationPassages})
            </span>
          )}
          {estimate && <DeviceMemoryNote provider={estimate.provider} memory={estimate.device?.memory} />}
        </div>
      </section>
      {job && (
        <section className="card" aria-label="Generation progress">
          <h2>
            Run {runNumber ? `#${runNumber}` : ''} — {job.state}
          </h2>
          <JobProgress job={job} unit="passages" label="Generation progress" testId="generation-progress" />
          <div className="generate__actions">
            <PauseResumeButtons job={job} />
            {job.state === 'done' && <a className="button" href={routeHref('curate')}>Next: Curate →</a>}
          </div>
          <ThroughputChart points={points} />
        </section>
      )}
      <section className="card">
        <h2>Latest queries</h2>
        <LiveQueries rows={latest} />
      </section>
    </div>
  );
}
