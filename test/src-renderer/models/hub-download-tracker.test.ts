import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../shared/services/jobs.js';
import { DownloadTracker } from '../../../src-renderer/components/models/hub/download-tracker.js';

const DIR = '/cache/hub/models--genq-test--tiny-bert/snapshots/abc';

function snap(id: number, state: JobSnapshot['state'], done: number, extra: Partial<JobSnapshot> = {}): JobSnapshot {
  return {
    id,
    kind: 'models.download',
    title: 'Download genq-test/tiny-bert',
    state,
    progress: { done, total: 1000, unit: 'bytes', rate: null, etaSeconds: null },
    params: { repo: 'genq-test/tiny-bert', revision: 'main', include: [] },
    result: state === 'done' ? { dir: DIR } : null,
    error: null,
    resumable: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:01.000Z',
    finishedAt: state === 'done' || state === 'failed' || state === 'cancelled' ? '2026-01-01T00:00:05.000Z' : null,
    ...extra,
  };
}

describe('DownloadTracker', () => {
  it('follows byte progress, then asks once to add the snapshot with the chosen role', () => {
    const t = new DownloadTracker();
    expect(t.track(snap(7, 'queued', 0), 'encoder')).toEqual([]);
    expect(t.update(snap(7, 'running', 400))).toEqual([]);
    expect(t.list()[0]).toMatchObject({ jobId: 7, repo: 'genq-test/tiny-bert', phase: 'downloading', job: { progress: { done: 400 } } });
    // A stale update (answers and events race) does not move progress back.
    expect(t.update(snap(7, 'running', 200))).toEqual([]);
    expect(t.list()[0].job.progress.done).toBe(400);

    const effects = t.update(snap(7, 'done', 1000));
    expect(effects).toEqual([{ kind: 'add', jobId: 7, dir: DIR, role: 'encoder', name: 'genq-test/tiny-bert' }]);
    expect(t.list()[0].phase).toBe('adding');
    expect(t.update(snap(7, 'done', 1000))).toEqual([]); // a repeated event adds nothing twice
    t.settle(7, null);
    expect(t.list()[0].phase).toBe('added');
  });

  it('acts on a job that finished before pull answered (its events came first)', () => {
    const t = new DownloadTracker();
    expect(t.update(snap(3, 'running', 500))).toEqual([]);
    expect(t.update(snap(3, 'done', 1000))).toEqual([]);
    expect(t.list()).toEqual([]); // not ours until tracked
    const effects = t.track(snap(3, 'queued', 0), 'generator');
    expect(effects).toEqual([expect.objectContaining({ kind: 'add', jobId: 3, role: 'generator' })]);
  });

  it('reports a failed job with the Hub error, and names a revision download with it', () => {
    const t = new DownloadTracker();
    const error = { name: 'HubRepoNotFoundError', message: 'genq-test/missing: model not found on http://127.0.0.1:1 (RepoNotFound)' };
    t.track(snap(9, 'queued', 0, { params: { repo: 'genq-test/missing', revision: 'main' } }), 'encoder');
    expect(t.update(snap(9, 'failed', 0, { error }))).toEqual([{ kind: 'error', jobId: 9, error }]);
    expect(t.list()[0]).toMatchObject({ phase: 'failed', error });

    t.track(snap(10, 'queued', 0, { params: { repo: 'a/b', revision: 'v2' } }), 'cross-encoder');
    expect(t.update(snap(10, 'done', 1000))).toEqual([expect.objectContaining({ kind: 'add', name: 'a/b@v2', role: 'cross-encoder' })]);
    expect(t.list().map((d) => d.jobId)).toEqual([10, 9]);
  });

  it('a cancelled download waits quietly; resuming it and finishing adds the model', () => {
    const t = new DownloadTracker();
    t.track(snap(4, 'running', 100), 'encoder');
    expect(t.update(snap(4, 'cancelled', 300, { resumable: true }))).toEqual([]);
    expect(t.list()[0].phase).toBe('stopped');
    const resumedAt = '2026-01-01T00:01:00.000Z';
    expect(t.update(snap(4, 'running', 300, { startedAt: resumedAt, finishedAt: null }))).toEqual([]);
    expect(t.list()[0].phase).toBe('downloading');
    expect(t.update(snap(4, 'done', 1000, { startedAt: resumedAt, finishedAt: '2026-01-01T00:01:09.000Z' }))).toEqual([expect.objectContaining({ kind: 'add' })]);
  });

  it('a done job without a folder is an error; a failed add is kept as failed; dismiss forgets', () => {
    const t = new DownloadTracker();
    t.track(snap(5, 'running', 0), 'encoder');
    expect(t.update(snap(5, 'done', 1000, { result: {} }))).toEqual([expect.objectContaining({ kind: 'error' })]);
    t.track(snap(6, 'running', 0), 'encoder');
    t.update(snap(6, 'done', 1000));
    t.settle(6, { name: 'ModelFolderError', message: 'bad folder' });
    expect(t.list().find((d) => d.jobId === 6)).toMatchObject({ phase: 'failed', error: { name: 'ModelFolderError' } });
    const before = t.list();
    expect(t.list()).toBe(before); // stable snapshot for useSyncExternalStore
    t.dismiss(6);
    expect(t.list().map((d) => d.jobId)).toEqual([5]);
    expect(t.update({ ...snap(99, 'done', 1), kind: 'corpus.import' })).toEqual([]);
  });
});
