// In-graph dropout: the mask is a pure function of (seed, site, element) at the requested rate with
// inverted scaling, equal to the host formula bit for bit (int32 wrap-around), free of structure
// (per row and column of a [64, 128×128] mask, between neighbours, triples, seeds and sites), and the
// training engine's backward uses the same masks as its forward (the gradient of a parameter matches
// finite differences of the loss under the same seeds). The masks are deterministic, so nothing is
// flaky; the bounds are |z| < 5, which a truly random mask breaks with probability ~6·10⁻⁷ per check.
import { describe, expect, it } from 'vitest';
import { mnrLossHost } from '../../../../../src-main/core/training/losses/mnr.js';
import { ortEngine } from '../../training/ort-fixture.js';
import { hostKeep, maskSession } from './dropout-masks.js';

const S = 128;
const ROWS = 64;
const COLS = S * S; // a [64, S, S] attention-probability-like mask, flattened
const N = ROWS * COLS;

const differing = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n / a.length;
};
const kept = (m: Uint8Array, from = 0, to = m.length) => {
  let k = 0;
  for (let i = from; i < to; i++) k += m[i];
  return k;
};
/** z-score of the phi correlation between a and b (offset d into b's own mask when b = a). */
function correlationZ(a: Uint8Array, b: Uint8Array, d = 0): number {
  const n = a.length - d;
  let x = 0;
  let y = 0;
  let both = 0;
  for (let i = 0; i < n; i++) {
    x += a[i];
    y += b[i + d];
    both += a[i] & b[i + d];
  }
  const mx = x / n;
  const my = y / n;
  return ((both / n - mx * my) / Math.sqrt(mx * (1 - mx) * my * (1 - my))) * Math.sqrt(n);
}
/** z of the chi² of levels (0..3) at (i, i+d, i+2d) against independence (64 cells, df 63). */
function tripleZ(level: Uint8Array, d: number): number {
  const cells = new Float64Array(64);
  const n = level.length - 2 * d;
  for (let i = 0; i < n; i++) cells[level[i] * 16 + level[i + d] * 4 + level[i + 2 * d]]++;
  const expected = n / 64;
  let chi = 0;
  for (const c of cells) chi += (c - expected) ** 2 / expected;
  return (chi - 63) / Math.sqrt(2 * 63);
}

describe('dropoutInGraph', () => {
  it('equals the host formula bit for bit: int32 wrap-around, seeds at and above 2³¹, sites in three key blocks, a size that is no multiple of a vector width', async () => {
    const [rows, cols] = [3, 33335];
    const sites = [0, 1, 2, 31, 32, 77]; // keys come in vectors of 32 sites
    const s = await maskSession(rows, cols, sites);
    for (const seed of [42, 2 ** 31 - 1, 2 ** 31 + 5, 2 ** 32 - 1]) {
      for (const p of [0.1, 0.5]) {
        const masks = await s.keeps(seed, p);
        for (const [k, m] of masks.entries()) expect(differing(m, hostKeep(seed, sites[k], p, rows * cols)), `seed ${seed} site ${sites[k]} p ${p}`).toBe(0);
      }
    }
    await s.release();
  });

  it('keeps 1 − p overall, per row and per column of a [64, 128×128] mask, and scales kept values by exactly 1/(1 − p)', async () => {
    const s = await maskSession(ROWS, COLS, 1);
    for (const p of [0.1, 0.5]) {
      const [scaled] = await s.scaled(42, p);
      expect(new Set(scaled)).toEqual(new Set([0, Math.fround(1 / (1 - Math.fround(p)))]));
      const m = (await s.keeps(42, p))[0];
      const q = 1 - p;
      expect(Math.abs(kept(m) - N * q) / Math.sqrt(N * p * q), `p ${p} overall`).toBeLessThan(5);
      let rowMax = 0;
      for (let r = 0; r < ROWS; r++) rowMax = Math.max(rowMax, Math.abs(kept(m, r * COLS, (r + 1) * COLS) - COLS * q) / Math.sqrt(COLS * p * q));
      expect(rowMax, `p ${p} worst row`).toBeLessThan(5);
      // Columns (one element of each row): a stripe pattern would pile up chi² here.
      let chi = 0;
      for (let c = 0; c < COLS; c++) {
        let k = 0;
        for (let r = 0; r < ROWS; r++) k += m[r * COLS + c];
        chi += (k - ROWS * q) ** 2 / (ROWS * p * q);
      }
      expect(Math.abs(chi - COLS) / Math.sqrt(2 * COLS), `p ${p} columns`).toBeLessThan(5);
    }
    const [all] = await s.keeps(42, 0);
    expect(kept(all)).toBe(N); // p = 0 keeps everything
    await s.release();
  });

  it('neighbours are independent: element i with i + 1, i + S, i + S² in pairs, and (i, i + d, i + 2d) in triples', async () => {
    const s = await maskSession(ROWS, COLS, 1);
    const [m10] = await s.keeps(7, 0.1);
    const [m50] = await s.keeps(7, 0.5);
    for (const d of [1, S, S * S]) {
      expect(Math.abs(correlationZ(m10, m10, d)), `p 0.1 lag ${d}`).toBeLessThan(5);
      expect(Math.abs(correlationZ(m50, m50, d)), `p 0.5 lag ${d}`).toBeLessThan(5);
    }
    // The masks at p = 1/4, 1/2, 3/4 are nested thresholds of one hash: their sum is its top two bits.
    // A hash built from Add and Mul alone is a polynomial in i, so y(i + 2d) − 2 y(i + d) + y(i) is
    // constant and the triple of levels is far from independent (z in the thousands).
    const level = new Uint8Array(N);
    for (const p of [0.25, 0.5, 0.75]) (await s.keeps(7, p))[0].forEach((k, i) => (level[i] += k));
    for (const d of [1, 2, S, S * S]) expect(Math.abs(tripleZ(level, d)), `triple lag ${d}`).toBeLessThan(5);
    await s.release();
  });

  it('masks of different seeds and sites are independent; the same seed and site draw the same mask', async () => {
    const s = await maskSession(ROWS, COLS, 4);
    for (const p of [0.1, 0.5]) {
      const [a0, a1, , a3] = await s.keeps(42, p);
      const [b0] = await s.keeps(42, p);
      expect(differing(a0, b0)).toBe(0);
      const others = { 'site 1': a1, 'site 3': a3, 'seed 43': (await s.keeps(43, p))[0], 'seed 42 + 2¹⁶': (await s.keeps(42 + 2 ** 16, p))[0], 'seed 42 + 2³¹': (await s.keeps(42 + 2 ** 31, p))[0] };
      for (const [what, m] of Object.entries(others)) {
        expect(Math.abs(correlationZ(a0, m)), `p ${p} ${what}`).toBeLessThan(5);
        expect(Math.abs(differing(a0, m) - 2 * p * (1 - p)), `p ${p} ${what}`).toBeLessThan(0.005); // independent masks differ at 2p(1−p)
      }
    }
    await s.release();
  });
});

describe('ORT engine with dropout', () => {
  it('tiny-bert: backward uses the forward masks (a parameter gradient matches finite differences)', async () => {
    const { ref, opened, engine } = await ortEngine('tiny-bert', 'cpu');
    const pairs = ref.mnr.pairs as [string, string][];
    const cols = [pairs.map((p) => p[0]), pairs.map((p) => p[1])].map((t) => opened.tokenize(t, 128));
    const dropout = (c: number) => ({ p: 0.1, seed: 1000 + c });
    const loss = async () => {
      const emb = await Promise.all(cols.map(async (t, c) => (await engine.forward(t, { keep: false, dropout: dropout(c) })).embeddings));
      return mnrLossHost(emb, pairs.length, engine.hidden, { scale: 20 }).loss;
    };
    const fwd = await Promise.all(cols.map((t, c) => engine.forward(t, { keep: true, dropout: dropout(c) })));
    const r = mnrLossHost(fwd.map((f) => f.embeddings), pairs.length, engine.hidden, { scale: 20 });
    for (const [c, f] of fwd.entries()) await f.backward(r.dEmb[c]);
    const name = 'encoder.layer.0.intermediate.dense.bias';
    const grad = (await engine.exportGrads()).get(name)!.data;
    let at = 0;
    grad.forEach((x, i) => (Math.abs(x) > Math.abs(grad[at]) ? (at = i) : 0));
    const params = await engine.exportParams();
    const eps = 1e-2;
    const shifted = async (delta: number) => {
      const moved = new Map([...params].map(([k, t]) => [k, { shape: t.shape, data: new Float32Array(t.data) }]));
      moved.get(name)!.data[at] += delta;
      await engine.importState(moved);
      return loss();
    };
    const numeric = ((await shifted(eps)) - (await shifted(-eps))) / (2 * eps);
    expect(Math.abs(numeric - grad[at]) / Math.abs(grad[at])).toBeLessThan(0.02);
    // Different seeds give different embeddings (dropout is on).
    const a = (await engine.forward(cols[0], { keep: false, dropout: { p: 0.1, seed: 1 } })).embeddings;
    const b = (await engine.forward(cols[0], { keep: false, dropout: { p: 0.1, seed: 2 } })).embeddings;
    expect(differing(a, b)).toBeGreaterThan(0.5);
    await engine.dispose();
  });
});
