// training.* of the API: runs start (and continue from a checkpoint) as 'training.run' jobs on
// the open project's runner; runs, series, checkpoints and comparisons are read from the project
// database and its checkpoints/ folder. A checkpoint is exported without TensorFlow.js: its
// weights are copied into a sentence-transformers folder next to the base model's files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ApiContractType, GenqApiImpl } from '../../../shared/api.js';
import type { EventMessage } from '../../../shared/contract.js';
import type { JobSnapshot } from '../../../shared/services/jobs.js';
import type { ModelInfo, ProjectModel } from '../../../shared/services/models.js';
import { trainingContract, trainingRunParamsSchema, type TrainingCheckpointInfo, type TrainingRunParamsInput } from '../../../shared/services/training.js';
import type { EventBus } from '../api/events.js';
import { loadModelFolder } from '../models/folder.js';
import { listProjectModels } from '../models/models-service.js';
import { readSafetensors } from '../models/safetensors.js';
import type { ProjectManager } from '../project/project-manager.js';
import type { LoopState } from './checkpoint.js';
import { DEV_METRICS } from './dev-eval.js';
import { exportPrompts, folderPrefixes, projectModelPrefixes } from '../models/prefixes.js';
import { exportSentenceTransformerArrays, type ParamArrays } from './export.js';
import { countProjectTriplets } from '../mining/project-triplets.js';
import { planRun, resolveEngine } from './engines.js';
import { TRAINING_RUN_KIND } from './jobs.js';
import { countDevSet, countTrainingPairs, countTrainingPairsByStatus } from './project-pairs.js';
import { downsample, getTrainingRun, listTrainingRuns, metricSeries } from './training-runs.js';
import { baseEncoder, checkpointRoot, registerTunedModel, TrainingModelError, tunedModelDir, tunedModelInfo } from './tuned-model.js';

export class TrainingServiceError extends Error {
  override name = 'TrainingServiceError';
}

/** Mean loss over the last steps before a checkpoint (one step's loss is noisy). */
const LOSS_WINDOW = 10;

function listCheckpoints(root: string): TrainingCheckpointInfo[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => /^step-\d+$/.test(name) && existsSync(join(root, name, 'trainer_state.json')))
    .sort()
    .map((name) => {
      const path = join(root, name);
      const state = JSON.parse(readFileSync(join(path, 'trainer_state.json'), 'utf8')) as LoopState;
      const recent = state.losses.slice(-LOSS_WINDOW);
      const lastEval = state.evals[state.evals.length - 1];
      const bytes = readdirSync(path).reduce((sum, f) => sum + statSync(join(path, f)).size, 0);
      return {
        name,
        step: state.step,
        // Epoch-end checkpoints follow that epoch's evaluation; others lie inside an epoch.
        epoch: lastEval && lastEval.step === state.step ? lastEval.epoch + 1 : null,
        loss: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null,
        path,
        bytes,
        createdAt: statSync(path).mtime.toISOString(),
      };
    });
}

interface ModelRow {
  id: number;
  name: string;
  role: ProjectModel['role'];
  path: string;
  source: string | null;
  parent_id: number | null;
  info: string | null;
  created_at: string;
}

function projectModels(db: Database.Database): ProjectModel[] {
  return (db.prepare('SELECT * FROM models ORDER BY id').all() as ModelRow[]).map((r) => ({
    id: r.id, name: r.name, role: r.role, path: r.path, source: r.source, parentId: r.parent_id,
    info: r.info ? (JSON.parse(r.info) as ModelInfo) : null, createdAt: r.created_at,
  }));
}

export function createTrainingService(manager: ProjectManager, events: EventBus<ApiContractType>): GenqApiImpl['training'] {
  const project = () => manager.require().project;
  const runner = () => manager.require().runner;
  const modelsChanged = () => events.emit('models', 'onChanged', listProjectModels(project().db)); // with prefixes, as models.list gives them

  // A finished training job registered a model from its worker: tell the Models page.
  events.subscribe((m: EventMessage) => {
    if (m.service !== 'jobs' || m.event !== 'onUpdate') return;
    const job = m.payload as JobSnapshot;
    if (job.kind === TRAINING_RUN_KIND && job.state === 'done' && manager.current) modelsChanged();
  });

  const start = (input: TrainingRunParamsInput): JobSnapshot => {
    const params = trainingRunParamsSchema.parse(input);
    const { db } = project();
    if (!params.resume) {
      baseEncoder(db, params.modelId); // fail now, not in the worker
      if (params.settings.loss === 'margin-mse') {
        // GPL trains on the mined triplets; says what to do when there is no finished mining run.
        if (countProjectTriplets(db) === 0) throw new TrainingServiceError('the mining run has no kept hard negatives; mine again or restore dropped negatives on the Mine page');
        return runner().start(TRAINING_RUN_KIND, params);
      }
      const pairs = countTrainingPairs(db, params.settings.pairStatuses);
      if (pairs < 2) throw new TrainingServiceError(`the project has ${pairs} ${params.settings.pairStatuses === 'accepted' ? 'accepted pair(s)' : 'pair(s) nobody rejected'} on training-split passages; MNR training needs at least 2 (${params.settings.pairStatuses === 'accepted' ? 'accept queries on the Curate page' : 'generate queries, or un-reject some on the Curate page'})`);
    }
    return runner().start(TRAINING_RUN_KIND, params);
  };

  return {
    start: async (input) => start(input),
    estimate: async (input) => {
      const { modelId, settings } = trainingContract.estimate.input.parse(input);
      const base = baseEncoder(project().db, modelId);
      const engine = resolveEngine(settings.engine);
      const folderMax = loadModelFolder(base.path).maxSeqLength;
      const maxSeqLength = Math.min(settings.maxSeqLength ?? folderMax, folderMax);
      const plan = planRun({
        modelDir: base.path, engine: settings.engine, backend: settings.backend, provider: settings.provider, batchSize: settings.batchSize,
        columns: settings.loss === 'margin-mse' ? 3 : 2, maxSeqLength, dropout: settings.dropout, miniBatchSize: settings.miniBatchSize,
      });
      const provider = engine === 'tfjs' ? (settings.backend === 'auto' ? 'wasm' : settings.backend) : settings.provider;
      return { engine, provider, maxSeqLength, ...plan };
    },
    counts: async () => {
      const { db } = project();
      const n = countTrainingPairsByStatus(db);
      return { pairs: n.accepted + n.pending, ...n, ...countDevSet(db, trainingRunParamsSchema.shape.settings.parse({}).evalMaxQueries) };
    },
    runs: async () => listTrainingRuns(project().db),
    run: async ({ runId }) => getTrainingRun(project().db, runId),
    metrics: async ({ runId, series }) => {
      getTrainingRun(project().db, runId);
      return metricSeries(project().db, runId, series);
    },
    checkpoints: async ({ runId }) => {
      getTrainingRun(project().db, runId);
      return listCheckpoints(checkpointRoot(project().dir, runId));
    },
    exportCheckpoint: async ({ runId, checkpoint, name }) => {
      const { db, dir } = project();
      const run = getTrainingRun(db, runId);
      const ckDir = join(checkpointRoot(dir, runId), checkpoint);
      const weightsPath = join(ckDir, 'model.safetensors');
      if (!existsSync(weightsPath)) throw new TrainingServiceError(`${ckDir}: run ${runId} has no such checkpoint (it may have been pruned; see training.checkpoints)`);
      const base = run.config.baseModel;
      if (!existsSync(base.path)) throw new TrainingModelError(`${base.path}: the base model folder of run ${runId} no longer exists; its files are needed for the export`);
      const st = readSafetensors(weightsPath);
      const weights: ParamArrays = new Map([...st.tensors].map(([n, info]) => [n, { shape: info.shape, data: st.float32(n) }]));
      const step = Number(checkpoint.slice('step-'.length));
      const modelName = name ?? `${run.config.outputName} @ step ${step}`;
      const outDir = tunedModelDir(dir, runId, `${checkpoint}-${modelName}`);
      const baseFolder = loadModelFolder(base.path);
      // The run trained with the base model's project prefixes: the exported folder keeps them as its prompts.
      exportSentenceTransformerArrays(baseFolder, weights, outDir, { maxSeqLength: run.config.maxSeqLength, ...exportPrompts(baseFolder, db.prepare('SELECT 1 FROM models WHERE id = ?').get(base.id) ? projectModelPrefixes(db, base.id) : folderPrefixes(baseFolder)) });
      const info = await tunedModelInfo(outDir);
      const id = registerTunedModel(db, { name: modelName, path: outDir, parentId: base.id, source: `training run ${runId} (${checkpoint})`, info });
      modelsChanged();
      return projectModels(db).find((m) => m.id === id)!;
    },
    resume: async ({ runId, checkpoint }) => {
      const { db, dir } = project();
      const run = getTrainingRun(db, runId);
      if (run.status === 'running' || run.status === 'queued') throw new TrainingServiceError(`run ${runId} is ${run.status} (job ${run.jobId}); cancel it before resuming it from a checkpoint`);
      const all = listCheckpoints(checkpointRoot(dir, runId));
      const chosen = checkpoint ?? all[all.length - 1]?.name;
      if (!chosen || !all.some((c) => c.name === chosen)) {
        throw new TrainingServiceError(checkpoint ? `run ${runId} has no checkpoint ${checkpoint}` : `run ${runId} has no checkpoint yet; start a new run instead`);
      }
      return start({ modelId: run.config.baseModel.id, settings: run.config.settings, outputName: run.config.outputName, resume: { runId, checkpoint: chosen } });
    },
    compare: async ({ runIds, points }) => {
      const { db } = project();
      return {
        runs: runIds.map((runId) => {
          const run = getTrainingRun(db, runId);
          const series = metricSeries(db, runId, ['loss', ...DEV_METRICS]);
          const evals = Object.fromEntries(DEV_METRICS.map((m) => [m, series[m] ?? []]));
          return { run, loss: downsample(series.loss ?? [], points), evals };
        }),
      };
    },
  };
}
