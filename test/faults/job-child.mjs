// Child process for the fault-injection suite and the crash/concurrency tests: opens the project
// (argv[2]), calls services.impl[argv[3]][argv[4]](argv[5] as JSON) and prints {jobId, pid}.
// A method that returns a job is followed to its end, printed as {state, error}, then the
// process exits 0; any other method's result is printed as {value}. With argv[6] = N, argv[5] is
// a list of inputs called in turn N times (curation bulk actions), each printed as {i, value}.
// Tests kill it with SIGKILL whenever they like.
// Plain JavaScript so that it starts without tsx: GENQ_SERVICES_MODULE names the services module,
// the compiled dist/src-main/core/services.js when dist is up to date (then its job workers skip tsx
// too), else src-main/core/services.ts with the child started under `--import tsx` (harness.ts).
import { join } from 'node:path';

const { createServices } = await import(process.env.GENQ_SERVICES_MODULE);
const [dir, service, method, paramsJson, repeatArg] = process.argv.slice(2);
const services = await createServices({ mode: 'web', userDataDir: join(dir, '..', `user-data-${process.pid}`), initialProject: dir, testJobKinds: true });
if (repeatArg) {
  const inputs = JSON.parse(paramsJson);
  process.stdout.write(`${JSON.stringify({ pid: process.pid })}\n`);
  for (let i = 0; i < Number(repeatArg); i++) {
    const call = await services.dispatch(service, method, inputs[i % inputs.length]);
    process.stdout.write(`${JSON.stringify(call.ok ? { i, value: call.value } : { i, error: call.error })}\n`);
  }
  await services.dispose();
  process.exit(0);
}
const call = await services.dispatch(service, method, JSON.parse(paramsJson));
if (!call.ok) {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, error: call.error })}\n`);
  process.exit(2);
}
const value = call.value;
if (typeof value?.id === 'number' && typeof value.kind === 'string' && typeof value.state === 'string') {
  process.stdout.write(`${JSON.stringify({ jobId: value.id, pid: process.pid })}\n`);
  const end = await services.projects.require().runner.waitFor(value.id);
  process.stdout.write(`${JSON.stringify({ state: end.state, error: end.error })}\n`);
} else {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, value })}\n`);
}
await services.dispose();
process.exit(0);
