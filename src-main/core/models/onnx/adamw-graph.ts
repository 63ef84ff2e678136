// The optimizer side of a training step as ONNX graphs, apart from the gradient graph:
//   grad-norm graph: grad.* → grad_norm (global L2 norm, a float scalar to the host)
//   AdamW graph: param.*, grad.*, m.*, v.* + scalars → param_out.*, m_out.*, v_out.* (stay on the device)
// AdamW follows torch.optim.AdamW as training/adamw.ts does (amsgrad off):
//   g ← clip·g;  p ← p·(1 − lr·wd);  m ← m + (1−β1)(g − m);  v ← β2·v + (1−β2)·g²
//   p ← p − stepSize · m / (√v / √(1−β2^t) + ε),  stepSize = lr / (1−β1^t)
// The host computes the float64 scalars (decay = 1 − lr·wd, stepSize, √(1−β2^t)) as torch does in
// Python; per-parameter no-decay is fixed at build time (those parameters skip the decay Mul).
import { OnnxGraph } from './graph.js';

export interface OptimizerParam {
  name: string;
  shape: number[];
  decay: boolean;
}

export interface AdamWGraphOptions {
  beta1: number;
  beta2: number;
  eps: number;
}

/** Scalar inputs of the AdamW graph. */
export const ADAMW_SCALARS = ['clip_coef', 'decay', 'step_size', 'bc2_sqrt'] as const;

export function buildAdamWGraph(params: OptimizerParam[], o: AdamWGraphOptions): Uint8Array {
  const g = new OnnxGraph('adamw');
  const [clip, decay, stepSize, bc2Sqrt] = ADAMW_SCALARS.map((n) => g.input(n, 'float32', []));
  const oneMinusB1 = g.floats([1 - o.beta1]);
  const beta2 = g.floats([o.beta2]);
  const oneMinusB2 = g.floats([1 - o.beta2]);
  const eps = g.floats([o.eps]);
  for (const p of params) {
    const w = g.input(`param.${p.name}`, 'float32', p.shape);
    const grad = g.op('Mul', [g.input(`grad.${p.name}`, 'float32', p.shape), clip]);
    const m = g.input(`m.${p.name}`, 'float32', p.shape);
    const v = g.input(`v.${p.name}`, 'float32', p.shape);
    const decayed = p.decay ? g.op('Mul', [w, decay]) : w;
    const m1 = g.op('Add', [m, g.op('Mul', [g.op('Sub', [grad, m]), oneMinusB1])], {}, { name: `m_out.${p.name}` });
    const v1 = g.op('Add', [g.op('Mul', [v, beta2]), g.op('Mul', [g.op('Mul', [grad, grad]), oneMinusB2])], {}, { name: `v_out.${p.name}` });
    const denom = g.op('Add', [g.op('Div', [g.op('Sqrt', [v1]), bc2Sqrt]), eps]);
    const p1 = g.op('Sub', [decayed, g.op('Mul', [g.op('Div', [m1, denom]), stepSize])], {}, { name: `param_out.${p.name}` });
    for (const out of [p1, m1, v1]) g.output(out, 'float32', p.shape);
  }
  return g.toBytes({ docString: 'AdamW step built by genq-workbench' });
}

/** Global L2 norm of the gradients (torch.nn.utils.clip_grad_norm_'s total norm). */
export function buildGradNormGraph(params: Array<{ name: string; shape: number[] }>): Uint8Array {
  const g = new OnnxGraph('grad-norm');
  const squares = params.map((p) => {
    const grad = g.input(`grad.${p.name}`, 'float32', p.shape);
    return g.op('ReduceSum', [g.op('Mul', [grad, grad])], { keepdims: 0 }); // scalar
  });
  const total = squares.length === 1 ? squares[0] : g.op('Sum', squares);
  g.output(g.op('Sqrt', [total], {}, { name: 'grad_norm' }), 'float32', []);
  return g.toBytes({ docString: 'gradient norm built by genq-workbench' });
}

/** Identity over tensors: with device outputs it uploads host tensors once; without, it reads device tensors back. */
export function buildCopyGraph(params: Array<{ name: string; shape: number[] }>): Uint8Array {
  const g = new OnnxGraph('copy');
  for (const p of params) {
    const x = g.input(`in.${p.name}`, 'float32', p.shape);
    g.output(g.op('Identity', [x], {}, { name: `out.${p.name}` }), 'float32', p.shape);
  }
  return g.toBytes({ docString: 'tensor copy built by genq-workbench' });
}

