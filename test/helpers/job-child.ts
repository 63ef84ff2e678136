// Child process for the kill -9 tests (kill-mid-job.ts): opens the project in argv[2] as
// servicesOnNewProject does (user data beside it, test job kinds on), starts a job through
// services.impl[argv[3]].start(argv[4] as JSON) and prints {jobId, pid}; the test kills it.
import { join } from 'node:path';
import { createServices } from '../../src-main/core/services.js';

const [dir, service, paramsJson] = process.argv.slice(2);
const services = await createServices({ mode: 'web', userDataDir: join(dir, '..', 'user-data'), initialProject: dir, testJobKinds: true });
const starter = (services.impl as unknown as Record<string, { start?(params: unknown): Promise<{ id: number }> }>)[service];
if (!starter?.start) throw new Error(`job-child: services.impl.${service} has no start()`);
const job = await starter.start(JSON.parse(paramsJson));
process.stdout.write(`${JSON.stringify({ jobId: job.id, pid: process.pid })}\n`);
setInterval(() => {}, 1_000); // stay alive until killed; the job runs in its worker thread
