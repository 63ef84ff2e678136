import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../shared/contract.js';
import { attempt } from '../../src-renderer/api/call.js';
import { dismissToast, toastStore } from '../../src-renderer/state/toasts.js';

describe('attempt(): the central API error helper', () => {
  it('returns the value of a successful call and shows nothing', async () => {
    expect(await attempt(async () => 42)).toBe(42);
    expect(toastStore.getSnapshot()).toEqual([]);
  });

  it('turns a rejected call into a toast carrying {name, message} and resolves undefined', async () => {
    const seen: number[] = [];
    const stop = toastStore.subscribe(() => seen.push(toastStore.getSnapshot().length));
    const result = await attempt(async () => {
      throw new RemoteError({ name: 'SchemaTooNewError', message: 'project.sqlite is schema v9; this app reads up to v2' });
    });
    expect(result).toBeUndefined();
    const [toast] = toastStore.getSnapshot();
    expect(toast).toMatchObject({ name: 'SchemaTooNewError', message: 'project.sqlite is schema v9; this app reads up to v2' });
    dismissToast(toast.id);
    expect(toastStore.getSnapshot()).toEqual([]);
    expect(seen).toEqual([1, 0]);
    stop();
  });
});
