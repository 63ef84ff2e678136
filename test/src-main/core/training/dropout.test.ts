// Dropout masks: seeded, reproducible, the right keep rate and scale.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../../src-main/core/training/backend.js';
import { dropout, dropoutMask } from '../../../../src-main/core/training/layers.js';

describe('dropout', () => {
  it('draws a mask of 0 and 1/(1−p) with keep rate 1−p, fixed by the seed', async () => {
    await useBackend('wasm');
    const p = 0.1;
    const a = dropoutMask([200, 500], p, 42).dataSync();
    const b = dropoutMask([200, 500], p, 42).dataSync();
    const c = dropoutMask([200, 500], p, 43).dataSync();
    const keep = Math.fround(1 / (1 - p));
    let kept = 0;
    let differs = 0;
    let invalid = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== 0 && a[i] !== keep) invalid++;
      if (a[i] !== 0) kept++;
      if (a[i] !== c[i]) differs++;
    }
    expect(invalid).toBe(0);
    expect(b.every((v, i) => v === a[i])).toBe(true);
    expect(Math.abs(kept / a.length - (1 - p))).toBeLessThan(0.005); // 100k draws: σ ≈ 0.001
    expect(differs).toBeGreaterThan(1000);
  });

  it('scales kept values, passes the gradient through the same mask, and is the identity at p = 0', async () => {
    await useBackend('wasm');
    const x = tf.ones([4, 1000]);
    const d = dropout(x, 0.5, 9);
    const y = d.y.dataSync();
    const g = d.backward(tf.fill([4, 1000], 3)).dataSync();
    expect(g.every((v, i) => Math.abs(v - 3 * y[i]) < 1e-6)).toBe(true);
    expect(new Set(y)).toEqual(new Set([0, 2]));
    expect(dropout(x, 0, 9).y).toBe(x);
    expect(dropout(x, 0.5, null).y).toBe(x);
  });
});
