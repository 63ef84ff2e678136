import { describe, expect, it } from 'vitest';
import { workerEntry } from '../../../../src-main/core/app/module-worker.js';

describe('workerEntry', () => {
  it('keeps the caller’s extension: .ts from source, .js from dist', () => {
    expect(workerEntry('../../workers/job-worker', 'file:///repo/src-main/core/jobs/worker-thread.ts').href).toBe(
      'file:///repo/src-main/workers/job-worker.ts',
    );
    expect(workerEntry('./prepare-worker', 'file:///repo/dist/src-main/core/corpus/prepare-pool.js').href).toBe(
      'file:///repo/dist/src-main/core/corpus/prepare-worker.js',
    );
  });

  it('loads workers of a packaged app from app.asar.unpacked', () => {
    expect(workerEntry('../../workers/job-worker', 'file:///opt/GenQ/resources/app.asar/dist/src-main/core/jobs/worker-thread.js').href).toBe(
      'file:///opt/GenQ/resources/app.asar.unpacked/dist/src-main/workers/job-worker.js',
    );
  });
});
