#!/usr/bin/env node
// `npm test`'s last step: the suite (vitest, 2 forks) and the long test (*.long.test.ts: BERT-base
// at the seed's settings, minutes of onnxruntime on 2 threads) at the same time. Each alone leaves
// part of the machine idle (the suite waits on child processes, browsers and Redis; the long test
// on its own memory traffic), and CI has a 20-minute limit. The long test's output is held back
// and printed after the suite's, so the two reports do not interleave. Exits non-zero when either
// run fails. Extra arguments go to the suite's run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// vitest's own executable (the package's exports do not expose it to require.resolve).
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));

function run(args, { captured }) {
  const child = spawn(process.execPath, [vitest, 'run', ...args], { stdio: ['ignore', captured ? 'pipe' : 'inherit', captured ? 'pipe' : 'inherit'] });
  let output = '';
  if (captured) {
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, output }));
  });
}

// The long test starts first: it is the longest single run.
const long = run(['.long.test.ts'], { captured: true });
const suite = await run(['--exclude', '**/*.long.test.ts', ...process.argv.slice(2)], { captured: false });
process.stdout.write('\n== long tests (run beside the suite)\n');
const longResult = await long;
process.stdout.write(longResult.output);
if (suite.code !== 0 || longResult.code !== 0) {
  console.error(`tests failed: suite exit ${suite.code}${suite.signal ? ` (${suite.signal})` : ''}, long tests exit ${longResult.code}${longResult.signal ? ` (${longResult.signal})` : ''}`);
  process.exit(1);
}
