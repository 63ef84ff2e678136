// The WebGPU provider (on CI Mesa's lavapipe) draws the same dropout masks as the CPU provider, bit
// for bit: the hash is int32 arithmetic (wrap-around Add/Mul, truncating Div), exact on both. On CI
// (env CI) a missing adapter fails; locally it skips.
import { describe, expect, it } from 'vitest';
import { webgpuUnavailable } from '../../training/ort-fixture.js';
import { maskSession } from './dropout-masks.js';

const missing = await webgpuUnavailable();
const run = !missing || !!process.env.CI;

describe.skipIf(!run)('dropout masks on WebGPU', () => {
  it('equal the CPU provider’s for seeds below and above 2³¹, sites in two key blocks, p = 0.1 and 0.5', async () => {
    expect(missing).toBeNull();
    const [rows, cols] = [48, 128 * 128 + 3]; // 786 576 elements: negative and positive hashes, a ragged tail
    const cpu = await maskSession(rows, cols, [0, 1, 40], 'cpu');
    const gpu = await maskSession(rows, cols, [0, 1, 40], 'webgpu');
    expect(gpu.provider).toBe('webgpu');
    for (const seed of [42, 2 ** 31 + 5, 2 ** 32 - 1]) {
      for (const p of [0.1, 0.5]) {
        const [a, b] = [await cpu.scaled(seed, p), await gpu.scaled(seed, p)];
        for (let s = 0; s < a.length; s++) {
          let differ = 0;
          for (let i = 0; i < a[s].length; i++) if (a[s][i] !== b[s][i]) differ++;
          expect(differ, `seed ${seed} p ${p} site ${s}`).toBe(0);
        }
      }
    }
    await cpu.release();
    await gpu.release();
  }, 120_000);
});
