// Turns a stream of (done, total) reports into rate and ETA over a recent window, so a job
// that slows down (or speeds up) shows its current pace rather than its lifetime average.
import type { JobProgress } from '../../../shared/services/jobs.js';
import type { JobProgressUpdate } from './types.js';

interface Sample {
  time: number; // ms
  done: number;
}

export class ProgressTracker {
  private samples: Sample[] = [];
  private current: JobProgress;

  constructor(
    initial?: Partial<JobProgress> | null,
    /** How far back the rate looks. */
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.current = {
      done: initial?.done ?? 0,
      total: initial?.total ?? null,
      unit: initial?.unit ?? 'items',
      rate: null,
      etaSeconds: null,
      ...(initial?.message !== undefined ? { message: initial.message } : {}),
    };
  }

  update(u: JobProgressUpdate): JobProgress {
    const time = this.now();
    const last = this.samples[this.samples.length - 1];
    // A job that restarts its count (a new phase) starts a new window.
    if (last && u.done < last.done) this.samples = [];
    this.samples.push({ time, done: u.done });
    // Keep at least two samples so a slow job (one report per > window) still has a rate.
    while (this.samples.length > 2 && time - this.samples[1].time >= this.windowMs) this.samples.shift();

    const total = u.total === undefined ? this.current.total : u.total;
    const rate = this.rate();
    const remaining = total != null ? Math.max(0, total - u.done) : null;
    this.current = {
      done: u.done,
      total,
      unit: u.unit ?? this.current.unit,
      rate,
      etaSeconds: remaining != null && rate != null && rate > 0 ? remaining / rate : remaining === 0 ? 0 : null,
      ...(u.message !== undefined ? { message: u.message } : this.current.message !== undefined ? { message: this.current.message } : {}),
    };
    return this.current;
  }

  get progress(): JobProgress {
    return this.current;
  }

  /** Units per second between the oldest and newest sample in the window. */
  private rate(): number | null {
    if (this.samples.length < 2) return null;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.time - first.time) / 1000;
    if (seconds <= 0) return null;
    return (last.done - first.done) / seconds;
  }
}
