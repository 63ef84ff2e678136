// Training checkpoints: weights, AdamW moments and the loop state (step, eval history) in one
// folder, written to a temporary name and renamed so a crash or kill -9 never leaves a half
// checkpoint behind. Data order and dropout masks are pure functions of (seed, epoch, step), so the
// step number is the whole RNG/data position.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../models/safetensors.js';
import type { AdamWState } from './adamw.js';
import type { EngineParamTensor } from './engine.js';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface LoopState {
  /** Steps completed (the next step to run). */
  step: number;
  totalSteps: number;
  losses: number[];
  evals: Array<{ step: number; epoch: number; score: number; metrics: Record<string, number> }>;
  bestScore: number | null;
  evalsWithoutImprovement: number;
  /** The settings that determine the trajectory; a resume with different ones is refused. */
  fingerprint: string;
}

export interface Checkpoint {
  dir: string;
  state: LoopState;
  params: Map<string, { shape: number[]; data: Float32Array }>;
  optimizer: AdamWState;
}

const STATE = 'trainer_state.json';

/** Writes step-NNNNNNN/ under root and keeps only the newest `keep` complete checkpoints. */
export function saveCheckpoint(root: string, params: Map<string, EngineParamTensor>, optimizer: AdamWState, state: LoopState, keep = 2): string {
  mkdirSync(root, { recursive: true });
  const final = join(root, `step-${String(state.step).padStart(7, '0')}`);
  const tmp = `${final}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const weights: Record<string, TensorToWrite> = {};
  for (const [name, t] of params) weights[name] = { shape: t.shape, data: t.data };
  writeSafetensors(join(tmp, 'model.safetensors'), weights, { format: 'pt' });
  const moments: Record<string, TensorToWrite> = {};
  for (const [kind, map] of [['m', optimizer.m], ['v', optimizer.v]] as const) {
    for (const [name, data] of map) moments[`${kind}.${name}`] = { shape: params.get(name)!.shape, data };
  }
  writeSafetensors(join(tmp, 'optimizer.safetensors'), moments, { adam_step: String(optimizer.step) });
  writeFileSync(join(tmp, STATE), JSON.stringify(state));
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  const complete = readdirSync(root).filter((n) => /^step-\d+$/.test(n)).sort();
  for (const old of complete.slice(0, Math.max(0, complete.length - keep))) rmSync(join(root, old), { recursive: true, force: true });
  return final;
}

/** The newest complete checkpoint under root, or null. */
export function latestCheckpoint(root: string): string | null {
  if (!existsSync(root)) return null;
  const done = readdirSync(root)
    .filter((n) => /^step-\d+$/.test(n) && existsSync(join(root, n, STATE)))
    .sort();
  return done.length ? join(root, done[done.length - 1]) : null;
}

export function loadCheckpoint(dir: string): Checkpoint {
  const statePath = join(dir, STATE);
  if (!existsSync(statePath)) throw new CheckpointError(`${statePath}: missing; ${dir} is not a complete training checkpoint`);
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as LoopState;
  const w = readSafetensors(join(dir, 'model.safetensors'));
  const params = new Map([...w.tensors].map(([name, info]) => [name, { shape: info.shape, data: w.float32(name) }]));
  const o = readSafetensors(join(dir, 'optimizer.safetensors'));
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  for (const name of o.tensors.keys()) (name.startsWith('m.') ? m : v).set(name.slice(2), o.float32(name));
  const step = Number(o.metadata.adam_step);
  if (!Number.isInteger(step)) throw new CheckpointError(`${join(dir, 'optimizer.safetensors')}: metadata lacks the optimizer step count`);
  return { dir, state, params, optimizer: { step, m, v } };
}
