// --provider on the model-running commands beyond embed/generate/index: curate (round-trip
// encoder and cross-encoder signals), eval and mine. `--provider cpu` runs and reports device cpu;
// an explicitly requested provider that this machine lacks (cuda: no `npm run setup:cuda` here) is
// an error naming it, never a silent CPU run; a value outside the list is refused by the schema.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProviders } from '../../../src-main/core/models/session.js';
import { servicesOnNewProject } from '../../helpers/services.js';
import { useTempDirs } from '../../helpers/temp-dir.js';
import { FIXTURES } from '../core/models/fixtures.js';
import { buildMiningProject, TINY_BERT } from '../core/mining/mining-fixture.js';
import { cli } from './in-process.js';

const tempDir = useTempDirs('genq-cli-provider-');
const BEIR = join(FIXTURES, 'beir-sotu-mini');
const cudaInstalled = listProviders().some((p) => p.name === 'cuda' && p.installed);
/** What an explicit cuda request must say when it cannot run here. */
const CUDA_REFUSED = /provider "cuda" (is not offered|failed)/;

async function miningProject() {
  const s = await servicesOnNewProject(tempDir());
  const f = await buildMiningProject(s, s.projects.require().project.db, { passages: 12, queriesPerPassage: 1 });
  await s.dispose();
  return { dir: s.dir, ...f };
}

/** `base --provider cuda` fails naming cuda (where cuda is not installed). */
async function expectCudaRefused(base: string[]) {
  if (cudaInstalled) return;
  const cuda = await cli([...base, '--provider', 'cuda']);
  expect(cuda.code).not.toBe(0);
  expect(cuda.err.join('\n')).toMatch(CUDA_REFUSED);
}

/** `base --provider <name>` with a name outside the list is refused by the flag's schema. */
async function expectUnknownProviderRefused(base: string[], name: string) {
  const bad = await cli([...base, '--provider', name]);
  expect(bad.code).not.toBe(0);
  expect(bad.err.join('\n')).toMatch(/--provider/);
}

describe('--provider on curate, eval and mine', () => {
  it('genq curate --roundtrip --cross-encoder: cpu reports cpu for both phases; cuda (not installed) fails naming it; a bad name is refused', async () => {
    const p = await miningProject();
    const base = ['curate', '--project', p.dir, '--roundtrip', '--cross-encoder', String(p.crossEncoderId)];
    const ok = await cli([...base, '--provider', 'cpu']);
    expect(ok.code, ok.err.join('\n')).toBe(0);
    const report = JSON.parse(ok.out.join('\n'));
    expect(report.signals.devices).toEqual({ roundtrip: { provider: 'cpu', fallbackReasons: [] }, relevance: { provider: 'cpu', fallbackReasons: [] } });
    expect(ok.err.join('\n')).toMatch(/cross-encoder tiny-cross-encoder on cpu/);

    await expectCudaRefused(base);
    await expectUnknownProviderRefused(base, 'tpu');
  }, 120_000);

  it('genq eval --beir with a model: cpu reports the device per model result (none for bm25); cuda (not installed) fails naming it', async () => {
    const p = await miningProject();
    const base = ['eval', '--project', p.dir, '--beir', BEIR, '--model', TINY_BERT, '--model', 'bm25', '--no-record'];
    const ok = await cli([...base, '--provider', 'cpu']);
    expect(ok.code, ok.err.join('\n')).toBe(0);
    const report = JSON.parse(ok.out.join('\n'));
    const [dense, bm25] = report.results;
    expect(dense.device).toEqual({ provider: 'cpu', fallbackReasons: [] });
    expect(bm25.device).toBeUndefined();
    expect(ok.err.join('\n')).toMatch(/encoder on cpu/);

    await expectCudaRefused(base);
    await expectUnknownProviderRefused(base, 'gpu');
  }, 120_000);

  it('genq mine: cpu reports the encoder and the cross-encoder on cpu; cuda (not installed) fails naming it', async () => {
    const p = await miningProject();
    const base = ['mine', '--project', p.dir, '--retriever', 'bm25', '--retriever', String(p.encoderId), '--k', '5', '--cross-encoder', String(p.crossEncoderId), '--negatives-per-query', '2', '--threads', '1'];
    await expectCudaRefused(base); // first, so that no interrupted cpu job is there to be resumed
    const ok = await cli([...base, '--provider', 'cpu']);
    expect(ok.code, ok.err.join('\n')).toBe(0);
    const report = JSON.parse(ok.out.join('\n'));
    expect(report.devices).toEqual({ [`tiny-bert (model ${p.encoderId})`]: { provider: 'cpu', fallbackReasons: [] }, 'cross-encoder': { provider: 'cpu', fallbackReasons: [] } });

    await expectUnknownProviderRefused(base, 'gpu');
  }, 180_000);

  it('the API jobs (eval.run, curation.signals) take the same provider: cpu reports cpu in the result, cuda (not installed) ends the job with an error naming it', async () => {
    const s = await servicesOnNewProject(tempDir());
    try {
      const f = await buildMiningProject(s, s.projects.require().project.db, { passages: 12, queriesPerPassage: 1 });
      const evalCpu = await s.finished((await s.impl.search.evaluate({ retrievers: [f.encoderId], beirDir: BEIR, provider: 'cpu' } as never)).id);
      expect(evalCpu.state, evalCpu.error?.message).toBe('done');
      expect((evalCpu.result as { results: Array<{ device?: unknown }> }).results[0].device).toEqual({ provider: 'cpu', fallbackReasons: [] });
      const signalsCpu = await s.finished((await s.impl.curation.computeSignals({ lexical: false, crossEncoderId: f.crossEncoderId, provider: 'cpu' } as never)).id);
      expect(signalsCpu.state, signalsCpu.error?.message).toBe('done');
      expect((signalsCpu.result as { devices: unknown }).devices).toEqual({ roundtrip: null, relevance: { provider: 'cpu', fallbackReasons: [] } });
      if (!cudaInstalled) {
        for (const job of [
          await s.impl.search.evaluate({ retrievers: [f.encoderId], beirDir: BEIR, provider: 'cuda' } as never),
          await s.impl.curation.computeSignals({ lexical: false, crossEncoderId: f.crossEncoderId, provider: 'cuda' } as never),
        ]) {
          const end = await s.finished(job.id);
          expect(end.state, job.kind).toBe('failed');
          expect(end.error?.message, job.kind).toMatch(CUDA_REFUSED);
        }
      }
    } finally {
      await s.dispose();
    }
  }, 120_000);
});
