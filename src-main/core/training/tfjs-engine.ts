// The TensorFlow.js training engine (WebAssembly, tfjs-node or cpu backend) behind the
// TrainingEngine seam: the hand-derived forward/backward of model.ts + pooling.ts, gradients
// accumulated in a GradStore, torch-style clipping and AdamW (adamw.ts). Parameters live in
// model.params (tf tensors, updated in place), so a caller holding the TrainableModel sees the
// trained weights.
//
// A kept forward holds every activation its backward needs (tensors tracked outside any tidy
// scope) until backward() or release(); an eval forward runs in a tidy and keeps nothing.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, type AdamWState } from './adamw.js';
import { useBackend, type BackendName } from './backend.js';
import type { EngineDevice, EngineForward, EngineModel, EngineOptions, EngineParamTensor, ForwardOptions, TrainingEngine, TransferStats } from './engine.js';
import { GradStore, type Params } from './layers.js';
import type { TokenBatch } from './model.js';
import { mixSeed } from './rng.js';
import { embedBatch, type TrainableModel } from './trainable.js';
import { TextTokenizer } from '../models/tokenizer.js';

export class TfjsEngine implements TrainingEngine {
  readonly name = 'tfjs' as const;
  readonly device: EngineDevice;
  readonly hidden: number;
  private readonly optimizer: AdamW;
  /** Gradients accumulated since the last apply/zeroGrad (exposed for gradient tests). */
  readonly grads = new GradStore();

  constructor(readonly model: TrainableModel, opts: EngineOptions, backend: BackendName) {
    this.optimizer = new AdamW(opts.adamw);
    this.hidden = model.config.hiddenSize;
    this.device = { engine: 'tfjs', provider: backend, fallbackReasons: [] };
  }

  /** An engine over a model already open on the active backend (its params are trained in place). */
  static forModel(model: TrainableModel, opts: EngineOptions): TfjsEngine {
    return new TfjsEngine(model, opts, tf.getBackend() as BackendName);
  }

  /** An engine owning its parameters, built from an EngineModel (weights copied into tf tensors). */
  static async create(m: EngineModel, opts: EngineOptions & { backend?: BackendName | 'auto' }): Promise<TfjsEngine> {
    const backend = await useBackend(opts.backend ?? 'auto');
    const params: Params = new Map();
    for (const [name, w] of m.weights) params.set(name, tf.tensor(w.data, w.shape, 'float32'));
    const model: TrainableModel = { folder: m.folder, config: m.config, tokenizer: TextTokenizer.fromFolder(m.folder.transformerDir), params };
    const engine = new TfjsEngine(model, opts, backend);
    engine.ownsParams = true;
    return engine;
  }

  private ownsParams = false;

  async forward(tokens: TokenBatch, opts: ForwardOptions): Promise<EngineForward> {
    const p = opts.dropout && opts.dropout.p > 0 ? opts.dropout : null;
    const dropoutSeed = p ? ((site) => () => mixSeed(p.seed, site++))(0) : null;
    const H = this.hidden;
    if (!opts.keep) {
      const embeddings = tf.tidy(() => embedBatch(this.model, tokens, { grads: null, nextDropoutSeed: dropoutSeed, dropoutOverride: p?.p }).embeddings.dataSync() as Float32Array);
      return { embeddings, batch: tokens.batch, hidden: H, backward: () => Promise.reject(new Error('tfjs engine: backward() on a forward run with keep: false')), release: () => {} };
    }
    // Track what the forward allocates, and hand it to the enclosing scope instead of disposing it.
    const eng = tf.engine();
    eng.startScope('tfjs-engine-forward');
    let fwd: ReturnType<typeof embedBatch>;
    let tracked: tf.Tensor[];
    try {
      fwd = embedBatch(this.model, tokens, { grads: this.grads, nextDropoutSeed: dropoutSeed, dropoutOverride: p?.p });
    } finally {
      tracked = eng.state.activeScope.track.slice();
      eng.endScope(tracked);
    }
    const embeddings = fwd.embeddings.dataSync().slice() as Float32Array;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      tf.dispose(tracked);
    };
    return {
      embeddings, batch: tokens.batch, hidden: H, release,
      backward: async (dEmb) => {
        if (done) throw new Error('tfjs engine: backward() called twice or after release()');
        try {
          tf.tidy(() => fwd.backward(tf.tensor2d(dEmb, [tokens.batch, H])));
        } finally {
          release();
        }
      },
    };
  }

  async gradNorm(): Promise<number> {
    // One tensor's square at a time: squaring them all first would hold a second copy of every gradient.
    let sum = 0;
    for (const g of this.grads.grads.values()) sum += tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]);
    return Math.sqrt(sum);
  }

  async apply(lr: number, clipCoef: number): Promise<void> {
    if (clipCoef !== 1) {
      for (const [name, g] of this.grads.grads) {
        this.grads.grads.set(name, tf.mul(g, clipCoef));
        g.dispose();
      }
    }
    this.optimizer.apply(this.model.params, this.grads.grads, lr);
    this.grads.dispose();
  }

  async zeroGrad(): Promise<void> {
    this.grads.dispose();
  }

  async exportParams(): Promise<Map<string, EngineParamTensor>> {
    return new Map([...this.model.params].map(([k, t]) => [k, { shape: t.shape, data: t.dataSync().slice() as Float32Array }]));
  }

  async exportOptimizer(): Promise<AdamWState> {
    return this.optimizer.exportState();
  }

  async importState(params: Map<string, EngineParamTensor>, optimizer?: AdamWState): Promise<void> {
    for (const [name, t] of this.model.params) {
      const s = params.get(name);
      if (!s) throw new Error(`tfjs engine: the state to import lacks parameter "${name}"`);
      if (s.shape.join(',') !== t.shape.join(',')) throw new Error(`tfjs engine: parameter "${name}" has shape [${s.shape}], expected [${t.shape}]`);
      t.dispose();
      this.model.params.set(name, tf.tensor(s.data, s.shape, 'float32'));
    }
    if (optimizer) this.optimizer.importState(optimizer, new Map([...this.model.params].map(([k, t]) => [k, t.shape])));
  }

  transferStats(): TransferStats {
    // Host memory is the device: nothing crosses a bus.
    return { hostToDevice: 0, deviceToHost: 0 };
  }

  async dispose(): Promise<void> {
    this.grads.dispose();
    this.optimizer.dispose();
    if (this.ownsParams) for (const t of this.model.params.values()) t.dispose();
  }
}
