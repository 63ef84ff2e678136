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
