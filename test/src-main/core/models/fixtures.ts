// Helpers for the model tests: fixture paths, reference data and throw-away model folders.
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '../../../../src-main/core/models/safetensors.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures');

export interface EncoderReference {
  sentences: string[];
  input_ids: number[][];
  embeddings: number[][];
  pooling: string;
  normalize: boolean;
}

export function reference(name: string): EncoderReference {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'reference.json'), 'utf8')) as EncoderReference;
}

/** last_hidden_state [batch, seq, h] and attention_mask [batch, seq] from PyTorch. */
export function referenceHidden(name: string): { hidden: Float32Array; mask: Float32Array; dims: [number, number, number] } {
  const st = readSafetensors(join(FIXTURES, name, 'reference_hidden.safetensors'));
  const dims = st.tensors.get('last_hidden_state')!.shape as [number, number, number];
  return { hidden: st.float32('last_hidden_state'), mask: st.float32('attention_mask'), dims };
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `genq-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A writable copy of a fixture folder (fixtures are read-only). */
export function copyFixture(name: string, into: string): string {
  const dest = join(into, name);
  cpSync(join(FIXTURES, name), dest, { recursive: true });
  makeWritable(dest);
  return dest;
}

function makeWritable(path: string): void {
  const dir = statSync(path).isDirectory();
  chmodSync(path, dir ? 0o755 : 0o644);
  if (dir) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
