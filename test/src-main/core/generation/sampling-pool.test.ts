// Sampling on worker threads must draw exactly the tokens of the single-threaded chooser: same
// streams per (passage, sequence), whatever the split of rows between threads, also when rows
// finish early (EOS) and the batch shrinks.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, type DecoderContext, type Past, type Seq2SeqModel } from '../../../../src-main/core/generation/decode-loop.js';
import { parallelSamplingChooser } from '../../../../src-main/core/generation/sampling-pool.js';
import { samplingChooser } from '../../../../src-main/core/generation/sampling.js';

const VOCAB = 3000;

/** Logits that depend on the row's passage (first input token), the step and the row's last token; EOS likely now and then. */
class WavyModel implements Seq2SeqModel {
  readonly decoderStartId = 0;
  readonly eosId = 1;
  readonly padId = 0;
  readonly vocab = VOCAB;
  private firsts: number[] = [];
  private repeat = 1;
  async prepare(inputIds: number[][], repeat = 1): Promise<DecoderContext> {
    this.firsts = inputIds.map((ids) => ids[0]);
    this.repeat = repeat;
    return { rows: inputIds.length * repeat, feeds: { row: { type: 'int64', data: BigInt64Array.from({ length: inputIds.length * repeat }, (_, r) => BigInt(r)), dims: [inputIds.length * repeat] } } };
  }
  initialPast(): Past {
    return { t: { type: 'float32', data: new Float32Array(0), dims: [0] } };
  }
  async step(ctx: DecoderContext, tokens: BigInt64Array, past: Past): Promise<{ logits: Float32Array; past: Past }> {
    const t = past.t.dims[0];
    const rowIds = ctx.feeds.row.data as BigInt64Array;
    const logits = new Float32Array(ctx.rows * VOCAB);
    for (let p = 0; p < ctx.rows; p++) {
      const passage = this.firsts[Math.floor(Number(rowIds[p]) / this.repeat)];
      for (let v = 2; v < VOCAB; v++) logits[p * VOCAB + v] = 3 * Math.sin(v * 0.37 * (passage + t) + Number(tokens[p]) * 0.01);
      logits[p * VOCAB + 1] = t >= 2 ? 8 : -10; // EOS competes from step 2 on
    }
    return { logits, past: { t: { type: 'float32', data: new Float32Array(0), dims: [t + 1] } } };
  }
  gatherContext(ctx: DecoderContext, rows: Int32Array): DecoderContext {
    const ids = ctx.feeds.row.data as BigInt64Array;
    return { rows: rows.length, feeds: { row: { type: 'int64', data: BigInt64Array.from(rows, (r) => ids[r]), dims: [rows.length] } } };
  }
  gatherPast(past: Past): Past {
    return past;
  }
}

describe('sampling on worker threads', () => {
  const passages = Array.from({ length: 10 }, (_, i) => [i + 3]);
  const keys = passages.map((_, i) => 100 + i);
  const sampling = { seed: 7, topK: 0, topP: 0.9, temperature: 1.3, numReturnSequences: 3, passageIds: keys };

  it('draws the same tokens as the single-threaded chooser, with rows finishing and the batch shrinking', async () => {
    const opts = { maxNewTokens: 10, numReturnSequences: 3, shrinkAt: 0.2 };
    const single = await decode(new WavyModel(), passages, { ...opts, chooseToken: samplingChooser(VOCAB, sampling) });
    expect(single.some((ids) => ids.length < 11)).toBe(true); // some rows stopped at EOS
    expect(new Set(single.map((ids) => ids.join(','))).size).toBeGreaterThan(20);
    for (const threads of [1, 2]) {
      const parallel = await decode(new WavyModel(), passages, {
        ...opts,
        chooseToken: () => {
          throw new Error('the batch chooser must be used');
        },
        chooseTokens: parallelSamplingChooser(VOCAB, { ...sampling, threads }),
      });
      expect(parallel).toEqual(single);
    }
  }, 60_000);

  it('samples small steps on the calling thread alone, with the same result', async () => {
    const one = [[5]];
    const opts = { maxNewTokens: 6, numReturnSequences: 3 };
    const single = await decode(new WavyModel(), one, { ...opts, chooseToken: samplingChooser(VOCAB, { ...sampling, passageIds: [9] }) });
    const parallel = await decode(new WavyModel(), one, { ...opts, chooseToken: samplingChooser(VOCAB, { ...sampling, passageIds: [9] }), chooseTokens: parallelSamplingChooser(VOCAB, { ...sampling, passageIds: [9], threads: 2 }) });
    expect(parallel).toEqual(single);
  });

  it('lets the process exit once sampling is done (idle threads hold nothing)', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sampling-pool-child.ts')], { encoding: 'utf8', timeout: 30_000 });
    expect(child.error).toBeUndefined(); // no timeout
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout.trim())).toHaveLength(16);
  }, 40_000);
});
