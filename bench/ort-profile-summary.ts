// Summarises onnxruntime profiles written with GENQ_ORT_PROFILE=<prefix> (session.ts): per session
// file, the runs, their total time and the kernel time per op type, largest first.
//   GENQ_ORT_PROFILE=/tmp/prof node --import tsx bench/run.ts train
//   node --import tsx bench/ort-profile-summary.ts /tmp/prof_*.json
import { readFileSync } from 'node:fs';

interface ProfileEvent {
  cat?: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

for (const file of process.argv.slice(2)) {
  const events = JSON.parse(readFileSync(file, 'utf8') || '[]') as ProfileEvent[];
  const byOp = new Map<string, { us: number; count: number }>();
  let runs = 0;
  let runUs = 0;
  for (const e of events) {
    if (e.cat === 'Session' && e.name === 'model_run') {
      runs += 1;
      runUs += e.dur;
    }
    if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) {
      const op = e.args?.op_name ?? '?';
      const cur = byOp.get(op) ?? { us: 0, count: 0 };
      cur.us += e.dur;
      cur.count += 1;
      byOp.set(op, cur);
    }
  }
  if (!runs) continue;
  const kernelUs = [...byOp.values()].reduce((a, b) => a + b.us, 0);
  console.log(`${file}: ${runs} runs, ${(runUs / 1000).toFixed(1)} ms in runs, ${(kernelUs / 1000).toFixed(1)} ms in kernels`);
  for (const [op, { us, count }] of [...byOp].sort((a, b) => b[1].us - a[1].us).slice(0, 25)) {
    console.log(`  ${op.padEnd(24)} ${(us / 1000).toFixed(1).padStart(9)} ms  ${String(count).padStart(6)} calls`);
  }
}
