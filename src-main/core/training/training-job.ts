// Job handler for 'training.run': fine-tunes a project encoder on the pairs nobody rejected in the job's
// worker thread, streams per-step metrics, evaluates on the held-out split each epoch, writes
// checkpoints under <project>/checkpoints/run-<id>/ and finally exports and registers the tuned
// model. A resumed job (after cancel, crash or kill -9) continues the same run from its newest
// checkpoint; a job with params.resume continues a run from a chosen checkpoint. Data order and
// dropout depend only on (seed, epoch, step), so either way the trajectory is the same.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { trainingMemoryLines } from '../../../shared/device-memory.js';
import type { TrainingEval, TrainingResult, TrainingRunConfig, TrainingRunParams } from '../../../shared/services/training.js';
import { deviceMemorySampler, GPU_MEMORY_SERIES, reportDeviceMemory, trainingMemory } from '../models/device-memory.js';
import type { JobContext, JobHandler } from '../jobs/types.js';
import { pairExamples, type Example } from './batches.js';
import { latestCheckpoint, loadCheckpoint } from './checkpoint.js';
import { evaluateDevSet } from './dev-eval.js';
import type { TrainingEngine } from './engine.js';
import { createEngine, openTrainingModel, planRun } from './engines.js';
import { isOutOfMemory, memoryError, TrainingMemoryError } from './memory-plan.js';
import { exportSentenceTransformerArrays } from './export.js';
import { exportPrompts, prefixDevSet, prefixPairs, projectModelPrefixes, type ModelPrefixes } from '../models/prefixes.js';
import { countTrainingPairsByStatus, devSet, trainingPairs } from './project-pairs.js';
import { parameterShapes } from './model.js';
import { embedTexts } from './step.js';
import { lossFor, projectTrainingData, type TrainingData } from './training-data.js';
import { adamwOptions, DEFAULT_SETTINGS, planSteps, runTraining, type TrainSettings } from './trainer.js';
import { attachJob, createTrainingRun, EVAL_EPOCH_SERIES, getTrainingRun, setTrainingSummary, trimMetricPoints } from './training-runs.js';
import { baseEncoder, checkpointRoot, readBaselineEval, registerTunedModel, tunedModelDir, tunedModelInfo } from './tuned-model.js';

export interface TrainingJobCheckpoint {
  runId: number;
  /** Steps completed at the newest saved checkpoint (0 before the first). */
  step: number;
  /** Training seconds up to that checkpoint, over every attempt. */
  seconds: number;
}

export class TrainingJobError extends Error {
  override name = 'TrainingJobError';
}

/** The engine's settings for a run (its checkpoint folder included). */
export function engineSettings(config: TrainingRunConfig, checkpointDir: string): TrainSettings {
  const s = config.settings;
  return {
    ...DEFAULT_SETTINGS,
    batchSize: s.batchSize, epochs: s.epochs, steps: s.steps, lr: s.lr, warmupRatio: s.warmupRatio, weightDecay: s.weightDecay,
    adamEps: s.adamEps, maxGradNorm: s.maxGradNorm, maxSeqLength: config.maxSeqLength, dropout: s.dropout, seed: s.seed,
    symmetric: s.symmetric, miniBatchSize: s.miniBatchSize, checkpointDir, checkpointEvery: s.checkpointEvery,
    keepCheckpoints: s.keepCheckpoints, earlyStoppingPatience: s.earlyStoppingPatience,
  };
}

/** Optimizer steps the run will take (the loop plans the same batches). */
function countSteps(data: TrainingData, s: TrainingRunParams['settings']): number {
  return planSteps(data.examplesForEpoch ?? data.examples, { ...s, shuffle: true }, lossFor(s.loss ?? 'mnr')).length;
}

/** The run's examples: pairs (MNR) or mined triplets (MarginMSE), with the model's prefixes. */
function runData(db: Database.Database, s: TrainingRunParams['settings'], prefixes: ModelPrefixes): TrainingData {
  const prefix = (e: Example): Example => ({ ...e, texts: e.texts.map((t, c) => (c === 0 ? prefixes.query : prefixes.passage) + t) });
  if ((s.loss ?? 'mnr') === 'margin-mse') {
    const data = projectTrainingData(db, 'margin-mse', s.seed);
    const forEpoch = data.examplesForEpoch!;
    return { ...data, examples: data.examples.map(prefix), examplesForEpoch: (epoch) => forEpoch(epoch).map(prefix) };
  }
  const pairs = prefixPairs(trainingPairs(db, s.pairStatuses), prefixes);
  if (pairs.length < 2) throw new TrainingJobError(`the project has ${pairs.length} ${s.pairStatuses === 'accepted' ? 'accepted pair(s)' : 'pair(s) nobody rejected'} on training-split passages; MNR training needs at least 2 (${s.pairStatuses === 'accepted' ? 'accept queries on the Curate page' : 'generate queries, or un-reject some on the Curate page'})`);
  const n = countTrainingPairsByStatus(db, s.pairStatuses);
  return { examples: pairExamples(pairs), describe: `${pairs.length} pairs (${n.accepted} accepted, ${n.pending} pending)` };
}

/** Creates the run (fresh job) or finds the run to continue, and the checkpoint to continue from. */
function openRun(ctx: JobContext<TrainingRunParams, TrainingJobCheckpoint>, db: Database.Database, data: TrainingData, dev: { queries: number; passages: number }, maxSeqLength: number) {
  const { params } = ctx;
  if (ctx.checkpoint) {
    const run = getTrainingRun(db, ctx.checkpoint.runId);
    if (run.jobId !== ctx.jobId) throw new TrainingJobError(`run ${run.id} is continued by job ${run.jobId} now; this job (${ctx.jobId}) cannot resume it`);
    return { runId: run.id, config: run.config, from: latestCheckpoint(checkpointRoot(ctx.projectDir, run.id)), secondsBefore: ctx.checkpoint.seconds };
  }
  if (params.resume) {
    const run = getTrainingRun(db, params.resume.runId);
    const root = checkpointRoot(ctx.projectDir, run.id);
    const from = join(root, params.resume.checkpoint);
    if (!existsSync(join(from, 'trainer_state.json'))) throw new TrainingJobError(`${from}: no such checkpoint of run ${run.id}`);
    // Later checkpoints belong to the trajectory being redone; keeping them would confuse "newest".
    for (const name of readdirSync(root)) if (/^step-\d+(\.tmp)?$/.test(name) && name.replace('.tmp', '') > params.resume.checkpoint) rmSync(join(root, name), { recursive: true, force: true });
    db.transaction(() => {
      attachJob(db, run.id, ctx.jobId);
      ctx.saveCheckpoint({ runId: run.id, step: loadCheckpoint(from).state.step, seconds: 0 });
    }).immediate();
    return { runId: run.id, config: run.config, from, secondsBefore: 0 };
  }
  const base = baseEncoder(db, params.modelId);
  return db.transaction(() => {
    const config: Omit<TrainingRunConfig, 'outputName'> = {
      baseModel: { id: base.id, name: base.name, path: base.path },
      settings: params.settings, maxSeqLength, pairs: data.examples.length, evalQueries: dev.queries, evalPassages: dev.passages,
      totalSteps: countSteps(data, params.settings),
    };
    const runId = createTrainingRun(db, { jobId: ctx.jobId, modelId: base.id, name: `${base.name} · lr ${params.settings.lr} · batch ${params.settings.batchSize}`, config: { ...config, outputName: '' } });
    const full: TrainingRunConfig = { ...config, outputName: params.outputName ?? `${base.name} (run ${runId})` };
    db.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify(full), runId);
    ctx.saveCheckpoint({ runId, step: 0, seconds: 0 });
    // Run ids can be reused after a deletion; a new run never continues someone else's checkpoints.
    rmSync(checkpointRoot(ctx.projectDir, runId), { recursive: true, force: true });
    return { runId, config: full, from: null as string | null, secondsBefore: 0 };
  }).immediate();
}

const handler: JobHandler<TrainingRunParams, TrainingJobCheckpoint> = {
  async run(ctx): Promise<TrainingResult | null> {
    const { db, params } = ctx;
    // The base model's query/passage prefixes (E5, BGE) go before every training and dev text; the export records them.
    const prefixes = projectModelPrefixes(db, ctx.checkpoint || params.resume ? getTrainingRun(db, (ctx.checkpoint?.runId ?? params.resume?.runId)!).config.baseModel.id : params.modelId);
    const data = runData(db, params.settings, prefixes);
    const dev = prefixDevSet(devSet(db, params.settings.evalMaxQueries), prefixes);
    const baseRow = ctx.checkpoint || params.resume ? null : baseEncoder(db, params.modelId);
    const opened = openTrainingModel(baseRow?.path ?? getTrainingRun(db, (ctx.checkpoint?.runId ?? params.resume?.runId)!).config.baseModel.path);
    const { folder } = opened.model;
    let engine: TrainingEngine | null = null;
    try {
      const wantedSeqLength = Math.min(params.settings.maxSeqLength ?? folder.maxSeqLength, folder.maxSeqLength);
      const { runId, config, from, secondsBefore } = openRun(ctx, db, data, { queries: dev.queries.length, passages: dev.corpus.length }, wantedSeqLength);
      const maxSeqLength = config.maxSeqLength;
      if (config.pairs !== data.examples.length) throw new TrainingJobError(`run ${runId} was started on ${config.pairs} examples but the project now has ${data.examples.length}; start a new run instead of resuming`);
      const root = checkpointRoot(ctx.projectDir, runId);
      mkdirSync(root, { recursive: true });
      const settings = engineSettings(config, root);
      const s = config.settings;
      // Memory before the weights load: the largest GradCache mini-batch that fits, or a refusal with the numbers.
      const plan = planRun({
        modelDir: config.baseModel.path, engine: s.engine ?? 'auto', backend: s.backend, provider: s.provider, batchSize: s.batchSize,
        columns: data.examples[0]?.texts.length ?? 2, maxSeqLength: config.maxSeqLength, dropout: s.dropout, miniBatchSize: s.miniBatchSize,
      });
      if (!plan.fits) throw new TrainingMemoryError(`batch ${s.batchSize} × max_seq_length ${config.maxSeqLength} ${plan.message}`);
      ctx.log('info', `Memory: ${plan.message}`);
      settings.miniBatchSize = plan.miniBatchSize;
      const live = await createEngine(s.engine ?? 'auto', opened.model, { adamw: adamwOptions(settings), provider: s.provider, backend: s.backend });
      engine = live;
      if (live.name === 'tfjs') opened.model.weights.clear(); // copied into the engine's tensors; frees ~4 bytes per parameter
      const startStep = from ? loadCheckpoint(from).state.step : 0;
      trimMetricPoints(db, runId, startStep);
      const device = `${live.device.engine} ${live.device.provider}`;
      for (const reason of live.device.fallbackReasons) ctx.log('info', `Not used: ${reason}`);
      ctx.log('info', `${from ? `Resuming run ${runId} at step ${startStep}` : `Run ${runId}`}: ${folder.architecture} on ${device}, ${data.describe}, ${config.totalSteps} steps, batch ${settings.batchSize}, max_seq_length ${maxSeqLength}, dev set ${dev.queries.length} queries / ${dev.corpus.length} passages`);
      // With the weights on the device: GPU memory where nvidia-smi reports it, and the engine's own state exactly.
      const { memory, stateBytes } = await trainingMemory(live.device.provider, parameterShapes(opened.model.config).map(([, shape]) => shape));
      for (const line of trainingMemoryLines(live.device.provider, memory, stateBytes)) ctx.log('info', `Memory: ${line}`);
      // The Train page's live GPU memory: a sample every 15 s at most, as metric series (GPU providers only).
      const gpuMemory = deviceMemorySampler(live.device.provider, 15_000, (step, r) => {
        ctx.metric(GPU_MEMORY_SERIES.used, step, r.usedBytes, runId);
        ctx.metric(GPU_MEMORY_SERIES.total, step, r.totalBytes, runId);
      });
      ctx.progress({ done: startStep, total: config.totalSteps, unit: 'steps', message: from ? `resuming at step ${startStep}` : 'starting' });

      const evaluate = dev.queries.length > 0 ? (embed: (texts: string[]) => Promise<Float32Array[]>) => evaluateDevSet(dev, embed) : null;
      const recordEval = (e: TrainingEval) => {
        ctx.metric(EVAL_EPOCH_SERIES, e.step, e.epoch, runId);
        for (const [name, value] of Object.entries(e.metrics)) ctx.metric(name, e.step, value, runId);
        ctx.log('info', `Dev set after ${e.step} steps: ${Object.entries(e.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`);
      };
      if (!from && evaluate && config.settings.evalBeforeTraining) {
        ctx.progress({ done: 0, total: config.totalSteps, unit: 'steps', message: 'evaluating the base model' });
        const baseline: TrainingEval = { step: 0, epoch: -1, metrics: (await evaluate((texts) => embedTexts(live, opened.tokenize, texts, maxSeqLength))).metrics };
        writeFileSync(join(root, 'baseline.json'), JSON.stringify(baseline));
        recordEval(baseline);
      }
      const started = performance.now();
      const elapsed = () => secondsBefore + (performance.now() - started) / 1000;
      const result = await runTraining(
        { engine: live, tokenize: opened.tokenize, loss: lossFor(s.loss ?? 'mnr', { symmetric: settings.symmetric }), examples: data.examples, examplesForEpoch: data.examplesForEpoch, defaultDropout: opened.defaultDropout },
        settings,
        {
          signal: ctx.signal,
          onStep: (e) => {
            ctx.metric('loss', e.step, e.loss, runId);
            ctx.metric('lr', e.step, e.lr, runId);
            ctx.metric('grad_norm', e.step, e.gradNorm, runId);
            ctx.metric('pairs_per_s', e.step, e.pairsPerSec, runId);
            ctx.metric('eta_s', e.step, e.etaSec, runId);
            gpuMemory.sample(e.step);
            ctx.progress({ done: e.step + 1, total: e.totalSteps, unit: 'steps', message: `epoch ${e.epoch + 1}, loss ${e.loss.toFixed(4)}` });
          },
          onCheckpoint: (e) => ctx.saveCheckpoint({ runId, step: e.step, seconds: elapsed() }),
          evaluate: evaluate
            ? async (e) => {
                ctx.progress({ done: e.step, total: config.totalSteps, unit: 'steps', message: `evaluating after epoch ${e.epoch + 1}` });
                const r = await evaluate(e.embed);
                recordEval({ step: e.step, epoch: e.epoch, metrics: r.metrics });
                return r;
              }
            : undefined,
        },
        from ?? undefined,
      ).catch((e: unknown) => {
        throw isOutOfMemory(e) ? memoryError(e, plan, `the ${live.device.engine} engine (${live.device.provider})`) : e;
      }).finally(() => gpuMemory.stop());
      if (result.stopped === 'aborted') return null;
      if (result.stopped === 'early-stopping') ctx.log('info', `Early stopping after ${result.steps} steps: no better MRR@10 in ${settings.earlyStoppingPatience} evaluations`);

      const outDir = tunedModelDir(ctx.projectDir, runId, config.outputName);
      ctx.progress({ done: result.steps, total: config.totalSteps, unit: 'steps', message: 'exporting the tuned model' });
      rmSync(outDir, { recursive: true, force: true });
      exportSentenceTransformerArrays(folder, await live.exportParams(), outDir, { maxSeqLength, ...exportPrompts(folder, prefixes) });
      const info = await tunedModelInfo(outDir);
      // GPU memory at the end, the engine's state still on the device (null on CPU providers).
      const deviceMemory = await reportDeviceMemory(live.device.provider, { cacheMs: 0 });
      const baseline = readBaselineEval(root);
      const summary: Omit<TrainingResult, 'modelId'> = {
        runId, steps: result.steps, totalSteps: config.totalSteps, stopped: result.stopped,
        finalLoss: result.losses.length ? result.losses[result.losses.length - 1] : null,
        evals: [...(baseline ? [baseline] : []), ...result.evals.map((e) => ({ step: e.step, epoch: e.epoch, metrics: e.metrics }))],
        pairs: data.examples.length, backend: live.device.provider, engine: live.device.engine, device, deviceMemory, engineStateBytes: stateBytes, seconds: elapsed(), modelName: config.outputName, modelPath: outDir,
      };
      const done = db.transaction((): TrainingResult => {
        const modelId = registerTunedModel(db, { name: config.outputName, path: outDir, parentId: config.baseModel.id, source: `training run ${runId}`, info });
        const full = { ...summary, modelId };
        setTrainingSummary(db, runId, full);
        ctx.saveCheckpoint({ runId, step: result.steps, seconds: summary.seconds });
        return full;
      }).immediate();
      ctx.log('info', `Tuned model "${config.outputName}" (model ${done.modelId}) written to ${outDir}`);
      ctx.progress({ done: result.steps, total: config.totalSteps, unit: 'steps', message: `tuned model "${config.outputName}" added` });
      return done;
    } finally {
      await engine?.dispose();
    }
  },
};

export default handler;
