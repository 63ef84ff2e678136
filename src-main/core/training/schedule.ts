// transformers.get_linear_schedule_with_warmup: the lr multiplier for 0-based step s rises
// linearly from 0 over the warmup (so step 0 runs at lr × 0 when warmup > 0), then falls linearly
// to 0 at totalSteps.
export function linearWarmupDecay(step: number, warmupSteps: number, totalSteps: number): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

/** Warmup steps from an explicit count or a ratio of the total (transformers rounds the ratio up). */
export function warmupStepsFor(totalSteps: number, opts: { warmupSteps?: number; warmupRatio?: number }): number {
  if (opts.warmupSteps !== undefined) return opts.warmupSteps;
  return Math.ceil(totalSteps * (opts.warmupRatio ?? 0.1));
}
