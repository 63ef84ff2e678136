// Job kinds used only by tests and the e2e run (registered when testJobKinds is set).
import { z } from 'zod';
import type { JobKindDef } from './types.js';

export const testCountParams = z.object({
  steps: z.number().int().min(1).max(1_000_000),
  delayMs: z.number().int().min(0).max(60_000).default(0),
  /** Throw an error when this step is reached. */
  failAt: z.number().int().min(0).optional(),
  /** End the worker thread abruptly (process.exit inside the worker) at this step. */
  crashAt: z.number().int().min(0).optional(),
  /** Keep counting after cancel, to exercise the runner's hard stop. */
  ignoreSignal: z.boolean().default(false),
  /** Report the `count` metric against this run (persisted to metric_points). */
  runId: z.number().int().positive().optional(),
});
export type TestCountParams = z.infer<typeof testCountParams>;
export interface TestCountCheckpoint {
  next: number;
}

export const testCountJob: JobKindDef<TestCountParams> = {
  kind: 'test.count',
  title: (p) => `Count to ${p.steps}`,
  label: 'Test: count (heavy)',
  heavy: true,
  params: testCountParams,
  handlerModule: new URL('./test-count-job.js', import.meta.url).href,
};

/** Same handler, but not heavy: any number run at once. */
export const testCountLightJob: JobKindDef<TestCountParams> = {
  ...testCountJob,
  kind: 'test.count-light',
  title: (p) => `Count to ${p.steps} (light)`,
  label: 'Test: count (light)',
  heavy: false,
};


export const testOnnxLoopParams = z.object({
  /** An .onnx embedding model with input_ids / attention_mask inputs. */
  model: z.string().min(1),
  /** Keep running after cancel, so the runner's hard stop lands while a run is in flight. */
  ignoreSignal: z.boolean().default(true),
});
export type TestOnnxLoopParams = z.infer<typeof testOnnxLoopParams>;

/** Runs an onnxruntime session back to back until stopped: what a training or embedding job does. */
export const testOnnxLoopJob: JobKindDef<TestOnnxLoopParams> = {
  kind: 'test.onnx-loop',
  title: () => 'Run onnxruntime in a loop',
  label: 'Test: onnxruntime loop',
  heavy: false,
  params: testOnnxLoopParams,
  handlerModule: new URL('./test-onnx-loop-job.js', import.meta.url).href,
};

export const testJobKinds: JobKindDef<any>[] = [testCountJob, testCountLightJob, testOnnxLoopJob];
