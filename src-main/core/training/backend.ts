// Picks the fastest TensorFlow.js backend available: tfjs-node-gpu, tfjs-node (native libtensorflow,
// optional: they cannot install offline), then wasm (single-threaded SIMD in Node), then cpu.
import * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export class BackendError extends Error {
  override name = 'BackendError';
}

async function tryImport(name: string): Promise<boolean> {
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Activates `preferred` (or the fastest available) and returns its name. The native packages
 * register the 'tensorflow' backend when importable.
 */
export async function useBackend(preferred?: BackendName | 'auto'): Promise<BackendName> {
  const want = preferred ?? 'auto';
  if (want === 'auto' || want === 'tensorflow') {
    if ((await tryImport('@tensorflow/tfjs-node-gpu')) || (await tryImport('@tensorflow/tfjs-node'))) {
      if (await tf.setBackend('tensorflow')) return 'tensorflow';
    }
    if (want === 'tensorflow') throw new BackendError('backend "tensorflow" needs @tensorflow/tfjs-node or -node-gpu, which is not installed');
  }
  if (want === 'auto' || want === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return 'wasm';
    }
    if (want === 'wasm') throw new BackendError('the wasm backend failed to initialise');
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new BackendError('no TensorFlow.js backend could be initialised');
  await tf.ready();
  return 'cpu';
}
