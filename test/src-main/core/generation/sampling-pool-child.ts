// Child process for sampling-pool.test.ts: samples one step on worker threads, prints the tokens,
// and must then exit on its own (idle sampling threads may not keep a CLI or bench alive).
import { parallelSamplingChooser } from '../../../../src-main/core/generation/sampling-pool.js';

const VOCAB = 500;
const ROWS = 16;
const choose = parallelSamplingChooser(VOCAB, { seed: 1, topP: 0.9, numReturnSequences: 1, passageIds: Array.from({ length: ROWS }, (_, i) => i), threads: 1 });
const logits = Float32Array.from({ length: ROWS * VOCAB }, (_, i) => Math.sin(i * 0.1));
const rows = Int32Array.from({ length: ROWS }, (_, i) => i);
const tokens = await choose(logits, rows, rows, ROWS, 0);
console.log(JSON.stringify(Array.from(tokens)));
