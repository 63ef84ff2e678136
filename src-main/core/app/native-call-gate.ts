// Stopping a worker thread safely while it may be inside onnxruntime-node.
//
// onnxruntime-node runs an async call (session create, run, release) on a thread of its own and
// calls back into the JS thread that made it. If that thread is a worker that was terminate()d in
// the meantime, the callback throws into a torn-down environment and the WHOLE PROCESS aborts
// ("terminate called after throwing an instance of 'Napi::Error'", exit 134): a cancelled
// training job would take the app (or `genq serve`, or a vitest fork) down with it. Terminating a
// worker whose onnxruntime calls have all returned is safe (test/src-main/core/app/native-call-gate).
//
// So every job worker gets a gate in shared memory, [calls in flight, closing]. The worker makes
// its onnxruntime calls through gatedCall(); the thread that owns the worker stops it with
// terminateWhenIdle(), which closes the gate (no new call starts) and waits until none is in
// flight. Increment-then-check on one side and close-then-check on the other, with sequentially
// consistent Atomics, leave no window where a call starts unseen.
import type { Worker } from 'node:worker_threads';

const IN_FLIGHT = 0;
const CLOSING = 1;

/** This thread's gate, installed by a worker entry from its workerData; null on the main thread. */
let installed: Int32Array | null = null;

export function newCallGate(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/** Called once by a worker entry with the gate its owner passed in workerData. */
export function installCallGate(buffer: SharedArrayBuffer | undefined): void {
  installed = buffer ? new Int32Array(buffer) : null;
}

/**
 * Runs one async native call under this thread's gate. Once the owner has closed the gate the
 * call never starts and never settles: the thread is about to be terminated.
 */
export async function gatedCall<T>(start: () => Promise<T>): Promise<T> {
  const gate = installed;
  if (!gate) return start();
  Atomics.add(gate, IN_FLIGHT, 1);
  if (Atomics.load(gate, CLOSING) !== 0) {
    leave(gate);
    return new Promise<T>(() => {});
  }
  try {
    return await start();
  } finally {
    // Count the call done only on a later turn of the event loop, once onnxruntime's completion
    // callback has fully returned to native code.
    setImmediate(() => leave(gate));
  }
}

function leave(gate: Int32Array): void {
  Atomics.sub(gate, IN_FLIGHT, 1);
}

/** Closes the worker's gate, waits until none of its native calls is in flight, then terminates it. */
export async function terminateWhenIdle(worker: Worker, buffer: SharedArrayBuffer): Promise<number> {
  const gate = new Int32Array(buffer);
  Atomics.store(gate, CLOSING, 1);
  // A run can take seconds (a training step): poll rather than block this thread.
  while (Atomics.load(gate, IN_FLIGHT) !== 0) await new Promise((r) => setTimeout(r, 5));
  return worker.terminate();
}
