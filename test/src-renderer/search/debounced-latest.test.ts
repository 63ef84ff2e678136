import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DebouncedLatest } from '../../../src-renderer/components/search/debounced-latest.js';

/** A request whose answer the test releases by hand, in any order. */
function deferredRunner() {
  const pending = new Map<string, { resolve: (v: string) => void; reject: (e: unknown) => void }>();
  const started: string[] = [];
  const run = (q: string) =>
    new Promise<string>((resolve, reject) => {
      started.push(q);
      pending.set(q, { resolve, reject });
    });
  return { run, started, answer: (q: string) => pending.get(q)!.resolve(`results for ${q}`), fail: (q: string) => pending.get(q)!.reject(new Error(q)) };
}

/** A DebouncedLatest (150 ms) over a deferred runner, recording the results it shows. */
function debounced(onError?: (q: string) => void) {
  const r = deferredRunner();
  const shown: string[] = [];
  const d = new DebouncedLatest<string, string>({ delayMs: 150, run: r.run, onResult: (_q, res) => shown.push(res), onError });
  return { r, d, shown };
}

/** Types 'ta', pauses, types 'tax', pauses: both requests are on their way. */
function sendTaThenTax(d: DebouncedLatest<string, string>): void {
  d.push('ta');
  vi.advanceTimersByTime(150);
  d.push('tax');
  vi.advanceTimersByTime(150);
}

describe('DebouncedLatest', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for a pause in typing and sends only the last input', async () => {
    const { r, d, shown } = debounced();
    d.push('t');
    vi.advanceTimersByTime(100);
    d.push('ta');
    vi.advanceTimersByTime(100);
    d.push('tax');
    vi.advanceTimersByTime(149);
    expect(r.started).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(r.started).toEqual(['tax']);
    r.answer('tax');
    await vi.runAllTimersAsync();
    expect(shown).toEqual(['results for tax']);
  });

  it('ignores an answer that arrives after a newer one was shown', async () => {
    const { r, d, shown } = debounced();
    sendTaThenTax(d);
    expect(r.started).toEqual(['ta', 'tax']);
    r.answer('tax');
    await Promise.resolve();
    r.answer('ta'); // the slow, older reply
    await vi.runAllTimersAsync();
    expect(shown).toEqual(['results for tax']);
  });

  it('shows an older answer while a newer one is still on its way', async () => {
    const { r, d, shown } = debounced();
    sendTaThenTax(d);
    r.answer('ta');
    await vi.runAllTimersAsync();
    r.answer('tax');
    await vi.runAllTimersAsync();
    expect(shown).toEqual(['results for ta', 'results for tax']);
  });

  it('reports only the newest failure, starts at once with now(), and is silent after dispose', async () => {
    const errors: string[] = [];
    const { r, d, shown } = debounced((q) => errors.push(q));
    d.now('a');
    d.now('b');
    expect(r.started).toEqual(['a', 'b']);
    r.fail('a'); // superseded by b: not reported
    r.fail('b');
    await vi.runAllTimersAsync();
    expect(errors).toEqual(['b']);
    d.now('c');
    d.dispose();
    r.answer('c');
    d.push('d');
    await vi.runAllTimersAsync();
    expect(shown).toEqual([]);
    expect(r.started).toEqual(['a', 'b', 'c']);
  });
});
