// Search-as-you-type plumbing: requests start `delayMs` after the last keystroke, and an answer
// is shown only when it is newer than the one on screen, so a slow reply for "ta" can never
// overwrite the results for "tax" that arrived first.

export interface DebouncedLatestOptions<Q, R> {
  delayMs: number;
  run: (input: Q) => Promise<R>;
  onResult: (input: Q, result: R) => void;
  onError?: (input: Q, error: unknown) => void;
  /** Injected in tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class DebouncedLatest<Q, R> {
  private timer: unknown = null;
  private started = 0;
  private applied = 0;
  private disposed = false;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: DebouncedLatestOptions<Q, R>) {
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** Schedules `input`; an earlier input still waiting for its delay is dropped. */
  push(input: Q): void {
    if (this.disposed) return;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.start(input);
    }, this.opts.delayMs);
  }

  /** Starts `input` at once (a retriever was switched: no reason to wait). */
  now(input: Q): void {
    if (this.disposed) return;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.start(input);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private start(input: Q): void {
    const seq = ++this.started;
    this.opts.run(input).then(
      (result) => {
        if (this.disposed || seq <= this.applied) return; // stale: a newer answer is already shown
        this.applied = seq;
        this.opts.onResult(input, result);
      },
      (error: unknown) => {
        if (this.disposed || seq < this.started) return; // a newer request is on its way anyway
        this.opts.onError?.(input, error);
      },
    );
  }
}
