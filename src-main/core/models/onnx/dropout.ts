// Training-mode (inverted) dropout inside the graph. The mask is a pure function of (seed, site,
// element): a counter-based hash of the element's flat index, the site number (fixed at build time)
// and the fed int64 seed, so a recomputed pass (GradCache, the backward graph) draws the same mask
// and nothing mask-sized crosses between host and device.
//
// The hash is int32 arithmetic that wraps modulo 2³² (Add, Mul, and Div by a power of two), so the
// CPU provider runs it with Eigen's elementwise kernels at half the memory traffic of int64 and without
// the scalar int64 Mod, and the WebGPU provider runs every mask-sized node natively (it has no int64
// arithmetic; only the scalar seed Cast and the table's Size run on the CPU); integer ops are exact, so
// both providers draw identical masks (dropout-webgpu.test.ts). Wrap-around: WGSL defines i32 + and *
// modulo 2³² and / as truncating; onnxruntime's CPU kernels use Eigen's SIMD packets (which wrap) and
// plain C++ int32 arithmetic for the tail (signed overflow is formally undefined in C++, and compiles
// to the wrapping add/imul); dropout.test.ts checks every element against Math.imul on the host.
//
//   shiftAdd(v)   = v + v / 2¹⁶                       (truncating division: moves high bits down)
//   mix(h; m, c)  = shiftAdd(a² + c),  a = shiftAdd(h · m)
//   table[i]      = mix(i; M_INDEX, C_INDEX)           once per pass and site size (dropoutTable)
//   key(seed, s)  = mix(seed₃₂ + s · SITE_STRIDE; M_KEY, C_KEY)   a scalar per site (siteKey)
//   keep          ⇔ (table[i] + key)² ≥ −2³¹ + ⌈p · 2²⁴⌉ · 2⁸      three int32 ops per element per site
// so p is rounded up to a multiple of 2⁻²⁴, and p = 0 keeps everything.
// Why the table mixes: Add and Mul alone make any hash a polynomial in i modulo 2³², whose second
// differences are constant: with y = (i · m + key)², y(i + 2d) = 2 y(i + d) − y(i) + 2(d·m)² at every
// lag d, so triples of neighbours are far from independent (the int64 hash before this had the same
// relation modulo its prime; dropout.test.ts's triple test fails it with z in the thousands). The
// truncating division is not polynomial and the square carries low bits up; in a scratch study,
// one square between two shift-adds was the cheapest table whose top-bit triples looked independent
// at lags 1 … 2²⁴ (without the first shift-add they fail from lag 2¹⁸). Per site the hash only needs
// to be nonlinear in the key: (t + key)² over well-mixed t has uniform high bits, and two keys' squares
// differ by Δ·(2t + Δ), which is as random as t unless Δ ends in many zero bits: keys are mixed too, so
// seeds a power of two apart (e.g. 2³¹, whose squares would coincide) and neighbouring sites differ.
import type { OnnxGraph } from './graph.js';

const INT32 = 6; // ONNX TensorProto.DataType.INT32

/** The hash constants (int32 values; the odd multipliers are the usual 32-bit golden-ratio and murmur3 ones). */
export const DROPOUT_HASH = {
  indexMul: 0x9e3779b1 | 0,
  indexAdd: 0xc2b2ae35 | 0,
  keyMul: 0x85ebca6b | 0,
  keyAdd: 0x27d4eb2f,
  siteStride: 0x6a09e667,
  /** The shift-adds divide by 2^shift. */
  shift: 16,
} as const;

export interface DropoutInputs {
  /** int64 scalar seed of this pass (only its low 32 bits are used: callers feed seeds below 2³²). */
  seed: string;
  /** float scalar probability. */
  p: string;
  /** dropoutTable() of exactly this site's element count, shared with the pass's sites of that size; absent: the site makes its own. */
  table?: string;
}

/** An int32 scalar constant (an int64 initializer cast once; onnxruntime folds it when loading). */
function int32(g: OnnxGraph, v: number): string {
  return g.op('Cast', [g.int64s([v | 0], [])], { to: INT32 });
}

/** v + v / 2¹⁶ (int32, truncating division): feeds high bits into low ones. */
function shiftAdd(g: OnnxGraph, v: string): string {
  return g.op('Add', [v, g.op('Div', [v, int32(g, 2 ** DROPOUT_HASH.shift)])]);
}

/** mix(h; m, c) of the header, elementwise over int32 h. */
function mix(g: OnnxGraph, h: string, mul: number, add: number): string {
  const a = shiftAdd(g, g.op('Mul', [h, int32(g, mul)]));
  return shiftAdd(g, g.op('Add', [g.op('Mul', [a, a]), int32(g, add)]));
}

/** mix(i) for i < count (count an int64 scalar): [count] int32, shared by the dropout sites of one pass. */
export function dropoutTable(g: OnnxGraph, count: string): string {
  const index = g.op('Range', [int32(g, 0), g.op('Cast', [count], { to: INT32 }), int32(g, 1)]); // [count]
  return mix(g, index, DROPOUT_HASH.indexMul, DROPOUT_HASH.indexAdd); // [count]
}

/** Sites per key vector: a pass's site keys come from one vector op chain, each read with a Gather. */
const KEY_BLOCK = 32;
/** Per graph and seed: the key vectors already built, by block of KEY_BLOCK sites. */
const keyVectors = new WeakMap<OnnxGraph, Map<string, string>>();

/**
 * key(seed, site) of the header, int32 scalar. The keys of sites [b·32, b·32 + 32) are one [32] vector
 * built at the block's first site (nine ops) and read with a Gather: on a GPU provider each scalar
 * op is a kernel dispatch, and mixing per site would cost eight per site.
 */
function siteKey(g: OnnxGraph, seed: string, site: number): string {
  const block = Math.floor(site / KEY_BLOCK);
  let built = keyVectors.get(g);
  if (!built) keyVectors.set(g, (built = new Map()));
  let keys = built.get(`${seed}#${block}`);
  if (!keys) {
    const strides = Array.from({ length: KEY_BLOCK }, (_, j) => Math.imul(block * KEY_BLOCK + j, DROPOUT_HASH.siteStride));
    const seed32 = g.op('Cast', [seed], { to: INT32 }); // low 32 bits, two's complement
    const siteSeeds = g.op('Add', [seed32, g.op('Cast', [g.int64s(strides)], { to: INT32 })]); // [KEY_BLOCK]
    keys = mix(g, siteSeeds, DROPOUT_HASH.keyMul, DROPOUT_HASH.keyAdd); // [KEY_BLOCK]
    built.set(`${seed}#${block}`, keys);
  }
  return g.op('Gather', [keys, g.int64s([site % KEY_BLOCK], [])], { axis: 0 }); // scalar
}

/** Which elements of x dropout keeps at (seed, site): bool [n], n = x's element count. */
export function dropoutKeep(g: OnnxGraph, x: string, inp: DropoutInputs, site: number): string {
  const table = inp.table ?? dropoutTable(g, g.op('Size', [x])); // [n] int32
  const h = g.op('Add', [table, siteKey(g, inp.seed, site)]); // [n]
  // Drop when h² lies in the lowest ⌈p · 2²⁴⌉ / 2²⁴ of the int32 range: p · 2²⁴ and its Ceil are exact
  // in float32, and the threshold is integer arithmetic, so every provider draws the same elements.
  const steps = g.op('Cast', [g.op('Ceil', [g.op('Mul', [inp.p, g.floats([2 ** 24])])])], { to: INT32 });
  const threshold = g.op('Add', [g.op('Mul', [steps, int32(g, 256)]), int32(g, -(2 ** 31))]); // int32 scalar
  return g.op('GreaterOrEqual', [g.op('Mul', [h, h]), threshold]);
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
