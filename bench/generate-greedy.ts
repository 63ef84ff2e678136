// Greedy T5 generation speed on random-weight t5-small- and t5-base-sized models built in code:
// our KV-cached decoder vs our full-recompute decoder, and vs @huggingface/transformers' greedy
// generate on the same weights in its layout (encoder_model.onnx + decoder_model_merged.onnx, which
// we build). Batch 1 and 16, passages of 64 tokens, every sequence runs to max_new_tokens (EOS is
// made unreachable) so all contenders generate the same number of tokens. All three are loaded side
// by side, warmed up, then run alternately GENQ_BENCH_REPS times (default 3); medians are reported.
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const tokensOf = (out: number[][]) => out.reduce((n, ids) => n + ids.length - 1, 0);
const round = (x: number) => Number(x.toPrecision(4));
const REPS = Number(process.env.GENQ_BENCH_REPS) || 3;

/** A contender: generates `newTokens` greedy tokens for every input row and returns the rows' ids. */
type Contender = (newTokens: number) => Promise<number[][]>;

/** Warms every contender up (2 tokens), then runs them REPS times in alternating order; median tokens/s each. */
async function interleaved(contenders: Record<string, { run: Contender; newTokens: number }>): Promise<Record<string, { tps: number; ids: number[][]; runs: number[] }>> {
  const names = Object.keys(contenders);
  for (const name of names) await contenders[name].run(2);
  const out: Record<string, { tps: number; ids: number[][]; runs: number[] }> = {};
  for (let rep = 0; rep < REPS; rep++) {
    for (const name of rep % 2 === 0 ? names : [...names].reverse()) {
      const r = await timed(() => contenders[name].run(contenders[name].newTokens));
      const entry = (out[name] ??= { tps: 0, ids: r.value, runs: [] });
      entry.runs.push(tokensOf(r.value) / r.seconds);
    }
  }
  for (const name of names) out[name].tps = median(out[name].runs);
  return out;
}

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
    const dir = mkdtempSync(join(tmpdir(), 'genq-bench-t5-'));
    try {
      // transformers.js on the same weights, in its own layout, loaded beside ours so runs can alternate.
      t = performance.now();
      writeTransformersJsT5(join(dir, size.name), configJson, weights);
      env.localModelPath = `${dir}/`;
      const tjs = await AutoModelForSeq2SeqLM.from_pretrained(size.name, { dtype: 'fp32' });
      console.error(`${size.name}: transformers.js layout written and loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      for (const batch of BATCHES) {
        const inputs = passages(batch, size.sizes.vocab_size);
        const recompute = new FullRecompute(model);
        const peer: Contender = async (newTokens) => {
          const feed = {
            input_ids: new Tensor('int64', BigInt64Array.from(inputs.flat(), BigInt), [batch, INPUT_LEN]),
            attention_mask: new Tensor('int64', new BigInt64Array(batch * INPUT_LEN).fill(1n), [batch, INPUT_LEN]),
            max_new_tokens: newTokens,
            do_sample: false,
          };
          const r = (await tjs.generate(feed as never)) as Tensor;
          const width = r.dims[1];
          return Array.from({ length: batch }, (_, b) => Array.from((r.data as BigInt64Array).subarray(b * width, (b + 1) * width), Number));
        };
        const res = await interleaved({
          cached: { run: (n) => greedyDecode(model, inputs, { maxNewTokens: n }), newTokens: size.newTokens },
          full: { run: (n) => decode(recompute, inputs, { maxNewTokens: n, chooseToken: argmaxToken }), newTokens: size.fullTokens },
          tjs: { run: peer, newTokens: size.newTokens },
        });
        const agreeFull = res.full.ids.every((ids, r) => ids.every((id, k) => id === res.cached.ids[r][k]));
        const agreeTjs = JSON.stringify(res.tjs.ids) === JSON.stringify(res.cached.ids);
        const fmt = (x: number[]) => x.map((v) => v.toFixed(1)).join(' ');
        console.error(
          `${size.name} b${batch}: cached [${fmt(res.cached.runs)}], full recompute [${fmt(res.full.runs)}] (${size.fullTokens} tokens; same ids: ${agreeFull}), ` +
            `transformers.js [${fmt(res.tjs.runs)}] (same ids: ${agreeTjs}) tokens/s`,
        );
        line(`${size.name} greedy tokens/s, batch ${batch}, KV cache vs full recompute (median of ${REPS})`, res.cached.tps, `our full-recompute decoder (${size.fullTokens} new tokens)`, res.full.tps);
        line(`${size.name} greedy tokens/s, batch ${batch}, ours vs transformers.js (median of ${REPS})`, res.cached.tps, '@huggingface/transformers 4.3.2 generate(do_sample=false), same weights, decoder_model_merged.onnx', res.tjs.tps);
      }
      await tjs.dispose();
    } finally {
      await model.release();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const row of lines) console.log(JSON.stringify(row));
}
