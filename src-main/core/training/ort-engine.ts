// The onnxruntime training engine (CPU / WebGPU / CUDA) behind the TrainingEngine seam. Graphs come
// from models/onnx/* (training-graph.ts: forward, and forward/backward halves with parameters as inputs;
// adamw-graph.ts: gradient norm, AdamW, copies) and run through session.ts.
//
// State on the device: parameters, accumulated gradients and Adam moments are onnxruntime tensors
// that one run outputs (WebGPU: 'gpu-buffer') and the next run takes as inputs; they reach the host
// only for exportParams/exportOptimizer. Per step the host sends token ids, masks, dEmb and a few
// scalars and receives embeddings and the gradient norm: O(batch · seq + batch · hidden) bytes,
// independent of the parameter count (transferStats()).
//
// A kept pass runs the forward half of the training graph, which also outputs every value the
// backward reads ("saved", device-resident until backward() or release()); backward() runs the
// backward half on them. An unkept pass (eval, GradCache's first pass) runs a forward-only graph.
// A step without GradCache runs as one fused step graph instead (stepGraph(): every column's forward,
// the loss's graph form, the backward → loss + fresh grad.*), one session per (columns, dropout, loss).
import type { AdamWState } from './adamw.js';
import type { DropoutSpec, EngineDevice, EngineForward, EngineModel, EngineOptions, EngineParamTensor, ForwardOptions, TrainingEngine, TransferStats } from './engine.js';
import type { TrainingLoss } from './losses/loss.js';
import type { TokenBatch } from './encoder-config.js';
import { buildAdamWGraph, buildCopyGraph, buildGradNormGraph } from '../models/onnx/adamw-graph.js';
import { buildStepGraph, buildTrainingGraphs, fromDeviceLayout, toDeviceLayout, type DeviceParam, type TrainingGraphSpec } from '../models/onnx/training-graph.js';
import { fillEngineMemory } from '../models/device-memory.js';
import { hostTensor, onHost, OnnxSession, type DeviceTensor, type SessionOptions } from '../models/session.js';
import { kept, OrtEngineError, pick, type PassSessions } from './ort-sessions.js';

export { OrtEngineError };

type Tensors = Map<string, DeviceTensor>;

export class OrtEngine implements TrainingEngine {
  readonly name = 'ort' as const;
  readonly hidden: number;
  private readonly passes = new Map<boolean, Promise<PassSessions>>();
  /** Fused step sessions by (columns, dropout, loss name + options, label count). */
  private readonly steps = new Map<string, Promise<OnnxSession>>();
  /** Steps that ran as one fused step graph (tests check which path a step took). */
  fusedSteps = 0;
  readonly stepGraph?: TrainingEngine['stepGraph'];
  private grads: Tensors | null = null;
  /** Whether `grads` holds this step's sums (false after apply/zeroGrad: the next pass starts from zero). */
  private accumulating = false;
  private step = 0;
  private counting: TransferStats = { hostToDevice: 0, deviceToHost: 0 };
  private last: TransferStats = { hostToDevice: 0, deviceToHost: 0 };

  private constructor(
    private readonly spec: TrainingGraphSpec,
    private readonly layout: DeviceParam[],
    private readonly opts: EngineOptions,
    private readonly sessionOpts: SessionOptions,
    private readonly split: boolean | undefined,
    readonly device: EngineDevice,
    private readonly optimizer: { adamw: OnnxSession; norm: OnnxSession; upload: OnnxSession; download: OnnxSession },
    private params: Tensors,
    private m: Tensors,
    private v: Tensors,
    fused: boolean,
  ) {
    this.hidden = spec.config.hidden_size;
    if (fused) this.stepGraph = (columns, dropout, loss, labels) => this.runStepGraph(columns, dropout, loss, labels);
  }

  /** `splitPasses`: force the forward/backward halves (GPU default) or the one-run pass (CPU default); for tests. */
  static async create(model: EngineModel, opts: EngineOptions & { splitPasses?: boolean }): Promise<OrtEngine> {
    const { folder, config } = model;
    const spec: TrainingGraphSpec = {
      architecture: config.architecture,
      config: folder.config,
      pooling: folder.pooling,
      normalize: folder.normalize,
      vocab: config.vocabSize,
      typeCount: config.architecture === 'bert' ? config.typeVocabSize : 0,
    };
    const graphs = buildTrainingGraphs(spec, { dropout: false });
    const layout = graphs.params;
    // No CPU arena: it keeps a training step's peak (GBs at base size) reserved for good.
    // No spinning: a step runs several sessions in turn, each with its own thread pool; idle threads
    // spinning after one session's run took cores from the next one's.
    const base: SessionOptions = { provider: opts.provider ?? 'auto', threads: opts.threads, memoryArena: false, spinning: false };
    const split = opts.splitPasses;
    const noDecay = opts.adamw.noDecay;
    // A fused q/k/v tensor decays as its query part does.
    const optimizerParams = layout.map((p) => ({ name: p.name, shape: p.shape, decay: opts.adamw.weightDecay !== 0 && !(noDecay?.(p.hf[0]) ?? false) }));
    const embed = await OnnxSession.create(graphs.embed, base);
    // Every later session uses the provider the first one got (no second round of fallbacks).
    const chosen: SessionOptions = { ...base, provider: embed.provider };
    const names = (prefix: string) => layout.map((p) => `${prefix}.${p.name}`);
    const [passes, adamw, norm, upload, download] = await Promise.all([
      kept(graphs, chosen, names('grad'), split),
      OnnxSession.create(buildAdamWGraph(optimizerParams, opts.adamw), { ...chosen, deviceOutputs: [...names('param_out'), ...names('m_out'), ...names('v_out')] }),
      OnnxSession.create(buildGradNormGraph(layout), chosen),
      OnnxSession.create(buildCopyGraph(layout), { ...chosen, deviceOutputs: names('out') }),
      OnnxSession.create(buildCopyGraph(layout), chosen),
    ]);
    const device: EngineDevice = { engine: 'ort', provider: embed.provider, fallbackReasons: embed.fallbackReasons };
    const empty = new Map<string, DeviceTensor>();
    const fused = opts.fusedStep ?? true;
    const engine = new OrtEngine(spec, layout, opts, chosen, split, device, { adamw, norm, upload, download }, empty, new Map(), new Map(), fused);
    engine.passes.set(false, Promise.resolve({ embed, ...passes }));
    await engine.importState(model.weights);
    await fillEngineMemory(device, layout.map((p) => p.shape)); // device.memory (nvidia-smi, where it reports), memoryBytes, stateBytes
    engine.resetStats();
    return engine;
  }

  /**
   * One session run; an onnxruntime failure (an allocation that does not fit, a device lost) becomes
   * an OrtEngineError naming the engine, provider, what ran and the settings that shrink it.
   */
  private async runOn(session: OnnxSession, what: string, feeds: Record<string, DeviceTensor>, fetch: string[]): Promise<Record<string, DeviceTensor>> {
    try {
      return await session.runTensors(feeds, fetch);
    } catch (e) {
      const message = (e as Error).message.split('\n')[0];
      const memory = /alloc|memory|OOM|bad_alloc|out of/i.test(message);
      throw new OrtEngineError(
        `onnxruntime training engine (${this.device.provider}): ${what} failed: ${message}` +
          (memory ? '; it did not fit in memory: lower --mini-batch-size (GradCache), --batch-size or --max-seq-length' : ''),
      );
    }
  }

  private sessions(dropout: boolean): Promise<PassSessions> {
    let s = this.passes.get(dropout);
    if (!s) {
      const graphs = buildTrainingGraphs(this.spec, { dropout });
      s = Promise.all([OnnxSession.create(graphs.embed, this.sessionOpts), kept(graphs, this.sessionOpts, this.layout.map((p) => `grad.${p.name}`), this.split)]).then(
        ([embed, passes]) => ({ embed, ...passes }),
      );
      this.passes.set(dropout, s);
    }
    return s;
  }

  private tokenFeeds(tokens: TokenBatch, opts: ForwardOptions): Record<string, DeviceTensor> {
    const dims = [tokens.batch, tokens.seq];
    const feeds: Record<string, DeviceTensor> = {
      input_ids: hostTensor({ type: 'int64', data: BigInt64Array.from(tokens.ids, (x) => BigInt(x)), dims }),
      attention_mask: hostTensor({ type: 'int64', data: BigInt64Array.from(tokens.mask, (x) => BigInt(x)), dims }),
    };
    this.counting.hostToDevice += 16 * tokens.batch * tokens.seq;
    if (opts.dropout && opts.dropout.p > 0) {
      feeds.dropout_seed = hostTensor({ type: 'int64', data: BigInt64Array.of(BigInt(opts.dropout.seed >>> 0)), dims: [] });
      feeds.dropout_p = hostTensor({ type: 'float32', data: Float32Array.of(opts.dropout.p), dims: [] });
      this.counting.hostToDevice += 12;
    }
    return feeds;
  }

  private paramFeeds(prefix = ''): Record<string, DeviceTensor> {
    return Object.fromEntries(this.layout.map((p) => [`${prefix}${p.name}`, this.params.get(p.name)!]));
  }

  async forward(tokens: TokenBatch, opts: ForwardOptions): Promise<EngineForward> {
    const dropout = !!opts.dropout && opts.dropout.p > 0;
    const s = await this.sessions(dropout);
    const feeds = this.tokenFeeds(tokens, opts);
    const what = `${opts.keep ? 'training ' : ''}forward of batch ${tokens.batch} × ${tokens.seq} tokens`;
    const out = opts.keep && s.forward
      ? await this.runOn(s.forward, what, pick(s.forward, { ...this.paramFeeds(), ...feeds }), [...new Set(['sentence_embedding', ...s.saved])])
      : await this.runOn(s.embed, what, { ...this.paramFeeds(), ...feeds }, opts.keep ? ['sentence_embedding', ...s.saved] : ['sentence_embedding']);
    const embeddings = new Float32Array(out.sentence_embedding.data as Float32Array);
    if (!opts.keep || !s.saved.includes('sentence_embedding')) out.sentence_embedding.dispose();
    this.counting.deviceToHost += embeddings.byteLength;
    const saved: Record<string, DeviceTensor> = opts.keep ? Object.fromEntries(s.saved.map((n) => [n, out[n]])) : {};
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      for (const t of [...Object.values(feeds), ...Object.values(saved)]) t.dispose();
    };
    if (!opts.keep) release();
    const backward = async (dEmb: Float32Array): Promise<void> => {
      if (!opts.keep) throw new OrtEngineError('backward() on a forward run with keep: false');
      if (done) throw new OrtEngineError('backward() called twice, or after release(), on one forward pass');
      if (dEmb.length !== tokens.batch * this.hidden) throw new OrtEngineError(`dEmb holds ${dEmb.length} values, expected ${tokens.batch} × ${this.hidden}`);
      const prev = this.grads;
      const gradFeeds: Record<string, DeviceTensor> = {};
      for (const p of this.layout) gradFeeds[`grad_in.${p.name}`] = (prev ?? this.params).get(p.name)!; // params as a same-shaped stand-in when no sums exist (not read)
      const d = hostTensor({ type: 'float32', data: dEmb, dims: [tokens.batch, this.hidden] });
      const acc = hostTensor({ type: 'bool', data: Uint8Array.of(this.accumulating && prev ? 1 : 0), dims: [] });
      this.counting.hostToDevice += dEmb.byteLength + 1;
      try {
        const all = { ...this.paramFeeds(), ...feeds, ...saved, ...gradFeeds, d_embedding: d, accumulate: acc };
        const session = (s.backward ?? s.train)!;
        const result = await this.runOn(session, `backward of batch ${tokens.batch} × ${tokens.seq} tokens`, pick(session, all), this.layout.map((p) => `grad.${p.name}`));
        if (prev) for (const t of prev.values()) t.dispose();
        this.grads = new Map(this.layout.map((p) => [p.name, result[`grad.${p.name}`]]));
        this.accumulating = true;
      } finally {
        d.dispose();
        acc.dispose();
        release();
      }
    };
    return { embeddings, batch: tokens.batch, hidden: this.hidden, backward, release };
  }

  private stepSession(columns: number, dropout: boolean, loss: TrainingLoss, labelCount: number | undefined): Promise<OnnxSession> {
    const key = JSON.stringify([columns, dropout, loss.name, loss.options, labelCount ?? null]);
    let s = this.steps.get(key);
    if (!s) {
      const graph = buildStepGraph(this.spec, { columns, dropout, loss: loss.graph!.build, labelCount });
      s = OnnxSession.create(graph.bytes, { ...this.sessionOpts, deviceOutputs: this.layout.map((p) => `grad.${p.name}`) });
      s.catch(() => this.steps.delete(key));
      this.steps.set(key, s);
    }
    return s;
  }

  /** TrainingEngine.stepGraph: the whole step in one run; the gradients it outputs become the accumulated ones. */
  private async runStepGraph(columns: TokenBatch[], dropout: (DropoutSpec | null)[], loss: TrainingLoss, labels?: Float32Array): Promise<{ loss: number }> {
    if (!loss.graph) throw new OrtEngineError(`loss "${loss.name}" has no graph form: run the step with forward() and backward()`);
    if (this.accumulating) throw new OrtEngineError('stepGraph() with gradients already accumulated: it computes a whole step from zero (apply() or zeroGrad() first)');
    const B = columns[0]?.batch ?? 0;
    if (columns.some((t) => t.batch !== B)) throw new OrtEngineError(`stepGraph(): columns of different batch sizes (${columns.map((t) => t.batch).join(', ')})`);
    if (dropout.length !== columns.length) throw new OrtEngineError(`stepGraph(): ${dropout.length} dropout settings for ${columns.length} columns`);
    const labelDims = loss.graph.labelDims(columns.length, B, labels);
    const ps = dropout.map((d) => (d && d.p > 0 ? d.p : 0));
    const on = ps[0] > 0;
    if (ps.some((p) => p !== ps[0])) throw new OrtEngineError(`stepGraph(): every column needs the same dropout probability (got ${ps.join(', ')})`);
    const session = await this.stepSession(columns.length, on, loss, labelDims?.[1]);
    const feeds: Record<string, DeviceTensor> = {};
    columns.forEach((tokens, c) => {
      const f = this.tokenFeeds(tokens, { keep: true, dropout: dropout[c] });
      feeds[`input_ids.${c}`] = f.input_ids;
      feeds[`attention_mask.${c}`] = f.attention_mask;
      if (on) {
        feeds[`dropout_seed.${c}`] = f.dropout_seed;
        if (c === 0) feeds.dropout_p = f.dropout_p;
        else f.dropout_p.dispose();
      }
    });
    if (labelDims && labels) {
      feeds.labels = hostTensor({ type: 'float32', data: labels, dims: labelDims });
      this.counting.hostToDevice += labels.byteLength;
    }
    const fetch = ['loss', ...this.layout.map((p) => `grad.${p.name}`)];
    let out: Record<string, DeviceTensor>;
    try {
      const what = `training step of ${columns.length} columns × batch ${B} (${columns.map((t) => t.seq).join('/')} tokens)`;
      out = await this.runOn(session, what, { ...this.paramFeeds(), ...feeds }, fetch);
    } finally {
      for (const t of Object.values(feeds)) t.dispose();
    }
    const value = (out.loss.data as Float32Array)[0];
    out.loss.dispose();
    this.counting.deviceToHost += 4;
    if (this.grads) for (const t of this.grads.values()) t.dispose();
    this.grads = new Map(this.layout.map((p) => [p.name, out[`grad.${p.name}`]]));
    this.accumulating = true;
    this.fusedSteps += 1;
    return { loss: value };
  }

  async gradNorm(): Promise<number> {
    if (!this.grads || !this.accumulating) return 0;
    const out = await this.runOn(this.optimizer.norm, 'gradient norm', Object.fromEntries(this.layout.map((p) => [`grad.${p.name}`, this.grads!.get(p.name)!])), ['grad_norm']);
    const norm = (out.grad_norm.data as Float32Array)[0];
    out.grad_norm.dispose();
    this.counting.deviceToHost += 4;
    return norm;
  }

  async apply(lr: number, clipCoef: number): Promise<void> {
    if (!this.grads || !this.accumulating) throw new OrtEngineError('apply() without gradients: run forward + backward first');
    this.step += 1;
    const { beta1, beta2, weightDecay } = this.opts.adamw;
    const scalar = (x: number) => hostTensor({ type: 'float32', data: Float32Array.of(x), dims: [] });
    const scalars = {
      clip_coef: scalar(clipCoef),
      decay: scalar(1 - lr * weightDecay),
      step_size: scalar(lr / (1 - beta1 ** this.step)),
      bc2_sqrt: scalar(Math.sqrt(1 - beta2 ** this.step)),
    };
    this.counting.hostToDevice += 16;
    const feeds: Record<string, DeviceTensor> = { ...scalars };
    for (const p of this.layout) {
      feeds[`param.${p.name}`] = this.params.get(p.name)!;
      feeds[`grad.${p.name}`] = this.grads.get(p.name)!;
      feeds[`m.${p.name}`] = this.m.get(p.name)!;
      feeds[`v.${p.name}`] = this.v.get(p.name)!;
    }
    const fetch = this.layout.flatMap((p) => [`param_out.${p.name}`, `m_out.${p.name}`, `v_out.${p.name}`]);
    const out = await this.runOn(this.optimizer.adamw, 'AdamW step', feeds, fetch);
    for (const t of Object.values(scalars)) t.dispose();
    for (const p of this.layout) {
      this.params.get(p.name)!.dispose();
      this.m.get(p.name)!.dispose();
      this.v.get(p.name)!.dispose();
      this.params.set(p.name, out[`param_out.${p.name}`]);
      this.m.set(p.name, out[`m_out.${p.name}`]);
      this.v.set(p.name, out[`v_out.${p.name}`]);
    }
    this.accumulating = false;
    this.last = this.counting;
    this.counting = { hostToDevice: 0, deviceToHost: 0 };
  }

  async zeroGrad(): Promise<void> {
    this.accumulating = false;
  }

  /** Device tensors → host arrays (a copy-graph run with host outputs; on CPU the data is read directly). */
  private async download(tensors: Tensors): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    if (this.layout.every((p) => onHost(tensors.get(p.name)!))) {
      for (const p of this.layout) out.set(p.name, new Float32Array(tensors.get(p.name)!.data as Float32Array));
      return out;
    }
    const res = await this.runOn(this.optimizer.download, 'reading tensors back', Object.fromEntries(this.layout.map((p) => [`in.${p.name}`, tensors.get(p.name)!])), this.layout.map((p) => `out.${p.name}`));
    for (const p of this.layout) {
      const t = res[`out.${p.name}`];
      out.set(p.name, new Float32Array(t.data as Float32Array));
      t.dispose();
    }
    return out;
  }

  /** Host arrays (device layout) → device tensors (one upload run; on CPU they stay host tensors). */
  private async upload(data: Map<string, Float32Array>): Promise<Tensors> {
    const host = new Map(this.layout.map((p) => [p.name, hostTensor({ type: 'float32', data: data.get(p.name)!, dims: p.shape })]));
    if (this.device.provider === 'cpu') return host;
    const res = await this.runOn(this.optimizer.upload, 'uploading tensors', Object.fromEntries(this.layout.map((p) => [`in.${p.name}`, host.get(p.name)!])), this.layout.map((p) => `out.${p.name}`));
    for (const t of host.values()) t.dispose();
    return new Map(this.layout.map((p) => [p.name, res[`out.${p.name}`]]));
  }

  async exportParams(): Promise<Map<string, EngineParamTensor>> {
    return fromDeviceLayout(this.layout, await this.download(this.params));
  }

  /** The accumulated gradients with HF names and layouts (gradient tests). */
  async exportGrads(): Promise<Map<string, EngineParamTensor>> {
    if (!this.grads || !this.accumulating) throw new OrtEngineError('no accumulated gradients');
    return fromDeviceLayout(this.layout, await this.download(this.grads));
  }

  async exportOptimizer(): Promise<AdamWState> {
    const toHf = async (t: Tensors) => new Map([...fromDeviceLayout(this.layout, await this.download(t))].map(([k, x]) => [k, x.data]));
    return { step: this.step, m: await toHf(this.m), v: await toHf(this.v) };
  }

  async importState(params: Map<string, EngineParamTensor>, optimizer?: AdamWState): Promise<void> {
    const fresh = await this.upload(toDeviceLayout(this.layout, params));
    const zeros = () => new Map(this.layout.map((p) => [p.name, new Float32Array(p.shape.reduce((a, b) => a * b, 1))]));
    const moments = (m: Map<string, Float32Array> | undefined) => {
      if (!m) return zeros();
      const shaped = new Map([...params].map(([k, t]) => [k, { shape: t.shape, data: m.get(k) ?? new Float32Array(t.data.length) }]));
      return toDeviceLayout(this.layout, shaped);
    };
    const m = await this.upload(moments(optimizer?.m));
    const v = await this.upload(moments(optimizer?.v));
    this.disposeState();
    this.params = fresh;
    this.m = m;
    this.v = v;
    this.step = optimizer?.step ?? 0;
    this.accumulating = false;
  }

  transferStats(): TransferStats {
    return { ...this.last };
  }

  private resetStats(): void {
    this.counting = { hostToDevice: 0, deviceToHost: 0 };
    this.last = { hostToDevice: 0, deviceToHost: 0 };
  }

  private disposeState(): void {
    for (const map of [this.params, this.m, this.v, this.grads ?? new Map<string, DeviceTensor>()]) for (const t of map.values()) t.dispose();
    this.grads = null;
  }

  async dispose(): Promise<void> {
    this.disposeState();
    const sessions = [...Object.values(this.optimizer)];
    for (const p of this.passes.values()) {
      const s = await p;
      sessions.push(...[s.embed, s.train, s.forward, s.backward].filter((x): x is OnnxSession => !!x));
    }
    for (const s of this.steps.values()) sessions.push(await s);
    await Promise.all(sessions.map((s) => s.release()));
  }
}
