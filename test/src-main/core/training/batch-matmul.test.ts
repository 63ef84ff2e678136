// The per-item XNNPACK batched product (wasm) against the cpu backend's plain matMul, and that it
// leaves no tensors behind.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../../src-main/core/training/backend.js';
import { batchMatMul } from '../../../../src-main/core/training/batch-matmul.js';
import { mulberry32 } from '../../../../src-main/core/training/rng.js';

function randomData(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
}

/** A plain triple loop in JS, independent of either backend's matmul. */
function reference(a: Float32Array, b: Float32Array, [n, M, K, N]: number[]): Float32Array {
  const out = new Float32Array(n * M * N);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < M; r++)
      for (let c = 0; c < N; c++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[(i * M + r) * K + k] * b[(i * K + k) * N + c];
        out[(i * M + r) * N + c] = s;
      }
  return out;
}

describe('batchMatMul', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`matches a plain product on ${backend} for attention-like and edge shapes`, async () => {
      await useBackend(backend);
      for (const [n, M, K, N] of [[24, 16, 8, 16], [3, 1, 5, 7], [1, 9, 4, 1], [5, 33, 17, 65]]) {
        const aData = randomData(n * M * K, n + M);
        const bData = randomData(n * K * N, K + N);
        const want = reference(aData, bData, [n, M, K, N]);
        const before = tf.memory().numTensors;
        const a = tf.tensor3d(aData, [n, M, K]);
        const b = tf.tensor3d(bData, [n, K, N]);
        // A holder object: TypeScript cannot see the assignment inside the callback (it narrows to never).
        const out: { c: tf.Tensor3D | null } = { c: null };
        const profile = await tf.profile(() => {
          out.c = batchMatMul(a, b);
        });
        const c = out.c;
        if (backend === 'wasm') expect(profile.kernelNames, 'the per-item XNNPACK path ran').toContain('GenqItemwiseBatchMatMul');
        if (!c) throw new Error('batchMatMul returned nothing');
        expect(c.shape).toEqual([n, M, N]);
        const got = c.dataSync();
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `[${n},${M},${K},${N}] element ${i}`).toBeLessThan(1e-5);
        tf.dispose([a, b, c]);
        expect(tf.memory().numTensors).toBe(before);
      }
    });
  }

  it('works inside tf.tidy and rejects shapes that do not chain', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const sum = tf.tidy(() => tf.sum(batchMatMul(tf.ones([4, 3, 2]) as tf.Tensor3D, tf.ones([4, 2, 5]) as tf.Tensor3D)).dataSync()[0]);
    expect(sum).toBe(4 * 3 * 5 * 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => batchMatMul(tf.ones([2, 3, 4]) as tf.Tensor3D, tf.ones([2, 5, 4]) as tf.Tensor3D)).toThrow(/do not chain/);
  });
});
