// Handler of test.onnx-loop: one onnxruntime session run after another (batch 8 × 32 tokens)
// until cancelled, or forever with ignoreSignal, so that the runner stops the worker while a
// run is in flight (see app/native-call-gate.ts).
import { OnnxSession } from '../models/session.js';
import type { JobHandler } from './types.js';
import type { TestOnnxLoopParams } from './test-kinds.js';

const BATCH = 8;
const SEQ = 32;

const handler: JobHandler<TestOnnxLoopParams> = {
  async run(ctx) {
    const session = await OnnxSession.create(ctx.params.model, { provider: 'cpu', threads: 1 });
    const ids = BigInt64Array.from({ length: BATCH * SEQ }, (_, i) => BigInt(1 + (i % 50))); // [batch, seq]
    const feeds = {
      input_ids: { type: 'int64' as const, data: ids, dims: [BATCH, SEQ] },
      attention_mask: { type: 'int64' as const, data: new BigInt64Array(BATCH * SEQ).fill(1n), dims: [BATCH, SEQ] },
      ...(session.inputNames.includes('token_type_ids') ? { token_type_ids: { type: 'int64' as const, data: new BigInt64Array(BATCH * SEQ), dims: [BATCH, SEQ] } } : {}),
    };
    for (let runs = 1; ; runs++) {
      await session.run(feeds, [session.outputNames[0]]);
      ctx.progress({ done: runs, total: null, unit: 'runs' });
      if (ctx.signal.aborted && !ctx.params.ignoreSignal) break;
    }
    await session.release();
    return null;
  },
};

export default handler;
