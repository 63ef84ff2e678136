// Bounded selection of the k best (key, score) pairs with a binary min-heap: O(n log k) instead of
// sorting all n candidates. Used by BM25 and exact search.

export class TopK {
  private readonly keys: Int32Array;
  private readonly scores: Float64Array;
  private count = 0;

  constructor(readonly k: number) {
    this.keys = new Int32Array(Math.max(k, 0));
    this.scores = new Float64Array(Math.max(k, 0));
  }

  /** The score a candidate must beat to enter (−∞ while the heap is not full). */
  get threshold(): number {
    return this.count < this.k ? -Infinity : this.scores[0];
  }

  /** Offers a candidate. On equal scores the key offered first is kept. */
  push(key: number, score: number): void {
    if (this.k === 0) return;
    if (this.count < this.k) {
      this.keys[this.count] = key;
      this.scores[this.count] = score;
      this.siftUp(this.count++);
    } else if (score > this.scores[0]) {
      this.keys[0] = key;
      this.scores[0] = score;
      this.siftDown(0);
    }
  }

  /** Entries best first; equal scores ordered by key ascending. */
  sorted(): Array<[key: number, score: number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.count; i++) out.push([this.keys[i], this.scores[i]]);
    return out.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  }

  private less(i: number, j: number): boolean {
    // Heap root is the worst entry: lowest score, and among equal scores the highest key.
    return this.scores[i] < this.scores[j] || (this.scores[i] === this.scores[j] && this.keys[i] > this.keys[j]);
  }

  private swap(i: number, j: number): void {
    const key = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = key;
    const score = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = score;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.count && this.less(left, smallest)) smallest = left;
      if (right < this.count && this.less(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
