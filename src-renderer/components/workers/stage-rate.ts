// Rate and ETA of a distributed stage from successive polls of its passagesDone (the panel sees
// counts, not the job's own progress events), over a recent window as the job tray's rates are.
const WINDOW_MS = 30_000;

export interface RateSample {
  at: number;
  done: number;
}

/** Adds a sample and drops those older than the window (keeping at least two). */
export function addSample(samples: RateSample[], sample: RateSample): RateSample[] {
  const next = [...samples, sample];
  while (next.length > 2 && sample.at - next[0].at > WINDOW_MS) next.shift();
  return next;
}

/** Passages per second over the samples, or null before there are two distinct times. */
export function sampleRate(samples: RateSample[]): number | null {
  if (samples.length < 2) return null;
  const a = samples[0];
  const b = samples[samples.length - 1];
  return b.at > a.at ? ((b.done - a.done) * 1000) / (b.at - a.at) : null;
}

export function etaSeconds(rate: number | null, remaining: number): number | null {
  if (remaining <= 0) return 0;
  return rate !== null && rate > 0 ? remaining / rate : null;
}
