// The graph forms of the losses (what the fused training step runs) against their host forms: the
// loss and every column's dLoss/dEmbedding agree to float32 precision, and the comparison notices
// a dropped or wrong term.
import { describe, expect, it } from 'vitest';
import { OnnxGraph } from '../../../../../src-main/core/models/onnx/graph.js';
import { OnnxSession } from '../../../../../src-main/core/models/session.js';
import type { LossResult, TrainingLoss } from '../../../../../src-main/core/training/losses/loss.js';
import { marginMseLoss } from '../../../../../src-main/core/training/losses/margin-mse.js';
import { mnrLoss } from '../../../../../src-main/core/training/losses/mnr.js';

const B = 6;
const H = 8;

function random(seed: number, n: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

/** Runs `loss.graph` on onnxruntime CPU. */
async function graphLoss(loss: TrainingLoss, emb: Float32Array[], labels?: Float32Array): Promise<LossResult> {
  const form = loss.graph!;
  const labelDims = form.labelDims(emb.length, B, labels);
  const g = new OnnxGraph('loss');
  const inputs = emb.map((_, c) => g.input(`emb.${c}`, 'float32', ['batch', H]));
  const lab = labelDims ? g.input('labels', 'float32', ['batch', labelDims[1]]) : undefined;
  const r = form.build(g, inputs, lab);
  g.output(g.op('Identity', [r.loss], {}, { name: 'loss' }), 'float32', []);
  r.dEmb.forEach((d, c) => g.output(g.op('Identity', [d], {}, { name: `d.${c}` }), 'float32', ['batch', H]));
  const s = await OnnxSession.create(g.toBytes(), { provider: 'cpu', threads: 1 });
  const feeds = Object.fromEntries(emb.map((e, c) => [`emb.${c}`, { type: 'float32' as const, data: e, dims: [B, H] }]));
  if (labelDims && labels) feeds.labels = { type: 'float32', data: labels, dims: labelDims };
  const out = await s.run(feeds, ['loss', ...emb.map((_, c) => `d.${c}`)]);
  await s.release();
  return { loss: out.loss.data[0], dEmb: emb.map((_, c) => out[`d.${c}`].data) };
}

/** Largest difference of loss and dEmb, relative to the largest host value of each. */
function mismatch(a: LossResult, b: LossResult): number {
  let worst = Math.abs(a.loss - b.loss) / Math.max(1e-6, Math.abs(b.loss));
  b.dEmb.forEach((want, c) => {
    let max = 0;
    let diff = 0;
    for (let i = 0; i < want.length; i++) {
      max = Math.max(max, Math.abs(want[i]));
      diff = Math.max(diff, Math.abs(want[i] - a.dEmb[c][i]));
    }
    worst = Math.max(worst, diff / Math.max(max, 1e-12));
  });
  return worst;
}

const columns = (n: number) => Array.from({ length: n }, (_, c) => random(100 + c, B * H));

describe('loss graph forms match the host losses', () => {
  const cases: Array<[string, TrainingLoss, number, Float32Array?]> = [
    ['MNR', mnrLoss(), 2],
    ['MNR symmetric', mnrLoss({ symmetric: true }), 2],
    ['MNR with 2 negative columns', mnrLoss(), 4],
    ['MNR symmetric with a negative column, scale 7', mnrLoss({ symmetric: true, scale: 7 }), 3],
    ['MarginMSE (dot)', marginMseLoss(), 3, random(7, B, 3)],
    ['MarginMSE (cosine) with 2 negatives', marginMseLoss({ score: 'cosine' }), 4, random(8, B * 2, 0.5)],
  ];
  for (const [name, loss, n, labels] of cases) {
    it(`${name}: loss and every dEmb within 1e-5 (relative)`, async () => {
      const emb = columns(n);
      const got = await graphLoss(loss, emb, labels);
      expect(got.dEmb).toHaveLength(n);
      expect(mismatch(got, loss.compute(emb, B, H, labels))).toBeLessThan(1e-5);
    });
  }

  it('the comparison fails for a dropped term: symmetric direction, other scale, a MarginMSE label shift', async () => {
    const two = columns(2);
    // The graph without the positive→anchor direction against the host with it.
    expect(mismatch(await graphLoss(mnrLoss(), two), mnrLoss({ symmetric: true }).compute(two, B, H))).toBeGreaterThan(1e-2);
    expect(mismatch(await graphLoss(mnrLoss({ scale: 21 }), two), mnrLoss().compute(two, B, H))).toBeGreaterThan(1e-2);
    const three = columns(3);
    const labels = random(7, B, 3);
    const shifted = labels.map((x) => x + 0.01);
    expect(mismatch(await graphLoss(marginMseLoss(), three, shifted), marginMseLoss().compute(three, B, H, labels))).toBeGreaterThan(1e-3);
  });

  it('checks inputs as the host form does', () => {
    expect(() => mnrLoss().graph!.labelDims(1, B)).toThrow(/expected 2–64 text columns, got 1/);
    expect(() => marginMseLoss().graph!.labelDims(3, B)).toThrow(/expected labels of shape \[6\]/);
    expect(marginMseLoss().graph!.labelDims(4, B, new Float32Array(B * 2))).toEqual([B, 2]);
  });
});
