// `npm run bench -- train-memory`: the memory planner's estimate (training/memory-plan.ts) beside the
// peak RSS measured while training 2 steps, for a MiniLM-L6-sized and a BERT-base-sized random
// model (BERT-base at 128 and 192 tokens), per engine (GENQ_BENCH_ENGINES, default "ort,tfjs"). Each
// case runs in its own child process (peak RSS is per process). One JSON line per comparison:
// ours = estimate, peer = measured. Goal: estimate within 25% of the measurement. Batches are small
// so the bench finishes on 2 cores; GENQ_BENCH_BATCH overrides. Dropout 0.1 (the configs' default).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ENGINE, createEngine, openTrainingModel } from '../src-main/core/training/engines.js';
import { mnrLoss } from '../src-main/core/training/losses/mnr.js';
import { planMemory } from '../src-main/core/training/memory-plan.js';
import { BERT_BASE, MINILM_L6, writeRandomBert, type RandomBertSize } from '../src-main/core/training/random-model.js';
import { stepGradients } from '../src-main/core/training/step.js';

const TINY_BERT = fileURLToPath(new URL('../test/fixtures/tiny-bert', import.meta.url));

interface Case { name: string; size: RandomBertSize; seq: number; batch: number; engine: 'ort' | 'tfjs' }

/** Child: 2 steps (forward, loss, backward, AdamW) at exactly `seq` tokens per text; prints the plan and peak RSS. */
async function child(c: Case, dir: string): Promise<void> {
  const opened = openTrainingModel(dir);
  const engine = await createEngine(c.engine, opened.model, { adamw: { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01 } });
  opened.model.weights.clear(); // the engine holds its own copy, as in training
  const plan = planMemory({ config: opened.model.config, engine: engine.name, provider: engine.device.provider, batchSize: c.batch, columns: 2, maxSeqLength: c.seq, dropout: 0.1 });
  let seed = 1;
  const tokenize = (texts: string[]) => {
    const ids = new Int32Array(texts.length * c.seq);
    for (let i = 0; i < ids.length; i++) ids[i] = 1000 + ((seed = (seed * 48271) % 2147483647) % 3000);
    return { ids, mask: new Int32Array(ids.length).fill(1), batch: texts.length, seq: c.seq };
  };
  const texts = Array.from({ length: c.batch }, (_, i) => `t${i}`);
  for (let step = 0; step < 2; step++) {
    await stepGradients(engine, tokenize, mnrLoss(), [texts, texts.map((t) => `${t}p`)], undefined, { maxSeqLength: c.seq, dropout: 0.1, seed: 1, step, miniBatchSize: plan.miniBatchSize });
    await engine.apply(1e-5, 1);
  }
  console.log(JSON.stringify({ estimate: plan.peakBytes, rss: process.resourceUsage().maxRSS * 1024, plan: plan.message }));
  await engine.dispose();
}

export async function run(): Promise<void> {
  const batch = Number(process.env.GENQ_BENCH_BATCH ?? 4);
  const engines = (process.env.GENQ_BENCH_ENGINES ?? 'ort,tfjs').split(',') as Array<'ort' | 'tfjs'>;
  const cases: Case[] = engines.flatMap((engine) => [
    { name: 'MiniLM-L6@128', size: MINILM_L6, seq: 128, batch: 2 * batch, engine },
    { name: 'BERT-base@128', size: BERT_BASE, seq: 128, batch, engine },
    { name: 'BERT-base@192', size: BERT_BASE, seq: 192, batch, engine },
  ]);
  for (const c of cases) {
    const dir = mkdtempSync(join(tmpdir(), 'genq-bench-mem-'));
    try {
      writeRandomBert(dir, c.size, TINY_BERT); // here: the child's peak RSS is training's alone
      const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(c), dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !line.startsWith('{')) {
        console.error(`${c.name}: child failed (${r.status}): ${r.stderr.slice(-2000)}`);
        continue;
      }
      const m = JSON.parse(line) as { estimate: number; rss: number; plan: string };
      console.error(`${c.name} batch ${c.batch}: ${m.plan}`);
      console.log(JSON.stringify({ bench: 'train-memory', metric: `peak_bytes ${c.name} batch ${c.batch} engine ${c.engine}${c.engine === DEFAULT_ENGINE ? ' (default)' : ''}`, ours: m.estimate, peer: 'measured peak RSS', peer_value: m.rss, ratio: m.estimate / m.rss }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]) as Case, process.argv[4]);
