// Live data of the Train page: the project's training runs (re-read when a training job changes)
// and one run's metric series, loaded once and then extended by pushed jobs.onMetric points.
import { useEffect, useRef, useState } from 'react';
import type { MetricSeriesPoint, TrainingRun } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api, onConnectionChange } from '../../api/client.js';
import { addPoints } from './curves.js';

const TRAINING_KIND = 'training.run';
/** Pushed points are applied at most this often (a tiny model trains many steps per second). */
const FLUSH_MS = 200;

export function useTrainingRuns(): { runs: TrainingRun[] | null; refresh: () => void } {
  const [runs, setRuns] = useState<TrainingRun[] | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    void attempt(() => api.training.runs({})).then((r) => live && r && setRuns(r));
    return () => {
      live = false;
    };
  }, [tick]);
  useEffect(() => {
    const refresh = () => setTick((t) => t + 1);
    // A new run appears with its first metric; progress and end come as job updates.
    const known = new Set<number>();
    const stopMetric = api.jobs.onMetric((m) => {
      if (m.runId !== null && !known.has(m.runId)) {
        known.add(m.runId);
        refresh();
      }
    });
    let last = 0;
    const stopUpdate = api.jobs.onUpdate((j) => {
      if (j.kind !== TRAINING_KIND) return;
      const final = j.state !== 'running';
      if (final || Date.now() - last > 2000) {
        last = Date.now();
        refresh();
      }
    });
    const stopConn = onConnectionChange((s) => s === 'open' && refresh());
    return () => {
      stopMetric();
      stopUpdate();
      stopConn();
    };
  }, []);
  return { runs, refresh: () => setTick((t) => t + 1) };
}

export type SeriesMap = Record<string, MetricSeriesPoint[]>;

export function useRunSeries(runId: number | null): SeriesMap {
  const [series, setSeries] = useState<SeriesMap>({});
  const pending = useRef<Array<{ series: string; step: number; value: number }>>([]);
  useEffect(() => {
    setSeries({});
    pending.current = [];
    if (runId === null) return;
    let live = true;
    let loaded = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      if (!live || !loaded || pending.current.length === 0) return;
      const batch = pending.current;
      pending.current = [];
      setSeries((cur) => {
        const bySeries: SeriesMap = {};
        for (const p of batch) (bySeries[p.series] ??= []).push({ step: p.step, value: p.value });
        const next = { ...cur };
        for (const [name, points] of Object.entries(bySeries)) next[name] = addPoints(cur[name] ?? [], points);
        return next;
      });
    };
    const stop = api.jobs.onMetric((m) => {
      if (m.runId !== runId) return;
      pending.current.push(m);
      if (!timer) timer = setTimeout(flush, FLUSH_MS);
    });
    void attempt(() => api.training.metrics({ runId })).then((s) => {
      if (!live || !s) return;
      loaded = true;
      setSeries(s);
      // Points pushed while loading that the answer already holds must not be re-applied.
      const lastLoaded = (name: string) => s[name]?.[s[name].length - 1]?.step ?? -1;
      pending.current = pending.current.filter((p) => p.step > lastLoaded(p.series));
      flush();
    });
    return () => {
      live = false;
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [runId]);
  return series;
}
