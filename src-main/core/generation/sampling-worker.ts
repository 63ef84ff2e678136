// Worker-thread entry for ParallelSampler: warps and draws a slice of a step's rows. Everything it
// reads and writes (logits, row lists, stream states, chosen tokens) lives in SharedArrayBuffers
// owned by the caller; a message only says which slice to do.
import { parentPort } from 'node:worker_threads';
import { nextUniform, Warper, type SamplingOptions } from './sampling.js';

export interface SampleRequest {
  id: number;
  vocab: number;
  options: Required<SamplingOptions>;
  logits: SharedArrayBuffer; // float32 [batch, vocab]
  positions: SharedArrayBuffer; // int32: batch position of each row to choose for
  rows: SharedArrayBuffer; // int32: original row (= stream) of each
  streams: SharedArrayBuffer; // uint32 stream state per original row
  tokens: SharedArrayBuffer; // int32 out, same order as positions
  from: number;
  to: number;
}

export type SampleResponse = { id: number } | { id: number; error: string };

const port = parentPort!;
let warper: { key: string; warper: Warper } | undefined; // the last settings' buffers, reused across steps

port.on('message', (m: SampleRequest) => {
  let response: SampleResponse = { id: m.id };
  try {
    const key = `${m.vocab} ${m.options.temperature} ${m.options.topK} ${m.options.topP}`;
    if (warper?.key !== key) warper = { key, warper: new Warper(m.vocab, m.options) };
    const w = warper.warper;
    const logits = new Float32Array(m.logits);
    const positions = new Int32Array(m.positions);
    const rows = new Int32Array(m.rows);
    const streams = new Uint32Array(m.streams);
    const tokens = new Int32Array(m.tokens);
    for (let i = m.from; i < m.to; i++) {
      w.warp(logits, positions[i] * m.vocab);
      tokens[i] = w.draw(nextUniform(streams, rows[i]));
    }
  } catch (e) {
    response = { id: m.id, error: (e as Error).message ?? String(e) };
  }
  port.postMessage(response);
});
