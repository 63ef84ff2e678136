// Child process for the crash-resume test: opens the project given as argv[2], starts a slow
// test.count job with argv[3] steps and reports the job id on stdout. The test kills it -9.
import { join } from 'node:path';
import { createServices } from '../../src-main/core/services.js';

const [dir, stepsArg, userData] = process.argv.slice(2);
const services = await createServices({
  mode: 'web',
  userDataDir: userData ?? join(dir, '..', 'user-data'),
  initialProject: dir,
  testJobKinds: true,
});
const job = await services.impl.jobs.start({ kind: 'test.count', params: { steps: Number(stepsArg), delayMs: 40 } });
process.stdout.write(`${JSON.stringify({ jobId: job.id, pid: process.pid })}\n`);
// Stay alive until killed; the job keeps running in its worker thread.
setInterval(() => {}, 1_000);
