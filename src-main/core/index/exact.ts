// Exact (brute-force) cosine top-k search: the ground truth HNSW recall is measured against, and
// the peer in the index benchmark. Vectors are L2-normalised once at construction, so a query
// costs one dot product per stored vector.
import { TopK } from './top-k.js';

export interface Neighbor {
  /** The label the vector was stored under (a passage id). */
  id: number;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

export class DimensionMismatchError extends Error {
  override name = 'DimensionMismatchError';
}

/** Copies `vector` scaled to unit length (a zero vector stays zero). */
export function normalized(vector: ArrayLike<number>): Float32Array {
  let squares = 0;
  for (let i = 0; i < vector.length; i++) squares += vector[i] * vector[i];
  const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i] * scale;
  return out;
}

export class ExactIndex {
  private readonly unitVectors: Float32Array; // [count, dim], each row unit length
  readonly count: number;

  /** `vectors` is [ids.length, dim] row-major. */
  constructor(
    readonly dim: number,
    readonly ids: readonly number[],
    vectors: Float32Array,
  ) {
    if (vectors.length !== ids.length * dim) {
      throw new DimensionMismatchError(`ExactIndex: ${vectors.length} values is not ${ids.length} vectors × ${dim} dims`);
    }
    this.count = ids.length;
    this.unitVectors = new Float32Array(vectors.length);
    for (let row = 0; row < this.count; row++) {
      this.unitVectors.set(normalized(vectors.subarray(row * dim, (row + 1) * dim)), row * dim);
    }
  }

  search(query: ArrayLike<number>, k: number): Neighbor[] {
    if (query.length !== this.dim) {
      throw new DimensionMismatchError(`ExactIndex: query has ${query.length} dims, index has ${this.dim}`);
    }
    const unitQuery = normalized(query); // [dim]
    const best = new TopK(Math.min(k, this.count));
    const { dim, unitVectors } = this;
    for (let row = 0, offset = 0; row < this.count; row++, offset += dim) {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += unitQuery[i] * unitVectors[offset + i];
      best.push(row, dot);
    }
    return best.sorted().map(([row, score]) => ({ id: this.ids[row], score }));
  }
}
