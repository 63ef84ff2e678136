import { describe, expect, it } from 'vitest';
import type { ProjectModel } from '../../../shared/api.js';
import { watchProjectModels, type ModelsUpdate } from '../../../src-renderer/hooks/project-models-feed.js';

const model = (id: number, name: string): ProjectModel => ({ id, name, role: 'encoder', path: `/m/${name}`, source: null, parentId: null, info: null, createdAt: '2026-01-01' });

/** api.models with list calls the test answers by hand, in any order, and a push it fires. */
function fakeSource() {
  const calls: { resolve: (l: ProjectModel[]) => void; reject: (e: unknown) => void }[] = [];
  const listeners = new Set<(l: ProjectModel[]) => void>();
  return {
    calls,
    listeners,
    push: (l: ProjectModel[]) => listeners.forEach((f) => f(l)),
    source: {
      list: () => new Promise<ProjectModel[]>((resolve, reject) => calls.push({ resolve, reject })),
      onChanged(f: (l: ProjectModel[]) => void) {
        listeners.add(f);
        return () => listeners.delete(f);
      },
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

/** A feed over a fake source, recording what it delivers as "cause:first:names". */
function watched() {
  const s = fakeSource();
  const seen: string[] = [];
  const errors: unknown[] = [];
  const feed = watchProjectModels(s.source, {
    update: (u: ModelsUpdate) => seen.push(`${u.cause}:${u.first}:${u.list.map((m) => m.name).join(',')}`),
    error: (e) => errors.push(e),
  });
  return { ...s, feed, seen, errors };
}

describe('watchProjectModels', () => {
  it('lists once on start, then delivers each pushed change; only the first list is marked first', async () => {
    const w = watched();
    expect(w.calls).toHaveLength(1);
    w.calls[0].resolve([model(1, 'a')]);
    await settle();
    w.push([model(1, 'a'), model(2, 'b')]);
    w.push([model(2, 'b')]);
    expect(w.seen).toEqual(['load:true:a', 'change:false:a,b', 'change:false:b']);
  });

  it('drops a list answer that arrives after a newer pushed change', async () => {
    const w = watched();
    w.push([model(1, 'a'), model(2, 'b')]);
    w.calls[0].resolve([model(1, 'a')]);
    await settle();
    expect(w.seen).toEqual(['change:true:a,b']);
  });

  it('of two refreshes, keeps the later call even when the earlier one answers last', async () => {
    const w = watched();
    w.calls[0].resolve([model(1, 'a')]);
    await settle();
    w.feed.refresh();
    w.feed.refresh();
    w.calls[2].resolve([model(1, 'a'), model(3, 'c')]);
    await settle();
    w.calls[1].resolve([model(1, 'a')]);
    await settle();
    expect(w.seen).toEqual(['load:true:a', 'load:false:a,c']);
  });

  it('delivers a refresh answered after an older push', async () => {
    const w = watched();
    w.calls[0].resolve([]);
    await settle();
    w.push([model(1, 'a')]);
    w.feed.refresh();
    w.calls[1].resolve([model(1, 'a'), model(2, 'b')]);
    await settle();
    expect(w.seen).toEqual(['load:true:', 'change:false:a', 'load:false:a,b']);
  });

  it('reports a failed list call and keeps listening for changes', async () => {
    const w = watched();
    const boom = new Error('no project open');
    w.calls[0].reject(boom);
    await settle();
    expect(w.errors).toEqual([boom]);
    w.push([model(1, 'a')]);
    expect(w.seen).toEqual(['change:true:a']);
  });

  it('delivers nothing and unsubscribes after stop', async () => {
    const w = watched();
    w.feed.stop();
    expect(w.listeners.size).toBe(0);
    w.calls[0].resolve([model(1, 'a')]);
    w.push([model(1, 'a')]);
    await settle();
    expect(w.seen).toEqual([]);
    expect(w.errors).toEqual([]);
  });

  it('reports no failure after stop', async () => {
    const w = watched();
    w.feed.stop();
    w.calls[0].reject(new Error('late'));
    await settle();
    expect(w.errors).toEqual([]);
  });
});
