// The onnxruntime sessions of the training engine's per-column passes (ort-engine.ts): which graph
// halves a kept pass runs on each provider, and the feeds a session declares.
import type { TrainingGraphs } from '../models/onnx/training-graph.js';
import { OnnxSession, type DeviceTensor, type SessionOptions } from '../models/session.js';

export class OrtEngineError extends Error {
  override name = 'OrtEngineError';
}

/**
 * Sessions of one dropout variant. On CPU a kept pass is embed, then train (forward + backward in
 * one run: onnxruntime-node copies every CPU output into JS memory, and copying the saved
 * activations cost more than recomputing them); on GPU providers forward (saved values stay in
 * device memory) then backward.
 */
export interface PassSessions {
  /** forward only → sentence_embedding */
  embed: OnnxSession;
  /** CPU: forward + backward → grad.* (dropout masks: the embed run's, fed back) */
  train?: OnnxSession;
  /** GPU: forward → sentence_embedding + saved values */
  forward?: OnnxSession;
  /** GPU: saved values + d_embedding + running sums → grad.* */
  backward?: OnnxSession;
  saved: string[];
}

/** The kept-pass sessions for the provider (see PassSessions). */
export async function kept(graphs: TrainingGraphs, opts: SessionOptions, gradNames: string[], split?: boolean): Promise<Omit<PassSessions, 'embed'>> {
  // One run: the embed run's dropout keep masks (bool, ~1 byte per element) are its saved values.
  if (!(split ?? opts.provider !== 'cpu')) return { train: await OnnxSession.create(graphs.train, { ...opts, deviceOutputs: gradNames }), saved: graphs.keeps };
  const [forward, backward] = await Promise.all([
    OnnxSession.create(graphs.forward, { ...opts, deviceOutputs: graphs.saved }),
    OnnxSession.create(graphs.backward, { ...opts, deviceOutputs: gradNames }),
  ]);
  return { forward, backward, saved: graphs.saved };
}

/** The feeds a session declares as inputs (a graph half reads only some of the pass's tensors). */
export function pick(session: OnnxSession, feeds: Record<string, DeviceTensor>): Record<string, DeviceTensor> {
  return Object.fromEntries(session.inputNames.map((n) => {
    const t = feeds[n];
    if (!t) throw new OrtEngineError(`graph input "${n}" has no tensor`);
    return [n, t];
  }));
}
