// Child process for the mining crash test: opens the project (argv[2]) the test prepared, starts a
// mining job with the params in argv[3] and prints {jobId, pid}; the test kills it with SIGKILL.
import { join } from 'node:path';
import { createServices } from '../../../../src-main/core/services.js';

const [dir, paramsJson] = process.argv.slice(2);
const services = await createServices({ mode: 'web', userDataDir: join(dir, '..', 'user-data'), initialProject: dir });
const job = await services.impl.mining.start(JSON.parse(paramsJson));
process.stdout.write(`${JSON.stringify({ jobId: job.id, pid: process.pid })}\n`);
setInterval(() => {}, 1_000); // stay alive until killed; the job runs in its worker thread
