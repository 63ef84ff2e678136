// `genq export --format st-train`: the files, the hyper-parameters they carry (the project's
// training settings, MNR scale 20, no-duplicates batches), and — where Debian's python3-torch is
// installed — the script's plain PyTorch loop: its built-in BERT + WordPiece reproduce the
// tiny-bert reference (tokens, embeddings), a few steps run with finite loss, and the folder it
// saves registers back in the project as an encoder.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportStTrain, StTrainExportError } from '../../../../src-main/core/distributed/st-train-export.js';
import { servicesOnNewProject } from '../../../helpers/services.js';
import { useTempDirs } from '../../../helpers/temp-dir.js';
import { FIXTURES } from '../models/fixtures.js';
import { insertPassages } from '../generation/project-fixture.js';

const tempDir = useTempDirs('genq-st-train-');
const TINY_BERT = join(FIXTURES, 'tiny-bert');
const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;

describe('st-train export', () => {
  it('writes pairs, the base model reference, the settings and a torchrun-ready script; the check loop runs and its folder imports back', async () => {
    const root = tempDir();
    const s = await servicesOnNewProject(root);
    try {
      const db = s.projects.require().project.db;
      const ids = insertPassages(db, 12);
      const addQuery = db.prepare("INSERT INTO queries (passage_id, text, origin, status) VALUES (?, ?, 'generated', ?)");
      ids.forEach((id, i) => addQuery.run(id, `what about passage ${i}`, i === 3 ? 'rejected' : 'pending'));
      const encoder = await s.impl.models.add({ dir: TINY_BERT, role: 'encoder' });
      const out = join(root, 'st');
      const result = exportStTrain(db, out, { settings: { batchSize: 4, lr: 3e-5, warmupRatio: 0.2, seed: 5 } });
      expect(result).toMatchObject({ loss: 'mnr', model: { name: 'tiny-bert', path: TINY_BERT } });
      // Training split, not rejected, duplicates left out: the passages of the project fixture's train split.
      const expected = db.prepare("SELECT COUNT(*) AS n FROM queries q JOIN passages p ON p.id = q.passage_id WHERE q.status != 'rejected' AND p.split = 'train' AND p.duplicate_of IS NULL").get() as { n: number };
      expect(result.rows).toBe(expected.n);
      const lines = readFileSync(join(out, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(expected.n);
      expect(Object.keys(lines[0])).toEqual(['query', 'positive']);
      const config = JSON.parse(readFileSync(join(out, 'genq-train.json'), 'utf8'));
      expect(config).toMatchObject({ loss: 'mnr', mnrScale: 20, data: 'train.jsonl', settings: { batchSize: 4, lr: 3e-5, warmupRatio: 0.2, weightDecay: 0.01, adamEps: 1e-6, maxGradNorm: 1, seed: 5, epochs: 1 } });
      const script = readFileSync(join(out, 'train_st.py'), 'utf8');
      for (const needle of ['torchrun --nproc_per_node', 'BatchSamplers.NO_DUPLICATES', 'losses.MultipleNegativesRankingLoss', 'loss_class(model, scale=config["mnrScale"])', 'losses.MarginMSELoss(model)', 'lr_scheduler_type="linear"', 'adam_epsilon=s["adamEps"]', 'weight_decay=s["weightDecay"]', 'max_grad_norm=s["maxGradNorm"]', 'warmup_ratio=s["warmupRatio"]', 'per_device_train_batch_size=s["batchSize"]', 'torch.optim.AdamW']) {
        expect(script).toContain(needle);
      }
      expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('genq models add --project PROJECT ./output');
      expect(() => exportStTrain(db, out, {})).toThrow(StTrainExportError); // not empty
      expect(() => exportStTrain(db, join(root, 'x'), { modelId: 999 })).toThrow(/no model with id 999/);

      if (!hasTorch) return; // CI without python3-torch: content checks only
      const reference = spawnSync(
        PYTHON,
        [
          '-c',
          [
            'import importlib.util, json, sys, torch',
            'spec = importlib.util.spec_from_file_location("t", sys.argv[1]); t = importlib.util.module_from_spec(spec); spec.loader.exec_module(t)',
            'ref = json.load(open(sys.argv[2] + "/reference.json"))',
            'wp = t.WordPiece(sys.argv[2]); fwd, _ = t.bert_encoder(sys.argv[2], torch)',
            'ids = [wp.encode(x, 128) for x in ref["sentences"]]',
            'diff = max(float((fwd(torch.tensor([i]), torch.ones(1, len(i), dtype=torch.long), False).mean(1)[0] - torch.tensor(e)).abs().max()) for i, e in zip(ids, ref["embeddings"]))',
            'print(json.dumps({"ids": ids == ref["input_ids"], "diff": diff}))',
          ].join('\n'),
          join(out, 'train_st.py'),
          TINY_BERT,
        ],
        { encoding: 'utf8' },
      );
      expect(reference.status, reference.stderr).toBe(0);
      const ref = JSON.parse(reference.stdout.trim());
      expect(ref.ids).toBe(true);
      expect(ref.diff).toBeLessThan(1e-5);

      const checked = join(root, 'checked');
      const run = spawnSync(PYTHON, [join(out, 'train_st.py'), '--check-steps', '3', '--check-out', checked], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const last = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
      expect(last).toMatchObject({ check: 'ok', steps: 3 });
      const back = await s.impl.models.add({ dir: checked, role: 'encoder', name: 'tiny-bert (torchrun)' });
      expect(back).toMatchObject({ role: 'encoder', name: 'tiny-bert (torchrun)' });
      expect(back.id).not.toBe(encoder.id);
    } finally {
      await s.dispose();
    }
  });
});
