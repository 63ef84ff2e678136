// Child process for the training kill -9 test: opens the project the test prepared (argv[2]),
// starts a training job with the settings in argv[3] and prints {jobId, pid}; the test kills it.
import { join } from 'node:path';
import { createServices } from '../../../../src-main/core/services.js';

const [dir, paramsJson] = process.argv.slice(2);
const services = await createServices({ mode: 'web', userDataDir: join(dir, '..', 'user-data'), initialProject: dir });
const job = await services.impl.training.start(JSON.parse(paramsJson));
process.stdout.write(`${JSON.stringify({ jobId: job.id, pid: process.pid })}\n`);
setInterval(() => {}, 1_000); // stay alive until killed; the job runs in its worker thread
