// Training-mode (inverted) dropout inside the graph. The mask is a pure function of (seed, site,
// element): a counter-based hash of the element's flat index, the site number (fixed at build time)
// and the fed int64 seed, so a recomputed pass (GradCache, the backward graph) draws the same mask
// and nothing mask-sized crosses between host and device.
// Hash modulo the prime P = 2³⁰ − 35: h₁ = (i · 1000003 mod P) + key, h = (h₁² + c) mod P (h₁ < 2³¹,
// so h₁² stays below 2⁶² in int64); u = h / P is uniform enough for dropout; keep when u ≥ p (as h ≥ ⌈p · P⌉) and
// scale kept values by 1/(1 − p). The first term does not depend on the site or seed: one table
// per site size (dropoutTable) serves the sites of a pass, so each site pays one int64 Mod (the costly kernel:
// it runs over every attention probability) instead of two.
import type { OnnxGraph } from './graph.js';

const P = 1073741789;
const STRIDE = 1000003;

export interface DropoutInputs {
  /** int64 scalar seed of this pass. */
  seed: string;
  /** float scalar probability. */
  p: string;
  /** dropoutTable() of exactly this site's element count, shared with the pass's sites of that size; absent: the site makes its own. */
  table?: string;
}

/** (i · 1000003) mod P for i < count: [count] int64, shared by the dropout sites of one pass. */
export function dropoutTable(g: OnnxGraph, count: string): string {
  const stride = g.int64s([STRIDE], []);
  return g.op('Mod', [g.op('Range', [g.int64s([0], []), g.op('Mul', [count, stride]), stride]), g.int64s([P], [])]); // [count]
}

/** Which elements of x dropout keeps at (seed, site): bool [n], n = x's element count. */
export function dropoutKeep(g: OnnxGraph, x: string, inp: DropoutInputs, site: number): string {
  const c = (v: number) => g.int64s([v], []);
  const index = inp.table ?? dropoutTable(g, g.op('Size', [x])); // [n]
  const key = g.op('Mod', [g.op('Add', [g.op('Mul', [inp.seed, c(7919)]), c((site * 104729 + 12345) % P)]), c(P)]); // scalar in [0, P)
  const h1 = g.op('Add', [index, key]); // [n] < 2P
  const h = g.op('Mod', [g.op('Add', [g.op('Mul', [h1, h1]), c(1013904223)]), c(P)]); // [n] in [0, P)
  // u = h / P ≥ p, compared as integers (h ≥ ⌈p · P⌉): no per-element Cast and Div.
  const threshold = g.op('Cast', [g.op('Ceil', [g.op('Mul', [inp.p, g.floats([P])])])], { to: 7 }); // int64 scalar
  return g.op('GreaterOrEqual', [h, threshold]);
}

/** x · keep / (1 − p), keep a dropoutKeep() mask [n] (computed here, or fed from the pass that computed it). */
export function applyKeep(g: OnnxGraph, x: string, keep: string, p: string): string {
  const keepScale = g.op('Div', [g.floats([1]), g.op('Sub', [g.floats([1]), p])]);
  const mask = g.op('Mul', [g.op('Cast', [keep], { to: 1 }), keepScale]); // [n] (Cast + Mul: ORT's Where with scalar branches was ~3× slower)
  return g.op('Mul', [x, g.op('Reshape', [mask, g.op('Shape', [x])])]);
}

/** x · mask(seed, site); `site` numbers the dropout sites of one forward pass. */
export function dropoutInGraph(g: OnnxGraph, x: string, inp: DropoutInputs, site: number): string {
  return applyKeep(g, x, dropoutKeep(g, x, inp, site), inp.p);
}
