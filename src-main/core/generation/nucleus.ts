// Top-p (nucleus) filtering and drawing without sorting the vocabulary. transformers sorts every
// candidate, drops the lightest ones while their ascending cumulative probability is ≤ 1 − p and
// samples from the rest. On a flat distribution (random weights, high temperature) that leaves tens
// of thousands of tokens, and sorting them costs milliseconds per row per step. Here candidates are
// bucketed by logit (buckets are ordered like the values), and only the buckets where something is
// decided get sorted: the one(s) where the cumulative sum crosses 1 − p, and, when drawing, the one
// where the descending walk reaches the drawn mass. The result is the same set and the same draw as
// a full sort up to double rounding of sums (~1e-12 around a boundary, far below a float32 ulp).

const BUCKETS = 2048;
/** Cumulative sums within this of a cut are settled token by token, in sorted order. */
const MARGIN = 1e-9;

export class Nucleus {
  private readonly bucketOf: Uint16Array; // [candidates]
  private readonly mass = new Float64Array(BUCKETS); // summed probability per bucket
  private readonly start = new Int32Array(BUCKETS + 1); // bucket b holds grouped[start[b], start[b + 1])
  private readonly fill = new Int32Array(BUCKETS);
  /** Candidate ids grouped by bucket (ascending buckets); sorted within a bucket once it has been needed. */
  private readonly grouped: Uint32Array;
  private readonly sorted = new Uint8Array(BUCKETS);
  private readonly sortKeys: Float64Array;
  private readonly idScale: number;
  private readonly scaledBits: Uint32Array;
  /** Kept tokens: grouped[keptFrom, end); buckets ≤ cutBucket are sorted. */
  private keptFrom = 0;
  private cutBucket = 0;
  private end = 0;

  /** `scaled` / `probs`: the caller's per-token logits and probabilities, read on every call. */
  constructor(
    vocab: number,
    private readonly scaled: Float32Array,
    private readonly probs: Float64Array,
  ) {
    this.bucketOf = new Uint16Array(vocab);
    this.grouped = new Uint32Array(vocab);
    this.scaledBits = new Uint32Array(scaled.buffer, scaled.byteOffset, scaled.length);
    const idBits = Math.max(1, Math.ceil(Math.log2(vocab)));
    this.idScale = 2 ** idBits;
    this.sortKeys = new Float64Array(idBits <= 21 ? vocab : 0); // 32 value bits + id bits must fit a double's 53
  }

  /**
   * Keeps, of ids[0, count) (finite logits in `scaled`, values in [min, max]), those whose ascending
   * cumulative probability (float32) exceeds `limit` = 1 − p, and always the most likely one.
   * `probs` holds exp(logit − max) on entry, normalised by `sum` here (float32, as torch's softmax).
   */
  filter(ids: Uint32Array, count: number, sum: number, min: number, max: number, limit: number): void {
    const { bucketOf, mass, start, fill, grouped, scaled, probs } = this;
    mass.fill(0);
    start.fill(0);
    this.sorted.fill(0);
    const range = max - min;
    const perUnit = range > 0 && Number.isFinite(range) ? BUCKETS / range : 0; // 0: one bucket (all equal, or an overflowing range)
    for (let c = 0; c < count; c++) {
      const id = ids[c];
      const b = Math.min(BUCKETS - 1, Math.floor((scaled[id] - min) * perUnit)); // monotone in the value
      const p = (probs[id] = Math.fround(probs[id] / sum));
      bucketOf[c] = b;
      start[b + 1]++;
      mass[b] += p;
    }
    for (let b = 0; b < BUCKETS; b++) start[b + 1] += start[b];
    fill.set(start.subarray(0, BUCKETS));
    for (let c = 0; c < count; c++) grouped[fill[bucketOf[c]]++] = ids[c];
    this.end = count;

    // Buckets wholly below limit − MARGIN are dropped and wholly above limit + MARGIN kept; the ones
    // between are sorted and cut token by token, as transformers does.
    let top = BUCKETS - 1;
    while (start[top] === start[top + 1]) top--;
    let low = -1;
    let high = top;
    let tail = 0;
    let cumulative = 0;
    for (let b = 0; b <= top; b++) {
      const before = cumulative;
      cumulative += mass[b];
      if (low < 0 && cumulative > limit - MARGIN) {
        low = b;
        tail = before;
      }
      if (cumulative > limit + MARGIN) {
        high = b;
        break;
      }
    }
    if (low < 0) {
      low = top; // everything is ≤ 1 − p: only the most likely token survives
      tail = cumulative - mass[top];
    }
    for (let b = low; b <= high; b++) this.sortBucket(b);
    this.cutBucket = high;
    const regionEnd = start[high + 1];
    let keptFrom = regionEnd;
    cumulative = tail; // accumulated in double and compared in float32, as torch's CPU cumsum
    for (let i = start[low]; i < regionEnd; i++) {
      cumulative += probs[grouped[i]];
      if (Math.fround(cumulative) > limit) {
        keptFrom = i;
        break;
      }
    }
    if (keptFrom === count) keptFrom = count - 1; // the most likely token is always kept
    this.keptFrom = keptFrom;
  }

  /** Kept token ids, ascending by (logit, id). */
  keptIds(): Uint32Array {
    for (let b = this.cutBucket + 1; b < BUCKETS; b++) this.sortBucket(b);
    return this.grouped.subarray(this.keptFrom, this.end);
  }

  /** Draws one kept token with u ∈ [0, 1): walks down from the most likely, as a sorted list would. */
  draw(u: number): number {
    const { grouped, probs, mass, start } = this;
    const regionEnd = start[this.cutBucket + 1];
    let sum = 0;
    for (let i = this.keptFrom; i < regionEnd; i++) sum += probs[grouped[i]];
    for (let b = this.cutBucket + 1; b < BUCKETS; b++) sum += mass[b];
    let target = u * sum;
    for (let b = BUCKETS - 1; b > this.cutBucket; b--) {
      if (start[b] === start[b + 1]) continue;
      if (target - mass[b] > MARGIN) {
        target -= mass[b]; // the walk passes this whole bucket
        continue;
      }
      this.sortBucket(b);
      for (let i = start[b + 1] - 1; i >= start[b]; i--) {
        target -= probs[grouped[i]];
        if (target < 0) return grouped[i];
      }
    }
    for (let i = regionEnd - 1; i > this.keptFrom; i--) {
      target -= probs[grouped[i]];
      if (target < 0) return grouped[i];
    }
    return grouped[this.keptFrom];
  }

  /** Sorts bucket b's ids by (logit, id) ascending: native sort of packed keys, no comparator calls. */
  private sortBucket(b: number): void {
    if (this.sorted[b]) return;
    this.sorted[b] = 1;
    const { scaled, scaledBits, sortKeys, idScale } = this;
    const ids = this.grouped.subarray(this.start[b], this.start[b + 1]);
    const n = ids.length;
    if (n < 2) return;
    if (sortKeys.length === 0) {
      ids.sort((x, y) => scaled[x] - scaled[y] || x - y);
      return;
    }
    const keys = sortKeys.subarray(0, n);
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const bits = scaledBits[id] | 0;
      // IEEE-754 bits → an unsigned integer ordered as the floats are (negatives flipped). The
      // caller's values carry no -0, so ±0 cannot tie-break differently from `a - b`.
      const ordered = bits < 0 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
      keys[i] = ordered * idScale + id;
    }
    keys.sort();
    for (let i = 0; i < n; i++) ids[i] = keys[i] % idScale;
  }
}
