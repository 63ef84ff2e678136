// Greedy T5 generation speed on random-weight t5-small- and t5-base-sized models built in code:
// our KV-cached decoder vs our full-recompute decoder, and vs @huggingface/transformers' greedy
// generate on the same weights in its layout (encoder_model.onnx + decoder_model_merged.onnx, which
// we build). Batch 1 and 16, passages of 64 tokens, every sequence runs to max_new_tokens (EOS is
// made unreachable) so all contenders generate the same number of tokens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForSeq2SeqLM, env, Tensor } from '@huggingface/transformers';
import { decode, type DecoderContext, type Past, type Seq2SeqModel } from '../src-main/core/generation/decode-loop.js';
import { argmaxToken, greedyDecode } from '../src-main/core/generation/greedy.js';
import type { Weights } from '../src-main/core/models/folder.js';
import { randomT5Weights, t5ConfigJson, type T5Sizes } from '../src-main/core/models/t5/random-weights.js';
import { padIds, T5Model } from '../src-main/core/models/t5/t5-model.js';
import { writeTransformersJsT5 } from '../src-main/core/models/t5/transformers-js-layout.js';

interface Size {
  name: string;
  sizes: T5Sizes;
  newTokens: number;
  /** Full recompute grows quadratically; fewer tokens keep the bench short. */
  fullTokens: number;
}
const SIZES: Size[] = [
  { name: 't5-small', sizes: { d_model: 512, d_kv: 64, d_ff: 2048, num_heads: 8, num_layers: 6, vocab_size: 32128, feed_forward_proj: 'relu' }, newTokens: 32, fullTokens: 32 },
  { name: 't5-base', sizes: { d_model: 768, d_kv: 64, d_ff: 3072, num_heads: 12, num_layers: 12, vocab_size: 32128, feed_forward_proj: 'relu' }, newTokens: 16, fullTokens: 12 },
];
const BATCHES = [1, 16];
const INPUT_LEN = 64;
const EOS = 1;

function passages(batch: number, vocab: number): number[][] {
  return Array.from({ length: batch }, (_, b) => [...Array.from({ length: INPUT_LEN - 1 }, (_, i) => 2 + ((b * 7919 + i * 104729) % (vocab - 2))), EOS]);
}

/** EOS's embedding row zeroed: its (tied) logit is 0 while the best of 32k random logits is far above. */
function withUnreachableEos(w: Weights, dModel: number): Weights {
  const shared = w.get('shared.weight')!;
  shared.data.fill(0, EOS * dModel, (EOS + 1) * dModel);
  return w;
}

/** The same decoding loop driven by the full decoder: every step recomputes the whole prefix. */
class FullRecompute implements Seq2SeqModel {
  private history: number[][] = [];
  private encoded?: { hidden: Awaited<ReturnType<T5Model['encode']>>; batch: ReturnType<typeof padIds> };
  constructor(private readonly model: T5Model) {}
  get decoderStartId() { return this.model.decoderStartId; }
  get eosId() { return this.model.eosId; }
  get padId() { return this.model.padId; }
  get vocab() { return this.model.vocab; }
  async prepare(inputIds: number[][]): Promise<DecoderContext> {
    const batch = padIds(inputIds, this.padId);
    this.encoded = { hidden: await this.model.encode(batch), batch };
    this.history = inputIds.map(() => []);
    return { rows: inputIds.length, feeds: {} };
  }
  initialPast(): Past {
    return {};
  }
  async step(ctx: DecoderContext, tokens: BigInt64Array): Promise<{ logits: Float32Array; past: Past }> {
    tokens.forEach((t, r) => this.history[r].push(Number(t)));
    const len = this.history[0].length;
    const all = await this.model.fullDecoderLogits(this.encoded!.hidden, this.encoded!.batch, this.history); // [rows, len, vocab]
    const v = this.vocab;
    const last = new Float32Array(ctx.rows * v);
    for (let r = 0; r < ctx.rows; r++) last.set(all.data.subarray((r * len + len - 1) * v, (r * len + len) * v), r * v);
    return { logits: last, past: {} };
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

const tokensOf = (out: number[][]) => out.reduce((n, ids) => n + ids.length - 1, 0);
const round = (x: number) => Number(x.toPrecision(4));

export async function run(): Promise<void> {
  const lines: object[] = [];
  const line = (metric: string, ours: number, peer: string, peerValue: number) => {
    const row = { bench: 'generate-greedy', metric, ours: round(ours), peer, peer_value: round(peerValue), ratio: round(ours / peerValue) };
    lines.push(row);
    console.error(JSON.stringify(row));
  };
  env.allowRemoteModels = false;
  env.allowLocalModels = true;

  for (const size of SIZES) {
    const configJson = t5ConfigJson(size.sizes);
    let t = performance.now();
    const weights = withUnreachableEos(randomT5Weights(configJson, 11), size.sizes.d_model);
    const model = await T5Model.fromWeights(configJson, weights);
    console.error(`${size.name}: weights + graphs + sessions in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const ours: Record<number, { tps: number; ids: number[][] }> = {};
    const full: Record<number, number> = {};
    for (const batch of BATCHES) {
      const inputs = passages(batch, size.sizes.vocab_size);
      await greedyDecode(model, inputs, { maxNewTokens: 2 }); // warm-up
      const cached = await timed(() => greedyDecode(model, inputs, { maxNewTokens: size.newTokens }));
      ours[batch] = { tps: tokensOf(cached.value) / cached.seconds, ids: cached.value };
      const recompute = new FullRecompute(model);
      await decode(recompute, inputs, { maxNewTokens: 2, chooseToken: argmaxToken });
      const fullRun = await timed(() => decode(recompute, inputs, { maxNewTokens: size.fullTokens, chooseToken: argmaxToken }));
      full[batch] = tokensOf(fullRun.value) / fullRun.seconds;
      const agree = fullRun.value.every((ids, r) => ids.every((id, k) => id === cached.value[r][k]));
      console.error(`${size.name} b${batch}: cached ${ours[batch].tps.toFixed(1)} tok/s, full recompute ${full[batch].toFixed(1)} tok/s (${size.fullTokens} tokens; same ids: ${agree})`);
    }
    await model.release();

    // transformers.js on the same weights, in its own layout.
    const dir = mkdtempSync(join(tmpdir(), 'genq-bench-t5-'));
    try {
      t = performance.now();
      writeTransformersJsT5(join(dir, size.name), configJson, weights);
      env.localModelPath = `${dir}/`;
      const tjs = await AutoModelForSeq2SeqLM.from_pretrained(size.name, { dtype: 'fp32' });
      console.error(`${size.name}: transformers.js layout written and loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      for (const batch of BATCHES) {
        const inputs = passages(batch, size.sizes.vocab_size);
        const feed = (maxNew: number) => ({
          input_ids: new Tensor('int64', BigInt64Array.from(inputs.flat(), BigInt), [batch, INPUT_LEN]),
          attention_mask: new Tensor('int64', new BigInt64Array(batch * INPUT_LEN).fill(1n), [batch, INPUT_LEN]),
          max_new_tokens: maxNew,
          do_sample: false,
        });
        await tjs.generate(feed(2) as never);
        const r = await timed(async () => (await tjs.generate(feed(size.newTokens) as never)) as Tensor);
        const width = r.value.dims[1];
        const ids = Array.from({ length: batch }, (_, b) => Array.from((r.value.data as BigInt64Array).subarray(b * width, (b + 1) * width), Number));
        const tps = (batch * (width - 1)) / r.seconds;
        const agree = JSON.stringify(ids) === JSON.stringify(ours[batch].ids);
        console.error(`${size.name} b${batch}: transformers.js ${tps.toFixed(1)} tok/s (same ids as ours: ${agree})`);
        line(`${size.name} greedy tokens/s, batch ${batch}, KV cache vs full recompute`, ours[batch].tps, `our full-recompute decoder (${size.fullTokens} new tokens)`, full[batch]);
        line(`${size.name} greedy tokens/s, batch ${batch}, ours vs transformers.js`, ours[batch].tps, '@huggingface/transformers 4.3.2 generate(do_sample=false), same weights, decoder_model_merged.onnx', tps);
      }
      await tjs.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const row of lines) console.log(JSON.stringify(row));
}
