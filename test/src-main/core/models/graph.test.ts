import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFolder, loadWeights, type PoolingMode } from '../../../../src-main/core/models/folder.js';
import { buildEncoderGraph, relativePositionBuckets } from '../../../../src-main/core/models/onnx/encoder.js';
import { OnnxGraph } from '../../../../src-main/core/models/onnx/graph.js';
import { poolHiddenStates } from '../../../../src-main/core/models/pooling.js';
import { listProviders, OnnxSession } from '../../../../src-main/core/models/session.js';
import { FIXTURES, maxAbsDiff, reference, referenceHidden } from './fixtures.js';

describe('OnnxGraph', () => {
  it('writes a graph onnxruntime runs: y = x @ W + b', async () => {
    const g = new OnnxGraph('linear');
    const x = g.input('x', 'float32', ['batch', 2]);
    const y = g.op('Add', [g.op('MatMul', [x, g.weight('w', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3])]), g.floats([10, 20, 30], [3])], {}, { name: 'y' });
    g.output(y, 'float32', ['batch', 3]);
    const session = await OnnxSession.create(g.toBytes(), { provider: 'cpu', threads: 1 });
    const out = await session.run({ x: { type: 'float32', data: Float32Array.from([1, 1, 0, 2]), dims: [2, 2] } }, ['y']);
    expect([...out.y.data]).toEqual([15, 27, 39, 18, 30, 42]);
    expect(out.y.dims).toEqual([2, 3]);
    await session.release();
  });

  it('refuses undefined inputs, duplicate names and outputs nothing produces', () => {
    const g = new OnnxGraph('bad');
    g.input('x', 'float32', [1]);
    expect(() => g.op('Relu', ['nope'])).toThrow(/Relu reads "nope", which nothing defines/);
    expect(() => g.input('x', 'float32', [1])).toThrow(/value "x" is defined twice/);
    expect(() => g.output('missing', 'float32', [1])).toThrow(/output "missing" is not produced/);
    expect(() => g.weight('w', new Float32Array(3), [2, 2])).toThrow(/weight "w" has 3 values, shape \[2, 2\] needs 4/);
  });
});

describe('MPNet relative position buckets', () => {
  it('match transformers for known distances (32 buckets, max distance 128)', () => {
    const size = 130;
    const b = relativePositionBuckets(size, 32);
    const at = (i: number, j: number) => Number(b[i * size + j]);
    expect(at(0, 0)).toBe(0);
    expect(at(5, 0)).toBe(5); // key 5 before the query: small exact bucket
    expect(at(0, 5)).toBe(21); // key after the query: +16
    expect(at(16, 0)).toBe(10); // 8 + floor(log(2)/log(16)·8) = 10
    expect(at(64, 0)).toBe(14);
    expect(at(129, 0)).toBe(15); // capped at 15
  });
});

describe('pooling fused into the graph', () => {
  const modes: PoolingMode[] = ['mean', 'cls', 'max', 'mean_sqrt_len'];
  for (const mode of modes) {
    for (const normalize of [false, true]) {
      it(`${mode}${normalize ? ' + Normalize' : ''}: equals pooling PyTorch's hidden states (1e-4)`, async () => {
        const folder = loadModelFolder(join(FIXTURES, 'tiny-bert'));
        const bytes = buildEncoderGraph(folder as { architecture: 'bert'; config: Record<string, unknown> }, loadWeights(folder), { pooling: mode, normalize });
        const session = await OnnxSession.create(bytes, { provider: 'cpu', threads: 1 });
        const ref = referenceHidden('tiny-bert');
        const [batch, seq] = ref.dims;
        const ids = new BigInt64Array(batch * seq);
        reference('tiny-bert').input_ids.forEach((row, i) => row.forEach((t, j) => (ids[i * seq + j] = BigInt(t))));
        const mask = BigInt64Array.from(ref.mask, (m) => BigInt(m));
        const out = await session.run({ input_ids: { type: 'int64', data: ids, dims: [batch, seq] }, attention_mask: { type: 'int64', data: mask, dims: [batch, seq] } }, ['sentence_embedding']);
        const expected = poolHiddenStates(ref.hidden, ref.mask, ref.dims, mode, normalize);
        expected.forEach((e, i) => expect(maxAbsDiff(out.sentence_embedding.data.subarray(i * 64, (i + 1) * 64), e)).toBeLessThan(1e-4));
        await session.release();
      });
    }
  }
});

describe('token_type_ids input (for pair models)', () => {
  it('with all-zero types equals the folded graph; type 1 changes the output', async () => {
    const folder = loadModelFolder(join(FIXTURES, 'tiny-bert'));
    const spec = folder as { architecture: 'bert'; config: Record<string, unknown> };
    const weights = loadWeights(folder);
    const withTypes = await OnnxSession.create(buildEncoderGraph(spec, weights, { tokenTypes: true }), { provider: 'cpu', threads: 1 });
    expect(withTypes.inputNames).toContain('token_type_ids');
    const ids = BigInt64Array.from(reference('tiny-bert').input_ids[2], (v) => BigInt(v)); // [CLS] tax cuts [SEP]
    const dims = [1, ids.length];
    const ones = new BigInt64Array(ids.length).fill(1n);
    const run = (types: BigInt64Array) =>
      withTypes.run(
        { input_ids: { type: 'int64', data: ids, dims }, attention_mask: { type: 'int64', data: ones, dims }, token_type_ids: { type: 'int64', data: types, dims } },
        ['last_hidden_state'],
      );
    const zero = (await run(new BigInt64Array(ids.length))).last_hidden_state.data;
    const ref = referenceHidden('tiny-bert');
    const refRow = ref.hidden.subarray(2 * ref.dims[1] * 64, 2 * ref.dims[1] * 64 + ids.length * 64);
    expect(maxAbsDiff(zero, refRow)).toBeLessThan(1e-4);
    expect(maxAbsDiff((await run(ones)).last_hidden_state.data, zero)).toBeGreaterThan(1e-3);
    await withTypes.release();
  });
});

describe('execution providers', () => {
  it('lists what the installed onnxruntime-node offers; CPU always', () => {
    const providers = listProviders();
    expect(providers.find((p) => p.name === 'cpu')).toMatchObject({ bundled: true, installed: true });
  });

  it('an explicitly requested provider that cannot start is an error naming it (no silent CPU run)', async () => {
    const g = new OnnxGraph('id');
    g.output(g.op('Identity', [g.input('x', 'float32', [1])], {}, { name: 'y' }), 'float32', [1]);
    if (process.platform === 'darwin') return;
    await expect(OnnxSession.create(g.toBytes(), { provider: 'coreml' })).rejects.toThrow(/provider "coreml"/);
  });

  it("'auto' says why each GPU provider was not used", async () => {
    const g = new OnnxGraph('id');
    g.output(g.op('Identity', [g.input('x', 'float32', [1])], {}, { name: 'y' }), 'float32', [1]);
    const session = await OnnxSession.create(g.toBytes(), { provider: 'auto' });
    if (session.provider === 'cpu') {
      expect(session.fallbackReasons.join('\n')).toMatch(/cuda: /);
      expect(session.fallbackReasons.join('\n')).toMatch(/webgpu: /);
    }
    await session.release();
  });
});
