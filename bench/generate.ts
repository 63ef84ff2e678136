// Query-generation throughput (passages/s) on random-weight t5-small- and t5-base-sized models built
// in code (vocab 32128): 16 passages of 192 tokens, 3 sampled queries each, 12 new tokens forced
// (EOS made unreachable, and min length = max length = 12 on our side). Ours: the generation path
// the job uses (length-sorted batch, encoder once per passage, cross K/V once per passage, KV-cached
// decoder, top-p 0.95 sampling). Peer, same run, same weights: @huggingface/transformers generate
// with top-k sampling on every passage repeated 3 times (it ignores num_return_sequences and top_p
// when sampling), from its layout (encoder_model.onnx + decoder_model_merged.onnx).
// Noise (shared 2-core machines): both contenders are loaded side by side and warmed up at the
// measured shapes, then repetitions alternate (A B, B A, A B …) and medians are reported. GENQ_BENCH_REPS
// overrides the repetitions per size (default 3).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForSeq2SeqLM, env, Tensor } from '@huggingface/transformers';
import { generationSettingsSchema } from '../shared/services/generation.js';
import { decodeBatch } from '../src-main/core/generation/generate-queries.js';
import type { Weights } from '../src-main/core/models/folder.js';
import { randomT5Weights, t5ConfigJson, type T5Sizes } from '../src-main/core/models/t5/random-weights.js';
import { T5Model } from '../src-main/core/models/t5/t5-model.js';
import { writeTransformersJsT5 } from '../src-main/core/models/t5/transformers-js-layout.js';

const SIZES: Array<{ name: string; sizes: T5Sizes }> = [
  { name: 't5-small', sizes: { d_model: 512, d_kv: 64, d_ff: 2048, num_heads: 8, num_layers: 6, vocab_size: 32128, feed_forward_proj: 'relu' } },
  { name: 't5-base', sizes: { d_model: 768, d_kv: 64, d_ff: 3072, num_heads: 12, num_layers: 12, vocab_size: 32128, feed_forward_proj: 'relu' } },
];
const PASSAGES = 16;
const INPUT_LEN = 192;
const SAMPLES = 3;
const NEW_TOKENS = 12;
const EOS = 1;
const REPS = Number(process.env.GENQ_BENCH_REPS) || 3;

function passages(vocab: number): number[][] {
  return Array.from({ length: PASSAGES }, (_, b) => [...Array.from({ length: INPUT_LEN - 1 }, (_, i) => 2 + ((b * 7919 + i * 104729) % (vocab - 2))), EOS]);
}

/** EOS's embedding row zeroed: its (tied) logit is 0, far below the best of 32k random logits. */
function withUnreachableEos(w: Weights, dModel: number): Weights {
  w.get('shared.weight')!.data.fill(0, EOS * dModel, (EOS + 1) * dModel);
  return w;
}

interface Sample {
  wall: number; // seconds
  cpu: number; // process CPU seconds (all threads), less sensitive to other processes than wall time
}

async function timed(fn: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number) => Number(x.toPrecision(4));
const secs = (xs: Sample[]) => xs.map((s) => s.wall.toFixed(2)).join(' ');

export async function run(): Promise<void> {
  const lines: object[] = [];
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  const settings = generationSettingsSchema.parse({ mode: 'sample', numQueries: SAMPLES, topP: 0.95, maxLength: NEW_TOKENS, minLength: NEW_TOKENS, seed: 1, batchSize: PASSAGES });
  for (const size of SIZES) {
    const configJson = t5ConfigJson(size.sizes);
    let t = performance.now();
    const weights = withUnreachableEos(randomT5Weights(configJson, 11), size.sizes.d_model);
    const model = await T5Model.fromWeights(configJson, weights);
    console.error(`${size.name}: weights + graphs + sessions in ${((performance.now() - t) / 1000).toFixed(1)} s (${model.provider})`);
    const dir = mkdtempSync(join(tmpdir(), 'genq-bench-generate-'));
    try {
      t = performance.now();
      writeTransformersJsT5(join(dir, size.name), configJson, weights);
      env.localModelPath = `${dir}/`;
      const tjs = await AutoModelForSeq2SeqLM.from_pretrained(size.name, { dtype: 'fp32' });
      console.error(`${size.name}: transformers.js layout written and loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

      const inputs = passages(size.sizes.vocab_size);
      const keys = inputs.map((_, i) => i);
      const ours = async (newTokens = NEW_TOKENS) => {
        const out = await decodeBatch(model, inputs, keys, { ...settings, maxLength: newTokens, minLength: newTokens });
        const generated = out.reduce((n, ids) => n + ids.length - 1, 0);
        if (generated !== PASSAGES * SAMPLES * newTokens) throw new Error(`ours generated ${generated} tokens, expected ${PASSAGES * SAMPLES * newTokens}`);
      };
      const repeated = inputs.flatMap((ids) => Array.from({ length: SAMPLES }, () => ids)); // [48, 192]
      const peer = async (newTokens = NEW_TOKENS) => {
        const feed = {
          input_ids: new Tensor('int64', BigInt64Array.from(repeated.flat(), BigInt), [repeated.length, INPUT_LEN]),
          attention_mask: new Tensor('int64', new BigInt64Array(repeated.length * INPUT_LEN).fill(1n), [repeated.length, INPUT_LEN]),
          max_new_tokens: newTokens,
          do_sample: true,
          top_k: 50,
        };
        const out = (await tjs.generate(feed as never)) as Tensor;
        if (out.dims[1] - 1 !== newTokens) throw new Error(`transformers.js generated ${out.dims[1] - 1} tokens per row, expected ${newTokens}`);
      };

      // Warm-up at the measured batch shapes: encoder, first step and a cached step (ORT sizes its
      // arenas on first use). Two tokens rather than twelve keep the bench within minutes.
      const warm = [await timed(() => ours(2)), await timed(() => peer(2))];
      console.error(`${size.name}: warm-up ours ${warm[0].wall.toFixed(2)} s, transformers.js ${warm[1].wall.toFixed(2)} s`);
      const oursRuns: Sample[] = [];
      const peerRuns: Sample[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        // Alternate who goes first, so a load change mid-run does not always hit the same contender.
        if (rep % 2 === 0) oursRuns.push(await timed(() => ours())), peerRuns.push(await timed(() => peer()));
        else peerRuns.push(await timed(() => peer())), oursRuns.push(await timed(() => ours()));
      }
      await tjs.dispose();
      const oursRate = PASSAGES / median(oursRuns.map((s) => s.wall));
      const peerRate = PASSAGES / median(peerRuns.map((s) => s.wall));
      const pairRatio = median(oursRuns.map((s, i) => peerRuns[i].wall / s.wall));
      const cpuRatio = median(peerRuns.map((s) => s.cpu)) / median(oursRuns.map((s) => s.cpu));
      console.error(
        `${size.name}: ours [${secs(oursRuns)}] s → ${oursRate.toFixed(2)} passages/s; transformers.js [${secs(peerRuns)}] s → ${peerRate.toFixed(2)} passages/s; ` +
          `median per-pair ratio ${pairRatio.toFixed(2)}, CPU-seconds ratio ${cpuRatio.toFixed(2)}`,
      );
      const row = {
        bench: 'generate',
        metric: `${size.name} passages/s (16 × 192 tokens, 3 sampled queries × 12 tokens each; median of ${REPS} interleaved runs)`,
        ours: round(oursRate),
        peer: '@huggingface/transformers 4.3.2 generate(do_sample, top_k 50) on each passage repeated 3 times, same weights',
        peer_value: round(peerRate),
        ratio: round(oursRate / peerRate),
      };
      lines.push(row);
      console.error(JSON.stringify(row));
    } finally {
      await model.release();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const row of lines) console.log(JSON.stringify(row));
}
