// A project for the training job/service tests: the tiny-bert fixture registered as an encoder
// and passages with accepted queries written straight into the database (train and eval splits).
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { FIXTURES } from '../models/fixtures.js';

export const TINY_BERT = join(FIXTURES, 'tiny-bert');

const WORDS = 'whale ship captain sea voyage harpoon crew ocean storm island deck sail night morning letter house river city king congress nation budget tax school'.split(' ');

export function addTinyBert(db: Database.Database): number {
  return Number(db.prepare("INSERT INTO models (name, role, path, source) VALUES ('tiny-bert', 'encoder', ?, 'local folder')").run(TINY_BERT).lastInsertRowid);
}

/**
 * `train` + `evalPassages` passages (one document), each with `queriesPer` accepted queries made
 * of a few of its words; one extra rejected query per eval passage that the dev set must skip.
 */
export function seedPairs(db: Database.Database, opts: { train: number; evalPassages: number; queriesPer?: number }): void {
  const queriesPer = opts.queriesPer ?? 2;
  const doc = Number(db.prepare("INSERT INTO documents (title, text) VALUES ('doc', 'doc')").run().lastInsertRowid);
  const passage = db.prepare('INSERT INTO passages (document_id, ordinal, text, split) VALUES (?, ?, ?, ?)');
  const query = db.prepare("INSERT INTO queries (passage_id, text, origin, status) VALUES (?, ?, 'generated', ?)");
  db.transaction(() => {
    for (let i = 0; i < opts.train + opts.evalPassages; i++) {
      const words = Array.from({ length: 12 + (i % 7) }, (_, k) => WORDS[(i * 5 + k * 3) % WORDS.length]);
      const split = i < opts.train ? 'train' : 'eval';
      const id = Number(passage.run(doc, i, `${words.join(' ')} number ${i}.`, split).lastInsertRowid);
      for (let q = 0; q < queriesPer; q++) query.run(id, `${words[q]} ${words[q + 4]} ${i}?`, 'accepted');
      if (split === 'eval') query.run(id, `rejected ${i}`, 'rejected');
    }
  })();
}

/** Final weights by name (from an engine export, a checkpoint or a safetensors file). */
export type WeightArrays = Map<string, Float32Array>;

export interface DecayCheck {
  ok: boolean;
  /** Per checked tensor: ‖ours − ref‖ / ‖Σ_s lr_s·wd·p‖, worst first. */
  ratios: Array<[string, number]>;
}

/**
 * A trajectory check that a wrong weight decay cannot pass. The 12-step fixtures use lr 1e-3
 * (Σ lr ≈ 6e-3) and wd 0.01, so decay moves a weight by only ~6e-5·|p|: inside a 1e-4 absolute
 * tolerance, so decay 0 or doubled passed the old check. Here each tensor's distance to the
 * reference must be below `fraction` of the displacement the decay alone causes over the run,
 * ‖Σ_s lr_s·wd·p₀‖ (p₀ the initial weights; p moves little in 12 steps), so that leaving the decay
 * out, or doubling it, moves the weights ~5× further than the tolerance. Tensors whose decay
 * displacement is below `floor` of the largest (LayerNorm biases start at 0) carry no signal and
 * are left out; the caller keeps the absolute check for them.
 */
export function checkDecaySensitive(ours: WeightArrays, ref: WeightArrays, initial: WeightArrays, lrs: number[], weightDecay: number, opts: { fraction?: number; floor?: number } = {}): DecayCheck {
  const fraction = opts.fraction ?? 0.2;
  const floor = opts.floor ?? 1e-2;
  const sumLr = lrs.reduce((a, b) => a + b, 0);
  const norm = (f: (i: number) => number, n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += f(i) ** 2;
    return Math.sqrt(s);
  };
  const decay = new Map([...ref.keys()].map((name) => {
    const p0 = initial.get(name)!;
    return [name, sumLr * weightDecay * norm((i) => p0[i], p0.length)] as const;
  }));
  const largest = Math.max(...decay.values());
  const ratios: Array<[string, number]> = [];
  for (const [name, want] of ref) {
    const d = decay.get(name)!;
    if (d < floor * largest) continue;
    const got = ours.get(name);
    if (!got) throw new Error(`weights lack "${name}"`);
    ratios.push([name, norm((i) => got[i] - want[i], want.length) / d]);
  }
  ratios.sort((a, b) => b[1] - a[1]);
  return { ok: ratios.every(([, r]) => r < fraction), ratios };
}

/** Attention key biases get an analytically zero gradient: AdamW moves them by rounding noise, so no tolerance scales with them. */
const ZERO_GRADIENT = /attention\.(self\.key|attn\.k)\.bias$/;

/**
 * Final weights against PyTorch's after a run, with a tolerance that a wrong weight decay fails:
 * per tensor ‖ours − ref‖₂ < 0.2 · ‖Σₛ lrₛ · wd · ref‖₂ (the decay's own displacement; with lr 1e-3
 * over 12 steps that is ~6e-5·|p|, below a 1e-4 absolute check). Tensors with a zero gradient
 * (key biases) keep the absolute 1e-4 check. Returns the failures (empty when the weights match).
 */
export function weightDecayCheck(final: Map<string, Float32Array>, reference: Map<string, Float32Array>, lrs: number[], weightDecay: number): string[] {
  const decayPerUnit = lrs.reduce((a, b) => a + b, 0) * weightDecay;
  const failures: string[] = [];
  for (const [name, want] of reference) {
    const got = final.get(name);
    if (!got) {
      failures.push(`${name}: missing`);
      continue;
    }
    let diff2 = 0;
    let decay2 = 0;
    let maxAbs = 0;
    for (let i = 0; i < want.length; i++) {
      diff2 += (got[i] - want[i]) ** 2;
      decay2 += (decayPerUnit * want[i]) ** 2;
      maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i]));
    }
    if (ZERO_GRADIENT.test(name)) {
      if (maxAbs >= 1e-4) failures.push(`${name}: max |diff| ${maxAbs} ≥ 1e-4`);
    } else if (!(Math.sqrt(diff2) < 0.2 * Math.sqrt(decay2))) {
      failures.push(`${name}: ‖diff‖ ${Math.sqrt(diff2).toExponential(2)} ≥ 0.2 × decay displacement ${Math.sqrt(decay2).toExponential(2)}`);
    }
  }
  return failures;
}
