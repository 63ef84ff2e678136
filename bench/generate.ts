// Query-generation throughput (passages/s) on random-weight t5-small- and t5-base-sized models built
// in code (vocab 32128): 16 passages of 192 tokens, 3 sampled queries each, 12 new tokens forced
// (EOS made unreachable, and min length = max length = 12 on our side). Ours: the generation path
// the job uses (length-sorted batch, encoder once per passage, sequences expanded, cross K/V once,
// KV-cached decoder, top-p 0.95 sampling). Peer, same run, same weights: @huggingface/transformers
// generate with top-k sampling on every passage repeated 3 times (it ignores num_return_sequences
// and top_p when sampling), from its layout (encoder_model.onnx + decoder_model_merged.onnx).
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

function passages(vocab: number): number[][] {
  return Array.from({ length: PASSAGES }, (_, b) => [...Array.from({ length: INPUT_LEN - 1 }, (_, i) => 2 + ((b * 7919 + i * 104729) % (vocab - 2))), EOS]);
}

/** EOS's embedding row zeroed: its (tied) logit is 0, far below the best of 32k random logits. */
function withUnreachableEos(w: Weights, dModel: number): Weights {
  w.get('shared.weight')!.data.fill(0, EOS * dModel, (EOS + 1) * dModel);
  return w;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

const round = (x: number) => Number(x.toPrecision(4));

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
    const inputs = passages(size.sizes.vocab_size);
    const keys = inputs.map((_, i) => i);
    await decodeBatch(model, inputs, keys, { ...settings, maxLength: 1, minLength: 1 }); // warm-up at the measured shapes (ORT sizes its arena on first use)
    const ours = await timed(() => decodeBatch(model, inputs, keys, settings));
    const generated = ours.value.reduce((n, ids) => n + ids.length - 1, 0);
    if (generated !== PASSAGES * SAMPLES * NEW_TOKENS) throw new Error(`ours generated ${generated} tokens, expected ${PASSAGES * SAMPLES * NEW_TOKENS}`);
    const oursRate = PASSAGES / ours.seconds;
    console.error(`${size.name}: ours ${oursRate.toFixed(2)} passages/s (${ours.seconds.toFixed(2)} s)`);
    await model.release();

    const dir = mkdtempSync(join(tmpdir(), 'genq-bench-generate-'));
    try {
      t = performance.now();
      writeTransformersJsT5(join(dir, size.name), configJson, weights);
      env.localModelPath = `${dir}/`;
      const tjs = await AutoModelForSeq2SeqLM.from_pretrained(size.name, { dtype: 'fp32' });
      console.error(`${size.name}: transformers.js layout written and loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const repeated = inputs.flatMap((ids) => Array.from({ length: SAMPLES }, () => ids)); // [48, 192]
      const feed = (rows: number[][], maxNew: number) => ({
        input_ids: new Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, INPUT_LEN]),
        attention_mask: new Tensor('int64', new BigInt64Array(rows.length * INPUT_LEN).fill(1n), [rows.length, INPUT_LEN]),
        max_new_tokens: maxNew,
        do_sample: true,
        top_k: 50,
      });
      await tjs.generate(feed(repeated, 1) as never); // warm-up at the measured shapes, as ours
      const peer = await timed(async () => (await tjs.generate(feed(repeated, NEW_TOKENS) as never)) as Tensor);
      const width = peer.value.dims[1];
      if (width - 1 !== NEW_TOKENS) throw new Error(`transformers.js generated ${width - 1} tokens per row, expected ${NEW_TOKENS}`);
      const peerRate = PASSAGES / peer.seconds;
      console.error(`${size.name}: transformers.js ${peerRate.toFixed(2)} passages/s (${peer.seconds.toFixed(2)} s)`);
      await tjs.dispose();
      const row = {
        bench: 'generate',
        metric: `${size.name} passages/s (16 × 192 tokens, 3 sampled queries × 12 tokens each)`,
        ours: round(oursRate),
        peer: '@huggingface/transformers 4.3.2 generate(do_sample, top_k 50) on each passage repeated 3 times, same weights',
        peer_value: round(peerRate),
        ratio: round(oursRate / peerRate),
      };
      lines.push(row);
      console.error(JSON.stringify(row));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const row of lines) console.log(JSON.stringify(row));
}
