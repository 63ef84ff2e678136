// Training-mode (inverted) dropout inside the graph. The mask is a pure function of (seed, site,
// element): a counter-based hash of the element's flat index, the site number (fixed at build time)
// and the fed int64 seed, so a recomputed pass (GradCache, the backward graph) draws the same mask
// and nothing mask-sized crosses between host and device.
// Hash: an affine and a squaring round modulo the prime P = 2³¹ − 19 in int64 (products stay below 2⁶²);
// u = h / P is uniform enough for dropout; keep when u ≥ p, scale kept values by 1/(1 − p).
import type { OnnxGraph } from './graph.js';

const P = 2147483629;

export interface DropoutInputs {
  /** int64 scalar seed of this pass. */
  seed: string;
  /** float scalar probability. */
  p: string;
}

/** x · mask(seed, site); `site` numbers the dropout sites of one forward pass. */
export function dropoutInGraph(g: OnnxGraph, x: string, inp: DropoutInputs, site: number): string {
  const mod = g.int64s([P], []);
  const c = (v: number) => g.int64s([v], []);
  const key = g.op('Add', [g.op('Mul', [inp.seed, c(7919)]), c((site * 104729 + 12345) % P)]); // scalar
  // index · 1000003 + key for every element, as one Range (start key, step 1000003): a separate
  // index Range, Mul and Add were three more mask-sized int64 passes per site.
  const stride = c(1000003);
  const end = g.op('Add', [key, g.op('Mul', [g.op('Size', [x]), stride])]);
  const affine = g.op('Range', [key, end, stride]); // [n] int64
  // Two rounds (affine, then squaring): int64 Mod is the costly kernel here (it ran over every
  // attention probability), and two rounds pass the rate and independence checks of dropout.test.ts.
  let h = g.op('Mod', [affine, mod]);
  h = g.op('Mod', [g.op('Add', [g.op('Mul', [h, h]), c(1013904223)]), mod]);
  const u = g.op('Div', [g.op('Cast', [h], { to: 1 }), g.floats([P])]); // [n] in [0, 1)
  const keepScale = g.op('Div', [g.floats([1]), g.op('Sub', [g.floats([1]), inp.p])]);
  const mask = g.op('Mul', [g.op('Cast', [g.op('GreaterOrEqual', [u, inp.p])], { to: 1 }), keepScale]); // [n]
  return g.op('Mul', [x, g.op('Reshape', [mask, g.op('Shape', [x])])]);
}
