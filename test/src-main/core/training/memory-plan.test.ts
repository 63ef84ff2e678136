// The memory planner: a base-size model at the seed's batch 24 × 192 on the 4 GiB wasm heap gets
// GradCache mini-batches (never the whole batch), a machine too small gets a refusal with numbers
// and what to change, a small model runs in one pass; out-of-memory errors of each engine are
// recognised and become a message naming engine, estimate and the setting to lower.
import { describe, expect, it } from 'vitest';
import { activationFloatsPerText, isOutOfMemory, memoryError, parameterCount, planMemory, WASM_HEAP_BYTES } from '../../../../src-main/core/training/memory-plan.js';
import { encoderConfigFromHf } from '../../../../src-main/core/training/model.js';

const bert = (hidden: number, layers: number, ffn: number) =>
  encoderConfigFromHf({ hidden_size: hidden, num_hidden_layers: layers, num_attention_heads: 12, intermediate_size: ffn, vocab_size: 30522, max_position_embeddings: 512, type_vocab_size: 2 }, 'bert');
const BASE = bert(768, 12, 3072);
const MINILM = bert(384, 6, 1536);
const GB = 1e9;

describe('planMemory', () => {
  it('counts BERT-base parameters and activations that grow with S and S²', () => {
    expect(parameterCount(BASE)).toBeGreaterThan(108e6); // BERT-base without the pooler: 108.9M
    expect(parameterCount(BASE)).toBeLessThan(110e6);
    const a128 = activationFloatsPerText(BASE, 128, 0);
    const a256 = activationFloatsPerText(BASE, 256, 0);
    expect(a256 / a128).toBeGreaterThan(2); // the attention maps are quadratic
    expect(activationFloatsPerText(BASE, 128, 0.1)).toBeGreaterThan(a128); // dropout keeps its masks
  });

  it('BERT-base at batch 24 × 192 on tfjs-wasm: GradCache mini-batches within the 4 GiB heap, said in one line', () => {
    const plan = planMemory({ config: BASE, engine: 'tfjs', provider: 'wasm', batchSize: 24, columns: 2, maxSeqLength: 192, dropout: 0.1, hostMemoryBytes: 24 * 2 ** 30 });
    expect(plan.fits).toBe(true);
    expect(plan.miniBatchSize).toBeGreaterThanOrEqual(1);
    expect(plan.miniBatchSize).toBeLessThan(24);
    expect(plan.fullBatchBytes).toBeGreaterThan(WASM_HEAP_BYTES);
    expect(plan.message).toMatch(/^batch 24 as \d+ mini-batches of \d+: estimated \d+\.\d GB peak .*WebAssembly heap/);
  });

  it('on a 24 GiB host without the wasm limit it takes larger mini-batches (or none), and a small model one pass', () => {
    const ort = planMemory({ config: BASE, engine: 'ort', provider: 'cpu', batchSize: 24, columns: 2, maxSeqLength: 192, dropout: 0.1, hostMemoryBytes: 24 * 2 ** 30 });
    const wasm = planMemory({ config: BASE, engine: 'tfjs', provider: 'wasm', batchSize: 24, columns: 2, maxSeqLength: 192, dropout: 0.1, hostMemoryBytes: 24 * 2 ** 30 });
    expect(ort.fits).toBe(true);
    expect(ort.miniBatchSize ?? 48).toBeGreaterThan(wasm.miniBatchSize!);
    const small = planMemory({ config: MINILM, engine: 'tfjs', provider: 'wasm', batchSize: 8, columns: 2, maxSeqLength: 128, dropout: 0.1 });
    expect(small.miniBatchSize).toBeUndefined();
    expect(small.peakBytes).toBeGreaterThan(1.2 * GB); // bench/train-memory measured ~1.9 GB
    expect(small.peakBytes).toBeLessThan(2.6 * GB);
  });

  it('refuses when not even one text fits, with the numbers and what to change', () => {
    const plan = planMemory({ config: BASE, engine: 'ort', provider: 'cpu', batchSize: 24, columns: 2, maxSeqLength: 192, dropout: 0.1, hostMemoryBytes: 2 * 2 ** 30 });
    expect(plan.fits).toBe(false);
    expect(plan.message).toMatch(/does not fit: even one text at a time needs an estimated \d+\.\d GB .* host RAM \(2\.1 GB\) .*lower --max-seq-length \(now 192\)/);
  });

  it('a mini-batch asked for is kept and checked', () => {
    const plan = planMemory({ config: BASE, engine: 'tfjs', provider: 'wasm', batchSize: 24, columns: 2, maxSeqLength: 192, dropout: 0.1, miniBatchSize: 12, hostMemoryBytes: 24 * 2 ** 30 });
    expect(plan.miniBatchSize).toBe(12);
    expect(plan.fits).toBe(false); // 12 texts of BERT-base at 192 do not fit the wasm heap
  });
});

describe('out-of-memory errors', () => {
  it('recognises wasm aborts and onnxruntime allocation failures, and names engine, estimate and setting', () => {
    expect(isOutOfMemory(new Error('RuntimeError: Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isOutOfMemory(new Error('Failed to allocate memory for requested buffer of size 123'))).toBe(true);
    expect(isOutOfMemory(new Error('training diverged at step 3'))).toBe(false);
    const plan = planMemory({ config: MINILM, engine: 'tfjs', provider: 'wasm', batchSize: 8, columns: 2, maxSeqLength: 128, dropout: 0.1 });
    const e = memoryError(new Error('Aborted()'), plan, 'the tfjs engine (wasm)');
    expect(e.name).toBe('TrainingMemoryError');
    expect(e.message).toMatch(/the tfjs engine \(wasm\) ran out of memory \(estimated peak \d+\.\d GB of 4\.3 GB.*Lower the mini-batch size .*resume from its last checkpoint/);
  });
});
