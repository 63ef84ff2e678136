// Stopping a job's worker while onnxruntime runs in it: terminating a worker thread mid-run makes
// onnxruntime-node's completion callback throw into a dead environment and aborts the whole
// process (it took down a vitest fork in CI, and would take down the app). The runner stops
// workers through the native-call gate instead (app/native-call-gate.ts). The stops run in a
// child process, since the failure is the process dying.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { useTempDirs } from '../../../helpers/temp-dir.js';

const tempDir = useTempDirs('genq-onnx-stop-');
const child = fileURLToPath(new URL('./onnx-stop-child.ts', import.meta.url));
const model = fileURLToPath(new URL('../../../fixtures/tiny-bert/onnx/model.onnx', import.meta.url));

function runChild(projectDir: string, rounds: number): Promise<{ code: number | null; signal: string | null; out: string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', child, projectDir, model, String(rounds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

it('cancels and disposes jobs mid-run without aborting the process', async () => {
  // Without the gate every run of this aborted within its first few stops.
  const r = await runChild(join(tempDir(), 'project'), 6);
  expect(r.out).not.toMatch(/terminate called|Napi::Error/);
  expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
  expect(JSON.parse(r.out.trim().split('\n').pop()!)).toEqual({ ended: Array(6).fill('cancelled') });
});
